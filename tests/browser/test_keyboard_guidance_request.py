"""A person asks for guidance and books a free time with the keyboard alone.

Only key presses and typing: Tab to move, arrow keys and Space in radio groups, Enter to
follow links and send forms (see test_keyboard.py).
"""

import datetime as dt

import pytest
from django.urls import reverse

from batteriet.guidance import selectors_ask
from batteriet.guidance.models import GuidanceRequest, RequestStatus
from tests import factories
from tests.browser.test_keyboard import assert_accessible, choose_radio, fill, follow, path_of, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEND = "#main form.form button[type=submit]"


def test_a_person_asks_for_guidance_and_books_a_free_time_by_keyboard(site, new_context):
    factories.availability(site.adviser, site.centre, 1, dt.time(10), dt.time(12))
    day = factories.bookable_day(weekday=1)
    ten = factories.at(day, 10)
    page = new_context(user=site.initiator, language="en").new_page()

    page.goto(reverse("guidance:start"))
    ask = reverse("guidance:ask", args=[site.centre.slug])
    follow(page, f"#main a[href='{ask}']")
    assert path_of(page) == ask

    choose_radio(page, "role", "initiator")
    choose_radio(page, "topic", "statutes")
    fill(page, "#id_situation", "We want to write statutes for our new group.")
    choose_radio(page, "mode", "video")
    fill(page, "#id_language_need", "English, please")
    choose_radio(page, "time", selectors_ask.time_value(site.adviser.pk, ten))
    send(page, SEND)

    request = GuidanceRequest.objects.get(requested_by=site.initiator)
    assert path_of(page) == reverse("guidance:request", args=[request.pk])
    assert request.status == RequestStatus.SCHEDULED
    assert (request.topic, request.mode, request.language_need) == ("statutes", "video", "English, please")
    assert request.appointments.get().starts_at == ten
    text = page.locator("#main").inner_text()
    assert "Your time is booked" in text
    assert "10:00–11:00" in text
    assert_accessible(page, "en")


def test_a_missing_answer_is_reached_from_the_error_summary_by_keyboard(site, new_context):
    factories.availability(site.adviser, site.centre, 1, dt.time(10), dt.time(12))
    page = new_context(user=site.member, language="en").new_page()
    ask = reverse("guidance:ask", args=[site.centre.slug])
    page.goto(ask)
    choose_radio(page, "role", "representative")
    send(page, SEND)
    assert path_of(page) == ask
    assert "Write a few words about your situation" in page.locator("#id_situation_error").inner_text()
    assert not GuidanceRequest.objects.exists()
    assert_accessible(page, "en")
