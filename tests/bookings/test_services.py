"""Booking services against the database: every rule, hall and parts, buffers, approvals, quota."""

import datetime as dt
from types import SimpleNamespace

import holidays
import pytest
from django.db import IntegrityError, connection, transaction

from batteriet.bookings import selectors, services
from batteriet.bookings.models import Booking, BookingStatus, Closure, Occupancy, Resource
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.organisations.models import (
    Agreement,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's"
)


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


# Premises need someone present and responsible.
RESPONSIBLE = {"responsible_name": "Kari Kontakt", "responsible_phone": "+47 912 34 567"}


def refused(call, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    assert str(caught.value.message).strip()
    return caught.value


def stored() -> tuple[int, int, int]:
    return Booking.objects.count(), Occupancy.objects.count(), AuditEntry.objects.count()


@pytest.fixture
def ctx(centre, room, booker, day, settings):
    organisation, person = booker
    return SimpleNamespace(
        centre=centre, room=room, organisation=organisation, person=person, day=day, settings=settings
    )


# --- Booking: the happy path ----------------------------------------------------------
def test_a_room_is_confirmed_at_once_and_holds_its_time(ctx):
    booking = book(
        ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11), expected_people=8
    )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.booked_by == ctx.person
    assert booking.organisation == ctx.organisation
    assert booking.starts_at == at(ctx.day, 10)
    assert booking.starts_at.utcoffset() == dt.timedelta(0)  # stored and read back in UTC
    assert list(booking.occupancies.values_list("resource_id", "starts_at", "ends_at", "is_own")) == [
        (ctx.room.pk, at(ctx.day, 10), at(ctx.day, 11), True)
    ]
    entry = AuditEntry.objects.get()
    assert entry.action == "booking.created"
    assert entry.scope == f"organisation:{ctx.organisation.pk}"
    assert entry.actor == ctx.person


def test_a_room_that_needs_approval_is_requested_and_still_holds_its_time(ctx):
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    booking = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    assert booking.status == BookingStatus.REQUESTED
    assert AuditEntry.objects.get().action == "booking.requested"

    other, someone = factories.booker(ctx.centre)
    assert (
        refused(book, someone, ctx.room, other, at(ctx.day, 10, 30), at(ctx.day, 12)).code
        == "booking_conflict"
    )


@pytest.mark.parametrize("role", [MembershipRole.CONTACT, MembershipRole.BOARD, MembershipRole.MEMBER])
def test_every_member_may_book_for_the_organisation(ctx, role):
    person = factories.member(ctx.organisation, role)
    assert book(person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11)).booked_by == person


def test_staff_book_on_behalf_of_an_organisation(ctx):
    adviser = factories.staff(ctx.centre)
    booking = book(adviser, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    assert booking.booked_by == adviser
    assert book(
        factories.national_coordinator(), ctx.room, ctx.organisation, at(ctx.day, 12), at(ctx.day, 13)
    )


def test_staff_bookings_on_behalf_are_confirmed_at_once_where_members_must_ask(ctx):
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    adviser = factories.staff(ctx.centre)

    on_behalf = book(adviser, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    asked = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 12), at(ctx.day, 13))

    assert on_behalf.status == BookingStatus.CONFIRMED
    assert AuditEntry.objects.filter(action="booking.created", actor=adviser).exists()
    assert asked.status == BookingStatus.REQUESTED


def test_staff_of_another_centre_cannot_book_on_behalf(ctx):
    elsewhere = factories.staff(factories.CentreFactory())
    before = stored()
    assert refused(book, elsewhere, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11)).code == (
        "not_allowed"
    )
    assert stored() == before


def test_premises_keep_the_responsible_person_with_the_phone_in_e164(ctx):
    hall = factories.ResourceFactory.premises(centre=ctx.centre)
    booking = book(
        ctx.person,
        hall,
        ctx.organisation,
        at(ctx.day, 18),
        at(ctx.day, 22),
        responsible_name="  Kari Kontakt ",
        responsible_phone="912 34 567",
    )
    booking.refresh_from_db()
    assert (booking.responsible_name, booking.responsible_phone) == ("Kari Kontakt", "+4791234567")


