"""The free times people can book (`selectors.free_times`): what they leave out, and a
fixed number of queries however long the range and however many appointments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from batteriet.centres.models import StaffAssignment
from batteriet.core import time as clock
from batteriet.guidance import selectors
from batteriet.guidance.models import Absence
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
TEN, TWELVE = dt.time(10), dt.time(12)


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def adviser(centre):
    return factories.staff(centre)


@pytest.fixture
def day():
    return factories.bookable_day(weekday=1)


def starts(times) -> list[dt.datetime]:
    return [start for _adviser, start, _end in times]


def test_a_weekly_slot_gives_its_times_with_the_adviser(centre, adviser, day):
    factories.availability(adviser, centre, 1, TEN, TWELVE)

    times = selectors.free_times(centre, day, day)

    assert times == [
        (adviser, at(day, 10), at(day, 11)),
        (adviser, at(day, 11), at(day, 12)),
    ]


def test_taken_times_and_absences_are_left_out(centre, adviser, day):
    factories.availability(adviser, centre, 1, TEN, TWELVE)
    request = factories.guidance_request_row(centre)
    factories.appointment_row(request, adviser, at(day, 10, 30), at(day, 11), status="proposed")
    later = day + dt.timedelta(weeks=1)
    Absence.objects.create(adviser=adviser, starts_at=at(later, 0), ends_at=at(later, 23))

    times = selectors.free_times(centre, day, later)

    assert starts(times) == [at(day, 11)]


def test_cancelled_appointments_free_the_time(centre, adviser, day):
    factories.availability(adviser, centre, 1, TEN, TWELVE)
    request = factories.guidance_request_row(centre)
    factories.appointment_row(request, adviser, at(day, 10), at(day, 11), status="cancelled")

    assert starts(selectors.free_times(centre, day, day)) == [at(day, 10), at(day, 11)]


def test_an_appointment_at_another_centre_takes_the_adviser_here_too(centre, adviser, day):
    other = factories.CentreFactory(slug="bergen", name="Batteriet Bergen")
    StaffAssignment.objects.create(user=adviser, centre=other, role="adviser")
    factories.availability(adviser, centre, 1, TEN, TWELVE)
    factories.appointment_row(factories.guidance_request_row(other), adviser, at(day, 11), at(day, 12))

    assert starts(selectors.free_times(centre, day, day)) == [at(day, 10)]
    assert selectors.free_times(other, day, day) == []  # no slots there


def test_only_advisers_who_still_work_at_the_centre(centre, adviser, day):
    factories.availability(adviser, centre, 1, TEN, TWELVE)
    StaffAssignment.objects.filter(user=adviser).delete()

    assert selectors.free_times(centre, day, day) == []


def test_one_adviser_only_when_asked(centre, adviser, day):
    other = factories.staff(centre)
    factories.availability(adviser, centre, 1, TEN, TWELVE)
    factories.availability(other, centre, 1, dt.time(13), dt.time(14))

    assert {a for a, _s, _e in selectors.free_times(centre, day, day)} == {adviser, other}
    assert starts(selectors.free_times(centre, day, day, adviser=other)) == [at(day, 13)]


def test_nothing_sooner_than_two_hours_nor_further_than_ninety_days(centre, adviser, monkeypatch):
    for weekday in range(7):
        factories.availability(adviser, centre, weekday, dt.time(8), dt.time(20))
    day = factories.bookable_day(weekday=2)
    monkeypatch.setattr(timezone, "now", lambda: at(day, 11, 30))

    soon = selectors.free_times(centre, day - dt.timedelta(days=5), day)
    far = selectors.free_times(centre, day + dt.timedelta(days=85), day + dt.timedelta(days=200))

    assert starts(soon) == [at(day, hour) for hour in range(14, 20)]  # 13:30 is two hours ahead
    last_day = day + dt.timedelta(days=90)
    last_found = starts(far)[-1].astimezone(clock.OSLO)
    assert last_day - dt.timedelta(days=3) <= last_found.date() <= last_day  # a holiday may end it early
    assert last_found.time() == dt.time(19)


def test_a_range_in_the_past_is_empty_without_a_query(centre, adviser, django_assert_num_queries):
    factories.availability(adviser, centre, 1, TEN, TWELVE)
    with django_assert_num_queries(0):
        assert selectors.free_times(centre, dt.date(2020, 1, 1), dt.date(2020, 2, 1)) == []


def test_three_queries_however_long_the_range_and_however_many_appointments(centre, day):
    advisers = [factories.staff(centre) for _ in range(4)]
    for adviser in advisers:
        for weekday in range(5):
            factories.availability(adviser, centre, weekday, dt.time(9), dt.time(15), minutes=30)
    request = factories.guidance_request_row(centre)

    def count(first: dt.date, last: dt.date) -> int:
        with CaptureQueriesContext(connection) as queries:
            times = selectors.free_times(centre, first, last)
        assert times
        return len(queries)

    short = count(day, day)
    for week in range(8):
        for adviser in advisers:
            start = at(day + dt.timedelta(weeks=week), 9)
            factories.appointment_row(request, adviser, start, start + dt.timedelta(minutes=30))
            Absence.objects.create(
                adviser=adviser,
                starts_at=start + dt.timedelta(hours=3),
                ends_at=start + dt.timedelta(hours=4),
            )
    long = count(day, day + dt.timedelta(days=90))

    assert short == long == 3
