"""Pure booking policy: notice, horizon, duration, opening hours, holidays, capacity.

No database here: each `check_*` function takes plain values and either returns or
raises `RuleViolation` with a stable code and a message a person can act on. Times
come in as aware datetimes; every rule that speaks of days or opening hours reads them
in Europe/Oslo, and every length of time is measured in UTC (so a booking from 01:30
to 03:30 on the night the clocks go forward lasts one hour).
"""

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import holidays
import phonenumbers
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from batteriet.bookings.models import ResourceKind
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation

UTC = dt.UTC


@dataclass(frozen=True)
class OpeningSpan:
    """Staffed hours on one weekday (0 = Monday), local time."""

    weekday: int
    opens_at: dt.time
    closes_at: dt.time


class BookingConflict(RuleViolation):
    """The time is taken. Carries the interval that clashes, when it is known."""

    def __init__(self, *, clash_starts_at: dt.datetime | None, clash_ends_at: dt.datetime | None) -> None:
        if clash_starts_at is None or clash_ends_at is None:
            message = _("Someone has just booked this time. Choose another time or another room.")
        else:
            message = _(
                "This time is taken: it is booked from %(start)s to %(end)s. "
                "Choose another time or another room."
            ) % {"start": _moment_text(clash_starts_at), "end": _moment_text(clash_ends_at)}
        super().__init__(code="booking_conflict", message=message)
        self.clash_starts_at = clash_starts_at
        self.clash_ends_at = clash_ends_at


# --- Intervals --------------------------------------------------------------------------
def intervals_overlap(a_start, a_end, b_start, b_end) -> bool:
    """Whether two half-open intervals [start, end) share a moment. Empty ones share none.

    10:00–11:00 and 11:00–12:00 do not overlap. Datetimes are compared in UTC.
    """
    a_start, a_end, b_start, b_end = (_instant(value) for value in (a_start, a_end, b_start, b_end))
    return a_start < a_end and b_start < b_end and a_start < b_end and b_start < a_end


def peak_quantity(
    loans: Iterable[tuple[dt.datetime, dt.datetime, int]], starts_at: dt.datetime, ends_at: dt.datetime
) -> int:
    """The most units lent at any one moment of [starts_at, ends_at).

    `loans` are (start, end, quantity) with half-open intervals. A sweep over their
    start and end points: a loan that ends at the moment another starts is not counted
    twice, because ends are taken before starts at the same moment.
    """
    events: list[tuple[dt.datetime, int]] = []
    for loan_start, loan_end, quantity in loans:
        start, end = max(_utc(loan_start), _utc(starts_at)), min(_utc(loan_end), _utc(ends_at))
        if start < end and quantity > 0:
            events.append((start, quantity))
            events.append((end, -quantity))
    events.sort(key=lambda event: (event[0], event[1]))
    peak = current = 0
    for _moment, change in events:
        current += change
        peak = max(peak, current)
    return peak


def usage_steps(
    loans: Iterable[tuple[dt.datetime, dt.datetime, int]],
) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """How many units are lent over time: (start, end, quantity) steps with quantity > 0, in UTC."""
    changes: dict[dt.datetime, int] = {}
    for loan_start, loan_end, quantity in loans:
        start, end = _utc(loan_start), _utc(loan_end)
        if start < end and quantity > 0:
            changes[start] = changes.get(start, 0) + quantity
            changes[end] = changes.get(end, 0) - quantity
    steps: list[tuple[dt.datetime, dt.datetime, int]] = []
    current = 0
    moments = sorted(changes)
    for moment, following in itertools.pairwise(moments):
        current += changes[moment]
        if current <= 0:
            continue
        if steps and steps[-1][1] == moment and steps[-1][2] == current:
            steps[-1] = (steps[-1][0], following, current)
        else:
            steps.append((moment, following, current))
    return steps


