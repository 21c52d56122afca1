"""Recurring bookings: preview every time, book the free ones (or all or none), cancel or
change this time and all later ones.

The same locking discipline as single bookings (see the package's docstring): one
durable transaction; SQLite runs it as BEGIN IMMEDIATE; on PostgreSQL the organisation
row is locked for the weekly quota and the exclusion constraints have the last word on
overlaps. Each time is claimed in a savepoint, so a time that turns out to be taken is
skipped ("free") or makes the whole series fail ("all") without leaving anything half
written. What the preview said is never trusted: every rule is checked again on save.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from batteriet.accounts.models import User
from batteriet.bookings import recurrence, rules, selectors
from batteriet.bookings import services as booking_services
from batteriet.bookings.models import Booking, BookingStatus, Resource, ResourceKind, Series
from batteriet.bookings.notices import Notice, send_on_commit
from batteriet.centres import permissions as centre_permissions
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations import selectors as organisation_selectors
from batteriet.organisations.models import Organisation

BookChoice = Literal["free", "all"]


@dataclass(frozen=True)
class OccurrencePreview:
    """One time of a series and whether it can be booked; if not, why (`code`, `reason`)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    ok: bool
    code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Responsible:
    """Premises: the person present and responsible at every time of the series."""

    name: str = ""
    phone: str = ""


class SeriesRefused(RuleViolation):
    """Some times cannot be booked or changed, so nothing was. `refused` lists them."""

    def __init__(self, *, code: str, message: str, refused: list[OccurrencePreview]) -> None:
        super().__init__(code=code, message=message)
        self.refused = refused


def series_preview(
    *,
    actor: User,
    resource: Resource,
    organisation: Organisation,
    pattern: recurrence.Pattern,
    purpose: str,
    expected_people: int | None = None,
    responsible: Responsible | None = None,
) -> list[OccurrencePreview]:
    """Every time of the pattern, each marked free or with the reason it cannot be booked.

    Reads only. Raises RuleViolation for what concerns the whole series (the pattern,
    the purpose, the number of people, who books).
    """
    times = recurrence.occurrences(pattern)
    rules.check_purpose(purpose)
    _responsible(resource, responsible)
    resource, organisation, _is_staff = _check_may_book(actor, resource, organisation, expected_people)
    checker = _Checker(resource, organisation, now=clock.now(), times=times)
    preview = []
    for starts_at, ends_at in times:
        violation = checker.violation(starts_at, ends_at) or checker.clash(starts_at, ends_at)
        if violation is None:
            checker.accept(starts_at, ends_at)
        preview.append(_previewed(starts_at, ends_at, violation))
    return preview


def series_create(
    *,
    actor: User,
    resource: Resource,
    organisation: Organisation,
    pattern: recurrence.Pattern,
    purpose: str,
    expected_people: int | None = None,
    responsible: Responsible | None = None,
    book: BookChoice = "free",
) -> Series:
    """Book the times of a pattern: the free ones ("free"), or all or nothing ("all").

    Raises SeriesRefused when "all" was asked for and some time cannot be booked, or
    when no time at all can be booked; then nothing is stored.
    """
    if book not in ("free", "all"):
        raise ValueError(f"book must be 'free' or 'all', not {book!r}")
    times = recurrence.occurrences(pattern)
    rules.check_purpose(purpose)
    responsible = _responsible(resource, responsible)
    with transaction.atomic(durable=True):
        resource, organisation, is_staff = _check_may_book(actor, resource, organisation, expected_people)
        # The quota lock, as for one booking: an organisation's requests count one after another.
        Organisation.objects.select_for_update().values_list("pk", flat=True).get(pk=organisation.pk)
        series = _new_series(actor, resource, organisation, pattern, purpose, expected_people)
        checker = _Checker(resource, organisation, now=clock.now(), times=times)
        booked: list[Booking] = []
        refused: list[OccurrencePreview] = []
        for starts_at, ends_at in times:
            booking = _occurrence(series, starts_at, ends_at, responsible=responsible, is_staff=is_staff)
            violation = checker.violation(starts_at, ends_at) or _claimed(booking)
            if violation is None:
                checker.accept(starts_at, ends_at)
                booked.append(booking)
            else:
                refused.append(_previewed(starts_at, ends_at, violation))
        if not booked or (book == "all" and refused):
            raise _refused_to_book(refused, total=len(times))
        _record_created(actor, series, booked, skipped=len(refused))
    return series


