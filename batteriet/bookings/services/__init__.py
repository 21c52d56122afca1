"""Writes for bookings: create, block, approve, decline, cancel, move.

The modules beside this one hold the other use cases: `series` (recurring bookings),
`waitlist` (waiting for a taken time), `loans` (equipment hand-over, desks, premises).

Each function is one use case in one durable transaction, writes its audit entry and
raises `RuleViolation` (with a stable code) when a rule says no.

Locking discipline (the same on SQLite and PostgreSQL):
- SQLite runs every transaction as BEGIN IMMEDIATE, so writers queue for the whole
  transaction and the overlap check inside it sees everything committed before.
- PostgreSQL: the exclusion constraints on `Occupancy` (migration 0002) are the last
  word on overlaps; the check here before writing gives the friendly message, and a
  violation from the constraint becomes the same `booking_conflict`. Counting needs
  locks: the organisation row for the weekly quota, the resource row for equipment.
  Locks are taken late, in the order organisation, then resource.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.bookings import rules, selectors
from batteriet.bookings.models import Booking, BookingStatus, Occupancy, Resource, ResourceKind
from batteriet.bookings.notices import Notice, send_on_commit
from batteriet.centres import permissions as centre_permissions
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations import selectors as organisation_selectors
from batteriet.organisations.models import Organisation

DEFAULT_WEEKLY_QUOTA: dict[str, int | None] = {
    ResourceKind.MEETING_ROOM: 5,
    ResourceKind.PREMISES: 2,
    ResourceKind.DESK: 1,
    ResourceKind.EQUIPMENT: 5,
}
# PostgreSQL: an exclusion constraint said no; or two inserts waited for each other.
EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"


def weekly_quota(kind: str) -> int | None:
    """Bookings of one kind an organisation may hold per week and centre (None: no limit).

    `settings.BOOKING_WEEKLY_QUOTA` overrides the defaults kind by kind.
    """
    limits = {**DEFAULT_WEEKLY_QUOTA, **getattr(settings, "BOOKING_WEEKLY_QUOTA", {})}
    return limits.get(kind)


def booking_create(
    *,
    actor: User,
    resource: Resource,
    organisation: Organisation,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    expected_people: int | None = None,
    quantity: int = 1,
    responsible_name: str = "",
    responsible_phone: str = "",
) -> Booking:
    """An organisation books a resource: confirmed at once, or requested when staff approve.

    Staff of the centre who book on an organisation's behalf are the ones who would
    approve it, so their bookings are confirmed at once. Premises need a responsible
    person with a phone number (stored in E.164); other kinds do not keep one.
    """
    now = clock.now()
    rules.check_interval(starts_at=starts_at, ends_at=ends_at, now=now)
    starts_at, ends_at = _utc(starts_at), _utc(ends_at)
    rules.check_purpose(purpose)
    responsible_phone = rules.responsible_phone_e164(responsible_phone)
    with transaction.atomic(durable=True):
        resource = Resource.objects.select_related("centre").get(pk=resource.pk)
        organisation = Organisation.objects.get(pk=organisation.pk)
        _check_resource_open(resource)
        is_staff = centre_permissions.is_staff_at(actor, resource.centre)
        if not (is_staff or organisation_permissions.is_member(actor, organisation)):
            raise _not_allowed()
        is_premises = resource.kind == ResourceKind.PREMISES
        rules.check_organisation_may_book(
            is_approved=organisation.is_approved, is_partner=organisation.is_partner
        )
        _check_resource_rules(resource, starts_at=starts_at, ends_at=ends_at, now=now)
        rules.check_capacity(expected_people=expected_people, capacity=resource.capacity)
        if not resource.is_equipment and quantity != 1:
            raise _one_at_a_time()
        rules.check_agreement(
            has_agreement_for_whole_period=_has_agreement_for(organisation, resource, starts_at, ends_at)
        )
        rules.check_responsible_person(kind=resource.kind, name=responsible_name, phone=responsible_phone)
        # The quota lock: parallel requests of one organisation count one after another.
        Organisation.objects.select_for_update().values_list("pk", flat=True).get(pk=organisation.pk)
        rules.check_quota(
            booked_this_week=selectors.bookings_in_week(organisation.pk, resource, starts_at),
            limit=weekly_quota(resource.kind),
        )
        booking = Booking(
            resource=resource,
            organisation=organisation,
            booked_by=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            status=BookingStatus.REQUESTED
            if resource.requires_approval and not is_staff
            else BookingStatus.CONFIRMED,
            purpose=purpose.strip(),
            expected_people=expected_people,
            quantity=quantity,
            responsible_name=responsible_name.strip() if is_premises else "",
            responsible_phone=responsible_phone if is_premises else "",
        )
        _claim(booking)
        _record(actor, booking, "requested" if booking.status == BookingStatus.REQUESTED else "created")
        send_on_commit(
            booking, Notice.REQUESTED if booking.status == BookingStatus.REQUESTED else Notice.CONFIRMED
        )
    return booking


def booking_block(
    *,
    actor: User,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    quantity: int | None = None,
) -> Booking:
    """Staff block a time, for example for maintenance. Equipment: all units unless told."""
    rules.check_interval(starts_at=starts_at, ends_at=ends_at, now=clock.now())
    starts_at, ends_at = _utc(starts_at), _utc(ends_at)
    rules.check_reason(reason, max_length=500)
    with transaction.atomic(durable=True):
        resource = Resource.objects.select_related("centre").get(pk=resource.pk)
        if not centre_permissions.is_staff_at(actor, resource.centre):
            raise _not_allowed()
        if quantity is None:
            quantity = resource.stock if resource.is_equipment else 1
        elif not resource.is_equipment and quantity != 1:
            raise _one_at_a_time()
        booking = Booking(
            resource=resource,
            organisation=None,
            booked_by=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            status=BookingStatus.CONFIRMED,
            purpose=reason.strip(),
            quantity=quantity,
        )
        _claim(booking)
        _record(actor, booking, "blocked")
    return booking


def booking_approve(*, actor: User, booking: Booking) -> Booking:
    """Staff approve a request. It is checked again: a request that now clashes cannot be approved.

    A request already holds its time, but the resource may have changed since (a longer
    buffer, fewer units, it became part of a hall), so its time is claimed afresh.
    """
    with transaction.atomic(durable=True):
        booking = _locked(booking)
        if not centre_permissions.is_staff_at(actor, booking.resource.centre):
            raise _not_allowed()
        if booking.status != BookingStatus.REQUESTED:
            raise _wrong_state()
        if booking.organisation is not None:
            rules.check_organisation_may_book(
                is_approved=booking.organisation.is_approved, is_partner=booking.organisation.is_partner
            )
            rules.check_agreement(
                has_agreement_for_whole_period=_has_agreement_for(
                    booking.organisation, booking.resource, booking.starts_at, booking.ends_at
                )
            )
        booking.occupancies.all().delete()
        booking.status = BookingStatus.CONFIRMED
        booking.decided_at = clock.now()
        booking.decided_by = actor
        _claim(booking)
        _record(actor, booking, "approved", {"status": [BookingStatus.REQUESTED, BookingStatus.CONFIRMED]})
        send_on_commit(booking, Notice.APPROVED)
    return booking


def booking_decline(*, actor: User, booking: Booking, reason: str) -> Booking:
    """Staff decline a request; the time becomes free."""
    rules.check_reason(reason)
    with transaction.atomic(durable=True):
        booking = _locked(booking)
        if not centre_permissions.is_staff_at(actor, booking.resource.centre):
            raise _not_allowed()
        if booking.status != BookingStatus.REQUESTED:
            raise _wrong_state()
        booking.occupancies.all().delete()
        booking.status = BookingStatus.DECLINED
        booking.decided_at = clock.now()
        booking.decided_by = actor
        booking.decision_reason = reason.strip()
        booking.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        _record(
            actor,
            booking,
            "declined",
            {"status": [BookingStatus.REQUESTED, BookingStatus.DECLINED], "reason": booking.decision_reason},
        )
        send_on_commit(booking, Notice.DECLINED)
        _offer_freed_time(booking)
    return booking


def booking_cancel(*, actor: User, booking: Booking, reason: str = "") -> Booking:
    """The organisation or staff cancel a booking that has not ended; the time becomes free."""
    rules.check_reason(reason, required=False)
    with transaction.atomic(durable=True):
        booking = _locked(booking)
        is_staff = centre_permissions.is_staff_at(actor, booking.resource.centre)
        is_member = booking.organisation is not None and organisation_permissions.is_member(
            actor, booking.organisation
        )
        if not (is_staff or is_member):
            raise _not_allowed()
        _cancel_locked(actor, booking, reason=reason.strip(), now=clock.now())
        send_on_commit(booking, Notice.CANCELLED)
    return booking


def _cancel_locked(actor: User, booking: Booking, *, reason: str, now: dt.datetime) -> None:
    """Cancel a locked booking the actor may cancel, inside the caller's transaction: check
    that it still holds a time that has not ended and is not out on loan, free the time,
    record it and offer the time to whoever waits. Recurring bookings use it for each time."""
    if not booking.is_blocking:
        raise _wrong_state()
    if booking.ends_at <= now:
        raise RuleViolation(
            code="booking_already_over",
            message=_("This booking is already over and can no longer be cancelled."),
        )
    if _is_out_on_loan(booking):
        raise RuleViolation(
            code="loan_picked_up",
            message=_(
                "This equipment has been picked up, so the loan cannot be cancelled. Bring it "
                "back to the centre; the staff mark it as returned."
            ),
        )
    old_status = booking.status
    booking.occupancies.all().delete()
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = actor
    booking.cancel_reason = reason
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    _record(actor, booking, "cancelled", {"status": [old_status, BookingStatus.CANCELLED], "reason": reason})
    _offer_freed_time(booking)


def booking_move(
    *,
    actor: User,
    booking: Booking,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    resource: Resource | None = None,
    reason: str = "",
) -> Booking:
    """Move a booking to another time and/or another resource of the same kind and centre.

    Staff of the centre may move any booking there that holds its time, staff blocks
    included; the organisation's members may move their own. The new time is checked
    like a new booking, with two differences for staff: they may move at shorter notice
    and further ahead than an organisation may book, and the weekly quota does not bind
    them. A member's move of a booking that needs approval is asked for again. The old
    time is given up and the new one claimed in one transaction: if the new time clashes,
    nothing changes and the old time stays booked. `reason` goes into the audit entry.
    """
    now = clock.now()
    # A booking under way keeps its start (staff give a loan more time): only the end
    # must then lie ahead. Members cannot move a started booking (`_check_movable`).
    keeps_start = _utc(starts_at) == booking.starts_at
    rules.check_interval(
        starts_at=starts_at if not keeps_start else max(_utc(starts_at), now),
        ends_at=ends_at,
        now=now,
    )
    starts_at, ends_at = _utc(starts_at), _utc(ends_at)
    rules.check_reason(reason, required=False)
    with transaction.atomic(durable=True):
        booking = _locked(booking)
        is_staff = centre_permissions.is_staff_at(actor, booking.resource.centre)
        if not (is_staff or _is_member_of_booker(actor, booking)):
            raise _not_allowed()
        _check_movable(booking, now=now, is_staff=is_staff)
        target = _move_target(booking, resource)
        before = _placement(booking)
        _check_new_time(booking, target, starts_at=starts_at, ends_at=ends_at, now=now, is_staff=is_staff)
        old_status = booking.status
        if not is_staff and target.requires_approval:
            booking.status = BookingStatus.REQUESTED
        freed = (booking.resource_id, booking.starts_at, booking.ends_at)
        booking.occupancies.all().delete()
        if booking.starts_at != starts_at:
            booking.reminder_sent_at = None  # the day-before reminder is due again, for the new day
        if target.pk != booking.resource_id:
            # The key note and the review date belonged to the old room or desk.
            booking.handover_note, booking.review_on = "", None
        booking.resource, booking.starts_at, booking.ends_at = target, starts_at, ends_at
        _claim(booking)
        after = _placement(booking)
        changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
        if booking.status != old_status:
            changes["status"] = [old_status, booking.status]
        _record(actor, booking, "moved", {**changes, "reason": reason.strip()})
        send_on_commit(booking, Notice.CHANGED)
        _offer_freed_time(booking, freed)
    return booking


def _placement(booking: Booking) -> dict[str, str]:
    return {
        "resource": str(booking.resource),
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
    }


def _is_member_of_booker(actor: User, booking: Booking) -> bool:
    return booking.organisation is not None and organisation_permissions.is_member(
        actor, booking.organisation
    )


def _check_movable(booking: Booking, *, now: dt.datetime, is_staff: bool) -> None:
    """Staff may move a booking under way (a loan returned later, say); members only one
    that has not started, and never equipment already picked up."""
    if booking.status not in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED):
        raise _wrong_state()
    if booking.ends_at <= now:
        raise RuleViolation(
            code="booking_already_over",
            message=_("This booking is already over and can no longer be moved."),
        )
    if not is_staff and (booking.starts_at <= now or _is_out_on_loan(booking)):
        raise RuleViolation(
            code="booking_under_way",
            message=_("This booking has already started. Ask the centre if it needs to change."),
        )


def _is_out_on_loan(booking: Booking) -> bool:
    return booking.checked_out_at is not None and booking.checked_in_at is None


def _move_target(booking: Booking, resource: Resource | None) -> Resource:
    """The resource the booking moves to: its own, or another of the same kind at its centre."""
    if resource is None or resource.pk == booking.resource_id:
        return booking.resource
    target = Resource.objects.select_related("centre").filter(pk=resource.pk).first()
    if target is None or target.centre_id != booking.resource.centre_id:
        raise RuleViolation(
            code="other_centre",
            field="resource",
            message=_("Choose something at the same centre."),
        )
    if target.kind != booking.resource.kind:
        raise RuleViolation(
            code="other_kind",
            field="resource",
            message=_("Choose something of the same kind: a room for a room, equipment for equipment."),
        )
    _check_resource_open(target)
    return target


def _check_new_time(
    booking: Booking,
    resource: Resource,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    is_staff: bool,
) -> None:
    """The rules a new booking meets, with staff free of notice, horizon and quota."""
    if is_staff:
        _check_length_window_and_closures(resource, starts_at=starts_at, ends_at=ends_at)
    else:
        _check_resource_rules(resource, starts_at=starts_at, ends_at=ends_at, now=now)
    rules.check_capacity(expected_people=booking.expected_people, capacity=resource.capacity)
    organisation = booking.organisation
    if organisation is None:
        return
    rules.check_organisation_may_book(
        is_approved=organisation.is_approved, is_partner=organisation.is_partner
    )
    rules.check_agreement(
        has_agreement_for_whole_period=_has_agreement_for(organisation, resource, starts_at, ends_at)
    )
    if not is_staff and rules.week_bounds(starts_at) != rules.week_bounds(booking.starts_at):
        Organisation.objects.select_for_update().values_list("pk", flat=True).get(pk=organisation.pk)
        rules.check_quota(
            booked_this_week=selectors.bookings_in_week(organisation.pk, resource, starts_at),
            limit=weekly_quota(resource.kind),
        )


# --- Claiming the time ------------------------------------------------------------------
def _claim(booking: Booking) -> None:
    """Check that the time is free, then save the booking and what it occupies.

    Runs inside the caller's transaction. Equipment: lock the resource, count the peak
    number lent over the time, then write. Rooms, halls and desks: look for a clash,
    then write the occupied rows; on PostgreSQL the exclusion constraints catch what
    a parallel transaction committed after the look.
    """
    resource = booking.resource
    if resource.is_equipment:
        # The equipment lock: parallel loans of one item count one after another.
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        occupied_until = booking.ends_at + resource.buffer
        rules.check_quantity(
            quantity=booking.quantity,
            already_booked=selectors.peak_quantity(
                resource, booking.starts_at, occupied_until, exclude=booking
            ),
            stock=resource.stock,
        )
        booking.save()
        return
    occupied_until = booking.ends_at + resource.buffer
    if booking.status != BookingStatus.HELD:
        # Holds whose deadline passed give way now, not when the job next runs. (An offer
        # being made is itself a hold, and is made by the releasing code.)
        _release_run_out_holds(resource, booking.starts_at, occupied_until)
    clash = selectors.occupancy_clashes(resource, booking.starts_at, occupied_until, exclude=booking).first()
    if clash is not None:
        raise rules.BookingConflict(clash_starts_at=clash.starts_at, clash_ends_at=clash.ends_at)
    booking.save()
    rows = [
        Occupancy(booking=booking, resource=resource, starts_at=booking.starts_at, ends_at=occupied_until)
    ]
    if resource.parent_id is not None:
        rows.append(
            Occupancy(
                booking=booking,
                resource_id=resource.parent_id,
                starts_at=booking.starts_at,
                ends_at=occupied_until,
                is_own=False,
            )
        )
    try:
        with transaction.atomic():
            Occupancy.objects.bulk_create(rows)
    except DatabaseError as error:
        if _sqlstate(error) not in {EXCLUSION_VIOLATION, DEADLOCK_DETECTED}:
            raise
        clash = selectors.occupancy_clashes(
            resource, booking.starts_at, occupied_until, exclude=booking
        ).first()
        raise rules.BookingConflict(
            clash_starts_at=clash.starts_at if clash else None,
            clash_ends_at=clash.ends_at if clash else None,
        ) from error


def _release_run_out_holds(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    from batteriet.bookings.services import waitlist  # waitlist builds on this module

    waitlist.holds_release_expired_in_the_way(resource=resource, starts_at=starts_at, ends_at=ends_at)


def _offer_freed_time(booking: Booking, freed: tuple[int, dt.datetime, dt.datetime] | None = None) -> None:
    """Offer the time `booking` gave up (or `freed`: resource id, start, end) to whoever waits
    for it, inside the caller's transaction."""
    from batteriet.bookings.services import waitlist  # waitlist builds on this module

    resource_id, starts_at, ends_at = freed or (booking.resource_id, booking.starts_at, booking.ends_at)
    waitlist.waitlist_offer_freed(resource_id=resource_id, starts_at=starts_at, ends_at=ends_at)


