"""Waiting for a taken time: join, leave, and the held offers that pass down the line.

An organisation that finds a room, hall or desk taken can wait for that time. When a
blocking booking gives up its time (cancelled, declined, moved, a hold not confirmed),
the service that frees it calls `waitlist_offer_freed` inside its own transaction: the
first waiting organisations (oldest first) whose time is now wholly free each get a
booking in state HELD. A held booking blocks the time like any other, so nobody can
take it meanwhile. The organisation confirms it before `hold_expires_at`, or says no
thanks; otherwise `holds_release_expired` (run by `manage.py booking_jobs`) lets it go
and offers the time to the next in line.

Locks are taken in the order booking, then waiting list places, as in `services`.
Equipment has no waiting list: a piece of equipment is rarely the only one of its kind.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.bookings import rules, selectors
from batteriet.bookings import services as booking_services
from batteriet.bookings.models import (
    Booking,
    BookingStatus,
    Resource,
    ResourceKind,
    WaitlistEntry,
    WaitlistStatus,
)
from batteriet.bookings.notices import Notice, send_on_commit
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation

OPEN_STATES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


def waitlist_join(
    *,
    actor: User,
    resource: Resource,
    organisation: Organisation,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    expected_people: int | None = None,
) -> WaitlistEntry:
    """An organisation asks to be offered a taken time if it becomes free.

    The time must pass every rule a booking must pass, and must be taken now.
    """
    now = clock.now()
    rules.check_interval(starts_at=starts_at, ends_at=ends_at, now=now)
    starts_at, ends_at = starts_at.astimezone(dt.UTC), ends_at.astimezone(dt.UTC)
    rules.check_purpose(purpose)
    with transaction.atomic(durable=True):
        resource = Resource.objects.select_related("centre").get(pk=resource.pk)
        organisation = Organisation.objects.get(pk=organisation.pk)
        booking_services._check_resource_open(resource)
        if resource.is_equipment:
            raise _not_for_equipment()
        if not organisation_permissions.is_member(actor, organisation):
            raise booking_services._not_allowed()
        _check_may_book(organisation, resource, starts_at=starts_at, ends_at=ends_at)
        booking_services._check_resource_rules(resource, starts_at=starts_at, ends_at=ends_at, now=now)
        rules.check_capacity(expected_people=expected_people, capacity=resource.capacity)
        rules.check_quota(
            booked_this_week=selectors.bookings_in_week(organisation.pk, resource, starts_at),
            limit=booking_services.weekly_quota(resource.kind),
        )
        _check_taken_by_others(resource, organisation, starts_at=starts_at, ends_at=ends_at)
        entry = WaitlistEntry(
            resource=resource,
            organisation=organisation,
            requested_by=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose.strip(),
            expected_people=expected_people,
        )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as error:
            # The partial unique constraint: this organisation already waits for this time.
            raise _already_waiting() from error
        _record(actor, entry, "joined")
    return entry


def waitlist_leave(*, actor: User, entry: WaitlistEntry) -> WaitlistEntry:
    """The organisation stops waiting. A time already held for it passes to the next in line."""
    with transaction.atomic(durable=True):
        offer_id = WaitlistEntry.objects.filter(pk=entry.pk).values_list("offer_id", flat=True).first()
        booking = _locked_booking(offer_id) if offer_id is not None else None
        entry = WaitlistEntry.objects.select_for_update().select_related("organisation").get(pk=entry.pk)
        if not organisation_permissions.is_member(actor, entry.organisation):
            raise booking_services._not_allowed()
        if (
            entry.status == WaitlistStatus.OFFERED
            and booking is not None
            and booking.status == BookingStatus.HELD
        ):
            _release(
                booking, actor=actor, status=BookingStatus.CANCELLED, entry_status=WaitlistStatus.WITHDRAWN
            )
            send_on_commit(booking, Notice.CANCELLED)
            entry.refresh_from_db()
        elif entry.status == WaitlistStatus.WAITING:
            _set_status(entry, WaitlistStatus.WITHDRAWN)
        else:
            raise _no_longer_waiting()
        _record(actor, entry, "left")
    return entry


def waitlist_offer_freed(*, resource_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Booking]:
    """Offer a time that has just become free to those waiting for it. Returns the holds made.

    Call it inside the transaction that frees the time, after its occupied rows are
    deleted. The freed time affects the resource itself, its hall and its parts. Each
    waiting organisation, oldest first, whose time overlaps the freed one gets a held
    booking if its whole time is free now; if not (someone else still holds part of it,
    or an earlier organisation in line just got it) it keeps waiting.
    """
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None or resource.is_equipment:
        return []
    related = Resource.objects.filter(
        Q(pk=resource.pk) | Q(parent_id=resource.pk) | Q(pk=resource.parent_id or 0)
    ).select_related("centre")
    resources = {related_resource.pk: related_resource for related_resource in related}
    _close_offers_no_longer_held(resources.keys())
    now = clock.now()
    widest_buffer = max(related_resource.buffer for related_resource in resources.values())
    candidates = (
        WaitlistEntry.objects.filter(
            resource_id__in=resources.keys(),
            status=WaitlistStatus.WAITING,
            starts_at__gt=now,
            starts_at__lt=ends_at + widest_buffer,
            ends_at__gt=starts_at - widest_buffer,
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    holds = []
    for entry_id in list(candidates):
        booking = _offer(entry_id, resources, now=now)
        if booking is not None:
            holds.append(booking)
    return holds


def waitlist_offer_accept(
    *, actor: User, booking: Booking, responsible_name: str = "", responsible_phone: str = ""
) -> Booking:
    """The organisation confirms a time held for it: booked, or requested where staff approve.

    Premises need a responsible person, as when booking. Holds on this resource that
    have run out are let go first (the job may not have run yet), so a hold is never
    confirmed after its deadline.
    """
    now = clock.now()
    responsible = {"name": responsible_name.strip(), "phone": rules.responsible_phone_e164(responsible_phone)}
    with transaction.atomic(durable=True):
        _release_expired_holds(Booking.objects.filter(resource_id=booking.resource_id), now=now)
        booking = _locked_booking(booking.pk)
        _check_member(actor, booking)
        expired = booking.status == BookingStatus.EXPIRED
        if not expired:
            _confirm_held(actor, booking, responsible=responsible)
    if expired:
        raise _hold_expired()
    return booking


def waitlist_offer_decline(*, actor: User, booking: Booking) -> Booking:
    """The organisation does not want the held time: it passes to the next in line."""
    with transaction.atomic(durable=True):
        booking = _locked_booking(booking.pk)
        _check_member(actor, booking)
        if booking.status == BookingStatus.EXPIRED:
            raise _hold_expired()
        if booking.status != BookingStatus.HELD:
            raise booking_services._wrong_state()
        _release(booking, actor=actor, status=BookingStatus.CANCELLED, entry_status=WaitlistStatus.WITHDRAWN)
        send_on_commit(booking, Notice.CANCELLED)
    return booking


def holds_release_expired(now: dt.datetime | None = None) -> int:
    """Let go of held times not confirmed in time and offer each to the next in line.

    One transaction per hold, which is locked and checked again inside it: a hold
    another run has already let go is skipped, so running this again, or twice at
    once, offers each time only once. Returns how many holds this run let go.
    """
    now = now or clock.now()
    due = Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__lte=now)
    released = 0
    for booking_id in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic(durable=True):
            released += _release_expired_holds(Booking.objects.filter(pk=booking_id), now=now)
    return released


def holds_release_expired_in_the_way(
    *, resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime
) -> int:
    """Inside the caller's transaction: let go of run-out holds that would clash with
    [starts_at, ends_at) on `resource`, so a hold never outlives its deadline just because
    the job has not run yet. The next in line is offered the time first, as always."""
    in_the_way = selectors.occupancy_clashes(resource, starts_at, ends_at).values("booking_id")
    return _release_expired_holds(Booking.objects.filter(pk__in=in_the_way), now=clock.now())


# --- Offering and letting go --------------------------------------------------------------
def _offer(entry_id: int, resources: dict[int, Resource], *, now: dt.datetime) -> Booking | None:
    """Hold the entry's time for its organisation, if it is still waiting and the time is free."""
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=entry_id, status=WaitlistStatus.WAITING)
        .first()
    )
    if entry is None or not _may_still_book(entry, resources[entry.resource_id]):
        return None
    booking = Booking(
        resource=resources[entry.resource_id],
        organisation=entry.organisation,
        booked_by=entry.requested_by,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        status=BookingStatus.HELD,
        purpose=entry.purpose,
        expected_people=entry.expected_people,
        hold_expires_at=min(now + hold_duration(), entry.starts_at),
    )
    try:
        # A savepoint: a clash undoes this offer only, and the line moves on.
        with transaction.atomic():
            booking_services._claim(booking)
    except rules.BookingConflict:
        return None
    entry.status, entry.offer = WaitlistStatus.OFFERED, booking
    entry.save(update_fields=["status", "offer", "updated_at"])
    booking_services._record(None, booking, "offered")
    send_on_commit(booking, Notice.OFFERED)
    return booking