def test_other_kinds_do_not_keep_a_responsible_person(ctx):
    booking = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11), **RESPONSIBLE)
    booking.refresh_from_db()
    assert (booking.responsible_name, booking.responsible_phone) == ("", "")


def test_touching_bookings_do_not_clash(ctx):
    book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 11), at(ctx.day, 12))
    book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 9), at(ctx.day, 10))
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 3


# --- Every rule through booking_create ------------------------------------------------
def _next_weekday_holiday() -> dt.date:
    today = clock.local_today()
    calendar = holidays.country_holidays("NO", years=[today.year, today.year + 1])
    return next(
        day
        for day in (today + dt.timedelta(days=offset) for offset in range(2, 400))
        if day.weekday() < 5 and day in calendar
    )


def _arrange_holiday(c):
    holiday = _next_weekday_holiday()
    Resource.objects.filter(pk=c.room.pk).update(max_horizon_days=400)
    Agreement.objects.filter(organisation=c.organisation).update(valid_until=holiday + dt.timedelta(days=30))
    return {"starts_at": at(holiday, 10), "ends_at": at(holiday, 11)}


def _arrange_agreement_ends_during_booking(c):
    desk = factories.ResourceFactory.desk(centre=c.centre)
    Agreement.objects.filter(organisation=c.organisation).update(valid_until=c.day + dt.timedelta(days=1))
    return {
        "resource": desk,
        "starts_at": at(c.day, 9),
        "ends_at": at(c.day + dt.timedelta(days=3), 16),
        "expected_people": 1,
    }


def _arrange_existing_booking(c):
    other, someone = factories.booker(c.centre)
    book(someone, c.room, other, at(c.day, 10), at(c.day, 11))
    return {}


def _arrange_quota(c):
    c.settings.BOOKING_WEEKLY_QUOTA = {"meeting_room": 1}
    book(
        c.person,
        c.room,
        c.organisation,
        at(c.day + dt.timedelta(days=1), 10),
        at(c.day + dt.timedelta(days=1), 11),
    )
    return {}


def _arrange_loan(c):
    projector = factories.ResourceFactory.equipment(centre=c.centre, stock=1)
    book(c.person, projector, c.organisation, at(c.day, 9), at(c.day, 15))
    return {"resource": projector}