def week_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The ISO week (Monday 00:00 to the next Monday 00:00, Europe/Oslo) around a moment."""
    day = _local(moment).date()
    monday = day - dt.timedelta(days=day.weekday())
    return _at(monday, dt.time(0)), _at(monday + dt.timedelta(days=7), dt.time(0))


# --- The rules --------------------------------------------------------------------------
def check_interval(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> None:
    _require_aware(starts_at, ends_at, now)
    if _utc(ends_at) < _utc(starts_at):
        raise RuleViolation(
            code="ends_before_start",
            field="ends_at",
            message=_("The booking ends before it starts. Check the end time."),
        )
    if _utc(ends_at) == _utc(starts_at):
        raise RuleViolation(
            code="zero_length",
            field="ends_at",
            message=_("The booking starts and ends at the same time. Choose a later end time."),
        )
    if _utc(starts_at) < _utc(now):
        raise RuleViolation(
            code="in_the_past",
            field="starts_at",
            message=_("This time has already passed. Choose a time in the future."),
        )


def check_notice(*, starts_at: dt.datetime, now: dt.datetime, min_notice: dt.timedelta) -> None:
    """Bookings must be made at least `min_notice` ahead; exactly that much is enough."""
    if _utc(starts_at) - _utc(now) < min_notice:
        raise RuleViolation(
            code="too_short_notice",
            field="starts_at",
            message=_("This must be booked at least %(notice)s ahead. Choose a later time.")
            % {"notice": duration_text(min_notice)},
        )


def check_horizon(*, starts_at: dt.datetime, now: dt.datetime, max_horizon_days: int) -> None:
    """The booking may start at most `max_horizon_days` calendar days after today."""
    last_day = _local(now).date() + dt.timedelta(days=max_horizon_days)
    if _local(starts_at).date() > last_day:
        raise RuleViolation(
            code="too_far_ahead",
            field="starts_at",
            message=_("You can book at most %(days)s days ahead, so until %(date)s.")
            % {"days": max_horizon_days, "date": formats.date_format(last_day, "DATE_FORMAT")},
        )


def check_duration(
    *, starts_at: dt.datetime, ends_at: dt.datetime, min_duration: dt.timedelta, max_duration: dt.timedelta
) -> None:
    length = _utc(ends_at) - _utc(starts_at)
    if length < min_duration:
        raise RuleViolation(
            code="too_short",
            field="ends_at",
            message=_("The booking must last at least %(duration)s.")
            % {"duration": duration_text(min_duration)},
        )
    if length > max_duration:
        raise RuleViolation(
            code="too_long",
            field="ends_at",
            message=_("The booking can last at most %(duration)s.")
            % {"duration": duration_text(max_duration)},
        )


def check_capacity(*, expected_people: int | None, capacity: int | None) -> None:
    if expected_people is None:
        return
    if expected_people < 1:
        raise RuleViolation(
            code="invalid_people_count",
            field="expected_people",
            message=_("Write how many people you expect: at least one."),
        )
    if capacity is not None and expected_people > capacity:
        raise RuleViolation(
            code="over_capacity",
            field="expected_people",
            message=_("There is room for %(capacity)s people here. Choose a larger room or fewer people.")
            % {"capacity": capacity},
        )


def check_quantity(*, quantity: int, already_booked: int, stock: int) -> None:
    """`already_booked` is the peak number lent during the requested time."""
    if quantity < 1:
        raise RuleViolation(code="invalid_quantity", field="quantity", message=_("Book at least one."))
    if already_booked + quantity > stock:
        raise RuleViolation(
            code="not_enough_in_stock",
            field="quantity",
            message=_("Only %(free)s of %(stock)s are free at that time. Book fewer or choose another time.")
            % {"free": max(stock - already_booked, 0), "stock": stock},
        )


def check_not_closed(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    closures: Sequence[tuple[dt.date, dt.date]],
    only_first_and_last_day: bool = False,
) -> None:
    """Not on a Norwegian public holiday, nor on a day the centre has closed.

    Closures are (first closed day, last closed day). A booking for a period (a desk
    for some months, an equipment loan) passes holidays; only its first and last day,
    when someone comes to the centre, must be open days.
    """
    days = _local_days(starts_at, ends_at)
    if only_first_and_last_day:
        days = sorted({days[0], days[-1]})
    for day in days:
        holiday = _holiday_name(day)
        if holiday:
            raise RuleViolation(
                code="closed_holiday",
                field="starts_at",
                message=_("The centre is closed on %(date)s (%(holiday)s). Choose another day.")
                % {"date": formats.date_format(day, "DATE_FORMAT"), "holiday": holiday},
            )
        if any(first <= day <= last for first, last in closures):
            raise RuleViolation(
                code="closed",
                field="starts_at",
                message=_("The centre is closed on %(date)s. Choose another day.")
                % {"date": formats.date_format(day, "DATE_FORMAT")},
            )


def check_bookable_window(
    *, kind: str, starts_at: dt.datetime, ends_at: dt.datetime, opening_hours: Sequence[OpeningSpan]
) -> None:
    """When each kind can be booked, against the centre's staffed hours (Europe/Oslo).

    Meeting rooms: within one span of opening hours. Desks and equipment: start and end
    (arriving and leaving, picking up and returning) within opening hours. Premises: only
    outside opening hours, in the evening and at weekends.
    """
    start, end = _local(starts_at), _local(ends_at)
    if kind == ResourceKind.PREMISES:
        for day in _local_days(starts_at, ends_at):
            for opens, closes in _spans_on(day, opening_hours):
                if intervals_overlap(_utc(start), _utc(end), _utc(opens), _utc(closes)):
                    raise RuleViolation(
                        code="premises_only_outside_opening_hours",
                        field="starts_at",
                        message=_(
                            "Premises can be booked only outside the centre's opening hours, in the "
                            "evening and at weekends. The centre is open from %(opens)s to %(closes)s "
                            "that day; book a meeting room for the daytime."
                        )
                        % {"opens": _time_text(opens), "closes": _time_text(closes)},
                    )
        return
    if kind == ResourceKind.MEETING_ROOM:
        fits = any(
            _utc(opens) <= _utc(start) and _utc(end) <= _utc(closes)
            for opens, closes in _spans_on(start.date(), opening_hours)
        )
    else:
        fits = any(
            _utc(opens) <= _utc(start) < _utc(closes)
            for opens, closes in _spans_on(start.date(), opening_hours)
        ) and any(
            _utc(opens) < _utc(end) <= _utc(closes) for opens, closes in _spans_on(end.date(), opening_hours)
        )
    if not fits:
        raise RuleViolation(
            code="outside_opening_hours",
            field="starts_at",
            message=_(
                "This can be booked only within the centre's opening hours. See the opening "
                "hours and choose a time when the centre is open."
            ),
        )


def check_agreement(*, has_agreement_for_whole_period: bool) -> None:
    if not has_agreement_for_whole_period:
        raise RuleViolation(
            code="no_active_agreement",
            message=_(
                "Your organisation needs a user agreement with this centre that is valid for the "
                "whole booking. If your agreement ends before the booking does, renew it first."
            ),
        )


def check_organisation_may_book(*, is_approved: bool, is_partner: bool) -> None:
    if is_partner:
        raise RuleViolation(
            code="partner_cannot_book",
            message=_("Partners cannot borrow rooms or equipment."),
        )
    if not is_approved:
        raise RuleViolation(
            code="organisation_not_approved",
            message=_("The centre must approve your organisation before you can book."),
        )


def check_quota(*, booked_this_week: int, limit: int | None) -> None:
    """Fair share: at most `limit` blocking bookings of one kind per organisation and week."""
    if limit is not None and booked_this_week >= limit:
        raise RuleViolation(
            code="quota_reached",
            field="starts_at",
            message=_(
                "Your organisation already has %(limit)s bookings of this kind that week. So that "
                "every group gets its turn, choose another week or ask the centre."
            )
            % {"limit": limit},
        )


def check_purpose(purpose: str) -> None:
    if not purpose.strip():
        raise RuleViolation(
            code="purpose_required",
            field="purpose",
            message=_("Write in a few words what the booking is for."),
        )
    if len(purpose.strip()) > 500:
        raise RuleViolation(
            code="purpose_too_long",
            field="purpose",
            message=_("Write at most 500 characters about what the booking is for."),
        )


def check_responsible_person(*, kind: str, name: str, phone: str) -> None:
    """Premises are used outside staffed hours: a named person must be there, and reachable."""
    if len(name.strip()) > 200:
        raise RuleViolation(
            code="responsible_name_too_long",
            field="responsible_name",
            message=_("Write at most 200 characters for the name."),
        )
    if kind != ResourceKind.PREMISES:
        return
    if not name.strip():
        raise RuleViolation(
            code="responsible_person_required",
            field="responsible_name",
            message=_(
                "Write the name of the person who is present and responsible while you use the premises."
            ),
        )
    if not phone.strip():
        raise RuleViolation(
            code="responsible_phone_required",
            field="responsible_phone",
            message=_("Write a phone number where the centre can reach the responsible person."),
        )


def responsible_phone_e164(phone: str) -> str:
    """The responsible person's phone in E.164 (+4791234567); Norwegian unless it starts with +."""
    if not phone.strip():
        return ""
    invalid = RuleViolation(
        code="responsible_phone_invalid",
        field="responsible_phone",
        message=_(
            "We could not read this phone number. Write eight digits for a Norwegian "
            "number, or start with + and the country code."
        ),
    )
    if len(phone) > 40:
        raise invalid
    try:
        number = phonenumbers.parse(phone, "NO")
    except phonenumbers.NumberParseException as error:
        raise invalid from error
    if not phonenumbers.is_valid_number(number):
        raise invalid
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_reason(reason: str, *, max_length: int = 2000, required: bool = True) -> None:
    if required and not reason.strip():
        raise RuleViolation(
            code="reason_required",
            field="reason",
            message=_("Write a short reason. The organisation will see it."),
        )
    if len(reason.strip()) > max_length:
        raise RuleViolation(
            code="reason_too_long",
            field="reason",
            message=_("Write at most %(count)s characters.") % {"count": max_length},
        )