def hold_duration() -> dt.timedelta:
    """How long a time offered from the waiting list is held (`settings.BOOKING_HOLD_HOURS`)."""
    return dt.timedelta(hours=getattr(settings, "BOOKING_HOLD_HOURS", 24))


def _may_still_book(entry: WaitlistEntry, resource: Resource) -> bool:
    """Whether the organisation still may book: approved, not a partner, with an agreement."""
    try:
        _check_may_book(entry.organisation, resource, starts_at=entry.starts_at, ends_at=entry.ends_at)
    except RuleViolation:
        return False
    return resource.is_active


def _confirm_held(actor: User, booking: Booking, *, responsible: dict[str, str]) -> None:
    """Turn a hold into a booking. Its time is claimed afresh, as an approval does."""
    if booking.status != BookingStatus.HELD:
        raise booking_services._wrong_state()
    _check_may_book(
        booking.organisation, booking.resource, starts_at=booking.starts_at, ends_at=booking.ends_at
    )
    rules.check_responsible_person(kind=booking.resource.kind, **responsible)
    # Fair share holds for offers too: the quota lock, then count the week without this hold.
    Organisation.objects.select_for_update().values_list("pk", flat=True).get(pk=booking.organisation_id)
    rules.check_quota(
        booked_this_week=selectors.bookings_in_week(
            booking.organisation_id, booking.resource, booking.starts_at
        )
        - 1,
        limit=booking_services.weekly_quota(booking.resource.kind),
    )
    if booking.resource.kind == ResourceKind.PREMISES:
        booking.responsible_name, booking.responsible_phone = responsible["name"], responsible["phone"]
    booking.occupancies.all().delete()
    booking.status = (
        BookingStatus.REQUESTED if booking.resource.requires_approval else BookingStatus.CONFIRMED
    )
    booking_services._claim(booking)
    entry = WaitlistEntry.objects.select_for_update().filter(offer=booking).first()
    if entry is not None:
        _set_status(entry, WaitlistStatus.BOOKED)
    booking_services._record(
        actor, booking, "offer_accepted", {"status": [BookingStatus.HELD, booking.status]}
    )
    send_on_commit(
        booking, Notice.REQUESTED if booking.status == BookingStatus.REQUESTED else Notice.CONFIRMED
    )


