"""The waiting list under real concurrency (threads, each with its own connection, on the
real test database): a freed time is held for exactly one organisation, never beside
another booking, and an expired hold passes on exactly once however many jobs run."""

import itertools
from collections import Counter

import pytest

from batteriet.bookings import rules, services
from batteriet.bookings.models import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from batteriet.bookings.services import waitlist
from tests import factories
from tests.bookings.test_concurrency import create, run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True)

at = factories.at


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def day():
    return factories.bookable_day(weekday=3)


def _book(person, room, organisation, starts_at, ends_at) -> Booking:
    return create(person, room, organisation, starts_at, ends_at)()


def _wait(person, room, organisation, starts_at, ends_at) -> WaitlistEntry:
    return waitlist.waitlist_join(
        actor=person,
        resource=room,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose="Kurs",
    )


def _assert_no_overlap() -> None:
    blocking = list(
        Booking.objects.filter(status__in=BookingStatus.blocking()).values_list("starts_at", "ends_at")
    )
    for (a_start, a_end), (b_start, b_end) in itertools.combinations(blocking, 2):
        assert not rules.intervals_overlap(a_start, a_end, b_start, b_end)


def test_a_cancel_that_offers_the_time_while_others_try_to_book_it(centre, day):
    room = factories.ResourceFactory.bookable_now(centre=centre)
    holder, holder_person = factories.booker(centre)
    waiting, waiting_person = factories.booker(centre)
    taken = _book(holder_person, room, holder, at(day, 10), at(day, 12))
    entry = _wait(waiting_person, room, waiting, at(day, 10), at(day, 12))
    bookers = [factories.booker(centre) for _ in range(20)]
    work = [lambda: services.booking_cancel(actor=holder_person, booking=taken)]
    work += [create(person, room, organisation, at(day, 10), at(day, 12)) for organisation, person in bookers]

    outcomes = run_in_parallel(work)

    assert outcomes[0] == "booked"  # the cancel went through
    # Nobody slips in between: the time is freed and held in one transaction.
    assert set(outcomes[1:]) == {"booking_conflict"}
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert list(Booking.objects.filter(status__in=BookingStatus.blocking())) == [entry.offer]
    assert entry.offer.status == BookingStatus.HELD
    _assert_no_overlap()


def test_parallel_cancels_of_adjacent_bookings_offer_the_whole_time_once(centre, day):
    """Two bookings, 10–11 and 11–12, are cancelled at once; the organisation waiting for
    10–12 gets it held exactly once, however the two transactions interleave."""
    room = factories.ResourceFactory.bookable_now(centre=centre)
    holder, holder_person = factories.booker(centre)
    waiting, waiting_person = factories.booker(centre)
    early = _book(holder_person, room, holder, at(day, 10), at(day, 11))
    late = _book(holder_person, room, holder, at(day, 11), at(day, 12))
    entry = _wait(waiting_person, room, waiting, at(day, 10), at(day, 12))

    outcomes = run_in_parallel(
        [
            lambda booking=booking: services.booking_cancel(actor=holder_person, booking=booking)
            for booking in (early, late)
        ]
    )

    assert outcomes == ["booked", "booked"]
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert list(Booking.objects.filter(status=BookingStatus.HELD)) == [entry.offer]
    assert entry.offer.occupancies.count() == 1


def test_parallel_runs_of_the_expiry_job_offer_the_time_once(centre, day):
    room = factories.ResourceFactory.bookable_now(centre=centre)
    holder, holder_person = factories.booker(centre)
    (first, first_person), (second, second_person) = factories.booker(centre), factories.booker(centre)
    taken = _book(holder_person, room, holder, at(day, 10), at(day, 12))
    first_entry = _wait(first_person, room, first, at(day, 10), at(day, 12))
    second_entry = _wait(second_person, room, second, at(day, 10), at(day, 12))
    services.booking_cancel(actor=holder_person, booking=taken)
    first_entry.refresh_from_db()
    deadline = first_entry.offer.hold_expires_at
    released = [0] * 8

    def release(index: int) -> None:
        released[index] = waitlist.holds_release_expired(now=deadline)

    outcomes = run_in_parallel([lambda index=index: release(index) for index in range(8)])

    assert outcomes == ["booked"] * 8
    assert sum(released) == 1
    first_entry.refresh_from_db()
    second_entry.refresh_from_db()
    assert first_entry.status == WaitlistStatus.EXPIRED
    assert first_entry.offer.status == BookingStatus.EXPIRED
    assert second_entry.status == WaitlistStatus.OFFERED
    assert Counter(Booking.objects.values_list("status", flat=True)) == {
        BookingStatus.CANCELLED: 1,
        BookingStatus.EXPIRED: 1,
        BookingStatus.HELD: 1,
    }
    _assert_no_overlap()


def test_confirming_while_the_expiry_job_runs_ends_one_way_only(centre, day):
    """The job lets go of the hold at its deadline while the organisation confirms it: either
    the confirmation wins and nothing passes on, or the job wins and the next gets the time."""
    room = factories.ResourceFactory.bookable_now(centre=centre)
    holder, holder_person = factories.booker(centre)
    (first, first_person), (second, second_person) = factories.booker(centre), factories.booker(centre)
    taken = _book(holder_person, room, holder, at(day, 10), at(day, 12))
    first_entry = _wait(first_person, room, first, at(day, 10), at(day, 12))
    second_entry = _wait(second_person, room, second, at(day, 10), at(day, 12))
    services.booking_cancel(actor=holder_person, booking=taken)
    first_entry.refresh_from_db()
    held = first_entry.offer

    outcomes = run_in_parallel(
        [
            lambda: waitlist.waitlist_offer_accept(actor=first_person, booking=held),
            lambda: waitlist.holds_release_expired(now=held.hold_expires_at),
        ]
    )

    held.refresh_from_db()
    second_entry.refresh_from_db()
    if outcomes[0] == "booked":
        assert held.status == BookingStatus.CONFIRMED
        assert second_entry.status == WaitlistStatus.WAITING
    else:
        assert outcomes[0] == "hold_expired"
        assert held.status == BookingStatus.EXPIRED
        assert second_entry.status == WaitlistStatus.OFFERED
    assert outcomes[1] == "booked"
    assert Booking.objects.filter(status__in=BookingStatus.blocking()).count() == 1
    _assert_no_overlap()