CASES = {
    "ends_before_start": lambda c: {"starts_at": at(c.day, 11), "ends_at": at(c.day, 10)},
    "zero_length": lambda c: {"ends_at": at(c.day, 10)},
    "in_the_past": lambda c: {
        "starts_at": at(clock.local_today() - dt.timedelta(days=1), 10),
        "ends_at": at(clock.local_today() - dt.timedelta(days=1), 11),
    },
    "purpose_required": lambda c: {"purpose": "  "},
    "purpose_too_long": lambda c: {"purpose": "x" * 501},
    "resource_unavailable": lambda c: Resource.objects.filter(pk=c.room.pk).update(is_active=False) and {},
    "not_allowed": lambda c: {"actor": factories.UserFactory()},
    "partner_cannot_book": lambda c: (
        Organisation.objects.filter(pk=c.organisation.pk).update(
            kind=OrganisationKind.PARTNER, partner_type="research", is_user_led=False
        )
        and {}
    ),
    "organisation_not_approved": lambda c: (
        Organisation.objects.filter(pk=c.organisation.pk).update(status=OrganisationStatus.PENDING) and {}
    ),
    "too_short_notice": lambda c: (
        Resource.objects.filter(pk=c.room.pk).update(min_notice_minutes=60 * 24 * 100) and {}
    ),
    "too_far_ahead": lambda c: Resource.objects.filter(pk=c.room.pk).update(max_horizon_days=1) and {},
    "too_short": lambda c: {"ends_at": at(c.day, 10, 15)},
    "too_long": lambda c: (
        Resource.objects.filter(pk=c.room.pk).update(max_duration_minutes=120)
        and {"starts_at": at(c.day, 9), "ends_at": at(c.day, 12)}
    ),
    "outside_opening_hours": lambda c: {"starts_at": at(c.day, 8), "ends_at": at(c.day, 10)},
    "premises_only_outside_opening_hours": lambda c: {
        "resource": factories.ResourceFactory.premises(centre=c.centre)
    },
    "responsible_person_required": lambda c: {
        "resource": factories.ResourceFactory.premises(centre=c.centre),
        "starts_at": at(c.day, 18),
        "ends_at": at(c.day, 21),
    },
    "responsible_phone_required": lambda c: {
        "resource": factories.ResourceFactory.premises(centre=c.centre),
        "starts_at": at(c.day, 18),
        "ends_at": at(c.day, 21),
        "responsible_name": "Kari Kontakt",
    },
    "responsible_phone_invalid": lambda c: {
        "resource": factories.ResourceFactory.premises(centre=c.centre),
        "starts_at": at(c.day, 18),
        "ends_at": at(c.day, 21),
        **RESPONSIBLE,
        "responsible_phone": "123",
    },
    "closed_holiday": _arrange_holiday,
    "closed": lambda c: (
        Closure.objects.create(centre=c.centre, starts_on=c.day, ends_on=c.day, reason="Fagdag") and {}
    ),
    "invalid_people_count": lambda c: {"expected_people": 0},
    "over_capacity": lambda c: {"expected_people": 13},
    "invalid_quantity": lambda c: {"quantity": 2},
    "no_active_agreement": lambda c: (
        Agreement.objects.filter(organisation=c.organisation).update(
            status="terminated", termination_reason="Flyttet."
        )
        and {}
    ),
    "no_active_agreement (ends during the booking)": _arrange_agreement_ends_during_booking,
    "quota_reached": _arrange_quota,
    "booking_conflict": _arrange_existing_booking,
    "not_enough_in_stock": _arrange_loan,
}


@pytest.mark.parametrize("case", CASES)
def test_every_rule_is_reached_through_booking_create(ctx, case):
    overrides = CASES[case](ctx)
    before = stored()
    call = {
        "actor": ctx.person,
        "resource": ctx.room,
        "organisation": ctx.organisation,
        "starts_at": at(ctx.day, 10),
        "ends_at": at(ctx.day, 11),
        "purpose": "Styremøte",
        "expected_people": 10,
    }
    call.update(overrides)

    violation = refused(services.booking_create, **call)

    assert violation.code == case.split(" ")[0]
    assert stored() == before  # nothing stored, nothing logged


def test_the_rule_table_covers_every_code_of_the_issue():
    codes = {case.split(" ")[0] for case in CASES}
    assert {
        "no_active_agreement",
        "outside_opening_hours",
        "premises_only_outside_opening_hours",
        "closed_holiday",
        "closed",
        "too_short_notice",
        "too_far_ahead",
        "too_short",
        "too_long",
        "over_capacity",
        "not_enough_in_stock",
        "quota_reached",
        "ends_before_start",
        "zero_length",
        "in_the_past",
        "booking_conflict",
    } <= codes


def test_staff_of_another_centre_may_not_book_here(ctx):
    elsewhere = factories.staff(factories.CentreFactory())
    assert (
        refused(book, elsewhere, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11)).code
        == "not_allowed"
    )


def test_an_agreement_that_ends_on_the_last_day_is_enough(ctx):
    desk = factories.ResourceFactory.desk(centre=ctx.centre)
    last_day = ctx.day + dt.timedelta(days=3)
    Agreement.objects.filter(organisation=ctx.organisation).update(valid_until=last_day)
    assert (
        book(ctx.person, desk, ctx.organisation, at(ctx.day, 9), at(last_day, 16)).status
        == BookingStatus.CONFIRMED
    )


