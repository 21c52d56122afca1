"""Reads for bookings: what clashes, what is free, how much equipment is out.

Availability carries no personal data: only when a resource is busy and in what way.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When

from batteriet.bookings import rules
from batteriet.bookings.models import Booking, BookingStatus, Closure, Occupancy, Resource, ResourceKind
from batteriet.centres.models import Centre, OpeningHours
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.organisations.models import AgreementStatus, Organisation, OrganisationKind, OrganisationStatus


class BusyKind(StrEnum):
    CONFIRMED = "confirmed"  # booked
    REQUESTED = "requested"  # asked for, waiting for staff; the time is held
    BLOCKED = "blocked"  # staff blocked it, e.g. for maintenance
    PART_BOOKED = "part_booked"  # a hall: one of its parts is booked
    IN_USE = "in_use"  # equipment: some units are lent, `quantity` says how many
    FULLY_BOOKED = "fully_booked"  # equipment: every unit is lent


@dataclass(frozen=True)
class BusyInterval:
    """A busy time, the buffer after a booking included. Half-open: [starts_at, ends_at)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: BusyKind
    quantity: int | None = None


@dataclass(frozen=True)
class ResourceAvailability:
    resource: Resource
    busy: list[BusyInterval]


def _clash_filter(resource: Resource) -> Q:
    """Occupied rows that clash with an own row on `resource`.

    Every row on the resource (its own bookings and, for a hall, its parts' bookings)
    and the hall's own rows when the resource is a part. Matches the two exclusion
    constraints of migration 0002.
    """
    clash = Q(resource_id=resource.pk)
    if resource.parent_id is not None:
        clash |= Q(resource_id=resource.parent_id, is_own=True)
    return clash