def _utc(moment: dt.datetime) -> dt.datetime:
    """Times go on in UTC: adding a buffer to 02:30 in Oslo on the night the clocks go
    back must land in real time, not on the wall clock."""
    return moment.astimezone(dt.UTC)


def _sqlstate(error: Exception) -> str | None:
    return getattr(error.__cause__, "sqlstate", None)


# --- Checks that need the database ------------------------------------------------------
def _check_resource_open(resource: Resource) -> None:
    if not resource.is_active:
        raise RuleViolation(
            code="resource_unavailable",
            message=_("This cannot be booked at the moment. Choose another room or ask the centre."),
        )


def _check_resource_rules(
    resource: Resource,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    opening_hours: list[rules.OpeningSpan] | None = None,
    closures: list[tuple[dt.date, dt.date]] | None = None,
) -> None:
    rules.check_notice(
        starts_at=starts_at, now=now, min_notice=dt.timedelta(minutes=resource.min_notice_minutes)
    )
    rules.check_horizon(starts_at=starts_at, now=now, max_horizon_days=resource.max_horizon_days)
    _check_length_window_and_closures(
        resource, starts_at=starts_at, ends_at=ends_at, opening_hours=opening_hours, closures=closures
    )


def _check_length_window_and_closures(
    resource: Resource,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    opening_hours: list[rules.OpeningSpan] | None = None,
    closures: list[tuple[dt.date, dt.date]] | None = None,
) -> None:
    """The rules of a resource that hold for staff too: how long, when, and not on closed days.

    `opening_hours` and `closures` may be passed in when many times are checked at once
    (a recurring booking); otherwise they are read here. Closures passed in must cover
    the booking's days."""
    rules.check_duration(
        starts_at=starts_at,
        ends_at=ends_at,
        min_duration=dt.timedelta(minutes=resource.min_duration_minutes),
        max_duration=dt.timedelta(minutes=resource.max_duration_minutes),
    )
    rules.check_bookable_window(
        kind=resource.kind,
        starts_at=starts_at,
        ends_at=ends_at,
        opening_hours=selectors.opening_spans(resource.centre) if opening_hours is None else opening_hours,
    )
    first_day, last_day = starts_at.astimezone(clock.OSLO).date(), ends_at.astimezone(clock.OSLO).date()
    if closures is None:
        closures = selectors.closures_between(resource.centre, first_day, last_day)
    rules.check_not_closed(
        starts_at=starts_at,
        ends_at=ends_at,
        closures=closures,
        only_first_and_last_day=resource.kind in {ResourceKind.DESK, ResourceKind.EQUIPMENT},
    )