def _release_expired_holds(bookings, *, now: dt.datetime) -> int:
    """Let go of the held bookings among `bookings` whose hold has run out, locked in id order."""
    expired = list(
        bookings.select_for_update(of=("self",))
        .select_related("resource", "resource__centre", "organisation")
        .filter(status=BookingStatus.HELD, hold_expires_at__lte=now)
        .order_by("pk")
    )
    for booking in expired:
        _release(booking, actor=None, status=BookingStatus.EXPIRED, entry_status=WaitlistStatus.EXPIRED)
        send_on_commit(booking, Notice.CANCELLED)
    return len(expired)


def _release(booking: Booking, *, actor: User | None, status: str, entry_status: str) -> None:
    """Give up a held time, close its waiting list place, and offer the time to the next in line."""
    booking.occupancies.all().delete()
    booking.status = status
    fields = ["status"]
    if status == BookingStatus.CANCELLED:
        booking.cancelled_at, booking.cancelled_by = clock.now(), actor
        fields += ["cancelled_at", "cancelled_by"]
    booking.save(update_fields=fields)
    entry = WaitlistEntry.objects.select_for_update().filter(offer=booking).first()
    if entry is not None and entry.status == WaitlistStatus.OFFERED:
        _set_status(entry, entry_status)
    booking_services._record(actor, booking, "hold_released", {"status": [BookingStatus.HELD, status]})
    waitlist_offer_freed(
        resource_id=booking.resource_id, starts_at=booking.starts_at, ends_at=booking.ends_at
    )