# --- Helpers ----------------------------------------------------------------------------
def duration_text(duration: dt.timedelta) -> str:
    """A length of time in words: "2 hours", "1 day", "1 hour 30 minutes"."""
    total = int(duration.total_seconds() // 60)
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes or not parts:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


def _require_aware(*moments: dt.datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Booking times must be aware datetimes.")


def _utc(moment: dt.datetime) -> dt.datetime:
    """Python compares two datetimes of one zone by wall clock, so 02:30 before the clocks
    go back counts as later than 02:10 after. In UTC comparisons never lie."""
    return moment.astimezone(UTC)


def _instant(value):
    return _utc(value) if isinstance(value, dt.datetime) else value


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(clock.OSLO)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=clock.OSLO)


def _local_days(starts_at: dt.datetime, ends_at: dt.datetime) -> list[dt.date]:
    """Every local date the half-open interval touches (an end at midnight touches no more)."""
    first = _local(starts_at).date()
    end = _local(ends_at)
    last = end.date()
    if end.time() == dt.time(0) and last > first:
        last -= dt.timedelta(days=1)
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def _spans_on(day: dt.date, opening_hours: Sequence[OpeningSpan]) -> list[tuple[dt.datetime, dt.datetime]]:
    return [
        (_at(day, span.opens_at), _at(day, span.closes_at))
        for span in opening_hours
        if span.weekday == day.weekday()
    ]


def _holiday_name(day: dt.date) -> str | None:
    language = "en_US" if (translation.get_language() or "nb").startswith("en") else "no"
    return _holiday_calendar(day.year, language).get(day)


@lru_cache(maxsize=32)
def _holiday_calendar(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("NO", years=year, language=language)


def _moment_text(moment: dt.datetime) -> str:
    """A moment as people read it, in Oslo: "5. januar 2027 10:00", "Jan. 5, 2027 10:00"."""
    local = _local(moment)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'H:i')}"


