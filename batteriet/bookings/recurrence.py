"""Recurring bookings: a pattern and the times it expands to. Pure, no database.

Weekly: every `interval` weeks on the chosen weekdays (0 = Monday), counted from the
week of the first day. Monthly: every `interval` months on the n-th weekday (1–4, or
-1 for the last). The series ends on a last day or after a number of times.

Times are wall-clock times in Europe/Oslo: a meeting at 18:00 stays at 18:00 when the
clocks change, so its moment in UTC moves by an hour.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from batteriet.bookings.models import RecurrenceFrequency
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation

MAX_OCCURRENCES = 100
MAX_MONTHS = 24
MAX_INTERVAL = {RecurrenceFrequency.WEEKLY: 52, RecurrenceFrequency.MONTHLY: 12}
LAST_WEEK = -1
WEEKS_OF_MONTH = (1, 2, 3, 4, LAST_WEEK)
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Pattern:
    """How a series repeats. `until` and `count` are exclusive: exactly one is set."""

    frequency: str
    interval: int
    weekdays: tuple[int, ...]
    first_day: dt.date
    starts_at_time: dt.time
    ends_at_time: dt.time
    until: dt.date | None = None
    count: int | None = None
    week_of_month: int | None = None


def occurrences(pattern: Pattern) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every (start, end) of the pattern, aware in Europe/Oslo, in order.

    Raises RuleViolation when the pattern is not valid, gives no times at all, or
    gives more than `MAX_OCCURRENCES`.
    """
    check_pattern(pattern)
    days: list[dt.date] = []
    for day in _candidate_days(pattern):
        if pattern.until is not None and day > pattern.until:
            break
        if day < pattern.first_day:
            continue
        days.append(day)
        if pattern.count is not None and len(days) == pattern.count:
            break
        if len(days) > MAX_OCCURRENCES:
            raise _too_many()
    if pattern.count is not None and len(days) < pattern.count:
        raise RuleViolation(
            code="series_too_long",
            field="count",
            message=_("A recurring booking can last at most %(months)s months. Choose fewer times.")
            % {"months": MAX_MONTHS},
        )
    if not days:
        raise RuleViolation(
            code="series_no_times",
            field="until",
            message=_("This gives no times at all. Choose a later last day or other weekdays."),
        )
    return [
        (
            dt.datetime.combine(day, pattern.starts_at_time, tzinfo=clock.OSLO),
            dt.datetime.combine(day, pattern.ends_at_time, tzinfo=clock.OSLO),
        )
        for day in days
    ]


def last_allowed_day(first_day: dt.date) -> dt.date:
    """A series may run for at most `MAX_MONTHS` months."""
    return clock.add_months(first_day, MAX_MONTHS)


# --- The rules of a pattern ---------------------------------------------------------------
def check_pattern(pattern: Pattern) -> None:
    """Raise RuleViolation (stable code, plain message, the form field) if the pattern is not valid."""
    check_frequency(pattern.frequency)
    check_interval(pattern.frequency, pattern.interval)
    check_weekdays(pattern.frequency, pattern.weekdays)
    check_week_of_month(pattern.frequency, pattern.week_of_month)
    check_first_day(pattern.first_day)
    check_end(first_day=pattern.first_day, until=pattern.until, count=pattern.count)
    check_times(pattern.starts_at_time, pattern.ends_at_time)


def check_frequency(frequency: str) -> None:
    if frequency not in RecurrenceFrequency.values:
        raise RuleViolation(
            code="series_frequency_unknown",
            field="frequency",
            message=_("Choose every week or once a month."),
        )


def check_interval(frequency: str, interval: int) -> None:
    largest = MAX_INTERVAL[RecurrenceFrequency(frequency)]
    if not 1 <= interval <= largest:
        message = (
            _("Repeat every 1 to %(largest)s weeks.")
            if frequency == RecurrenceFrequency.WEEKLY
            else _("Repeat every 1 to %(largest)s months.")
        )
        raise RuleViolation(code="series_interval", field="interval", message=message % {"largest": largest})