def test_an_agreement_at_another_centre_does_not_count(ctx):
    other_centre = factories.CentreFactory()
    room_there = factories.ResourceFactory.bookable_now(centre=other_centre)
    violation = refused(book, ctx.person, room_there, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    assert violation.code == "no_active_agreement"


def test_premises_in_the_evening_and_a_desk_for_weeks(ctx):
    hall = factories.ResourceFactory.premises(centre=ctx.centre)
    assert book(
        ctx.person,
        hall,
        ctx.organisation,
        at(ctx.day, 17),
        at(ctx.day, 22),
        expected_people=50,
        **RESPONSIBLE,
    )
    desk = factories.ResourceFactory.desk(centre=ctx.centre)
    last_day = factories.bookable_day(weekday=3, after=ctx.day + dt.timedelta(days=20))
    assert book(ctx.person, desk, ctx.organisation, at(ctx.day, 9), at(last_day, 16))


def _next_autumn_change() -> dt.date:
    """The next last Sunday of October (the clocks go back at 03:00 that night)."""
    today = clock.local_today()
    for year in (today.year, today.year + 1):
        day = dt.date(year, 10, 31)
        day -= dt.timedelta(days=(day.weekday() - 6) % 7)
        if day > today + dt.timedelta(days=1):
            return day
    raise AssertionError("unreachable")


def test_premises_on_the_night_the_clocks_go_back(ctx):
    night = _next_autumn_change()
    hall = factories.ResourceFactory.premises(
        centre=ctx.centre, max_horizon_days=400, max_duration_minutes=180
    )
    Agreement.objects.filter(organisation=ctx.organisation).update(valid_until=night + dt.timedelta(days=10))
    starts_at, ends_at = at(night, 1, 30), at(night, 3, 30)  # three real hours

    booking = book(ctx.person, hall, ctx.organisation, starts_at, ends_at, **RESPONSIBLE)
    booking.refresh_from_db()
    assert booking.ends_at - booking.starts_at == dt.timedelta(hours=3)

    Resource.objects.filter(pk=hall.pk).update(max_duration_minutes=150)
    other, someone = factories.booker(ctx.centre)
    Agreement.objects.filter(organisation=other).update(valid_until=night + dt.timedelta(days=10))
    assert refused(book, someone, hall, other, starts_at, ends_at, **RESPONSIBLE).code == "too_long"


def test_the_buffer_is_added_in_real_time_on_the_night_the_clocks_go_back(ctx):
    """Until 02:30 summer time plus one hour is 02:30 winter time (01:30 UTC), not 03:30."""
    night = _next_autumn_change()
    hall = factories.ResourceFactory.premises(centre=ctx.centre, max_horizon_days=400, buffer_minutes=60)
    Agreement.objects.filter(organisation=ctx.organisation).update(valid_until=night + dt.timedelta(days=10))

    booking = book(ctx.person, hall, ctx.organisation, at(night, 0, 30), at(night, 2, 30), **RESPONSIBLE)

    occupied_until = booking.occupancies.get().ends_at
    assert occupied_until == at(night, 2, 30).astimezone(dt.UTC) + dt.timedelta(hours=1)
    assert occupied_until.astimezone(clock.OSLO).fold == 1
    other, someone = factories.booker(ctx.centre)
    Agreement.objects.filter(organisation=other).update(valid_until=night + dt.timedelta(days=10))
    assert book(someone, hall, other, occupied_until, occupied_until + dt.timedelta(hours=2), **RESPONSIBLE)


# --- Halls and their parts ------------------------------------------------------------
@pytest.fixture
def hall(centre):
    return factories.ResourceFactory.hall_with_parts(centre=centre, name="Storsalen")


def test_booking_the_hall_blocks_its_parts(ctx, hall):
    whole, (part_a, part_b) = hall
    book(ctx.person, whole, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))
    other, someone = factories.booker(ctx.centre)

    violation = refused(book, someone, part_a, other, at(ctx.day, 11), at(ctx.day, 13))
    assert violation.code == "booking_conflict"
    assert (violation.clash_starts_at, violation.clash_ends_at) == (at(ctx.day, 10), at(ctx.day, 12))
    assert (
        refused(book, someone, part_b, other, at(ctx.day, 9), at(ctx.day, 10, 30)).code == "booking_conflict"
    )
    assert book(someone, part_b, other, at(ctx.day, 12), at(ctx.day, 13))  # touching is fine


