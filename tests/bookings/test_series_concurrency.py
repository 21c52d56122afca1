"""Invariant 1 with recurring bookings: parallel series and single bookings of the same
rooms never overlap. Real threads, each with its own connection, against the real test
database (a file on SQLite, a server on PostgreSQL), released at once by a barrier."""

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Callable

import pytest

from batteriet.bookings import recurrence, rules
from batteriet.bookings.models import Booking, BookingStatus, Occupancy, RecurrenceFrequency, Series
from batteriet.bookings.services import series as series_services
from batteriet.core import time as clock
from tests import factories
from tests.bookings.test_concurrency import bookers, create, run_in_parallel
from tests.bookings.test_series_services import ordinary_weeks

pytestmark = pytest.mark.django_db(transaction=True)

at = factories.at
WEEKS = 4


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def monday():
    return ordinary_weeks(weekday=0, weeks=WEEKS)


def weekly(monday: dt.date, weekdays: tuple[int, ...], start: dt.time, end: dt.time) -> recurrence.Pattern:
    return recurrence.Pattern(
        frequency=RecurrenceFrequency.WEEKLY,
        interval=1,
        weekdays=weekdays,
        first_day=monday,
        starts_at_time=start,
        ends_at_time=end,
        until=monday + dt.timedelta(weeks=WEEKS) - dt.timedelta(days=1),
    )


def book_series(actor, resource, organisation, pattern, book="free") -> Callable[[], Series]:
    return lambda: series_services.series_create(
        actor=actor, resource=resource, organisation=organisation, pattern=pattern, purpose="Kurs", book=book
    )


def assert_no_overlaps(related: Callable[[Booking, Booking], bool] = lambda a, b: True) -> list[Booking]:
    held = list(Booking.objects.filter(status__in=BookingStatus.blocking()).select_related("resource"))
    for a, b in itertools.combinations(held, 2):
        if a.resource_id == b.resource_id or related(a, b):
            buffer = a.resource.buffer
            assert not rules.intervals_overlap(
                a.starts_at, a.ends_at + buffer, b.starts_at, b.ends_at + buffer
            ), (
                a,
                b,
            )
    return held


def test_parallel_series_and_single_bookings_never_overlap(centre, monday):
    room = factories.ResourceFactory.bookable_now(centre=centre, buffer_minutes=15)
    chooser = random.Random(20270517)
    work = []
    people = bookers(centre, 30)
    for organisation, person in people[:10]:
        start = dt.time(9 + chooser.randrange(0, 6), chooser.choice([0, 30]))
        end = (dt.datetime.combine(monday, start) + dt.timedelta(minutes=30 * chooser.randrange(2, 5))).time()
        weekdays = tuple(sorted(chooser.sample(range(5), chooser.randrange(1, 4))))
        work.append(book_series(person, room, organisation, weekly(monday, weekdays, start, end)))
    for organisation, person in people[10:]:
        day = monday + dt.timedelta(days=chooser.randrange(0, 7 * WEEKS - 2))
        start = at(day, 9) + dt.timedelta(minutes=30 * chooser.randrange(0, 12))
        work.append(
            create(person, room, organisation, start, start + dt.timedelta(hours=chooser.randrange(1, 3)))
        )

    outcomes = run_in_parallel(work)

    allowed = {"booked", "booking_conflict", "series_nothing_free", "outside_opening_hours", "closed"}
    assert set(outcomes) <= allowed, Counter(outcomes)
    assert outcomes[:10].count("booked") >= 1
    held = assert_no_overlaps()
    assert Occupancy.objects.count() == len(held)
    # Every series stored holds at least one time, and every time belongs to a stored series or a single booking.
    assert Series.objects.count() == outcomes[:10].count("booked")
    assert not Series.objects.filter(occurrences__isnull=True).exists()


def test_two_identical_series_all_or_nothing_exactly_one_wins(centre, monday):
    room = factories.ResourceFactory.bookable_now(centre=centre)
    pattern = weekly(monday, (0, 2, 4), dt.time(10), dt.time(12))
    work = [
        book_series(person, room, organisation, pattern, book="all")
        for organisation, person in bookers(centre, 8)
    ]

    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {"booked": 1, "series_not_all_free": 7} or Counter(outcomes) == {
        "booked": 1,
        "series_nothing_free": 7,
    }
    assert Series.objects.count() == 1
    assert Booking.objects.filter(status__in=BookingStatus.blocking()).count() == 3 * WEEKS
    assert_no_overlaps()


def test_parallel_series_on_a_hall_and_its_parts_never_overlap(centre, monday):
    hall, parts = factories.ResourceFactory.hall_with_parts(centre=centre, parts=2, requires_approval=False)
    choices = [hall, *parts]
    chooser = random.Random(31102027)
    work = []
    for organisation, person in bookers(centre, 16):
        resource = chooser.choice(choices)
        start = dt.time(9 + chooser.randrange(0, 5))
        end = dt.time(start.hour + chooser.randrange(1, 3))
        if chooser.random() < 0.5:
            weekdays = tuple(sorted(chooser.sample(range(5), 2)))
            work.append(book_series(person, resource, organisation, weekly(monday, weekdays, start, end)))
        else:
            day = monday + dt.timedelta(days=chooser.randrange(0, 5))
            work.append(create(person, resource, organisation, at(day, start.hour), at(day, end.hour)))

    outcomes = run_in_parallel(work)

    assert set(outcomes) <= {"booked", "booking_conflict", "series_nothing_free"}, Counter(outcomes)
    assert_no_overlaps(lambda a, b: hall.pk in {a.resource_id, b.resource_id})


def test_series_move_and_cancel_in_parallel_with_new_bookings_never_overlap(centre, monday):
    """While an organisation moves its later times, others book the times it moves to or leaves."""
    room = factories.ResourceFactory.bookable_now(centre=centre)
    owner, owner_person = factories.booker(centre)
    series = series_services.series_create(
        actor=owner_person,
        resource=room,
        organisation=owner,
        pattern=weekly(monday, (1,), dt.time(10), dt.time(11)),
        purpose="Kurs",
    )
    first = series.occurrences.order_by("starts_at").first()
    work: list[Callable[[], object]] = [
        lambda: series_services.series_change_from(
            actor=owner_person, booking=first, starts_at_time=dt.time(13), ends_at_time=dt.time(14)
        )
    ]
    tuesdays = [monday + dt.timedelta(days=1, weeks=n) for n in range(WEEKS)]
    for index, (organisation, person) in enumerate(bookers(centre, 12)):
        day = tuesdays[index % WEEKS]
        hour = 13 if index % 3 else 10
        work.append(create(person, room, organisation, at(day, hour), at(day, hour + 1)))

    outcomes = run_in_parallel(work)

    assert set(outcomes) <= {"booked", "booking_conflict", "series_change_refused"}, Counter(outcomes)
    held = assert_no_overlaps()
    assert Occupancy.objects.count() == len(held)
    series_times = {b.starts_at.astimezone(clock.OSLO).hour for b in series.occurrences.all()}
    assert series_times in ({10}, {13})  # all moved, or none
