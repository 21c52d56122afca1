"""Pure guidance policy: the free times an adviser's weekly availability gives, and the
checks a request or an appointment time must pass.

No database here. Availability is a weekly slot on the Oslo wall clock ("Tuesdays
10:00–12:00, appointments of 60 minutes"); `free_times` turns the slots into concrete
appointment times for a range of days and gives them in UTC, so 10:00 stays 10:00 in
Oslo when the clocks change. A slot is cut in real minutes from its start to its end,
so on the nights the clocks change an appointment always lasts what it says. A slot
edge in the hour that does not exist (last Sunday of March) moves inwards; an edge in
the hour that happens twice (last Sunday of October) takes the wider reading. Nothing
is offered on Norwegian public holidays, outside the slot's first and last day, in an
absence, or overlapping a time already taken.
"""

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

import holidays
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation

UTC = dt.UTC
MIN_NOTICE = dt.timedelta(hours=2)
HORIZON_DAYS = 90
MIN_MINUTES = 15
MAX_MINUTES = 240

# The longest text of each field a person fills in when asking for guidance.
SITUATION_MAX = 3000
LANGUAGE_NEED_MAX = 200
ACCESSIBILITY_NEED_MAX = 500
PREFERRED_TIMES_MAX = 1000
MESSAGE_MAX = 2000
REFERRED_TO_MAX = 300
REASON_MAX = 1000


class Slot(Protocol):
    """What `free_times` reads of an `AvailabilitySlot` (a model instance or a `WeeklySlot`)."""

    adviser_id: int
    weekday: int
    starts_at_time: dt.time
    ends_at_time: dt.time
    appointment_minutes: int
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True)
class WeeklySlot:
    """A weekly slot as plain values (0 = Monday), for callers without a model instance."""

    adviser_id: int
    weekday: int
    starts_at_time: dt.time
    ends_at_time: dt.time
    appointment_minutes: int = 60
    valid_from: dt.date = dt.date.min
    valid_until: dt.date | None = None


class FreeTime(NamedTuple):
    adviser_id: int
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime  # UTC


Busy = tuple[int, dt.datetime, dt.datetime]  # adviser id, start, end


class AdviserConflict(RuleViolation):
    """The adviser's time is taken: by another appointment, or by a write just before."""

    def __init__(self) -> None:
        super().__init__(
            code="adviser_conflict",
            field="starts_at",
            message=_("Someone has just taken this time with the adviser. Choose another time."),
        )