def test_booking_a_part_blocks_the_hall(ctx, hall):
    whole, (part_a, _part_b) = hall
    book(ctx.person, part_a, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))
    assert sorted(Occupancy.objects.values_list("resource_id", "is_own")) == sorted(
        [(part_a.pk, True), (whole.pk, False)]
    )
    other, someone = factories.booker(ctx.centre)
    violation = refused(book, someone, whole, other, at(ctx.day, 11), at(ctx.day, 15))
    assert violation.code == "booking_conflict"
    assert (violation.clash_starts_at, violation.clash_ends_at) == (at(ctx.day, 10), at(ctx.day, 12))


def test_two_parts_at_once_are_fine_but_then_the_hall_is_taken(ctx, hall):
    whole, (part_a, part_b) = hall
    other, someone = factories.booker(ctx.centre)
    book(ctx.person, part_a, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))
    book(someone, part_b, other, at(ctx.day, 10), at(ctx.day, 12))
    assert Occupancy.objects.filter(resource=whole, is_own=False).count() == 2
    assert refused(book, someone, whole, other, at(ctx.day, 9), at(ctx.day, 16)).code == "booking_conflict"
    assert refused(book, someone, part_a, other, at(ctx.day, 11), at(ctx.day, 13)).code == "booking_conflict"


def test_a_room_outside_the_hall_is_not_affected(ctx, hall):
    whole, _parts = hall
    book(ctx.person, whole, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))
    assert book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))


def test_cancelling_the_part_frees_the_hall(ctx, hall):
    whole, (part_a, _part_b) = hall
    booking = book(ctx.person, part_a, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))
    services.booking_cancel(actor=ctx.person, booking=booking)
    assert Occupancy.objects.count() == 0
    assert book(ctx.person, whole, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))


# --- Buffer between bookings ----------------------------------------------------------
def test_the_buffer_keeps_time_free_after_a_booking(ctx):
    Resource.objects.filter(pk=ctx.room.pk).update(buffer_minutes=15)
    first = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    assert first.occupancies.get().ends_at == at(ctx.day, 11, 15)

    violation = refused(book, ctx.person, ctx.room, ctx.organisation, at(ctx.day, 11), at(ctx.day, 12))
    assert violation.code == "booking_conflict"
    assert violation.clash_ends_at == at(ctx.day, 11, 15)
    # Before it, the new booking's own buffer must fit too.
    assert (
        refused(book, ctx.person, ctx.room, ctx.organisation, at(ctx.day, 9), at(ctx.day, 10)).code
        == "booking_conflict"
    )

    assert book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 11, 15), at(ctx.day, 12))
    assert book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 9), at(ctx.day, 9, 45))


# --- Cancel and decline ---------------------------------------------------------------
def test_cancel_frees_the_slot_and_is_logged(ctx):
    booking = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    board = factories.member(ctx.organisation, MembershipRole.MEMBER)

    services.booking_cancel(actor=board, booking=booking, reason="Møtet er flyttet.")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert (booking.cancelled_by, booking.cancel_reason) == (board, "Møtet er flyttet.")
    assert booking.cancelled_at is not None
    assert not Occupancy.objects.exists()
    assert AuditEntry.objects.filter(
        action="booking.cancelled", scope=f"organisation:{ctx.organisation.pk}"
    ).exists()
    other, someone = factories.booker(ctx.centre)
    assert book(someone, ctx.room, other, at(ctx.day, 10), at(ctx.day, 11)).status == BookingStatus.CONFIRMED


