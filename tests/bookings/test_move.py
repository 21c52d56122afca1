"""Moving a booking: to another time or another resource, all or nothing."""

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest

from batteriet.bookings import services
from batteriet.bookings.models import Booking, BookingStatus, Closure, Occupancy, Resource
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.organisations.models import Agreement
from tests import factories
from tests.bookings.test_concurrency import run_in_parallel

at = factories.at


def book(actor, resource, organisation, starts_at, ends_at, **kwargs) -> Booking:
    kwargs.setdefault("purpose", "Styremøte")
    return services.booking_create(
        actor=actor,
        resource=resource,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        **kwargs,
    )


def move(actor, booking, starts_at, ends_at, **kwargs) -> Booking:
    return services.booking_move(actor=actor, booking=booking, starts_at=starts_at, ends_at=ends_at, **kwargs)


def refused(call, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    assert str(caught.value.message).strip()
    return caught.value


def occupied(booking) -> list[tuple]:
    return list(
        booking.occupancies.order_by("resource_id").values_list("resource_id", "starts_at", "ends_at")
    )


@pytest.fixture
def ctx(centre, room, booker, adviser, day):
    organisation, person = booker
    booking = book(person, room, organisation, at(day, 10), at(day, 11), expected_people=8)
    return SimpleNamespace(
        centre=centre,
        room=room,
        organisation=organisation,
        person=person,
        adviser=adviser,
        day=day,
        booking=booking,
    )


# --- The happy path -------------------------------------------------------------------
@pytest.mark.django_db
def test_staff_move_a_booking_to_another_time_and_the_organisation_is_told(
    ctx, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        moved = move(ctx.adviser, ctx.booking, at(ctx.day, 13), at(ctx.day, 14, 30), reason="Vannlekkasje")

    moved.refresh_from_db()
    assert (moved.starts_at, moved.ends_at, moved.status) == (
        at(ctx.day, 13),
        at(ctx.day, 14, 30),
        BookingStatus.CONFIRMED,
    )
    assert occupied(moved) == [(ctx.room.pk, at(ctx.day, 13), at(ctx.day, 14, 30))]
    entry = AuditEntry.objects.filter(action="booking.moved").get()
    assert entry.actor == ctx.adviser
    assert entry.scope == f"organisation:{ctx.organisation.pk}"
    assert [dt.datetime.fromisoformat(moment) for moment in entry.changes["starts_at"]] == [
        at(ctx.day, 10),
        at(ctx.day, 13),
    ]
    assert [dt.datetime.fromisoformat(moment) for moment in entry.changes["ends_at"]] == [
        at(ctx.day, 11),
        at(ctx.day, 14, 30),
    ]
    assert "resource" not in entry.changes
    assert entry.changes["reason"] == "Vannlekkasje"
    assert len(callbacks) == 1
    # The freed time can be booked by someone else.
    other, someone = factories.booker(ctx.centre)
    assert book(someone, ctx.room, other, at(ctx.day, 10), at(ctx.day, 11)).status == BookingStatus.CONFIRMED


@pytest.mark.django_db
def test_a_moved_booking_is_reminded_again_for_its_new_day(ctx):
    reminded = clock.now()
    Booking.objects.filter(pk=ctx.booking.pk).update(reminder_sent_at=reminded)
    ctx.booking.refresh_from_db()

    later_same_start = move(ctx.adviser, ctx.booking, at(ctx.day, 10), at(ctx.day, 12))
    assert later_same_start.reminder_sent_at == reminded

    next_day = ctx.day + dt.timedelta(days=1)
    moved = move(ctx.adviser, later_same_start, at(next_day, 10), at(next_day, 12))
    moved.refresh_from_db()
    assert moved.reminder_sent_at is None


@pytest.mark.django_db
def test_the_key_note_and_review_date_stay_with_the_old_resource(ctx):
    Booking.objects.filter(pk=ctx.booking.pk).update(handover_note="Kode 1234", review_on=ctx.day)
    ctx.booking.refresh_from_db()
    same_room = move(ctx.adviser, ctx.booking, at(ctx.day, 13), at(ctx.day, 14))
    assert (same_room.handover_note, same_room.review_on) == ("Kode 1234", ctx.day)

    other_room = factories.ResourceFactory.bookable_now(centre=ctx.centre, name="Møterom Vann")
    moved = move(ctx.adviser, same_room, at(ctx.day, 13), at(ctx.day, 14), resource=other_room)
    moved.refresh_from_db()
    assert (moved.handover_note, moved.review_on) == ("", None)


@pytest.mark.django_db
def test_staff_move_a_booking_to_another_room_at_the_same_time(ctx):
    other_room = factories.ResourceFactory.bookable_now(centre=ctx.centre, name="Møterom Fjell")

    moved = move(ctx.adviser, ctx.booking, at(ctx.day, 10), at(ctx.day, 11), resource=other_room)

    moved.refresh_from_db()
    assert moved.resource == other_room
    assert occupied(moved) == [(other_room.pk, at(ctx.day, 10), at(ctx.day, 11))]
    assert AuditEntry.objects.get(action="booking.moved").changes["resource"] == [
        "Møterom Tinde",
        "Møterom Fjell",
    ]


@pytest.mark.django_db
def test_moving_a_part_of_a_hall_into_the_hall_keeps_both_occupied_rows_right(ctx):
    hall, (part, _other_part) = factories.ResourceFactory.hall_with_parts(
        centre=ctx.centre, requires_approval=False
    )
    Resource.objects.filter(pk__in=[part.pk, _other_part.pk]).update(requires_approval=False)
    booking = book(ctx.person, part, ctx.organisation, at(ctx.day, 12), at(ctx.day, 13), expected_people=8)
    assert len(occupied(booking)) == 2

    moved = move(ctx.adviser, booking, at(ctx.day, 14), at(ctx.day, 15))

    assert occupied(moved) == sorted(
        [(part.pk, at(ctx.day, 14), at(ctx.day, 15)), (hall.pk, at(ctx.day, 14), at(ctx.day, 15))]
    )


@pytest.mark.django_db
def test_a_member_moves_their_own_booking(ctx):
    member = factories.member(ctx.organisation)
    moved = move(member, ctx.booking, at(ctx.day, 14), at(ctx.day, 15))
    assert moved.starts_at == at(ctx.day, 14)
    assert moved.status == BookingStatus.CONFIRMED


@pytest.mark.django_db
def test_a_members_move_of_a_room_that_needs_approval_is_asked_for_again(ctx):
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    moved = move(ctx.person, ctx.booking, at(ctx.day, 14), at(ctx.day, 15))
    assert moved.status == BookingStatus.REQUESTED
    assert AuditEntry.objects.get(action="booking.moved").changes["status"] == [
        BookingStatus.CONFIRMED,
        BookingStatus.REQUESTED,
    ]
    # Staff moving it keep it as it is.
    again = move(ctx.adviser, moved, at(ctx.day, 12), at(ctx.day, 13))
    assert again.status == BookingStatus.REQUESTED


@pytest.mark.django_db
def test_staff_may_move_a_block(ctx):
    block = services.booking_block(
        actor=ctx.adviser,
        resource=ctx.room,
        starts_at=at(ctx.day, 14),
        ends_at=at(ctx.day, 15),
        reason="Maling",
    )
    moved = move(ctx.adviser, block, at(ctx.day, 15), at(ctx.day, 16))
    assert occupied(moved) == [(ctx.room.pk, at(ctx.day, 15), at(ctx.day, 16))]


@pytest.mark.django_db
def test_staff_may_move_at_shorter_notice_than_an_organisation(ctx):
    Resource.objects.filter(pk=ctx.room.pk).update(min_notice_minutes=60 * 24 * 60)
    assert refused(move, ctx.person, ctx.booking, at(ctx.day, 13), at(ctx.day, 14)).code == "too_short_notice"
    _unchanged(ctx)
    assert move(ctx.adviser, ctx.booking, at(ctx.day, 13), at(ctx.day, 14)).starts_at == at(ctx.day, 13)


@pytest.mark.django_db
def test_the_quota_binds_a_member_who_moves_into_a_full_week(ctx, settings):
    settings.BOOKING_WEEKLY_QUOTA = {"meeting_room": 1}
    next_week = ctx.day + dt.timedelta(weeks=1)
    other_room = factories.ResourceFactory.bookable_now(centre=ctx.centre)
    book(ctx.person, other_room, ctx.organisation, at(next_week, 10), at(next_week, 11))

    assert (
        refused(move, ctx.person, ctx.booking, at(next_week, 13), at(next_week, 14)).code == "quota_reached"
    )
    # Within its own week the booking does not count against itself.
    assert move(ctx.person, ctx.booking, at(ctx.day, 14), at(ctx.day, 15)).starts_at == at(ctx.day, 14)


# --- Refusals: nothing changes --------------------------------------------------------
def _unchanged(ctx) -> None:
    ctx.booking.refresh_from_db()
    assert (ctx.booking.resource_id, ctx.booking.starts_at, ctx.booking.ends_at, ctx.booking.status) == (
        ctx.room.pk,
        at(ctx.day, 10),
        at(ctx.day, 11),
        BookingStatus.CONFIRMED,
    )
    assert occupied(ctx.booking) == [(ctx.room.pk, at(ctx.day, 10), at(ctx.day, 11))]
    assert not AuditEntry.objects.filter(action="booking.moved").exists()


@pytest.mark.django_db
def test_a_clash_leaves_the_old_booking_untouched(ctx, django_capture_on_commit_callbacks):
    other, someone = factories.booker(ctx.centre)
    book(someone, ctx.room, other, at(ctx.day, 13), at(ctx.day, 14))

    with django_capture_on_commit_callbacks() as callbacks:
        violation = refused(move, ctx.adviser, ctx.booking, at(ctx.day, 12, 30), at(ctx.day, 13, 30))

    assert violation.code == "booking_conflict"
    assert callbacks == []
    _unchanged(ctx)


@pytest.mark.django_db
def test_a_clash_with_a_hall_leaves_the_old_booking_untouched(ctx):
    hall, (part, _other) = factories.ResourceFactory.hall_with_parts(centre=ctx.centre)
    services.booking_block(
        actor=ctx.adviser, resource=hall, starts_at=at(ctx.day, 10), ends_at=at(ctx.day, 12), reason="Vask"
    )
    assert refused(move, ctx.adviser, ctx.booking, at(ctx.day, 10), at(ctx.day, 11), resource=part).code == (
        "booking_conflict"
    )
    _unchanged(ctx)


def _other_centres_room(ctx):
    return factories.ResourceFactory.bookable_now(centre=factories.CentreFactory())


def _projector(ctx):
    return factories.ResourceFactory.equipment(centre=ctx.centre)


def _small_room(ctx):
    return factories.ResourceFactory.bookable_now(centre=ctx.centre, capacity=4)


def _closed_room(ctx):
    return factories.ResourceFactory.bookable_now(centre=ctx.centre, is_active=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_resource", "code"),
    [
        (_other_centres_room, "other_centre"),
        (_projector, "other_kind"),
        (_small_room, "over_capacity"),
        (_closed_room, "resource_unavailable"),
    ],
)
def test_the_new_resource_must_fit(ctx, make_resource, code):
    assert (
        refused(
            move, ctx.adviser, ctx.booking, at(ctx.day, 10), at(ctx.day, 11), resource=make_resource(ctx)
        ).code
        == code
    )
    _unchanged(ctx)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ((12, 0), (11, 0), "ends_before_start"),
        ((12, 0), (12, 0), "zero_length"),
        ((12, 0), (12, 10), "too_short"),
        ((8, 0), (10, 0), "outside_opening_hours"),
        ((15, 0), (17, 0), "outside_opening_hours"),
    ],
)
def test_the_new_time_follows_the_rules_for_staff_too(ctx, start, end, code):
    assert refused(move, ctx.adviser, ctx.booking, at(ctx.day, *start), at(ctx.day, *end)).code == code
    _unchanged(ctx)


