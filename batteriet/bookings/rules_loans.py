"""Pure policy for what happens after a booking: equipment hand-over, desks, premises.

No database here: each `check_*` takes plain values and returns or raises
`RuleViolation` with a stable code. Days are Europe/Oslo dates, worked out by the
caller; moments are aware datetimes.
"""

import datetime as dt
from dataclasses import asdict, dataclass, fields

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from batteriet.bookings.models import BookingStatus, ResourceKind
from batteriet.core.errors import RuleViolation

MAX_PAGES = 100_000
MAX_HANDOVER_NOTE = 2000
MAX_INCIDENT = 5000
REVIEW_SOON = dt.timedelta(days=14)

_WRONG_KIND = {
    ResourceKind.EQUIPMENT: _("Only equipment is picked up and returned."),
    ResourceKind.DESK: _("This is not an office desk booking."),
    ResourceKind.PREMISES: _("This is not a booking of premises."),
}


@dataclass(frozen=True)
class ClosingChecklist:
    """What the organisation ticks off when it leaves the premises. Nothing is ticked by default."""

    lights_off: bool = False
    windows_closed: bool = False
    tidied: bool = False
    rubbish_out: bool = False
    doors_locked: bool = False

    @classmethod
    def of(cls, report) -> "ClosingChecklist":
        """The checklist as ticked in a stored report (anything with the same attributes)."""
        return cls(**{name: bool(getattr(report, name)) for name in CHECKLIST_FIELDS})

    @property
    def is_done(self) -> bool:
        return all(asdict(self).values())


CHECKLIST_FIELDS = tuple(field.name for field in fields(ClosingChecklist))


def month_start(day: dt.date) -> dt.date:
    """The first day of the month `day` is in."""
    return day.replace(day=1)


def needs_review(review_on: dt.date | None, today: dt.date) -> bool:
    """A desk loan is due for review when its review date is past or at most 14 days away."""
    return review_on is not None and review_on - today <= REVIEW_SOON


def is_over_allowance(pages: int | None, allowance: int | None) -> bool:
    return pages is not None and allowance is not None and pages > allowance


def check_kind(*, kind: str, expected: str) -> None:
    if kind != expected:
        raise RuleViolation(code="wrong_resource_kind", message=_WRONG_KIND[expected])


def check_is_organisation_booking(*, has_organisation: bool) -> None:
    """Staff blocks are no loans: nobody picks anything up or sends a checklist."""
    if not has_organisation:
        raise RuleViolation(
            code="not_an_organisation_booking",
            message=_("This time is blocked by staff. It is not lent to an organisation."),
        )


def check_check_out(*, status: str, pick_up_day: dt.date, today: dt.date, is_picked_up: bool) -> None:
    """Equipment is handed over once, on or after the pick-up day, for a confirmed loan."""
    if status != BookingStatus.CONFIRMED:
        raise RuleViolation(
            code="loan_not_confirmed",
            message=_("Only a confirmed loan can be handed over. Approve the request first."),
        )
    if is_picked_up:
        raise RuleViolation(
            code="loan_already_picked_up",
            message=_("This equipment is already marked as picked up."),
        )
    if today < pick_up_day:
        raise RuleViolation(
            code="loan_too_early",
            message=_("This loan starts on %(day)s. The equipment can be handed over from that day.")
            % {"day": formats.date_format(pick_up_day, "DATE_FORMAT")},
        )


def check_check_in(*, is_picked_up: bool, is_returned: bool) -> None:
    if not is_picked_up:
        raise RuleViolation(
            code="loan_not_picked_up",
            message=_("This equipment has not been picked up, so it cannot be returned."),
        )
    if is_returned:
        raise RuleViolation(
            code="loan_already_returned",
            message=_("This equipment is already marked as returned."),
        )


def check_is_current(*, status: str) -> None:
    """Desk reviews, print counts and key notes belong to bookings that still hold their time."""
    if status not in BookingStatus.blocking():
        raise RuleViolation(
            code="booking_not_active",
            message=_("This booking is cancelled or declined, so it cannot be changed."),
        )


def check_review_date(*, review_on: dt.date, first_day: dt.date, last_day: dt.date) -> None:
    if not first_day <= review_on <= last_day:
        raise RuleViolation(
            code="review_outside_booking",
            field="review_on",
            message=_("Choose a review date between %(first)s and %(last)s, while the desk is lent.")
            % {"first": _date(first_day), "last": _date(last_day)},
        )


def check_print_count(
    *, month: dt.date, pages: int, first_day: dt.date, last_day: dt.date, today: dt.date
) -> None:
    """Pages are counted for a month the desk was lent in, not for a month still to come."""
    if not 0 <= pages <= MAX_PAGES:
        raise RuleViolation(
            code="pages_out_of_range",
            field="pages",
            message=_("Write a number of pages from 0 to %(max)s.") % {"max": MAX_PAGES},
        )
    if month > month_start(today):
        raise RuleViolation(
            code="month_in_future",
            field="month",
            message=_("This month has not started yet. Count the pages when the month has begun."),
        )
    if not month_start(first_day) <= month <= last_day:
        raise RuleViolation(
            code="month_outside_booking",
            field="month",
            message=_("The desk was not lent that month. Choose a month between %(first)s and %(last)s.")
            % {"first": _month(first_day), "last": _month(last_day)},
        )


def check_handover_note(note: str) -> None:
    if len(note.strip()) > MAX_HANDOVER_NOTE:
        raise RuleViolation(
            code="note_too_long",
            field="note",
            message=_("Write at most %(count)s characters.") % {"count": MAX_HANDOVER_NOTE},
        )


def check_report(
    *, status: str, starts_at: dt.datetime, now: dt.datetime, already_sent: bool, incident: str
) -> None:
    """The closing checklist: once per confirmed booking, from the moment it starts."""
    if status != BookingStatus.CONFIRMED:
        raise RuleViolation(
            code="booking_not_confirmed",
            message=_("The checklist is only for confirmed bookings."),
        )
    if already_sent:
        raise RuleViolation(
            code="report_already_sent",
            message=_("The checklist for this booking is already sent. Contact the centre to add something."),
        )
    if now < starts_at:
        raise RuleViolation(
            code="report_too_early",
            message=_("You can fill in the checklist when the booking has started."),
        )
    if len(incident.strip()) > MAX_INCIDENT:
        raise RuleViolation(
            code="incident_too_long",
            field="incident",
            message=_("Write at most %(count)s characters.") % {"count": MAX_INCIDENT},
        )


def needs_follow_up(*, checklist: ClosingChecklist, incident: str) -> bool:
    """Staff follow up a report that tells of damage or has something not done."""
    return bool(incident.strip()) or not checklist.is_done


def check_incident_handle(*, needs_follow_up: bool, is_handled: bool) -> None:
    if is_handled:
        raise RuleViolation(
            code="report_already_handled",
            message=_("This report is already marked as handled."),
        )
    if not needs_follow_up:
        raise RuleViolation(
            code="report_nothing_to_handle",
            message=_(
                "Everything on this checklist was done and nothing was reported. There is nothing to handle."
            ),
        )


def _date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _month(day: dt.date) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")
