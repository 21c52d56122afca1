"""Invariant 1 under real concurrency: parallel threads, each with its own connection,
against the real test database (a file on SQLite, a server on PostgreSQL).

Every thread waits at a barrier so they all start at once, and closes its connection at
the end. A thread may only end with a booking or a clean `RuleViolation`; anything else
(an IntegrityError, "database is locked", a deadlock) fails the test.
"""

import datetime as dt
import itertools
import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from batteriet.bookings import rules, services
from batteriet.bookings.models import Booking, BookingStatus, Occupancy
from batteriet.core.errors import RuleViolation
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

at = factories.at


def run_in_parallel(work: list[Callable[[], object]]) -> list[str]:
    """Run each callable in its own thread, all released at once. Returns one outcome per
    callable: "booked" or the RuleViolation's code; any other exception is re-raised."""
    barrier = threading.Barrier(len(work))
    outcomes: list[str | None] = [None] * len(work)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            job()
            outcomes[index] = "booked"
        except RuleViolation as violation:
            outcomes[index] = violation.code
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert errors == [], f"unexpected errors: {[repr(error) for error in errors]}"
    return [outcome or "nothing" for outcome in outcomes]


def bookers(centre, count: int) -> list[tuple]:
    """Different organisations, so only the booking rule itself stands between them."""
    return [factories.booker(centre) for _ in range(count)]


def create(actor, resource, organisation, starts_at, ends_at, **kwargs) -> Callable[[], Booking]:
    return lambda: services.booking_create(
        actor=actor,
        resource=resource,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose="Samling",
        **kwargs,
    )


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def day():
    return factories.bookable_day(weekday=2)


def test_fifty_writers_for_one_slot_give_exactly_one_booking(centre, day):
    room = factories.ResourceFactory.bookable_now(centre=centre)
    work = [
        create(person, room, organisation, at(day, 10), at(day, 12))
        for organisation, person in bookers(centre, 50)
    ]

    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {"booked": 1, "booking_conflict": 49}
    assert Booking.objects.filter(status__in=BookingStatus.blocking()).count() == 1
    assert Occupancy.objects.count() == 1


def test_parallel_writers_with_different_times_never_overlap(centre, day):
    """Writers ask for random, partly overlapping times; the stored ones are disjoint."""
    room = factories.ResourceFactory.bookable_now(centre=centre, buffer_minutes=15)
    chooser = random.Random(20270105)
    work = []
    for organisation, person in bookers(centre, 30):
        start = at(day, 9) + dt.timedelta(minutes=15 * chooser.randrange(0, 24))
        work.append(
            create(
                person, room, organisation, start, start + dt.timedelta(minutes=30 * chooser.randrange(1, 5))
            )
        )

    outcomes = run_in_parallel(work)

    assert set(outcomes) <= {"booked", "booking_conflict", "outside_opening_hours"}
    held = list(
        Booking.objects.filter(status__in=BookingStatus.blocking()).values_list("starts_at", "ends_at")
    )
    assert len(held) == outcomes.count("booked") >= 1
    buffer = dt.timedelta(minutes=15)
    for (a_start, a_end), (b_start, b_end) in itertools.combinations(held, 2):
        assert not rules.intervals_overlap(a_start, a_end + buffer, b_start, b_end + buffer)


def test_parallel_bookings_of_a_hall_and_its_parts_never_overlap(centre, day):
    hall, parts = factories.ResourceFactory.hall_with_parts(centre=centre, parts=3)
    choices = [hall, *parts]
    chooser = random.Random(17052027)
    work = []
    for organisation, person in bookers(centre, 40):
        start = at(day, 9) + dt.timedelta(minutes=30 * chooser.randrange(0, 10))
        resource = chooser.choice(choices)
        work.append(
            create(person, resource, organisation, start, start + dt.timedelta(hours=chooser.randrange(1, 3)))
        )

    outcomes = run_in_parallel(work)

    assert set(outcomes) <= {"booked", "booking_conflict", "outside_opening_hours"}
    held = list(Booking.objects.filter(status__in=BookingStatus.blocking()).select_related("resource"))
    assert len(held) == outcomes.count("booked") >= 2
    for a, b in itertools.combinations(held, 2):
        related = a.resource_id == b.resource_id or hall.pk in {a.resource_id, b.resource_id}
        if related:
            assert not rules.intervals_overlap(a.starts_at, a.ends_at, b.starts_at, b.ends_at), (a, b)


def test_parallel_equipment_loans_never_exceed_stock(centre, day):
    projector = factories.ResourceFactory.equipment(centre=centre, stock=3)
    chooser = random.Random(25102026)
    work = []
    for organisation, person in bookers(centre, 30):
        start = at(day, 9) + dt.timedelta(hours=chooser.randrange(0, 5))
        work.append(
            create(
                person,
                projector,
                organisation,
                start,
                start + dt.timedelta(hours=chooser.randrange(1, 3)),
                quantity=chooser.randrange(1, 3),
            )
        )

    outcomes = run_in_parallel(work)

    assert set(outcomes) <= {"booked", "not_enough_in_stock"}
    assert "not_enough_in_stock" in outcomes
    loans = list(
        Booking.objects.filter(status__in=BookingStatus.blocking()).values_list(
            "starts_at", "ends_at", "quantity"
        )
    )
    assert len(loans) == outcomes.count("booked")
    for minute in range(0, 8 * 60, 15):
        moment = at(day, 9) + dt.timedelta(minutes=minute)
        assert sum(quantity for start, end, quantity in loans if start <= moment < end) <= 3


def test_parallel_requests_of_one_organisation_never_exceed_the_weekly_quota(centre, settings):
    settings.BOOKING_WEEKLY_QUOTA = {"meeting_room": 3}
    monday = factories.bookable_day(weekday=0)
    rooms = [factories.ResourceFactory.bookable_now(centre=centre) for _ in range(2)]
    organisation, _contact = factories.booker(centre)
    people = [factories.member(organisation) for _ in range(10)]
    work = [
        create(
            person,
            rooms[index % 2],
            organisation,
            at(monday + dt.timedelta(days=index // 2), 10),
            at(monday + dt.timedelta(days=index // 2), 11),
        )
        for index, person in enumerate(people)
    ]

    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {"booked": 3, "quota_reached": 7}
    assert Booking.objects.filter(organisation=organisation, status__in=BookingStatus.blocking()).count() == 3
