"""The week view: a resource's busy times laid out as days × hours, in Europe/Oslo.

Pure functions over `selectors.BusyInterval`s, so the table is easy to test and carries
no personal data: a slot is free, busy, or (equipment) partly lent.
"""

import datetime as dt
from dataclasses import dataclass

from batteriet.bookings.selectors import BusyInterval, BusyKind
from batteriet.core import time as clock

FIRST_HOUR = 8
LAST_HOUR = 22  # the last row is 21:00–22:00


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    is_free: bool
    units_lent: int = 0  # equipment: how many are out during the slot (at most)


@dataclass(frozen=True)
class Row:
    hour: dt.time
    slots: list[Slot]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=offset) for offset in range(7)]


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local times from the first to the last hour shown, as aware datetimes."""
    return _at(monday, FIRST_HOUR), _at(monday + dt.timedelta(days=6), LAST_HOUR)


def week_rows(monday: dt.date, busy: list[BusyInterval]) -> list[Row]:
    """One row per hour, one slot per day. Busy when any busy time overlaps the hour."""
    rows = []
    for hour in range(FIRST_HOUR, LAST_HOUR):
        slots = []
        for day in week_days(monday):
            starts_at, ends_at = _at(day, hour), _at(day, hour + 1)
            overlapping = [b for b in busy if b.starts_at < ends_at and b.ends_at > starts_at]
            is_free = not any(b.kind != BusyKind.IN_USE for b in overlapping)
            lent = max((b.quantity or 0 for b in overlapping if b.kind == BusyKind.IN_USE), default=0)
            slots.append(Slot(starts_at=starts_at, is_free=is_free, units_lent=lent))
        rows.append(Row(hour=dt.time(hour), slots=slots))
    return rows


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.OSLO)