# --- Free times -------------------------------------------------------------------------
def slot_times(slot: Slot, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The appointment times (UTC) a slot gives on one day, whatever the day is: no check of
    weekday, validity or holidays here. Cut in real minutes from the start; an appointment
    that would run past the end of the slot is left out."""
    start = dt.datetime.combine(day, slot.starts_at_time, tzinfo=clock.OSLO).replace(fold=0).astimezone(UTC)
    end = dt.datetime.combine(day, slot.ends_at_time, tzinfo=clock.OSLO).replace(fold=1).astimezone(UTC)
    length = dt.timedelta(minutes=slot.appointment_minutes)
    if length <= dt.timedelta(0):
        return []
    times = []
    while start + length <= end:
        times.append((start, start + length))
        start += length
    return times


def is_holiday(day: dt.date) -> bool:
    """A Norwegian public holiday (New Year's Day, Easter, 1 and 17 May, Whit Monday, ...)."""
    return day in _holiday_calendar(day.year)


def free_times(
    *,
    slots: Iterable[Slot],
    first_day: dt.date,
    last_day: dt.date,
    absences: Iterable[Busy] = (),
    taken: Iterable[Busy] = (),
    not_before: dt.datetime | None = None,
) -> list[FreeTime]:
    """Every bookable appointment time from `first_day` to `last_day` (local dates, both
    included), sorted by start and adviser. `absences` and `taken` are (adviser id, start,
    end): a time that overlaps one of them for its adviser is left out. `not_before` leaves
    out times that start earlier (the notice)."""
    busy = _Busy(list(absences) + list(taken))
    by_weekday: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_weekday[slot.weekday].append(slot)
    limit = _utc(not_before) if not_before is not None else None
    found: set[FreeTime] = set()
    day = first_day
    while day <= last_day:
        if by_weekday.get(day.weekday()) and not is_holiday(day):
            for slot in by_weekday[day.weekday()]:
                if day < slot.valid_from or (slot.valid_until is not None and day > slot.valid_until):
                    continue
                for starts_at, ends_at in slot_times(slot, day):
                    if limit is not None and starts_at < limit:
                        continue
                    if not busy.overlaps(slot.adviser_id, starts_at, ends_at):
                        found.add(FreeTime(slot.adviser_id, starts_at, ends_at))
        day += dt.timedelta(days=1)
    return sorted(found, key=lambda time: (time.starts_at, time.adviser_id, time.ends_at))


class _Busy:
    """Each adviser's busy intervals merged into disjoint, sorted ones, for a quick look-up."""

    def __init__(self, intervals: Sequence[Busy]) -> None:
        per_adviser: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        for adviser_id, starts_at, ends_at in intervals:
            if _utc(starts_at) < _utc(ends_at):
                per_adviser[adviser_id].append((_utc(starts_at), _utc(ends_at)))
        self._starts: dict[int, list[dt.datetime]] = {}
        self._ends: dict[int, list[dt.datetime]] = {}
        for adviser_id, spans in per_adviser.items():
            merged: list[list[dt.datetime]] = []
            for starts_at, ends_at in sorted(spans):
                if merged and starts_at <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], ends_at)
                else:
                    merged.append([starts_at, ends_at])
            self._starts[adviser_id] = [span[0] for span in merged]
            self._ends[adviser_id] = [span[1] for span in merged]

    def overlaps(self, adviser_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        starts = self._starts.get(adviser_id)
        if not starts:
            return False
        index = bisect.bisect_left(starts, ends_at) - 1  # the last busy span starting before the end
        return index >= 0 and self._ends[adviser_id][index] > starts_at


# --- Checks on a time -------------------------------------------------------------------
def check_interval(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> None:
    """An appointment ends after it starts, lasts from 15 minutes to 4 hours, and lies ahead."""
    for moment in (starts_at, ends_at, now):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Appointment times must be aware datetimes.")
    if _utc(ends_at) <= _utc(starts_at):
        raise RuleViolation(
            code="ends_before_start",
            field="ends_at",
            message=_("The appointment must end after it starts. Check the end time."),
        )
    length = _utc(ends_at) - _utc(starts_at)
    if not dt.timedelta(minutes=MIN_MINUTES) <= length <= dt.timedelta(minutes=MAX_MINUTES):
        raise RuleViolation(
            code="appointment_length",
            field="ends_at",
            message=_("An appointment lasts from 15 minutes to 4 hours."),
        )
    if _utc(starts_at) < _utc(now):
        raise RuleViolation(
            code="in_the_past",
            field="starts_at",
            message=_("This time has already passed. Choose a time in the future."),
        )


def check_notice(*, starts_at: dt.datetime, now: dt.datetime, min_notice: dt.timedelta = MIN_NOTICE) -> None:
    """At least two hours ahead, so the adviser can prepare; exactly two hours is enough."""
    if _utc(starts_at) - _utc(now) < min_notice:
        raise RuleViolation(
            code="too_short_notice",
            field="starts_at",
            message=_("Choose a time at least two hours from now, so the adviser can prepare."),
        )


def check_horizon(*, starts_at: dt.datetime, now: dt.datetime, max_days: int = HORIZON_DAYS) -> None:
    """At most 90 calendar days after today (Oslo)."""
    last_day = _utc(now).astimezone(clock.OSLO).date() + dt.timedelta(days=max_days)
    if _utc(starts_at).astimezone(clock.OSLO).date() > last_day:
        raise RuleViolation(
            code="too_far_ahead",
            field="starts_at",
            message=_("You can book at most %(days)s days ahead, so until %(date)s.")
            % {"days": max_days, "date": formats.date_format(last_day, "DATE_FORMAT")},
        )


# --- Checks on values a person gives -----------------------------------------------------
# One set for every guidance service, with stable codes by the field: `invalid_<field>`
# (not a value we can take), `<field>_required`, `<field>_too_long`, `invalid_characters`
# (a NUL in a text) and `minutes_out_of_range`. Anything that is not the expected type
# (None, a number for a text, a text for a list) is refused the same way, never a crash.
SESSION_MIN_MINUTES = 1
SESSION_MAX_MINUTES = 600  # ten hours


def check_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """The text stripped, or a RuleViolation by the field: not a text, missing, too long or
    with a NUL."""
    if not isinstance(value, str):
        raise RuleViolation(code=f"invalid_{field}", field=field, message=_("Write some text."))
    if "\x00" in value:
        raise RuleViolation(
            code="invalid_characters",
            field=field,
            message=_("The text has a character we cannot store. Remove it and try again."),
        )
    text = value.strip()
    if required and not text:
        raise RuleViolation(code=f"{field}_required", field=field, message=_("Please fill in this field."))
    if len(text) > max_length:
        raise RuleViolation(
            code=f"{field}_too_long",
            field=field,
            message=_("Write at most %(count)s characters.") % {"count": max_length},
        )
    return text


def check_request_texts(
    *, situation: str, language_need: str = "", accessibility_need: str = "", preferred_times: str = ""
) -> dict[str, str]:
    """The request's texts, stripped and checked: a few words about the situation are needed."""
    if isinstance(situation, str) and "\x00" not in situation and not situation.strip():
        raise RuleViolation(
            code="situation_required",
            field="situation",
            message=_("Write a few words about your situation, so the adviser can prepare."),
        )
    return {
        "situation": check_text(situation, field="situation", max_length=SITUATION_MAX, required=True),
        "language_need": check_text(language_need, field="language_need", max_length=LANGUAGE_NEED_MAX),
        "accessibility_need": check_text(
            accessibility_need, field="accessibility_need", max_length=ACCESSIBILITY_NEED_MAX
        ),
        "preferred_times": check_text(
            preferred_times, field="preferred_times", max_length=PREFERRED_TIMES_MAX
        ),
    }


def check_message(message: str, *, required: bool = True) -> str:
    """A message from the centre to the person: staff write it when they hand over or refer."""
    if isinstance(message, str) and "\x00" not in message and required and not message.strip():
        raise RuleViolation(
            code="message_required",
            field="message",
            message=_("Write a short message to the person. They will see it."),
        )
    return check_text(message, field="message", max_length=MESSAGE_MAX, required=required)


def check_choice(value: Any, choices: Iterable[str], *, field: str) -> str:
    """One of `choices` (e.g. `Mode.values`), or a RuleViolation `invalid_<field>`."""
    if not isinstance(value, str) or value not in set(choices):
        raise RuleViolation(code=f"invalid_{field}", field=field, message=_("Choose one of the options."))
    return value


def check_choices(values: Any, choices: Iterable[str], *, field: str, required: bool = False) -> list[str]:
    """Distinct values from `choices`, in the order of the choices: `invalid_<field>` for
    anything else (a single text is not a list), `<field>_required` for none when needed."""
    allowed = list(choices)
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise RuleViolation(code=f"invalid_{field}", field=field, message=_("Choose from the options."))
    values = list(values)
    if any(not isinstance(value, str) or value not in allowed for value in values):
        raise RuleViolation(code=f"invalid_{field}", field=field, message=_("Choose from the options."))
    if required and not values:
        raise RuleViolation(code=f"{field}_required", field=field, message=_("Choose at least one."))
    return [value for value in allowed if value in values]


def check_minutes(minutes: Any, *, field: str = "minutes") -> int:
    """Whole minutes from 1 to 600 (ten hours): a session's or a drop-in's length."""
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not SESSION_MIN_MINUTES <= minutes <= SESSION_MAX_MINUTES
    ):
        raise RuleViolation(
            code="minutes_out_of_range",
            field=field,
            message=_("Give the time in whole minutes, from 1 minute to 10 hours (600 minutes)."),
        )
    return minutes


# --- Helpers ----------------------------------------------------------------------------
def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC)


@lru_cache(maxsize=16)
def _holiday_calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NO", years=year)
