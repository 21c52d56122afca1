"""Invariant 2 under real concurrency: confirmed registrations and open offers never
exceed the places, whatever the number of parallel writers.

Threads each with their own connection, against the real test database (a file on
SQLite, a server on PostgreSQL). All threads wait at a barrier so they start at once,
and close their connection at the end. A thread may only end with a registration or a
clean `RuleViolation`; anything else (an IntegrityError, "database is locked", a
deadlock) fails the test. On PostgreSQL at most `PG_CONNECTIONS` threads hold a
connection at a time, so the test stays within the server's connection limit.
"""

import itertools
import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.events import selectors, services
from batteriet.events.models import Registration, RegistrationStatus
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

S = RegistrationStatus
PG_CONNECTIONS = 30


def run_in_parallel(work: list[Callable[[], object]]) -> list[object]:
    """Run each callable in its own thread, all released at once. Returns one outcome per
    callable: what it returned, or the RuleViolation's code; any other exception is re-raised."""
    barrier = threading.Barrier(len(work))
    limit = threading.BoundedSemaphore(PG_CONNECTIONS if connection.vendor == "postgresql" else len(work))
    outcomes: list[object] = [None] * len(work)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            with limit:
                try:
                    outcomes[index] = job()
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
    return outcomes


def register(event, person) -> Callable[[], str]:
    def job() -> str:
        (registration,) = services.registration_create(actor=person, event=event)
        return registration.status

    return job


def in_line(event) -> list[Registration]:
    return list(Registration.objects.filter(event=event).order_by("position_at", "id"))


def assert_never_overbooked(event) -> None:
    event.refresh_from_db()
    held = Registration.objects.filter(event=event, status__in=S.holding_a_place()).count()
    assert held <= event.capacity


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


def test_a_hundred_registrations_for_twenty_places_confirm_twenty_and_queue_eighty(centre):
    event = factories.EventFactory(capacity=20, centres=[centre])
    people = [factories.UserFactory() for _ in range(100)]

    outcomes = run_in_parallel([register(event, person) for person in people])

    assert Counter(outcomes) == {S.CONFIRMED: 20, S.WAITING: 80}
    line = in_line(event)
    assert len(line) == 100
    # The first twenty committed got the places; everyone after them waits, in commit order.
    assert [registration.status for registration in line] == [S.CONFIRMED] * 20 + [S.WAITING] * 80
    positions = [registration.position_at for registration in line]
    assert all(earlier < later for earlier, later in itertools.pairwise(positions))
    # Ids are given inside the locked section too: the same order again.
    assert [registration.pk for registration in line] == sorted(registration.pk for registration in line)
    assert list(selectors.waiting_list(event)) == line[20:]
    assert selectors.places_left(event) == 0