def occupancy_clashes(
    resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: Booking | None = None
) -> QuerySet[Occupancy]:
    """Occupied times that an own row on `resource` over [starts_at, ends_at) would clash with."""
    occupancies = Occupancy.objects.filter(
        _clash_filter(resource), starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None:
        occupancies = occupancies.exclude(booking_id=exclude.pk)
    return occupancies.order_by("starts_at", "id")


def bookings_overlapping(
    resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: Booking | None = None
) -> QuerySet[Booking]:
    """Blocking bookings whose occupied time (buffer included) overlaps [starts_at, ends_at).

    For a room, hall or desk these are the bookings that clash: its own, those of its
    parts (a hall) or of its hall (a part). For equipment, the loans of that equipment.
    """
    if resource.is_equipment:
        bookings = _equipment_loans(resource, starts_at, ends_at)
    else:
        bookings = Booking.objects.filter(
            pk__in=occupancy_clashes(resource, starts_at, ends_at).values("booking_id"),
            status__in=BookingStatus.blocking(),
        )
    if exclude is not None:
        bookings = bookings.exclude(pk=exclude.pk)
    return bookings.order_by("starts_at", "id")


def peak_quantity(
    resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: Booking | None = None
) -> int:
    """The most units of a piece of equipment lent at any moment of [starts_at, ends_at)."""
    loans = _equipment_loans(resource, starts_at, ends_at)
    if exclude is not None:
        loans = loans.exclude(pk=exclude.pk)
    buffer = resource.buffer
    return rules.peak_quantity(
        (
            (start, end + buffer, quantity)
            for start, end, quantity in loans.values_list("starts_at", "ends_at", "quantity")
        ),
        starts_at,
        ends_at,
    )


def _equipment_loans(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(
        resource_id=resource.pk,
        status__in=BookingStatus.blocking(),
        starts_at__lt=ends_at,
        ends_at__gt=_utc(starts_at) - resource.buffer,
    )


def availability(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> list[BusyInterval]:
    """When one resource is busy during [starts_at, ends_at)."""
    if resource.is_equipment:
        rows = _equipment_loans(resource, starts_at, ends_at).values_list(
            "resource_id", "starts_at", "ends_at", "status", "organisation_id", "quantity"
        )
        return _equipment_busy(resource, rows, starts_at)
    rows = Occupancy.objects.filter(
        _clash_filter(resource), starts_at__lt=ends_at, ends_at__gt=starts_at
    ).values_list(
        "resource_id", "starts_at", "ends_at", "is_own", "booking__status", "booking__organisation_id"
    )
    return _in_order(_busy_from_occupancy(resource, *row) for row in rows)


def centre_availability(
    centre: Centre, starts_at: dt.datetime, ends_at: dt.datetime
) -> list[ResourceAvailability]:
    """When each active resource of a centre is busy, in two queries whatever the number of bookings."""
    resources = list(Resource.objects.filter(centre=centre, is_active=True).order_by("kind", "name"))
    if not resources:
        return []
    busy_rows = _centre_busy_rows(centre, resources, starts_at, ends_at)
    occupied: dict[int, list[tuple]] = defaultdict(list)
    loans: dict[int, list[tuple]] = defaultdict(list)
    for row in busy_rows:
        resource_id, row_starts_at, row_ends_at, is_own, status, organisation_id, quantity = row
        if quantity is None:
            occupied[resource_id].append(
                (resource_id, row_starts_at, row_ends_at, is_own, status, organisation_id)
            )
        else:
            loans[resource_id].append(
                (resource_id, row_starts_at, row_ends_at, status, organisation_id, quantity)
            )
    result = []
    for resource in resources:
        if resource.is_equipment:
            busy = _equipment_busy(resource, loans[resource.pk], starts_at)
        else:
            rows = occupied[resource.pk] + [row for row in occupied[resource.parent_id or 0] if row[3]]
            busy = _in_order(_busy_from_occupancy(resource, *row) for row in rows)
        result.append(ResourceAvailability(resource=resource, busy=busy))
    return result


def _centre_busy_rows(
    centre: Centre, resources: list[Resource], starts_at: dt.datetime, ends_at: dt.datetime
) -> Iterable[tuple]:
    """Occupied rows of rooms, halls and desks, and loans of equipment, in one query.

    Both halves have the same columns: resource, start, end, is_own, status, organisation
    and quantity (None for occupied rows, which is how the caller tells them apart).
    """
    occupied = Occupancy.objects.filter(
        resource__centre=centre, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).values_list(
        "resource_id",
        "starts_at",
        "ends_at",
        "is_own",
        "booking__status",
        "booking__organisation_id",
        Value(None, output_field=IntegerField()),
    )
    longest_buffer = max((r.buffer for r in resources if r.is_equipment), default=None)
    if longest_buffer is None:
        return occupied
    lent = (
        Booking.objects.order_by()
        .filter(
            resource__centre=centre,
            resource__kind=ResourceKind.EQUIPMENT,
            status__in=BookingStatus.blocking(),
            starts_at__lt=ends_at,
            ends_at__gt=_utc(starts_at) - longest_buffer,
        )
        .values_list(
            "resource_id",
            "starts_at",
            "ends_at",
            Value(True, output_field=BooleanField()),
            "status",
            "organisation_id",
            "quantity",
        )
    )
    return occupied.union(lent, all=True)


def _busy_from_occupancy(
    resource: Resource,
    resource_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    is_own: bool,
    status: str,
    organisation_id: int | None,
) -> BusyInterval:
    if resource_id == resource.pk and not is_own:
        kind = BusyKind.PART_BOOKED
    elif organisation_id is None:
        kind = BusyKind.BLOCKED
    elif status in (BookingStatus.REQUESTED, BookingStatus.HELD):
        kind = BusyKind.REQUESTED
    else:
        kind = BusyKind.CONFIRMED
    return BusyInterval(starts_at=starts_at, ends_at=ends_at, kind=kind)


def _utc(moment: dt.datetime) -> dt.datetime:
    """Subtract a buffer in real time, not on the wall clock (the night the clocks change)."""
    return moment.astimezone(dt.UTC)


def _in_order(intervals: Iterable[BusyInterval]) -> list[BusyInterval]:
    return sorted(intervals, key=lambda interval: (interval.starts_at, interval.ends_at, interval.kind))


def _equipment_busy(resource: Resource, rows: Iterable[tuple], starts_at: dt.datetime) -> list[BusyInterval]:
    """Steps of how many units are lent, from loans (buffer added) still running at `starts_at`."""
    buffer = resource.buffer
    loans = [(start, end + buffer, quantity) for _id, start, end, _status, _org, quantity in rows]
    steps = rules.usage_steps(loan for loan in loans if loan[1] > starts_at)
    return [
        BusyInterval(
            starts_at=start,
            ends_at=end,
            kind=BusyKind.FULLY_BOOKED if quantity >= resource.stock else BusyKind.IN_USE,
            quantity=quantity,
        )
        for start, end, quantity in steps
    ]


# --- Lists for pages ------------------------------------------------------------------
def resources_of_centre(centre: Centre) -> QuerySet[Resource]:
    """What an organisation can book at a centre: rooms, premises, desks, then equipment."""
    kinds = [When(kind=kind, then=Value(position)) for position, kind in enumerate(ResourceKind.values)]
    return (
        Resource.objects.filter(centre=centre, is_active=True)
        .annotate(kind_order=Case(*kinds, default=Value(len(kinds))))
        .order_by("kind_order", "name")
    )


@dataclass(frozen=True)
class FreeRoomFilters:
    """What "find a free room" asks for. `kind` None: rooms, premises and desks."""

    min_people: int | None = None
    kind: str | None = None
    step_free: bool = False
    hearing_loop: bool = False
    accessible_toilet: bool = False


def free_resources(
    centre: Centre,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    filters: FreeRoomFilters,
    *,
    now: dt.datetime,
) -> list[Resource]:
    """Rooms, premises and desks of a centre that could be booked for all of [starts_at, ends_at).

    Free (no occupied time clashes, the buffer after the new booking included) and
    bookable then (notice, horizon, length, opening hours, holidays and closures). Four
    queries, however many resources and bookings: resources, occupied times, opening
    hours and closures; the rules themselves run in memory.
    """
    resources = list(_free_room_candidates(centre, filters))
    if not resources:
        return []
    longest_buffer = max(resource.buffer for resource in resources)
    taken = list(
        Occupancy.objects.filter(
            resource__centre=centre, starts_at__lt=_utc(ends_at) + longest_buffer, ends_at__gt=starts_at
        ).values_list("resource_id", "starts_at", "ends_at", "is_own")
    )
    opening_hours = opening_spans(centre)
    closures = closures_between(
        centre, starts_at.astimezone(clock.OSLO).date(), ends_at.astimezone(clock.OSLO).date()
    )
    return [
        resource
        for resource in resources
        if not _clashes(resource, taken, starts_at, _utc(ends_at) + resource.buffer)
        and _bookable_then(resource, starts_at, ends_at, now, opening_hours, closures)
    ]


def _free_room_candidates(centre: Centre, filters: FreeRoomFilters) -> QuerySet[Resource]:
    resources = resources_of_centre(centre).exclude(kind=ResourceKind.EQUIPMENT)
    if filters.kind:
        resources = resources.filter(kind=filters.kind)
    if filters.min_people:
        resources = resources.filter(capacity__gte=filters.min_people)
    for feature in ("step_free", "hearing_loop", "accessible_toilet"):
        if getattr(filters, feature):
            resources = resources.filter(**{feature: True})
    return resources


def _clashes(resource: Resource, taken: list[tuple], starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Like `occupancy_clashes`, over rows already read: the resource's rows, and its hall's own."""
    return any(
        (resource_id == resource.pk or (resource_id == resource.parent_id and is_own))
        and rules.intervals_overlap(row_starts_at, row_ends_at, starts_at, ends_at)
        for resource_id, row_starts_at, row_ends_at, is_own in taken
    )


def _bookable_then(
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    opening_hours: list[rules.OpeningSpan],
    closures: list[tuple[dt.date, dt.date]],
) -> bool:
    try:
        rules.check_notice(
            starts_at=starts_at, now=now, min_notice=dt.timedelta(minutes=resource.min_notice_minutes)
        )
        rules.check_horizon(starts_at=starts_at, now=now, max_horizon_days=resource.max_horizon_days)
        rules.check_duration(
            starts_at=starts_at,
            ends_at=ends_at,
            min_duration=dt.timedelta(minutes=resource.min_duration_minutes),
            max_duration=dt.timedelta(minutes=resource.max_duration_minutes),
        )
        rules.check_bookable_window(
            kind=resource.kind, starts_at=starts_at, ends_at=ends_at, opening_hours=opening_hours
        )
        rules.check_not_closed(
            starts_at=starts_at,
            ends_at=ends_at,
            closures=closures,
            only_first_and_last_day=resource.kind == ResourceKind.DESK,
        )
    except RuleViolation:
        return False
    return True


def resources_for_staff(centre_ids: list[int] | None) -> QuerySet[Resource]:
    """What staff may book or block: active resources at their centres (None: all centres)."""
    resources = Resource.objects.filter(is_active=True).select_related("centre")
    if centre_ids is not None:
        resources = resources.filter(centre_id__in=centre_ids)
    return resources.order_by("centre__name", "kind", "name")


def organisations_that_may_book(centre: Centre, *, on: dt.date) -> QuerySet[Organisation]:
    """Approved organisations (partners excluded) with a user agreement at the centre in force `on`."""
    return (
        Organisation.objects.filter(
            status=OrganisationStatus.APPROVED,
            agreements__centre=centre,
            agreements__status=AgreementStatus.ACTIVE,
            agreements__valid_from__lte=on,
            agreements__valid_until__gte=on,
        )
        .exclude(kind=OrganisationKind.PARTNER)
        .distinct()
        .order_by("name")
    )


def move_reason(booking: Booking) -> str:
    """What staff told the organisation when they last moved the booking ("" if nothing)."""
    entry = (
        AuditEntry.objects.filter(
            action="booking.moved",
            content_type=ContentType.objects.get_for_model(Booking),
            object_id=str(booking.pk),
        )
        .order_by("-pk")
        .values_list("changes", flat=True)
        .first()
    )
    return (entry or {}).get("reason", "")


def booking_list_for_organisations(
    organisation_ids: Iterable[int], *, ending_after: dt.datetime
) -> QuerySet[Booking]:
    """Bookings of these organisations that end after `ending_after`, soonest first."""
    return (
        Booking.objects.filter(organisation_id__in=list(organisation_ids), ends_at__gt=ending_after)
        .select_related("resource", "resource__centre", "organisation")
        .order_by("starts_at", "id")
    )


def _at_centres(bookings: QuerySet[Booking], centre_ids: list[int] | None) -> QuerySet[Booking]:
    return bookings if centre_ids is None else bookings.filter(resource__centre_id__in=centre_ids)


def requested_bookings(centre_ids: list[int] | None, *, now: dt.datetime) -> QuerySet[Booking]:
    """Requests waiting for staff at these centres (None: all centres), oldest first."""
    bookings = Booking.objects.filter(status=BookingStatus.REQUESTED, ends_at__gt=now)
    return (
        _at_centres(bookings, centre_ids)
        .select_related("resource", "resource__centre", "organisation", "booked_by")
        .order_by("created_at", "id")
    )


def bookings_between(
    centre_ids: list[int] | None, starts_at: dt.datetime, ends_at: dt.datetime
) -> QuerySet[Booking]:
    """Blocking bookings at these centres (None: all centres) that overlap [starts_at, ends_at)."""
    bookings = Booking.objects.filter(
        status__in=BookingStatus.blocking(), starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    return (
        _at_centres(bookings, centre_ids)
        .select_related("resource", "resource__centre", "organisation")
        .order_by("starts_at", "id")
    )


def bookings_starting_between(
    centre_ids: list[int] | None, starts_at: dt.datetime, ends_at: dt.datetime
) -> QuerySet[Booking]:
    """Blocking bookings at these centres (None: all centres) that start within [starts_at, ends_at)."""
    bookings = Booking.objects.filter(
        status__in=BookingStatus.blocking(), starts_at__gte=starts_at, starts_at__lt=ends_at
    )
    return (
        _at_centres(bookings, centre_ids)
        .select_related("resource", "resource__centre", "organisation")
        .order_by("starts_at", "id")
    )


# --- What the rules need from the database ----------------------------------------------
def opening_spans(centre: Centre) -> list[rules.OpeningSpan]:
    return [
        rules.OpeningSpan(weekday=weekday, opens_at=opens_at, closes_at=closes_at)
        for weekday, opens_at, closes_at in OpeningHours.objects.filter(centre=centre).values_list(
            "weekday", "opens_at", "closes_at"
        )
    ]


def closures_between(centre: Centre, first_day: dt.date, last_day: dt.date) -> list[tuple[dt.date, dt.date]]:
    return list(
        Closure.objects.filter(centre=centre, starts_on__lte=last_day, ends_on__gte=first_day).values_list(
            "starts_on", "ends_on"
        )
    )


def bookings_of_kind_starting(
    organisation_id: int, resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime
) -> list[dt.datetime]:
    """When the organisation's blocking bookings of this kind at this centre start, within
    [starts_at, ends_at): the weekly quota of many weeks counted from one query."""
    return list(
        Booking.objects.filter(
            organisation_id=organisation_id,
            resource__centre_id=resource.centre_id,
            resource__kind=resource.kind,
            status__in=BookingStatus.blocking(),
            starts_at__gte=starts_at,
            starts_at__lt=ends_at,
        ).values_list("starts_at", flat=True)
    )


def taken_between(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> list[tuple]:
    """What is held on `resource` during [starts_at, ends_at), read once for many checks.

    (start, end, quantity) with buffers included: for equipment the loans (feed them to
    `rules.peak_quantity`); otherwise the occupied times an own row would clash with.
    """
    if resource.is_equipment:
        buffer = resource.buffer
        return [
            (start, end + buffer, quantity)
            for start, end, quantity in _equipment_loans(resource, starts_at, ends_at).values_list(
                "starts_at", "ends_at", "quantity"
            )
        ]
    return [
        (start, end, 1)
        for start, end in occupancy_clashes(resource, starts_at, ends_at).values_list("starts_at", "ends_at")
    ]


def bookings_in_week(organisation_id: int, resource: Resource, moment: dt.datetime) -> int:
    """Blocking bookings of one kind an organisation holds at a centre in the ISO week of `moment`."""
    week_starts_at, week_ends_at = rules.week_bounds(moment)
    return Booking.objects.filter(
        organisation_id=organisation_id,
        resource__centre_id=resource.centre_id,
        resource__kind=resource.kind,
        status__in=BookingStatus.blocking(),
        starts_at__gte=week_starts_at,
        starts_at__lt=week_ends_at,
    ).count()


# --- Closures ---------------------------------------------------------------------------
def closed_days_bounds(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The closed days as a half-open span: midnight in Oslo to midnight after the last day."""
    return (
        dt.datetime.combine(starts_on, dt.time(0), tzinfo=clock.OSLO),
        dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=clock.OSLO),
    )


def bookings_on_closed_days(closure: Closure) -> QuerySet[Booking]:
    """Blocking bookings at the closure's centre that touch one of its closed days: staff
    must move or cancel them (closing does not cancel anything by itself). One query."""
    starts_at, ends_at = closed_days_bounds(closure.starts_on, closure.ends_on)
    return bookings_between([closure.centre_id], starts_at, ends_at)


def bookings_on_closures(closures: Iterable[Closure]) -> dict[int, list[Booking]]:
    """`bookings_on_closed_days` for many closures in one query, by closure id."""
    closures = list(closures)
    if not closures:
        return {}
    touching = Q()
    for closure in closures:
        starts_at, ends_at = closed_days_bounds(closure.starts_on, closure.ends_on)
        touching |= Q(resource__centre_id=closure.centre_id, starts_at__lt=ends_at, ends_at__gt=starts_at)
    bookings = list(
        Booking.objects.filter(touching, status__in=BookingStatus.blocking())
        .select_related("resource", "resource__centre", "organisation")
        .order_by("starts_at", "id")
    )
    found: dict[int, list[Booking]] = {closure.pk: [] for closure in closures}
    for closure in closures:
        starts_at, ends_at = closed_days_bounds(closure.starts_on, closure.ends_on)
        found[closure.pk] = [
            booking
            for booking in bookings
            if booking.resource.centre_id == closure.centre_id
            and booking.starts_at < ends_at
            and booking.ends_at > starts_at
        ]
    return found


def coming_closures(
    centre_ids: list[int] | None, *, today: dt.date, until: dt.date | None = None
) -> QuerySet[Closure]:
    """Closures not over yet at these centres (None: all), starting on or before `until`."""
    closures = Closure.objects.filter(ends_on__gte=today)
    if centre_ids is not None:
        closures = closures.filter(centre_id__in=centre_ids)
    if until is not None:
        closures = closures.filter(starts_on__lte=until)
    return closures.select_related("centre").order_by("centre__name", "starts_on", "id")
