"""A member registers for a course and cancels again with the keyboard alone.

Only key presses and typing: Tab to move, arrow keys in radio groups, Space for check
boxes, Enter to follow links and send forms (see test_keyboard.py).
"""

import pytest
from django.urls import reverse

from batteriet.events.models import Question, Registration
from tests import factories
from tests.browser.test_keyboard import assert_accessible, choose_radio, fill, follow, path_of, send, tick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _start(page, event) -> None:
    """From the event page, follow its link to the form."""
    register = reverse("events:register", args=[event.pk])
    page.goto(reverse("events:detail", args=[event.pk]))
    follow(page, f"#main a[href='{register}']")


def test_a_member_registers_with_answers_and_cancels_by_keyboard(site, new_context):
    event = factories.EventFactory(title="Tastaturkurset", centres=[site.centre], capacity=10)
    meal = Question.objects.create(
        event=event, label="Which meal?", kind="choice", choices="Meat\nVegetarian", required=True
    )
    need = Question.objects.create(
        event=event, label="Access needs", kind="text", is_special_need=True, position=1
    )
    page = new_context(user=site.member, language="en").new_page()

    _start(page, event)
    assert path_of(page) == reverse("events:register", args=[event.pk])
    choose_radio(page, f"question_{meal.pk}", "Vegetarian")
    fill(page, f"#id_question_{need.pk}", "Step-free entrance")
    tick(page, "#id_consent")
    send(page)

    registration = Registration.objects.get(event=event, person=site.member)
    assert path_of(page) == reverse("events:registration", args=[registration.pk])
    assert "you have a place" in page.locator("#main").inner_text()
    assert registration.status == "confirmed"
    assert registration.needs_consent_at is not None
    assert dict(registration.answers.values_list("question__label", "value")) == {
        "Which meal?": "Vegetarian",
        "Access needs": "Step-free entrance",
    }
    assert_accessible(page, "en")

    follow(page, f"#main a[href='{reverse('events:registration_cancel', args=[registration.pk])}']")
    assert_accessible(page, "en")
    send(page, "#main form button[type=submit]")
    assert path_of(page) == reverse("events:registration", args=[registration.pk])
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert "The registration is cancelled" in page.locator("#main").inner_text()


def test_the_consent_box_error_is_reached_from_the_summary_by_keyboard(site, new_context):
    event = factories.EventFactory(title="Samtykkekurset", centres=[site.centre])
    need = Question.objects.create(event=event, label="Access needs", kind="text", is_special_need=True)
    page = new_context(user=site.member, language="en").new_page()
    page.goto(reverse("events:register", args=[event.pk]))
    fill(page, f"#id_question_{need.pk}", "Hearing loop")
    send(page)
    assert path_of(page) == reverse("events:register", args=[event.pk])
    assert "tick the box" in page.locator("#id_consent_error").inner_text()
    assert not Registration.objects.filter(event=event).exists()
    assert_accessible(page, "en")