def test_cancel_is_for_the_organisation_and_the_centre_only(ctx):
    booking = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    _other, someone = factories.booker(ctx.centre)
    assert refused(services.booking_cancel, actor=someone, booking=booking).code == "not_allowed"
    outsider = factories.staff(factories.CentreFactory())
    assert refused(services.booking_cancel, actor=outsider, booking=booking).code == "not_allowed"
    adviser = factories.staff(ctx.centre)
    assert refused(services.booking_cancel, actor=adviser, booking=booking, reason="x" * 2001).code == (
        "reason_too_long"
    )
    services.booking_cancel(actor=adviser, booking=booking, reason="Vannlekkasje.")
    assert refused(services.booking_cancel, actor=ctx.person, booking=booking).code == "booking_wrong_state"


def test_a_booking_that_is_over_cannot_be_cancelled(ctx):
    yesterday = clock.local_today() - dt.timedelta(days=1)
    booking = Booking.objects.create(
        resource=ctx.room,
        organisation=ctx.organisation,
        booked_by=ctx.person,
        starts_at=at(yesterday, 10),
        ends_at=at(yesterday, 11),
        status=BookingStatus.CONFIRMED,
        purpose="Styremøte",
    )
    assert refused(services.booking_cancel, actor=ctx.person, booking=booking).code == "booking_already_over"


def test_decline_needs_a_reason_and_frees_the_slot(ctx, adviser):
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    booking = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    assert (
        refused(services.booking_decline, actor=adviser, booking=booking, reason=" ").code
        == "reason_required"
    )
    assert (
        refused(services.booking_decline, actor=ctx.person, booking=booking, reason="Nei.").code
        == "not_allowed"
    )

    services.booking_decline(actor=adviser, booking=booking, reason="Rommet skal males.")

    booking.refresh_from_db()
    assert (booking.status, booking.decided_by, booking.decision_reason) == (
        BookingStatus.DECLINED,
        adviser,
        "Rommet skal males.",
    )
    assert not Occupancy.objects.exists()
    assert (
        refused(services.booking_decline, actor=adviser, booking=booking, reason="Igjen.").code
        == "booking_wrong_state"
    )


# --- Approve --------------------------------------------------------------------------
def test_approve_confirms_a_request(ctx, adviser):
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    booking = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))

    services.booking_approve(actor=adviser, booking=booking)

    booking.refresh_from_db()
    assert (booking.status, booking.decided_by) == (BookingStatus.CONFIRMED, adviser)
    assert booking.occupancies.count() == 1
    assert AuditEntry.objects.filter(action="booking.approved").count() == 1
    assert refused(services.booking_approve, actor=adviser, booking=booking).code == "booking_wrong_state"


def test_approve_refuses_a_request_that_now_clashes(ctx, adviser):
    """Two requests touched; then the room got a 30-minute buffer. The first now clashes."""
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    first = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    other, someone = factories.booker(ctx.centre)
    second = book(someone, ctx.room, other, at(ctx.day, 11), at(ctx.day, 12))
    Resource.objects.filter(pk=ctx.room.pk).update(buffer_minutes=30)

    violation = refused(services.booking_approve, actor=adviser, booking=first)

    assert violation.code == "booking_conflict"
    assert (violation.clash_starts_at, violation.clash_ends_at) == (at(ctx.day, 11), at(ctx.day, 12))
    first.refresh_from_db()
    assert first.status == BookingStatus.REQUESTED
    assert first.occupancies.get().ends_at == at(ctx.day, 11)  # left as it was

    services.booking_decline(actor=adviser, booking=second, reason="Dobbeltbestilt.")
    services.booking_approve(actor=adviser, booking=first)
    assert first.occupancies.get().ends_at == at(ctx.day, 11, 30)