def test_parallel_cancellations_and_offer_accepts_never_exceed_the_places(centre):
    event = factories.EventFactory(capacity=20, centres=[centre])
    confirmed = [
        services.registration_create(actor=factories.UserFactory(), event=event)[0] for _ in range(20)
    ]
    waiting = [services.registration_create(actor=factories.UserFactory(), event=event)[0] for _ in range(40)]
    for registration in confirmed[:8]:
        services.registration_cancel(actor=registration.person, registration=registration)
    offered = [registration for registration in in_line(event) if registration.status == S.OFFERED]
    assert offered == waiting[:8]

    work: list[Callable[[], object]] = []
    for registration in offered:
        work.append(
            lambda r=registration: services.registration_offer_accept(actor=r.person, registration=r).status
        )
    for registration in confirmed[8:18]:
        work.append(
            lambda r=registration: services.registration_cancel(actor=r.person, registration=r).status
        )
    for registration in waiting[30:35]:
        work.append(
            lambda r=registration: services.registration_cancel(actor=r.person, registration=r).status
        )
    for _ in range(10):
        work.append(register(event, factories.UserFactory()))

    outcomes = run_in_parallel(work)

    assert outcomes[:8] == [S.CONFIRMED] * 8
    assert outcomes[8:23] == [S.CANCELLED] * 15
    assert outcomes[23:] == [S.WAITING] * 10  # people were waiting, so newcomers queue
    assert_never_overbooked(event)
    held = Registration.objects.filter(event=event, status__in=S.holding_a_place())
    assert held.count() == 20  # every freed place went to someone waiting
    # Offers went down the line in order: nobody still waiting was ahead of someone offered.
    still_waiting = [r.position_at for r in in_line(event) if r.status == S.WAITING]
    came_from_line = [r.position_at for r in held if r.pk in {w.pk for w in waiting}]
    assert max(came_from_line) < min(still_waiting)

    # Accepting the new offers in parallel with more cancellations keeps the count.
    new_offers = list(Registration.objects.filter(event=event, status=S.OFFERED))
    assert len(new_offers) == 10
    work = [
        lambda r=registration: services.registration_offer_accept(actor=r.person, registration=r).status
        for registration in new_offers
    ]
    work += [
        lambda r=registration: services.registration_cancel(actor=r.person, registration=r).status
        for registration in confirmed[18:]
    ]
    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {S.CONFIRMED: 10, S.CANCELLED: 2}
    assert_never_overbooked(event)
    assert Registration.objects.filter(event=event, status__in=S.holding_a_place()).count() == 20


def test_parallel_expiry_runs_offer_each_place_once(centre):
    event = factories.EventFactory(capacity=10, centres=[centre])
    confirmed = [
        services.registration_create(actor=factories.UserFactory(), event=event)[0] for _ in range(10)
    ]
    waiting = [services.registration_create(actor=factories.UserFactory(), event=event)[0] for _ in range(20)]
    for registration in confirmed[:5]:
        services.registration_cancel(actor=registration.person, registration=registration)
    offers = Registration.objects.filter(event=event, status=S.OFFERED)
    deadline = max(offers.values_list("offer_expires_at", flat=True))

    outcomes = run_in_parallel([lambda: services.offers_expire(now=deadline) for _ in range(8)])

    assert sum(outcomes) == 5
    statuses = {r.pk: r.status for r in in_line(event)}
    assert [statuses[r.pk] for r in waiting[:5]] == [S.EXPIRED] * 5
    assert [statuses[r.pk] for r in waiting[5:10]] == [S.OFFERED] * 5
    assert [statuses[r.pk] for r in waiting[10:]] == [S.WAITING] * 10
    assert_never_overbooked(event)
    assert AuditEntry.objects.filter(action="registration.offered").count() == 10
    assert services.offers_expire(now=deadline) == 0


def test_parallel_group_registrations_take_whole_places_or_wait_together(centre):
    event = factories.EventFactory(capacity=20, centres=[centre])
    chooser = random.Random(27112026)
    work, groups = [], []
    for index in range(25):
        organisation, contact = factories.booker(centre)
        members = [factories.member(organisation) for _ in range(chooser.randrange(1, 5))]
        partial = index % 3 == 0
        groups.append((members, partial))
        work.append(
            lambda c=contact, m=members, o=organisation, p=partial: [
                r.status
                for r in services.registration_create(
                    actor=c, event=event, people=m, organisation=o, accept_partial=p
                )
            ]
        )

    outcomes = run_in_parallel(work)

    assert_never_overbooked(event)
    assert sum(len(members) for members, _partial in groups) > 20
    for statuses, (members, partial) in zip(outcomes, groups, strict=True):
        assert len(statuses) == len(members)
        if not partial:
            assert len(set(statuses)) == 1, statuses  # all or none
        # Within a group the first ones get the places.
        assert statuses == sorted(statuses, key=lambda status: status != S.CONFIRMED)
    line = in_line(event)
    confirmed = [r for r in line if r.status == S.CONFIRMED]
    first_waiting = next(r.position_at for r in line if r.status == S.WAITING)
    # Once someone waits, everyone after them waits: nobody jumped the line.
    assert all(r.position_at < first_waiting for r in confirmed)
    assert len(confirmed) <= 20