def _has_agreement_for(
    organisation: Organisation, resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime
) -> bool:
    """An agreement in force at the centre on the first and on the last day of the booking."""
    first_day, last_day = starts_at.astimezone(clock.OSLO).date(), ends_at.astimezone(clock.OSLO).date()
    return organisation_selectors.has_active_agreement(
        organisation, resource.centre, on=first_day
    ) and organisation_selectors.has_active_agreement(organisation, resource.centre, on=last_day)


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource", "resource__centre", "organisation")
        .get(pk=booking.pk)
    )


def _record(actor: User, booking: Booking, verb: str, changes: dict[str, Any] | None = None) -> None:
    scope = (
        f"organisation:{booking.organisation_id}"
        if booking.organisation_id is not None
        else audit.scope_for(booking.resource)
    )
    audit.record(
        actor=actor,
        action=f"booking.{verb}",
        obj=booking,
        scope=scope,
        changes=changes
        or {
            "resource": str(booking.resource),
            "starts_at": booking.starts_at.isoformat(),
            "ends_at": booking.ends_at.isoformat(),
            "status": booking.status,
            "quantity": booking.quantity,
        },
    )


# --- Messages ---------------------------------------------------------------------------
def _not_allowed() -> RuleViolation:
    return RuleViolation(code="not_allowed", message=_("You cannot do this for this organisation or centre."))


def _wrong_state() -> RuleViolation:
    return RuleViolation(
        code="booking_wrong_state",
        message=_("This booking has already been handled. Reload the page to see it."),
    )


def _one_at_a_time() -> RuleViolation:
    return RuleViolation(
        code="invalid_quantity",
        field="quantity",
        message=_("Only equipment can be booked several at a time."),
    )