def test_approve_refuses_when_there_is_no_longer_enough_equipment(ctx, adviser):
    projector = factories.ResourceFactory.equipment(centre=ctx.centre, stock=2, requires_approval=True)
    first = book(ctx.person, projector, ctx.organisation, at(ctx.day, 9), at(ctx.day, 15))
    book(ctx.person, projector, ctx.organisation, at(ctx.day, 10), at(ctx.day, 14))
    Resource.objects.filter(pk=projector.pk).update(stock=1)
    assert refused(services.booking_approve, actor=adviser, booking=first).code == "not_enough_in_stock"


def test_approve_needs_staff_of_the_centre_and_an_agreement_still_in_force(ctx, adviser):
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    booking = book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    assert refused(services.booking_approve, actor=ctx.person, booking=booking).code == "not_allowed"
    Agreement.objects.filter(organisation=ctx.organisation).update(
        status="terminated", termination_reason="Slutt."
    )
    assert refused(services.booking_approve, actor=adviser, booking=booking).code == "no_active_agreement"


# --- Staff blocks ---------------------------------------------------------------------
def test_staff_block_a_time_for_maintenance(ctx, adviser):
    block = services.booking_block(
        actor=adviser, resource=ctx.room, starts_at=at(ctx.day, 8), ends_at=at(ctx.day, 18), reason="Maling"
    )
    assert (block.organisation, block.status, block.purpose) == (None, BookingStatus.CONFIRMED, "Maling")
    assert AuditEntry.objects.get().scope == f"resource:{ctx.room.pk}"
    assert (
        refused(book, ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11)).code
        == "booking_conflict"
    )


def test_a_block_cannot_overlap_a_booking_and_needs_staff_and_a_reason(ctx, adviser):
    book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    block = {"resource": ctx.room, "starts_at": at(ctx.day, 8), "ends_at": at(ctx.day, 18)}
    assert refused(services.booking_block, actor=adviser, reason="Maling", **block).code == "booking_conflict"
    assert refused(services.booking_block, actor=ctx.person, reason="Maling", **block).code == "not_allowed"
    assert refused(services.booking_block, actor=adviser, reason="", **block).code == "reason_required"
    assert refused(services.booking_block, actor=adviser, reason="x" * 501, **block).code == "reason_too_long"


def test_an_equipment_block_takes_every_unit_unless_told(ctx, adviser):
    projector = factories.ResourceFactory.equipment(centre=ctx.centre, stock=3)
    block = services.booking_block(
        actor=adviser, resource=projector, starts_at=at(ctx.day, 9), ends_at=at(ctx.day, 15), reason="Service"
    )
    assert block.quantity == 3
    assert refused(book, ctx.person, projector, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11)).code == (
        "not_enough_in_stock"
    )
    services.booking_cancel(actor=adviser, booking=block)
    services.booking_block(
        actor=adviser,
        resource=projector,
        starts_at=at(ctx.day, 9),
        ends_at=at(ctx.day, 15),
        reason="Ei pære",
        quantity=1,
    )
    assert book(ctx.person, projector, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11), quantity=2)


# --- Equipment ------------------------------------------------------------------------
def test_equipment_is_counted_by_quantity(ctx):
    projector = factories.ResourceFactory.equipment(centre=ctx.centre, stock=3)
    book(ctx.person, projector, ctx.organisation, at(ctx.day, 9), at(ctx.day, 12), quantity=2)
    book(ctx.person, projector, ctx.organisation, at(ctx.day, 11), at(ctx.day, 15))
    violation = refused(book, ctx.person, projector, ctx.organisation, at(ctx.day, 11, 30), at(ctx.day, 13))
    assert violation.code == "not_enough_in_stock"
    # 09–12 (2) and 12–15 (1) never add up to more than 3: back to back is not at once.
    assert book(ctx.person, projector, ctx.organisation, at(ctx.day, 12), at(ctx.day, 15), quantity=2)
    assert not Occupancy.objects.exists()
    assert selectors.peak_quantity(projector, at(ctx.day, 9), at(ctx.day, 16)) == 3


