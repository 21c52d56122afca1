"""An adviser is never booked twice, under real concurrency: threads each with their own
connection against the real test database (a file on SQLite, a server on PostgreSQL,
where the exclusion constraint of migration 0002 is the backstop behind the lock on the
adviser's row). Run on PostgreSQL with
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_guidance1`.

All threads wait at a barrier so they start at once, and close their connection at the
end. A thread may only end with a result or a clean `RuleViolation`; anything else (an
IntegrityError, "database is locked", a deadlock) fails the test.
"""

import datetime as dt
import itertools
import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from batteriet.core.errors import RuleViolation
from batteriet.guidance.models import Appointment, AppointmentStatus
from batteriet.guidance.services import appointments as services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

at = factories.at
PG_CONNECTIONS = 30


def run_in_parallel(work: list[Callable[[], object]]) -> list[str]:
    """Run each callable in its own thread, all released at once. Returns one outcome per
    callable: "ok" or the RuleViolation's code; any other exception fails the test."""
    barrier = threading.Barrier(len(work))
    limit = threading.BoundedSemaphore(PG_CONNECTIONS if connection.vendor == "postgresql" else len(work))
    outcomes: list[str | None] = [None] * len(work)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            with limit:
                try:
                    job()
                    outcomes[index] = "ok"
                finally:
                    connection.close()
        except RuleViolation as violation:
            outcomes[index] = violation.code
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert errors == [], f"unexpected errors: {[repr(error) for error in errors]}"
    return [outcome or "nothing" for outcome in outcomes]


def taking_time(adviser) -> list[tuple[dt.datetime, dt.datetime]]:
    return list(
        Appointment.objects.filter(adviser=adviser, status__in=AppointmentStatus.taking_time())
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )


def assert_never_twice(adviser) -> None:
    for (a_start, a_end), (b_start, b_end) in itertools.combinations(taking_time(adviser), 2):
        assert a_end <= b_start or b_end <= a_start, "the adviser is booked twice"


def book(person, centre, adviser, starts_at) -> Callable[[], object]:
    return lambda: services.request_create(
        actor=person,
        centre=centre,
        role="initiator",
        topic="starting",
        situation="Vi vil starte en forening.",
        mode="centre",
        starts_at=starts_at,
        adviser=adviser,
    )


def propose(staff, request, adviser, starts_at, ends_at) -> Callable[[], object]:
    return lambda: services.appointment_propose(
        actor=staff, request=request, adviser=adviser, starts_at=starts_at, ends_at=ends_at, mode="phone"
    )


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def adviser(centre):
    adviser = factories.staff(centre)
    factories.availability(adviser, centre, 1, dt.time(8), dt.time(16))  # Tuesdays, hourly
    return adviser


@pytest.fixture
def day():
    return factories.bookable_day(weekday=1)


def test_twenty_people_booking_one_adviser_time_give_exactly_one_appointment(centre, adviser, day):
    people = [factories.UserFactory() for _ in range(20)]

    outcomes = run_in_parallel([book(person, centre, adviser, at(day, 10)) for person in people])

    assert Counter(outcomes) == {"ok": 1, "adviser_conflict": 19}
    assert taking_time(adviser) == [(at(day, 10), at(day, 11))]
    # The losers' requests were rolled back with their appointment: nothing half-stored.
    assert Appointment.objects.count() == 1
    assert adviser.guidance_assigned.count() == 1


def test_parallel_proposals_and_bookings_of_overlapping_times_give_exactly_one(centre, adviser, day):
    staff = factories.staff(centre)
    work = []
    for index in range(20):
        if index % 2:
            request = factories.guidance_request_row(centre)
            work.append(propose(staff, request, adviser, at(day, 10, 30), at(day, 11, 30)))
        else:
            work.append(book(factories.UserFactory(), centre, adviser, at(day, 10)))

    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {"ok": 1, "adviser_conflict": 19}
    assert len(taking_time(adviser)) == 1
    assert_never_twice(adviser)


def test_parallel_reschedules_into_one_time_move_exactly_one(centre, adviser, day):
    hours = [8, 9, 10, 12, 13, 14, 15]
    people = [factories.UserFactory() for _ in hours]
    for person, hour in zip(people, hours, strict=True):
        book(person, centre, adviser, at(day, hour))()
    appointments = list(Appointment.objects.order_by("starts_at"))
    work = [
        # Half move themselves, half are moved by the adviser: the same rule for both.
        lambda a=appointment, p=person, i=index: services.appointment_reschedule(
            actor=p if i % 2 else adviser, appointment=a, starts_at=at(day, 11)
        )
        for index, (appointment, person) in enumerate(zip(appointments, people, strict=True))
    ]

    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {"ok": 1, "adviser_conflict": 6}
    moved = outcomes.index("ok")
    times = dict(Appointment.objects.values_list("pk", "starts_at"))
    assert times[appointments[moved].pk] == at(day, 11)
    for index, appointment in enumerate(appointments):
        if index != moved:
            assert times[appointment.pk] == at(day, hours[index])  # the old time is kept
    assert_never_twice(adviser)


def test_a_random_mix_of_writers_never_books_the_adviser_twice(centre, adviser, day):
    """Bookings, proposals of any length, reschedules and cancellations at once."""
    chooser = random.Random(20270323)
    staff = factories.staff(centre)
    existing = []
    for hour in (8, 12, 15):
        person = factories.UserFactory()
        book(person, centre, adviser, at(day, hour))()
        existing.append((person, Appointment.objects.get(starts_at=at(day, hour))))
    work: list[Callable[[], object]] = []
    for _ in range(12):
        work.append(book(factories.UserFactory(), centre, adviser, at(day, chooser.randrange(8, 16))))
    for _ in range(12):
        start = at(day, 8) + dt.timedelta(minutes=15 * chooser.randrange(0, 32))
        length = dt.timedelta(minutes=15 * chooser.randrange(1, 9))
        work.append(propose(staff, factories.guidance_request_row(centre), adviser, start, start + length))
    for person, appointment in existing[:2]:
        target = at(day, chooser.choice([9, 10, 11, 13, 14]))
        work.append(
            lambda p=person, a=appointment, t=target: services.appointment_reschedule(
                actor=p, appointment=a, starts_at=t
            )
        )
    person, appointment = existing[2]
    work.append(lambda: services.appointment_cancel(actor=person, appointment=appointment))

    outcomes = run_in_parallel(work)

    assert set(outcomes) <= {"ok", "adviser_conflict"}
    assert outcomes.count("ok") >= 2
    assert_never_twice(adviser)