def series_cancel_from(*, actor: User, booking: Booking, reason: str = "") -> list[Booking]:
    """Cancel this time of a series and every later one that has not ended; the times become free.

    Each goes through the steps of cancelling one booking; times already over are left as
    they are. The organisation gets one e-mail, about the first time cancelled.
    """
    rules.check_reason(reason, required=False)
    with transaction.atomic(durable=True):
        booking = _series_booking(actor, booking)
        now = clock.now()
        later = list(
            _later_occurrences(booking).filter(ends_at__gt=now).select_related("resource", "organisation")
        )
        if not later:
            raise RuleViolation(
                code="series_nothing_to_cancel",
                message=_("There are no coming times left to cancel in this recurring booking."),
            )
        for occurrence in later:
            booking_services._cancel_locked(actor, occurrence, reason=reason.strip(), now=now)
        send_on_commit(later[0], Notice.CANCELLED, also=later[1:])
    return later


def series_change_from(
    *,
    actor: User,
    booking: Booking,
    starts_at_time: dt.time,
    ends_at_time: dt.time,
    reason: str = "",
) -> list[Booking]:
    """Move this time and every later one of its series to new times on the same days.

    All or nothing: when any of them cannot move (taken, closed, outside opening hours…),
    SeriesRefused lists every one that cannot, and nothing changes. Times that have
    started are left as they are. The organisation gets one e-mail, about the first.
    """
    recurrence.check_times(starts_at_time, ends_at_time)
    rules.check_reason(reason, required=False)
    with transaction.atomic(durable=True):
        booking = _series_booking(actor, booking)
        now = clock.now()
        is_staff = centre_permissions.is_staff_at(actor, booking.resource.centre)
        later = list(
            _later_occurrences(booking)
            .filter(starts_at__gt=now, status__in=[BookingStatus.REQUESTED, BookingStatus.CONFIRMED])
            .select_related("resource", "resource__centre", "organisation")
        )
        if not later:
            raise RuleViolation(
                code="series_nothing_to_change",
                message=_("There are no coming times left to change in this recurring booking."),
            )
        refused = []
        for occurrence in later:
            starts_at, ends_at = _same_day(occurrence, starts_at_time, ends_at_time)
            violation = _moved(actor, occurrence, starts_at, ends_at, now=now, is_staff=is_staff)
            if violation is not None:
                refused.append(_previewed(starts_at, ends_at, violation))
        if refused:
            raise SeriesRefused(
                code="series_change_refused",
                message=ngettext(
                    "%(count)d of the %(total)d times cannot be moved, so nothing was changed.",
                    "%(count)d of the %(total)d times cannot be moved, so nothing was changed.",
                    len(refused),
                )
                % {"count": len(refused), "total": len(later)},
                refused=refused,
            )
        send_on_commit(later[0], Notice.CHANGED, also=later[1:])
    return later