@pytest.mark.django_db
def test_a_booking_cannot_move_into_the_past(ctx):
    yesterday = ctx.day - dt.timedelta(weeks=3)
    assert refused(move, ctx.adviser, ctx.booking, at(yesterday, 10), at(yesterday, 11)).code == "in_the_past"
    _unchanged(ctx)


@pytest.mark.django_db
def test_a_booking_cannot_move_past_the_end_of_the_agreement(ctx):
    Agreement.objects.filter(organisation=ctx.organisation).update(valid_until=ctx.day)
    later = ctx.day + dt.timedelta(weeks=1)
    assert refused(move, ctx.adviser, ctx.booking, at(later, 10), at(later, 11)).code == "no_active_agreement"
    _unchanged(ctx)


@pytest.mark.django_db
def test_a_closed_day_is_refused(ctx):
    next_day = ctx.day + dt.timedelta(days=1)
    Closure.objects.create(centre=ctx.centre, starts_on=next_day, ends_on=next_day, reason="Fagdag")
    assert refused(move, ctx.adviser, ctx.booking, at(next_day, 10), at(next_day, 11)).code == "closed"
    _unchanged(ctx)


@pytest.mark.django_db
def test_others_cannot_move_it(ctx):
    _other, stranger = factories.booker(ctx.centre)
    other_centres_adviser = factories.staff(factories.CentreFactory())
    for actor in (stranger, other_centres_adviser):
        assert refused(move, actor, ctx.booking, at(ctx.day, 13), at(ctx.day, 14)).code == "not_allowed"
    _unchanged(ctx)