# --- Quota ----------------------------------------------------------------------------
def test_the_weekly_quota_counts_blocking_bookings_of_one_kind(ctx, settings):
    settings.BOOKING_WEEKLY_QUOTA = {"meeting_room": 2}
    monday = ctx.day - dt.timedelta(days=ctx.day.weekday())
    first = book(ctx.person, ctx.room, ctx.organisation, at(monday, 10), at(monday, 11))
    book(
        ctx.person,
        ctx.room,
        ctx.organisation,
        at(monday + dt.timedelta(days=4), 10),
        at(monday + dt.timedelta(days=4), 11),
    )

    assert (
        refused(book, ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11)).code
        == "quota_reached"
    )
    # Another kind, another week, and another organisation are not counted.
    desk = factories.ResourceFactory.desk(centre=ctx.centre)
    assert book(ctx.person, desk, ctx.organisation, at(ctx.day, 9), at(ctx.day, 16))
    next_week = factories.bookable_day(weekday=1, after=ctx.day)
    assert book(ctx.person, ctx.room, ctx.organisation, at(next_week, 10), at(next_week, 11))
    other, someone = factories.booker(ctx.centre)
    assert book(someone, ctx.room, other, at(ctx.day, 10), at(ctx.day, 11))
    # A cancelled booking gives its place back.
    services.booking_cancel(actor=ctx.person, booking=first)
    assert book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 12), at(ctx.day, 13))


def test_the_default_quota(ctx):
    assert services.weekly_quota("meeting_room") == 5
    assert services.weekly_quota("premises") == 2
    assert services.weekly_quota("desk") == 1
    assert services.weekly_quota("equipment") == 5


# --- The database's own guard (PostgreSQL) --------------------------------------------
@postgres_only
def test_the_exclusion_constraints_exist_and_allow_two_parts(ctx, hall):
    whole, (part_a, part_b) = hall
    a = book(ctx.person, part_a, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))
    b = book(ctx.person, part_b, ctx.organisation, at(ctx.day, 10), at(ctx.day, 12))
    rows = {
        "own on a part": Occupancy(
            booking=a, resource=part_a, starts_at=at(ctx.day, 11), ends_at=at(ctx.day, 13)
        ),
        "own on the hall": Occupancy(
            booking=b, resource=whole, starts_at=at(ctx.day, 11), ends_at=at(ctx.day, 13)
        ),
    }
    for row in rows.values():
        with pytest.raises(IntegrityError, match="bookings_occupancy_no_overlap"), transaction.atomic():
            row.save()
    with transaction.atomic():
        Occupancy.objects.create(
            booking=a, resource=whole, starts_at=at(ctx.day, 11), ends_at=at(ctx.day, 13), is_own=False
        )


@postgres_only
def test_a_constraint_violation_becomes_the_same_friendly_conflict(ctx, monkeypatch):
    """If the check before writing misses a clash (a parallel transaction committed in
    between), the exclusion constraint refuses it and the service says the same thing."""
    book(ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10), at(ctx.day, 11))
    real = selectors.occupancy_clashes
    calls = []

    def blind_first_time(*args, **kwargs):
        calls.append(args)
        queryset = real(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(selectors, "occupancy_clashes", blind_first_time)
    before = stored()

    violation = refused(
        book, ctx.person, ctx.room, ctx.organisation, at(ctx.day, 10, 30), at(ctx.day, 11, 30)
    )

    assert violation.code == "booking_conflict"
    assert (violation.clash_starts_at, violation.clash_ends_at) == (at(ctx.day, 10), at(ctx.day, 11))
    assert stored() == before