# --- Checking each time -------------------------------------------------------------------
class _Checker:
    """The rules for each time of one series, the weekly quota counted across the series.

    Times are checked in order; `accept` records a time as booked (or, in a preview, as
    going to be), so later times of the same week count it and never overlap it. What the
    rules read (opening hours, closures, agreements, the organisation's week counts, the
    taken times) is read once for the whole series, so a preview of 100 times runs about
    as many queries as one of 2.
    """

    def __init__(
        self,
        resource: Resource,
        organisation: Organisation,
        *,
        now: dt.datetime,
        times: list[tuple[dt.datetime, dt.datetime]],
    ) -> None:
        self.resource = resource
        self.organisation = organisation
        self.now = now
        self.limit = booking_services.weekly_quota(resource.kind)
        self.accepted_in_week: Counter[dt.datetime] = Counter()
        self.accepted: list[tuple[dt.datetime, dt.datetime]] = []
        first = min((start for start, _end in times), default=now).astimezone(dt.UTC)
        last = max((end for _start, end in times), default=now).astimezone(dt.UTC) + resource.buffer
        self.span = (first, last)
        first_day, last_day = first.astimezone(clock.OSLO).date(), last.astimezone(clock.OSLO).date()
        self.opening_hours = selectors.opening_spans(resource.centre)
        self.closures = selectors.closures_between(resource.centre, first_day, last_day)
        self.agreements = organisation_selectors.active_agreement_periods(organisation, resource.centre)
        self.stored_in_week = Counter(
            _week_of(starts_at)
            for starts_at in selectors.bookings_of_kind_starting(
                organisation.pk, resource, rules.week_bounds(first)[0], rules.week_bounds(last)[1]
            )
        )
        self._taken: list[tuple[dt.datetime, dt.datetime, int]] | None = None

    def violation(self, starts_at: dt.datetime, ends_at: dt.datetime) -> RuleViolation | None:
        """The first rule this time breaks, the clash with others' bookings aside."""
        try:
            rules.check_interval(starts_at=starts_at, ends_at=ends_at, now=self.now)
            starts_at, ends_at = starts_at.astimezone(dt.UTC), ends_at.astimezone(dt.UTC)
            booking_services._check_resource_rules(
                self.resource,
                starts_at=starts_at,
                ends_at=ends_at,
                now=self.now,
                opening_hours=self.opening_hours,
                closures=self.closures,
            )
            rules.check_agreement(has_agreement_for_whole_period=self._has_agreement(starts_at, ends_at))
            rules.check_quota(booked_this_week=self._in_week(starts_at), limit=self.limit)
        except RuleViolation as violation:
            return violation
        return None

    def clash(self, starts_at: dt.datetime, ends_at: dt.datetime) -> RuleViolation | None:
        """Whether the time is taken, by a stored booking or by an earlier time of the series."""
        resource = self.resource
        occupied_until = ends_at + resource.buffer
        for accepted_start, accepted_end in self.accepted:
            if rules.intervals_overlap(
                starts_at, occupied_until, accepted_start, accepted_end + resource.buffer
            ):
                return rules.BookingConflict(clash_starts_at=accepted_start, clash_ends_at=accepted_end)
        if resource.is_equipment:
            try:
                rules.check_quantity(
                    quantity=1,
                    already_booked=rules.peak_quantity(self.taken(), starts_at, occupied_until),
                    stock=resource.stock,
                )
            except RuleViolation as violation:
                return violation
            return None
        for taken_start, taken_end, _quantity in self.taken():
            if rules.intervals_overlap(starts_at, occupied_until, taken_start, taken_end):
                return rules.BookingConflict(clash_starts_at=taken_start, clash_ends_at=taken_end)
        return None

    def taken(self) -> list[tuple[dt.datetime, dt.datetime, int]]:
        """What others hold over the whole series, read once: (start, end, quantity), buffers included."""
        if self._taken is None:
            first, last = self.span
            self._taken = selectors.taken_between(self.resource, first, last)
        return self._taken

    def accept(self, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
        self.accepted_in_week[_week_of(starts_at)] += 1
        self.accepted.append((starts_at, ends_at))

    def _has_agreement(self, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        """As for one booking: an agreement in force on the first and on the last day."""
        days = (starts_at.astimezone(clock.OSLO).date(), ends_at.astimezone(clock.OSLO).date())
        return all(
            any(valid_from <= day <= valid_until for valid_from, valid_until in self.agreements)
            for day in days
        )

    def _in_week(self, starts_at: dt.datetime) -> int:
        """Bookings of the organisation stored before this series began, plus the series' own."""
        week = _week_of(starts_at)
        return self.stored_in_week[week] + self.accepted_in_week[week]


def _week_of(moment: dt.datetime) -> dt.datetime:
    return rules.week_bounds(moment)[0]


def _claimed(booking: Booking) -> RuleViolation | None:
    """Claim the time in a savepoint: if it is taken, nothing of it stays written."""
    try:
        with transaction.atomic():
            booking_services._claim(booking)
    except RuleViolation as violation:
        return violation
    return None


def _previewed(
    starts_at: dt.datetime, ends_at: dt.datetime, violation: RuleViolation | None
) -> OccurrencePreview:
    if violation is None:
        return OccurrencePreview(starts_at=starts_at, ends_at=ends_at, ok=True)
    return OccurrencePreview(
        starts_at=starts_at, ends_at=ends_at, ok=False, code=violation.code, reason=str(violation.message)
    )


# --- Who may book, and what is written --------------------------------------------------
def _check_may_book(
    actor: User, resource: Resource, organisation: Organisation, expected_people: int | None
) -> tuple[Resource, Organisation, bool]:
    """The checks of one booking that concern the whole series.

    Returns fresh rows, and whether the actor is staff at the centre (who book on an
    organisation's behalf, and whose bookings are confirmed at once).
    """
    resource = Resource.objects.select_related("centre").get(pk=resource.pk)
    organisation = Organisation.objects.get(pk=organisation.pk)
    booking_services._check_resource_open(resource)
    is_staff = centre_permissions.is_staff_at(actor, resource.centre)
    if not (is_staff or organisation_permissions.is_member(actor, organisation)):
        raise booking_services._not_allowed()
    rules.check_organisation_may_book(
        is_approved=organisation.is_approved, is_partner=organisation.is_partner
    )
    rules.check_capacity(expected_people=expected_people, capacity=resource.capacity)
    return resource, organisation, is_staff


def _responsible(resource: Resource, responsible: Responsible | None) -> Responsible:
    """The responsible person, checked as for one booking; kept for premises only."""
    responsible = responsible or Responsible()
    phone = rules.responsible_phone_e164(responsible.phone)
    rules.check_responsible_person(kind=resource.kind, name=responsible.name, phone=phone)
    if resource.kind != ResourceKind.PREMISES:
        return Responsible()
    return Responsible(name=responsible.name.strip(), phone=phone)


def _new_series(
    actor: User,
    resource: Resource,
    organisation: Organisation,
    pattern: recurrence.Pattern,
    purpose: str,
    expected_people: int | None,
) -> Series:
    return Series.objects.create(
        resource=resource,
        organisation=organisation,
        booked_by=actor,
        frequency=pattern.frequency,
        interval=pattern.interval,
        weekdays=sorted(pattern.weekdays),
        week_of_month=pattern.week_of_month,
        first_day=pattern.first_day,
        until=pattern.until,
        count=pattern.count,
        starts_at_time=pattern.starts_at_time,
        ends_at_time=pattern.ends_at_time,
        purpose=purpose.strip(),
        expected_people=expected_people,
    )


def _occurrence(
    series: Series,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    responsible: Responsible,
    is_staff: bool,
) -> Booking:
    resource = series.resource
    return Booking(
        resource=resource,
        organisation=series.organisation,
        booked_by=series.booked_by,
        series=series,
        starts_at=starts_at.astimezone(dt.UTC),
        ends_at=ends_at.astimezone(dt.UTC),
        status=BookingStatus.REQUESTED
        if resource.requires_approval and not is_staff
        else BookingStatus.CONFIRMED,
        purpose=series.purpose,
        expected_people=series.expected_people,
        responsible_name=responsible.name,
        responsible_phone=responsible.phone,
    )


def _refused_to_book(refused: list[OccurrencePreview], *, total: int) -> SeriesRefused:
    if len(refused) == total:
        return SeriesRefused(
            code="series_nothing_free",
            message=_("None of the times can be booked, so nothing was booked."),
            refused=refused,
        )
    return SeriesRefused(
        code="series_not_all_free",
        message=ngettext(
            "%(count)d of the %(total)d times cannot be booked, so nothing was booked.",
            "%(count)d of the %(total)d times cannot be booked, so nothing was booked.",
            len(refused),
        )
        % {"count": len(refused), "total": total},
        refused=refused,
    )


def _record_created(actor: User, series: Series, booked: list[Booking], *, skipped: int) -> None:
    verb = "requested" if booked[0].status == BookingStatus.REQUESTED else "created"
    for booking in booked:
        booking_services._record(actor, booking, verb)
    audit.record(
        actor=actor,
        action="series.created",
        obj=series,
        scope=f"organisation:{series.organisation_id}",
        changes={
            "resource": str(series.resource),
            "first_day": series.first_day.isoformat(),
            "booked": len(booked),
            "skipped": skipped,
        },
    )
    send_on_commit(booked[0], Notice.REQUESTED if verb == "requested" else Notice.CONFIRMED, also=booked[1:])


# --- Cancelling and moving later times ----------------------------------------------------
def _series_booking(actor: User, booking: Booking) -> Booking:
    """The booking, locked, if the actor may change it and it belongs to a series."""
    booking = booking_services._locked(booking)
    is_staff = centre_permissions.is_staff_at(actor, booking.resource.centre)
    if not (is_staff or booking_services._is_member_of_booker(actor, booking)):
        raise booking_services._not_allowed()
    if booking.series_id is None:
        raise RuleViolation(
            code="not_a_series",
            message=_("This booking is not part of a recurring booking."),
        )
    return booking


def _later_occurrences(booking: Booking):
    """This time and the later ones of its series that still hold their time, in order, locked."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .filter(
            series_id=booking.series_id,
            starts_at__gte=booking.starts_at,
            status__in=BookingStatus.blocking(),
        )
        .order_by("starts_at", "id")
    )


def _same_day(
    booking: Booking, starts_at_time: dt.time, ends_at_time: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """New local times on the day the booking starts, in Oslo."""
    day = booking.starts_at.astimezone(clock.OSLO).date()
    return (
        dt.datetime.combine(day, starts_at_time, tzinfo=clock.OSLO),
        dt.datetime.combine(day, ends_at_time, tzinfo=clock.OSLO),
    )


def _moved(
    actor: User,
    booking: Booking,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    now: dt.datetime,
    is_staff: bool,
) -> RuleViolation | None:
    """Move one time, as `booking_move` does, inside the caller's transaction; the reason if it cannot."""
    before = booking_services._placement(booking)
    old_status = booking.status
    freed = (booking.resource_id, booking.starts_at, booking.ends_at)
    try:
        rules.check_interval(starts_at=starts_at, ends_at=ends_at, now=now)
        starts_at, ends_at = starts_at.astimezone(dt.UTC), ends_at.astimezone(dt.UTC)
        booking_services._check_new_time(
            booking, booking.resource, starts_at=starts_at, ends_at=ends_at, now=now, is_staff=is_staff
        )
        with transaction.atomic():
            booking.occupancies.all().delete()
            if not is_staff and booking.resource.requires_approval:
                booking.status = BookingStatus.REQUESTED
            booking.starts_at, booking.ends_at = starts_at, ends_at
            booking_services._claim(booking)
    except RuleViolation as violation:
        return violation
    after = booking_services._placement(booking)
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    if booking.status != old_status:
        changes["status"] = [old_status, booking.status]
    booking_services._record(actor, booking, "moved", changes)
    booking_services._offer_freed_time(booking, freed)
    return None