def _close_offers_no_longer_held(resource_ids) -> None:
    """Places whose held booking ended another way (for example cancelled) stop being offers."""
    WaitlistEntry.objects.filter(resource_id__in=list(resource_ids), status=WaitlistStatus.OFFERED).exclude(
        offer__status=BookingStatus.HELD
    ).update(status=WaitlistStatus.WITHDRAWN, updated_at=clock.now())


def _set_status(entry: WaitlistEntry, status: str) -> None:
    entry.status = status
    entry.save(update_fields=["status", "updated_at"])


def _locked_booking(booking_id: int) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource", "resource__centre", "organisation")
        .get(pk=booking_id)
    )


# --- Checks -------------------------------------------------------------------------------
def _check_may_book(
    organisation: Organisation, resource: Resource, *, starts_at: dt.datetime, ends_at: dt.datetime
) -> None:
    rules.check_organisation_may_book(
        is_approved=organisation.is_approved, is_partner=organisation.is_partner
    )
    rules.check_agreement(
        has_agreement_for_whole_period=booking_services._has_agreement_for(
            organisation, resource, starts_at, ends_at
        )
    )


def _check_taken_by_others(
    resource: Resource, organisation: Organisation, *, starts_at: dt.datetime, ends_at: dt.datetime
) -> None:
    """The time must be taken, and not by the organisation itself."""
    clashes = selectors.occupancy_clashes(resource, starts_at, ends_at + resource.buffer)
    owners = set(clashes.values_list("booking__organisation_id", flat=True))
    if not owners:
        raise RuleViolation(
            code="waitlist_time_free",
            message=_("This time is free — book it now."),
        )
    if organisation.pk in owners:
        raise RuleViolation(
            code="waitlist_own_booking",
            message=_(
                "Your organisation has already booked some of this time. "
                "Choose a time that does not include your own booking."
            ),
        )


def _check_member(actor: User, booking: Booking) -> None:
    if booking.organisation is None or not organisation_permissions.is_member(actor, booking.organisation):
        raise booking_services._not_allowed()


def _record(actor: User, entry: WaitlistEntry, verb: str) -> None:
    audit.record(
        actor=actor,
        action=f"waitlist.{verb}",
        obj=entry,
        scope=f"organisation:{entry.organisation_id}",
        changes={
            "resource": str(entry.resource),
            "starts_at": entry.starts_at.isoformat(),
            "ends_at": entry.ends_at.isoformat(),
            "status": entry.status,
        },
    )


# --- Messages -----------------------------------------------------------------------------
def _not_for_equipment() -> RuleViolation:
    return RuleViolation(
        code="waitlist_not_for_equipment",
        message=_("There is no waiting list for equipment. Choose another time, or ask the centre."),
    )


def _already_waiting() -> RuleViolation:
    return RuleViolation(
        code="waitlist_already_waiting",
        message=_("Your organisation is already waiting for this time. You find it under My bookings."),
    )


def _no_longer_waiting() -> RuleViolation:
    return RuleViolation(
        code="waitlist_not_waiting",
        message=_("You are no longer waiting for this time. Reload the page to see why."),
    )


def _hold_expired() -> RuleViolation:
    return RuleViolation(
        code="hold_expired",
        message=_(
            "Sorry, the time was held for you only until the deadline, and it has now been offered "
            "to the next in line. You can still book another time."
        ),
    )