def _time_text(moment: dt.datetime) -> str:
    return formats.time_format(_local(moment), "H:i")


# --- Closures staff set for their centre ------------------------------------------------
CLOSURE_MAX_DAYS = 366
CLOSURE_REASON_MAX_LENGTH = 200


def check_closure_dates(
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    today: dt.date,
    overlapping: Sequence[tuple[dt.date, dt.date]] = (),
) -> None:
    """A closure runs from its first to its last closed day, is not over yet, lasts at most
    a year, and does not overlap another closure of the centre (`overlapping`)."""
    if ends_on < starts_on:
        raise RuleViolation(
            code="closure_ends_before_start",
            field="ends_on",
            message=_("The last closed day must be the same as the first day or later."),
        )
    if ends_on < today:
        raise RuleViolation(
            code="closure_in_past",
            field="ends_on",
            message=_("This period is already over. Choose days from today on."),
        )
    if (ends_on - starts_on).days + 1 > CLOSURE_MAX_DAYS:
        raise RuleViolation(
            code="closure_too_long",
            field="ends_on",
            message=_("A closed period can be at most one year long."),
        )
    for first, last in overlapping:
        if first <= ends_on and starts_on <= last:
            raise RuleViolation(
                code="closure_overlaps",
                field="starts_on",
                message=_("The centre is already closed from %(first)s to %(last)s. Choose other days.")
                % {
                    "first": formats.date_format(first, "DATE_FORMAT"),
                    "last": formats.date_format(last, "DATE_FORMAT"),
                },
            )


def check_closure_reason(reason: str) -> None:
    if not reason.strip():
        raise RuleViolation(
            code="closure_reason_required",
            field="reason",
            message=_("Write why the centre is closed, for example “Summer holiday”."),
        )
    if len(reason.strip()) > CLOSURE_REASON_MAX_LENGTH:
        raise RuleViolation(
            code="closure_reason_too_long",
            field="reason",
            message=_("Write at most %(count)s characters.") % {"count": CLOSURE_REASON_MAX_LENGTH},
        )
