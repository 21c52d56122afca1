"""Booking a recurring series with the keyboard alone: the form, the preview of every
time, and the choice "book the free ones" or "don't book any".

Only key presses and typing: radio buttons with the arrow keys, check boxes with Space,
buttons and links with Enter.
"""

import datetime as dt

import holidays
import pytest
from django.urls import reverse

from batteriet.bookings import week
from batteriet.bookings.models import Booking, BookingStatus, Series
from batteriet.core import time as clock
from tests.browser.test_keyboard import (
    assert_accessible,
    choose_radio,
    fill,
    follow,
    path_of,
    send,
    tab_to,
    tick,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEEKS = 3


def fill_the_series_form(page) -> None:
    """Every Tuesday, three times, 11:00–12:00, from the first day filled in."""
    choose_radio(page, "frequency", "weekly")
    tick(page, "input[name=weekdays][value='1']")
    fill(page, "#id_count", str(WEEKS))
    # Digits fill the hour and minute; "A"/"P" pick AM/PM where the browser shows a 12-hour clock.
    fill(page, "#id_starts_at", "1100A")
    fill(page, "#id_ends_at", "1200P")
    fill(page, "#id_purpose", "Norskkurs")
    fill(page, "#id_expected_people", "6")


def expected_free(site) -> list[dt.datetime]:
    """The Tuesdays of the series that can be booked: not the one taken (10–12), nor a holiday."""
    first_day = site.booking.starts_at.astimezone(clock.OSLO).date()
    calendar = holidays.country_holidays("NO", years=range(first_day.year, first_day.year + 2))
    days = [first_day + dt.timedelta(weeks=n) for n in range(WEEKS)]
    return [
        dt.datetime.combine(day, dt.time(11), tzinfo=clock.OSLO)
        for day in days
        if day != first_day and day not in calendar
    ]


def test_a_member_books_a_series_with_the_keyboard(site, new_context):
    page = new_context(user=site.contact, language="en").new_page()
    page.goto(reverse("bookings:resource", args=[site.room.pk]))
    # Week by week to the week of the existing booking: the series starts that week.
    target = week.monday_of(site.booking.starts_at.astimezone(clock.OSLO).date())
    for _ in range((target - week.monday_of(clock.local_today())).days // 7):
        follow(page, "#main .week-nav a:nth-of-type(2)")
    follow(page, f"#main a[href^='{reverse('bookings:series_create', args=[site.room.pk])}']")
    assert path_of(page) == reverse("bookings:series_create", args=[site.room.pk])
    assert page.input_value("#id_first_day") == max(target, clock.local_today()).isoformat()

    fill_the_series_form(page)
    send(page)

    # The preview: every time, in a table, the taken one with its reason in words.
    rows = page.locator("#main table tbody tr")
    assert rows.count() == WEEKS
    assert "Cannot be booked:" in rows.nth(0).inner_text()
    assert "This time is taken" in rows.nth(0).inner_text()
    free = expected_free(site)
    assert page.locator("#main td", has_text="Free").count() == len(free)
    assert Series.objects.count() == 0
    assert_accessible(page, "en")

    tab_to(page, "#main button[name=book][value=free]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    series = Series.objects.get()
    assert path_of(page) == reverse("bookings:series_detail", args=[series.pk])
    booked = list(series.occurrences.order_by("starts_at"))
    assert [booking.starts_at for booking in booked] == free
    assert {booking.status for booking in booked} == {BookingStatus.REQUESTED}
    assert {booking.organisation for booking in booked} == {site.organisation}
    assert f"{len(free)} times are requested." in page.locator("#main").inner_text()
    assert_accessible(page, "en")

    # From one of the times, cancel it and the later ones, still with the keyboard.
    follow(page, f"#main a[href='{reverse('bookings:detail', args=[booked[0].pk])}']")
    follow(page, f"#main a[href='{reverse('bookings:series_cancel_from', args=[booked[0].pk])}']")
    assert_accessible(page, "en")
    send(page)
    assert path_of(page) == reverse("bookings:series_detail", args=[series.pk])
    assert set(series.occurrences.values_list("status", flat=True)) == {BookingStatus.CANCELLED}


def test_a_member_books_none_of_the_times_with_the_keyboard(site, new_context):
    page = new_context(user=site.contact, language="nb").new_page()
    first_day = site.booking.starts_at.astimezone(clock.OSLO).date()
    page.goto(reverse("bookings:series_create", args=[site.room.pk]) + f"?dag={first_day.isoformat()}")
    fill_the_series_form(page)
    send(page)
    assert page.locator("#main table tbody tr").count() == WEEKS
    assert_accessible(page, "nb")
    bookings_before = Booking.objects.count()

    tab_to(page, "#main button[name=book][value=none]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert path_of(page) == reverse("bookings:resource", args=[site.room.pk])
    assert Series.objects.count() == 0
    assert Booking.objects.count() == bookings_before
