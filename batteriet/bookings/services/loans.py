"""Writes after a booking is made: equipment hand-over, desk reviews and print counts,
the key note for premises and the closing checklist the organisation sends afterwards.

Each function is one use case in one durable transaction: it locks the booking row,
checks who acts and the rules (`rules_loans`), writes, and records an audit entry.
None of these changes the booked time, so no e-mail goes out for them.
"""

import datetime as dt
from dataclasses import asdict

from django.db import transaction

from batteriet.accounts.models import User
from batteriet.bookings import rules_loans
from batteriet.bookings.models import Booking, PremisesReport, PrintCount, ResourceKind
from batteriet.bookings.services import _locked, _not_allowed, _record
from batteriet.centres import permissions as centre_permissions
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.organisations import permissions as organisation_permissions


# --- Equipment --------------------------------------------------------------------------
def equipment_check_out(*, actor: User, booking: Booking) -> Booking:
    """Staff hand the equipment over to the organisation."""
    now = clock.now()
    with transaction.atomic(durable=True):
        booking = _locked_for_staff(actor, booking, ResourceKind.EQUIPMENT)
        rules_loans.check_check_out(
            status=booking.status,
            pick_up_day=_local_day(booking.starts_at),
            today=_local_day(now),
            is_picked_up=booking.checked_out_at is not None,
        )
        booking.checked_out_at, booking.checked_out_by = now, actor
        booking.save(update_fields=["checked_out_at", "checked_out_by"])
        _record(actor, booking, "checked_out", {"checked_out_at": [None, now.isoformat()]})
    return booking


def equipment_check_in(*, actor: User, booking: Booking) -> Booking:
    """Staff take the equipment back."""
    now = clock.now()
    with transaction.atomic(durable=True):
        booking = _locked_for_staff(actor, booking, ResourceKind.EQUIPMENT)
        rules_loans.check_check_in(
            is_picked_up=booking.checked_out_at is not None, is_returned=booking.checked_in_at is not None
        )
        booking.checked_in_at, booking.checked_in_by = now, actor
        booking.save(update_fields=["checked_in_at", "checked_in_by"])
        _record(
            actor,
            booking,
            "checked_in",
            {"checked_in_at": [None, now.isoformat()], "was_overdue": booking.ends_at <= now},
        )
    return booking


# --- Office desks -----------------------------------------------------------------------
def desk_review_set(*, actor: User, booking: Booking, review_on: dt.date) -> Booking:
    """Staff set the day the centre and the organisation look at the desk loan again."""
    with transaction.atomic(durable=True):
        booking = _locked_for_staff(actor, booking, ResourceKind.DESK)
        rules_loans.check_is_current(status=booking.status)
        first_day, last_day = booking_days(booking)
        rules_loans.check_review_date(review_on=review_on, first_day=first_day, last_day=last_day)
        before = booking.review_on
        booking.review_on = review_on
        booking.save(update_fields=["review_on"])
        _record(actor, booking, "review_set", {"review_on": [before, review_on]})
    return booking


def print_count_record(*, actor: User, booking: Booking, month: dt.date, pages: int) -> PrintCount:
    """Staff record the pages printed in one month; a second count for the month replaces the first."""
    month = rules_loans.month_start(month)
    with transaction.atomic(durable=True):
        booking = _locked_for_staff(actor, booking, ResourceKind.DESK)
        rules_loans.check_is_current(status=booking.status)
        first_day, last_day = booking_days(booking)
        rules_loans.check_print_count(
            month=month, pages=pages, first_day=first_day, last_day=last_day, today=clock.local_today()
        )
        count = PrintCount.objects.filter(booking=booking, month=month).first()
        before = count.pages if count else None
        if count is None:
            count = PrintCount(booking=booking, month=month)
        count.pages, count.recorded_by = pages, actor
        count.save()
        _record(actor, booking, "pages_counted", {"month": month.isoformat(), "pages": [before, pages]})
    return count


# --- Premises ---------------------------------------------------------------------------
def handover_note_set(*, actor: User, booking: Booking, note: str) -> Booking:
    """Staff write how the organisation gets in: where the key is, door codes, the alarm."""
    rules_loans.check_handover_note(note)
    with transaction.atomic(durable=True):
        booking = _locked_for_staff(actor, booking, ResourceKind.PREMISES)
        rules_loans.check_is_current(status=booking.status)
        booking.handover_note = note.strip()
        booking.save(update_fields=["handover_note"])
        # The note may hold door codes: the audit says that it changed, not what it says.
        _record(actor, booking, "handover_note_set", {"handover_note": "changed"})
    return booking


def premises_report_submit(
    *, actor: User, booking: Booking, checklist: rules_loans.ClosingChecklist, incident: str = ""
) -> PremisesReport:
    """A member of the organisation sends the closing checklist, once, after the booking started.

    It cannot be changed afterwards; something to add goes to the centre directly.
    """
    now = clock.now()
    with transaction.atomic(durable=True):
        booking = _locked(booking)
        rules_loans.check_kind(kind=booking.resource.kind, expected=ResourceKind.PREMISES)
        if booking.organisation is None or not organisation_permissions.is_member(
            actor, booking.organisation
        ):
            raise _not_allowed()
        rules_loans.check_report(
            status=booking.status,
            starts_at=booking.starts_at,
            now=now,
            already_sent=PremisesReport.objects.filter(booking=booking).exists(),
            incident=incident,
        )
        report = PremisesReport.objects.create(
            booking=booking, submitted_by=actor, incident=incident.strip(), **asdict(checklist)
        )
        _record(
            actor,
            booking,
            "checklist_sent",
            {**asdict(checklist), "incident_reported": bool(report.incident)},
        )
    return report


def premises_incident_handle(*, actor: User, report: PremisesReport) -> PremisesReport:
    """Staff mark a report with damage or something not done as followed up."""
    now = clock.now()
    with transaction.atomic(durable=True):
        booking = _locked_for_staff(actor, report.booking, ResourceKind.PREMISES)
        report = PremisesReport.objects.get(pk=report.pk)
        rules_loans.check_incident_handle(
            needs_follow_up=rules_loans.needs_follow_up(
                checklist=rules_loans.ClosingChecklist.of(report), incident=report.incident
            ),
            is_handled=report.incident_handled_at is not None,
        )
        report.incident_handled_at = now
        report.save(update_fields=["incident_handled_at"])
        audit.record(
            actor=actor,
            action="booking.incident_handled",
            obj=report,
            scope=f"organisation:{booking.organisation_id}",
            changes={"incident_handled_at": [None, now.isoformat()]},
        )
    return report


# --- Helpers ----------------------------------------------------------------------------
def booking_days(booking: Booking) -> tuple[dt.date, dt.date]:
    """The first and last Oslo date a booking covers (an end at midnight covers no more)."""
    ends_at = booking.ends_at.astimezone(clock.OSLO)
    last_day = ends_at.date()
    if ends_at.time() == dt.time(0):
        last_day -= dt.timedelta(days=1)
    return _local_day(booking.starts_at), max(last_day, _local_day(booking.starts_at))


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock.OSLO).date()


def _locked_for_staff(actor: User, booking: Booking, kind: str) -> Booking:
    """The booking, locked, after checking that `actor` works at its centre and its kind fits."""
    booking = _locked(booking)
    if not centre_permissions.is_staff_at(actor, booking.resource.centre):
        raise _not_allowed()
    rules_loans.check_kind(kind=booking.resource.kind, expected=kind)
    rules_loans.check_is_organisation_booking(has_organisation=booking.organisation_id is not None)
    return booking
