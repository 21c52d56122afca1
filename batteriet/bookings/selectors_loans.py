"""Reads for what happens after a booking: equipment out and due, desks, premises reports.

Every list is one query, whatever the number of bookings. `centre_ids` is the list of
centres a staff member works at, or None for all centres (the national coordinator).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery

from batteriet.bookings import rules_loans
from batteriet.bookings.models import Booking, BookingStatus, PremisesReport, PrintCount, ResourceKind
from batteriet.core import time as clock

COMING_PREMISES_DAYS = 7


@dataclass(frozen=True)
class DeskLoan:
    """A desk lent now, with its review date and this month's printing."""

    booking: Booking
    pages_this_month: int | None
    allowance: int | None
    needs_review: bool

    @property
    def is_over_allowance(self) -> bool:
        return rules_loans.is_over_allowance(self.pages_this_month, self.allowance)


@dataclass(frozen=True)
class AfterUse:
    """What the booking page shows about a booking after it was made."""

    booking: Booking
    is_staff: bool
    is_member: bool
    now: dt.datetime
    pages_this_month: int | None = None
    report: PremisesReport | None = None

    @property
    def kind(self) -> str:
        return self.booking.resource.kind

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.booking, now=self.now)

    @property
    def is_over_allowance(self) -> bool:
        return rules_loans.is_over_allowance(
            self.pages_this_month, self.booking.resource.printer_pages_per_month
        )

    @property
    def shows_handover_note(self) -> bool:
        """The key note is for the organisation once the booking is confirmed; staff always see it."""
        return self.is_staff or (self.is_member and self.booking.status == BookingStatus.CONFIRMED)

    @property
    def has_started(self) -> bool:
        return self.booking.starts_at <= self.now

    @property
    def can_send_report(self) -> bool:
        return (
            self.is_member
            and self.report is None
            and self.has_started
            and self.booking.status == BookingStatus.CONFIRMED
        )

    @property
    def report_needs_follow_up(self) -> bool:
        return self.report is not None and rules_loans.needs_follow_up(
            checklist=rules_loans.ClosingChecklist.of(self.report), incident=self.report.incident
        )


def is_overdue(booking: Booking, *, now: dt.datetime) -> bool:
    """Picked up, not returned, and past its return time."""
    return booking.checked_out_at is not None and booking.checked_in_at is None and booking.ends_at <= now


def _at_centres(bookings: QuerySet, centre_ids: list[int] | None, prefix: str = "") -> QuerySet:
    if centre_ids is None:
        return bookings
    return bookings.filter(**{f"{prefix}resource__centre_id__in": centre_ids})


def _loans(centre_ids: list[int] | None, kind: str) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(resource__kind=kind, organisation__isnull=False)
    return _at_centres(bookings, centre_ids).select_related("resource", "resource__centre", "organisation")


def _day_ends_at(now: dt.datetime, days: int = 1) -> dt.datetime:
    today = now.astimezone(clock.OSLO).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(0), tzinfo=clock.OSLO)


# --- Equipment --------------------------------------------------------------------------
def loans_to_hand_out(centre_ids: list[int] | None, *, now: dt.datetime) -> QuerySet[Booking]:
    """Confirmed loans that start today or started earlier, not picked up and not over yet."""
    return (
        _loans(centre_ids, ResourceKind.EQUIPMENT)
        .filter(
            status=BookingStatus.CONFIRMED,
            checked_out_at__isnull=True,
            starts_at__lt=_day_ends_at(now),
            ends_at__gt=now,
        )
        .order_by("starts_at", "id")
    )


def loans_due_back(centre_ids: list[int] | None, *, now: dt.datetime) -> QuerySet[Booking]:
    """Equipment out on loan that is due back later today."""
    return (
        _loans(centre_ids, ResourceKind.EQUIPMENT)
        .filter(
            checked_out_at__isnull=False,
            checked_in_at__isnull=True,
            ends_at__gt=now,
            ends_at__lt=_day_ends_at(now),
        )
        .order_by("ends_at", "id")
    )


def overdue_loans(centre_ids: list[int] | None = None, *, now: dt.datetime) -> QuerySet[Booking]:
    """Equipment picked up and not returned although the loan has ended, longest overdue first."""
    return (
        _loans(centre_ids, ResourceKind.EQUIPMENT)
        .filter(checked_out_at__isnull=False, checked_in_at__isnull=True, ends_at__lte=now)
        .order_by("ends_at", "id")
    )


