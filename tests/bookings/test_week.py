"""The week view's table, without the database: hours in Norwegian time, free or busy."""

import datetime as dt

from batteriet.bookings import week
from batteriet.bookings.selectors import BusyInterval, BusyKind
from batteriet.core import time as clock


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.OSLO)


def test_a_week_starts_on_monday():
    assert week.monday_of(dt.date(2027, 10, 31)) == dt.date(2027, 10, 25)
    assert week.monday_of(dt.date(2027, 10, 25)) == dt.date(2027, 10, 25)


def test_an_hour_is_busy_when_any_busy_time_touches_it_and_free_at_the_edges():
    monday = dt.date(2027, 3, 1)
    busy = [BusyInterval(_at(monday, 10, 30), _at(monday, 12), BusyKind.CONFIRMED)]
    rows = {row.hour.hour: row.slots[0].is_free for row in week.week_rows(monday, busy)}
    assert rows[9] and rows[12]  # half-open: ending at 12:00 leaves 12–13 free
    assert not rows[10] and not rows[11]


def test_equipment_partly_lent_is_free_with_a_count():
    monday = dt.date(2027, 3, 1)
    busy = [BusyInterval(_at(monday, 9), _at(monday, 10), BusyKind.IN_USE, quantity=1)]
    slot = week.week_rows(monday, busy)[1].slots[0]
    assert slot.is_free and slot.units_lent == 1


def test_the_week_the_clocks_go_back_keeps_local_hours():
    """Sunday 31 October 2027 in Oslo: 08:00 is still 08:00 on the wall, an hour later in UTC."""
    monday = dt.date(2027, 10, 25)
    first_row = week.week_rows(monday, [])[0]
    saturday, sunday = first_row.slots[5].starts_at, first_row.slots[6].starts_at
    assert saturday.hour == sunday.hour == 8
    assert saturday.astimezone(dt.UTC).hour == 6 and sunday.astimezone(dt.UTC).hour == 7