def check_weekdays(frequency: str, weekdays: tuple[int, ...]) -> None:
    if not weekdays:
        raise RuleViolation(
            code="series_no_weekday", field="weekdays", message=_("Choose at least one weekday.")
        )
    if any(day not in range(7) for day in weekdays) or len(set(weekdays)) != len(weekdays):
        raise RuleViolation(
            code="series_weekday_unknown", field="weekdays", message=_("Choose weekdays from the list.")
        )
    if frequency == RecurrenceFrequency.MONTHLY and len(weekdays) != 1:
        raise RuleViolation(
            code="series_monthly_one_weekday",
            field="weekdays",
            message=_("Once a month: choose exactly one weekday."),
        )


def check_week_of_month(frequency: str, week_of_month: int | None) -> None:
    if frequency == RecurrenceFrequency.WEEKLY:
        if week_of_month is not None:
            raise RuleViolation(
                code="series_week_of_month_not_monthly",
                field="week_of_month",
                message=_("Which week of the month is only for once a month. Leave it empty."),
            )
        return
    if week_of_month not in WEEKS_OF_MONTH:
        raise RuleViolation(
            code="series_week_of_month_missing",
            field="week_of_month",
            message=_("Once a month: choose which week of the month, for example the first or the last."),
        )


def check_first_day(first_day: dt.date) -> None:
    if not FIRST_YEAR <= first_day.year <= LAST_YEAR:
        raise RuleViolation(
            code="series_first_day_out_of_range",
            field="first_day",
            message=_("Choose a first day in the next few months."),
        )


def check_end(*, first_day: dt.date, until: dt.date | None, count: int | None) -> None:
    if until is None and count is None:
        raise RuleViolation(
            code="series_end_missing",
            field="until",
            message=_("Choose a last day, or write how many times."),
        )
    if until is not None and count is not None:
        raise RuleViolation(
            code="series_end_both",
            field="count",
            message=_("Fill in either a last day or a number of times, not both."),
        )
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise RuleViolation(
            code="series_count",
            field="count",
            message=_("Write a number of times from 1 to %(most)s.") % {"most": MAX_OCCURRENCES},
        )
    if until is not None and until < first_day:
        raise RuleViolation(
            code="series_until_before_first_day",
            field="until",
            message=_("The last day is before the first day. Choose a later last day."),
        )
    if until is not None and until > last_allowed_day(first_day):
        raise RuleViolation(
            code="series_too_long",
            field="until",
            message=_("A recurring booking can last at most %(months)s months. Choose an earlier last day.")
            % {"months": MAX_MONTHS},
        )


def check_times(starts_at_time: dt.time, ends_at_time: dt.time) -> None:
    if ends_at_time <= starts_at_time:
        raise RuleViolation(
            code="series_ends_before_start",
            field="ends_at",
            message=_("The end time must be after the start time, on the same day."),
        )


def _too_many() -> RuleViolation:
    return RuleViolation(
        code="series_too_many",
        field="until",
        message=_("This gives more than %(most)s times. Choose an earlier last day or fewer times.")
        % {"most": MAX_OCCURRENCES},
    )


# --- Expansion ----------------------------------------------------------------------------
def _candidate_days(pattern: Pattern) -> Iterator[dt.date]:
    """Matching days in order from the first week or month, without end (the caller stops).

    Bounded by the largest span a series may have, so a pattern never loops forever.
    """
    last_day = last_allowed_day(pattern.first_day)
    days = (
        _weekly_days(pattern) if pattern.frequency == RecurrenceFrequency.WEEKLY else _monthly_days(pattern)
    )
    for day in days:
        if day > last_day:
            return
        yield day


def _weekly_days(pattern: Pattern) -> Iterator[dt.date]:
    monday = pattern.first_day - dt.timedelta(days=pattern.first_day.weekday())
    weekdays = sorted(pattern.weekdays)
    while True:
        for weekday in weekdays:
            yield monday + dt.timedelta(days=weekday)
        monday += dt.timedelta(weeks=pattern.interval)


def _monthly_days(pattern: Pattern) -> Iterator[dt.date]:
    month = pattern.first_day.replace(day=1)
    while True:
        yield nth_weekday(month.year, month.month, pattern.weekdays[0], pattern.week_of_month)
        month = clock.add_months(month, pattern.interval)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1–4) or last (-1) `weekday` of a month."""
    if n == LAST_WEEK:
        last = clock.add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