@pytest.mark.django_db
def test_a_cancelled_or_finished_booking_cannot_move(ctx):
    cancelled = services.booking_cancel(actor=ctx.person, booking=ctx.booking)
    assert (
        refused(move, ctx.adviser, cancelled, at(ctx.day, 13), at(ctx.day, 14)).code == "booking_wrong_state"
    )
    past = factories.booking_row(
        ctx.room,
        ctx.organisation,
        at(ctx.day - dt.timedelta(weeks=3), 10),
        at(ctx.day - dt.timedelta(weeks=3), 11),
        status=BookingStatus.CONFIRMED,
    )
    assert refused(move, ctx.adviser, past, at(ctx.day, 13), at(ctx.day, 14)).code == "booking_already_over"


@pytest.mark.django_db
def test_moved_equipment_is_counted_without_itself(ctx):
    projector = factories.ResourceFactory.equipment(centre=ctx.centre, stock=2, requires_approval=False)
    loan = book(ctx.person, projector, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12), quantity=2)
    # Overlapping its own old time is fine: it no longer counts itself.
    moved = move(ctx.adviser, loan, at(ctx.day, 11), at(ctx.day, 13))
    assert (moved.starts_at, moved.quantity) == (at(ctx.day, 11), 2)
    other, someone = factories.booker(ctx.centre)
    book(someone, projector, other, at(ctx.day, 14), at(ctx.day, 15), quantity=1)
    assert refused(move, ctx.adviser, moved, at(ctx.day, 14), at(ctx.day, 15)).code == "not_enough_in_stock"


# --- Under concurrency ----------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_moves_into_the_same_free_slot_give_exactly_one(ctx):
    other, someone = factories.booker(ctx.centre)
    second = book(someone, ctx.room, other, at(ctx.day, 11), at(ctx.day, 12))
    bookings = [ctx.booking, second]
    work = [
        (lambda booking=booking: move(ctx.adviser, booking, at(ctx.day, 14), at(ctx.day, 15)))
        for booking in bookings
    ]

    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {"booked": 1, "booking_conflict": 1}
    assert Booking.objects.filter(starts_at=at(ctx.day, 14)).count() == 1
    # The one that lost still holds its old time, and only the winner left its own.
    held = dict(Occupancy.objects.values_list("booking_id", "starts_at"))
    winner = Booking.objects.get(starts_at=at(ctx.day, 14))
    loser = next(booking for booking in bookings if booking.pk != winner.pk)
    assert held == {winner.pk: at(ctx.day, 14), loser.pk: loser.starts_at}