# --- Office desks -----------------------------------------------------------------------
def _pages_in(month: dt.date) -> Subquery:
    return Subquery(
        PrintCount.objects.filter(booking_id=OuterRef("pk"), month=month).values("pages")[:1],
        output_field=IntegerField(),
    )


def desk_loans(centre_ids: list[int] | None, *, now: dt.datetime) -> list[DeskLoan]:
    """Desks lent today (or from later today), with this month's pages and review dates."""
    today = now.astimezone(clock.OSLO).date()
    bookings = (
        _loans(centre_ids, ResourceKind.DESK)
        .filter(status__in=BookingStatus.blocking(), starts_at__lt=_day_ends_at(now), ends_at__gt=now)
        .annotate(pages_this_month=_pages_in(rules_loans.month_start(today)))
        .order_by("resource__centre__name", "resource__name", "starts_at", "id")
    )
    return [_desk_loan(booking, today) for booking in bookings]


def desks_due_for_review(centre_ids: list[int] | None, *, now: dt.datetime) -> QuerySet[Booking]:
    """Desk loans not over yet whose review date is past or at most 14 days away."""
    today = now.astimezone(clock.OSLO).date()
    return (
        _loans(centre_ids, ResourceKind.DESK)
        .filter(
            status__in=BookingStatus.blocking(),
            ends_at__gt=now,
            review_on__lte=today + rules_loans.REVIEW_SOON,
        )
        .order_by("review_on", "id")
    )


def _desk_loan(booking: Booking, today: dt.date) -> DeskLoan:
    return DeskLoan(
        booking=booking,
        pages_this_month=booking.pages_this_month,
        allowance=booking.resource.printer_pages_per_month,
        needs_review=rules_loans.needs_review(booking.review_on, today),
    )


def pages_printed(booking: Booking, month: dt.date) -> int | None:
    return (
        PrintCount.objects.filter(booking=booking, month=rules_loans.month_start(month))
        .values_list("pages", flat=True)
        .first()
    )


# --- Premises ---------------------------------------------------------------------------
def premises_coming(centre_ids: list[int] | None, *, now: dt.datetime) -> QuerySet[Booking]:
    """Premises bookings running now or starting within seven days, for the key note."""
    return (
        _loans(centre_ids, ResourceKind.PREMISES)
        .filter(
            status__in=BookingStatus.blocking(),
            starts_at__lt=_day_ends_at(now, days=COMING_PREMISES_DAYS),
            ends_at__gt=now,
        )
        .order_by("starts_at", "id")
    )


def reports_to_follow_up(centre_ids: list[int] | None) -> QuerySet[PremisesReport]:
    """Closing checklists that report damage or something not done, not yet handled by staff."""
    something_not_done = Q()
    for name in rules_loans.CHECKLIST_FIELDS:
        something_not_done |= Q(**{name: False})
    reports = PremisesReport.objects.filter(incident_handled_at__isnull=True).filter(
        something_not_done | ~Q(incident="")
    )
    return (
        _at_centres(reports, centre_ids, prefix="booking__")
        .select_related("booking", "booking__resource", "booking__resource__centre", "booking__organisation")
        .order_by("submitted_at", "id")
    )


# --- One booking ------------------------------------------------------------------------
def after_use(booking: Booking, *, is_staff: bool, is_member: bool, now: dt.datetime) -> AfterUse:
    """What to show on the booking page for a loan, a desk or premises (at most one query)."""
    kind = booking.resource.kind
    if kind == ResourceKind.DESK:
        today = now.astimezone(clock.OSLO).date()
        pages = pages_printed(booking, today)
        return AfterUse(
            booking=booking, is_staff=is_staff, is_member=is_member, now=now, pages_this_month=pages
        )
    if kind == ResourceKind.PREMISES:
        report = PremisesReport.objects.filter(booking=booking).select_related("submitted_by").first()
        return AfterUse(booking=booking, is_staff=is_staff, is_member=is_member, now=now, report=report)
    return AfterUse(booking=booking, is_staff=is_staff, is_member=is_member, now=now)
