"""Series expansion without a database: rule tables, clock changes, holidays, and properties."""

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteriet.bookings import recurrence, rules
from batteriet.bookings.models import RecurrenceFrequency
from batteriet.core.errors import RuleViolation
from batteriet.core.time import OSLO

WEEKLY, MONTHLY = RecurrenceFrequency.WEEKLY, RecurrenceFrequency.MONTHLY
D = dt.date


def pattern(**overrides) -> recurrence.Pattern:
    values = {
        "frequency": WEEKLY,
        "interval": 1,
        "weekdays": (1,),
        "first_day": D(2027, 1, 4),
        "starts_at_time": dt.time(18),
        "ends_at_time": dt.time(20),
        "count": 4,
    }
    values.update(overrides)
    return recurrence.Pattern(**values)


def days(**overrides) -> list[dt.date]:
    return [start.date() for start, _end in recurrence.occurrences(pattern(**overrides))]


# --- Rule tables ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # Every Tuesday from Monday 4 January 2027, four times.
        ({}, [D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 19), D(2027, 1, 26)]),
        # Every other week, counted from the week of the first day.
        ({"interval": 2}, [D(2027, 1, 5), D(2027, 1, 19), D(2027, 2, 2), D(2027, 2, 16)]),
        # Several weekdays: Monday and Thursday, in order, the first day included.
        (
            {"weekdays": (3, 0), "count": 5},
            [D(2027, 1, 4), D(2027, 1, 7), D(2027, 1, 11), D(2027, 1, 14), D(2027, 1, 18)],
        ),
        # A first day in mid-week: weekdays before it that week are not in the series.
        (
            {"weekdays": (0, 4), "first_day": D(2027, 1, 6), "count": 3},
            [D(2027, 1, 8), D(2027, 1, 11), D(2027, 1, 15)],
        ),
        # Until a day: that day included.
        ({"count": None, "until": D(2027, 1, 19)}, [D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 19)]),
        ({"count": None, "until": D(2027, 1, 18)}, [D(2027, 1, 5), D(2027, 1, 12)]),
        # Every three weeks on Wednesday and Saturday until the end of February.
        (
            {"interval": 3, "weekdays": (2, 5), "count": None, "until": D(2027, 2, 28)},
            [D(2027, 1, 6), D(2027, 1, 9), D(2027, 1, 27), D(2027, 1, 30), D(2027, 2, 17), D(2027, 2, 20)],
        ),
        # Monthly: the first Monday.
        (
            {"frequency": MONTHLY, "weekdays": (0,), "week_of_month": 1, "count": 3},
            [D(2027, 1, 4), D(2027, 2, 1), D(2027, 3, 1)],
        ),
        # Monthly: the second Wednesday.
        (
            {"frequency": MONTHLY, "weekdays": (2,), "week_of_month": 2, "count": 3},
            [D(2027, 1, 13), D(2027, 2, 10), D(2027, 3, 10)],
        ),
        # Monthly: the last Friday, until the end of April.
        (
            {
                "frequency": MONTHLY,
                "weekdays": (4,),
                "week_of_month": -1,
                "count": None,
                "until": D(2027, 4, 30),
            },
            [D(2027, 1, 29), D(2027, 2, 26), D(2027, 3, 26), D(2027, 4, 30)],
        ),
        # Monthly: the fourth Thursday every other month.
        (
            {"frequency": MONTHLY, "interval": 2, "weekdays": (3,), "week_of_month": 4, "count": 3},
            [D(2027, 1, 28), D(2027, 3, 25), D(2027, 5, 27)],
        ),
        # Monthly from mid-month: this month's first Monday has passed, so next month's.
        (
            {
                "frequency": MONTHLY,
                "weekdays": (0,),
                "week_of_month": 1,
                "first_day": D(2027, 1, 10),
                "count": 2,
            },
            [D(2027, 2, 1), D(2027, 3, 1)],
        ),
        # The last Monday of February 2027 (a 28-day month starting on Monday).
        (
            {
                "frequency": MONTHLY,
                "weekdays": (0,),
                "week_of_month": -1,
                "first_day": D(2027, 2, 1),
                "count": 1,
            },
            [D(2027, 2, 22)],
        ),
    ],
)
def test_expansion(overrides, expected):
    assert days(**overrides) == expected


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"weekdays": ()}, "series_no_weekday", "weekdays"),
        ({"weekdays": (7,)}, "series_weekday_unknown", "weekdays"),
        ({"weekdays": (1, 1)}, "series_weekday_unknown", "weekdays"),
        ({"frequency": "daily"}, "series_frequency_unknown", "frequency"),
        ({"interval": 0}, "series_interval", "interval"),
        ({"interval": 53}, "series_interval", "interval"),
        ({"frequency": MONTHLY, "interval": 13, "week_of_month": 1}, "series_interval", "interval"),
        (
            {"frequency": MONTHLY, "weekdays": (0, 1), "week_of_month": 1},
            "series_monthly_one_weekday",
            "weekdays",
        ),
        ({"frequency": MONTHLY}, "series_week_of_month_missing", "week_of_month"),
        ({"frequency": MONTHLY, "week_of_month": 5}, "series_week_of_month_missing", "week_of_month"),
        ({"frequency": MONTHLY, "week_of_month": 0}, "series_week_of_month_missing", "week_of_month"),
        ({"week_of_month": 2}, "series_week_of_month_not_monthly", "week_of_month"),
        ({"count": None}, "series_end_missing", "until"),
        ({"until": D(2027, 3, 1)}, "series_end_both", "count"),
        ({"count": 0}, "series_count", "count"),
        ({"count": -3}, "series_count", "count"),
        ({"count": 101}, "series_count", "count"),
        ({"count": None, "until": D(2027, 1, 3)}, "series_until_before_first_day", "until"),
        ({"count": None, "until": D(2029, 1, 5)}, "series_too_long", "until"),
        ({"interval": 52, "count": 4}, "series_too_long", "count"),
        # Monday only, from Tuesday to Sunday of the same week: no time at all.
        (
            {"weekdays": (0,), "first_day": D(2027, 1, 5), "count": None, "until": D(2027, 1, 10)},
            "series_no_times",
            "until",
        ),
        # Every day of the week for a year is more than a hundred times.
        ({"weekdays": tuple(range(7)), "count": None, "until": D(2027, 12, 31)}, "series_too_many", "until"),
        ({"ends_at_time": dt.time(18)}, "series_ends_before_start", "ends_at"),
        ({"ends_at_time": dt.time(17)}, "series_ends_before_start", "ends_at"),
        ({"first_day": D(9999, 12, 31)}, "series_first_day_out_of_range", "first_day"),
        ({"first_day": D(1, 1, 1)}, "series_first_day_out_of_range", "first_day"),
    ],
)
def test_patterns_that_are_refused(overrides, code, field):
    with pytest.raises(RuleViolation) as caught:
        recurrence.occurrences(pattern(**overrides))
    assert (caught.value.code, caught.value.field) == (code, field)
    assert str(caught.value.message).strip()


def test_exactly_a_hundred_times_and_exactly_two_years_are_allowed():
    assert len(recurrence.occurrences(pattern(count=100))) == 100
    last = recurrence.last_allowed_day(D(2027, 1, 4))
    assert last == D(2029, 1, 4)
    assert days(weekdays=(0,), interval=26, count=None, until=last)[-1] == D(2029, 1, 1)


# --- Clock changes: the wall clock stays ------------------------------------------------
@pytest.mark.parametrize(
    ("first_day", "change_day"),
    [
        (D(2027, 3, 22), D(2027, 3, 28)),
        (D(2027, 10, 25), D(2027, 10, 31)),
        (D(2026, 10, 19), D(2026, 10, 25)),
    ],
)
def test_a_meeting_at_18_stays_at_18_when_the_clocks_change(first_day, change_day):
    times = recurrence.occurrences(pattern(first_day=first_day, weekdays=(1,), count=2))
    (before_start, _), (after_start, _) = times
    assert before_start.date() < change_day < after_start.date()
    for start, end in times:
        local_start, local_end = start.astimezone(OSLO), end.astimezone(OSLO)
        assert (local_start.time(), local_end.time()) == (dt.time(18), dt.time(20))
        assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=2)
    utc_hours = [start.astimezone(dt.UTC).hour for start, _end in times]
    assert utc_hours == ([17, 16] if change_day.month == 3 else [16, 17])
    assert after_start.astimezone(dt.UTC) - before_start.astimezone(dt.UTC) == dt.timedelta(days=7) + (
        -dt.timedelta(hours=1) if change_day.month == 3 else dt.timedelta(hours=1)
    )


def test_a_sunday_series_across_the_night_the_clocks_go_forward_keeps_its_afternoon():
    times = recurrence.occurrences(pattern(first_day=D(2027, 3, 21), weekdays=(6,), count=2))
    assert [start.astimezone(OSLO).isoformat() for start, _end in times] == [
        "2027-03-21T18:00:00+01:00",
        "2027-03-28T18:00:00+02:00",
    ]


# --- Holidays are times of the series; the rules close them --------------------------------
def test_2027_whit_monday_17_may_is_a_time_of_the_series_and_the_centre_is_closed():
    """In 2027 Whit Monday falls on 17 May, Constitution Day: one closed Monday, not two."""
    times = recurrence.occurrences(pattern(first_day=D(2027, 5, 3), weekdays=(0,), count=5))
    assert [start.date() for start, _end in times] == [
        D(2027, 5, 3),
        D(2027, 5, 10),
        D(2027, 5, 17),
        D(2027, 5, 24),
        D(2027, 5, 31),
    ]
    closed = []
    for start, end in times:
        try:
            rules.check_not_closed(starts_at=start, ends_at=end, closures=[])
        except RuleViolation as violation:
            assert violation.code == "closed_holiday"
            closed.append(start.date())
    assert closed == [D(2027, 5, 17)]


def test_a_closure_closes_only_the_times_inside_it():
    times = recurrence.occurrences(pattern(first_day=D(2027, 6, 28), weekdays=(2,), count=8))
    summer = [(D(2027, 7, 5), D(2027, 8, 1))]
    open_days = []
    for start, end in times:
        try:
            rules.check_not_closed(starts_at=start, ends_at=end, closures=summer)
        except RuleViolation as violation:
            assert violation.code == "closed"
        else:
            open_days.append(start.date())
    assert open_days == [D(2027, 6, 30), D(2027, 8, 4), D(2027, 8, 11), D(2027, 8, 18)]


@pytest.mark.parametrize(
    ("year", "month", "weekday", "n", "expected"),
    [
        (2027, 5, 0, 1, D(2027, 5, 3)),
        (2027, 5, 0, 3, D(2027, 5, 17)),
        (2027, 5, 0, -1, D(2027, 5, 31)),
        (2027, 12, 4, -1, D(2027, 12, 31)),
        (2027, 2, 6, 4, D(2027, 2, 28)),
        (2028, 2, 1, -1, D(2028, 2, 29)),
    ],
)
def test_nth_weekday(year, month, weekday, n, expected):
    assert recurrence.nth_weekday(year, month, weekday, n) == expected


# --- Properties ---------------------------------------------------------------------------
property_settings = settings(max_examples=300, deadline=None, database=None)
times_of_day = st.integers(min_value=0, max_value=23 * 60 + 58)


@st.composite
def patterns(draw) -> recurrence.Pattern:
    frequency = draw(st.sampled_from([WEEKLY, MONTHLY]))
    if frequency == WEEKLY:
        weekdays = tuple(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True)))
        interval = draw(st.integers(1, 8))
        week_of_month = None
    else:
        weekdays = (draw(st.integers(0, 6)),)
        interval = draw(st.integers(1, 4))
        week_of_month = draw(st.sampled_from(recurrence.WEEKS_OF_MONTH))
    first_day = draw(st.dates(min_value=D(2026, 1, 1), max_value=D(2030, 12, 31)))
    start_minute = draw(times_of_day)
    end_minute = draw(st.integers(min_value=start_minute + 1, max_value=23 * 60 + 59))
    if draw(st.booleans()):
        count, until = draw(st.integers(1, 30)), None
    else:
        count, until = None, first_day + dt.timedelta(days=draw(st.integers(0, 200)))
    return recurrence.Pattern(
        frequency=frequency,
        interval=interval,
        weekdays=weekdays,
        week_of_month=week_of_month,
        first_day=first_day,
        starts_at_time=dt.time(start_minute // 60, start_minute % 60),
        ends_at_time=dt.time(end_minute // 60, end_minute % 60),
        until=until,
        count=count,
    )


def expand(value: recurrence.Pattern) -> list[tuple[dt.datetime, dt.datetime]]:
    """The times, or [] when the pattern is refused for giving none or too many."""
    try:
        return recurrence.occurrences(value)
    except RuleViolation as violation:
        assert violation.code in {"series_no_times", "series_too_many", "series_too_long"}
        return []


@property_settings
@given(patterns())
def test_every_time_is_on_a_chosen_weekday_at_the_chosen_local_times(value):
    for start, end in expand(value):
        assert start.weekday() in value.weekdays
        assert start.date() == end.date()
        assert start.time() == value.starts_at_time and end.time() == value.ends_at_time
        assert start.tzinfo is OSLO


@property_settings
@given(patterns())
def test_times_strictly_increase_and_never_overlap(value):
    times = expand(value)
    utc = [(start.astimezone(dt.UTC), end.astimezone(dt.UTC)) for start, end in times]
    for (a_start, a_end), (b_start, _b_end) in itertools.pairwise(utc):
        assert a_start < b_start and a_end <= b_start
    for a, b in itertools.combinations(times, 2):
        assert not rules.intervals_overlap(*a, *b)


@property_settings
@given(patterns())
def test_the_end_is_respected(value):
    times = expand(value)
    assert len(times) <= recurrence.MAX_OCCURRENCES
    if value.count is not None and times:
        assert len(times) == value.count
    if value.until is not None:
        assert all(start.date() <= value.until for start, _end in times)
    assert all(start.date() >= value.first_day for start, _end in times)


@property_settings
@given(patterns())
def test_the_interval_is_respected(value):
    times = expand(value)
    if value.frequency == WEEKLY:
        first_monday = value.first_day - dt.timedelta(days=value.first_day.weekday())
        for start, _end in times:
            weeks = (start.date() - first_monday).days // 7
            assert weeks % value.interval == 0
    else:
        for start, _end in times:
            months = (start.year - value.first_day.year) * 12 + start.month - value.first_day.month
            assert months % value.interval == 0
            assert start.date() == recurrence.nth_weekday(
                start.year, start.month, value.weekdays[0], value.week_of_month
            )


@property_settings
@given(patterns())
def test_nothing_is_left_out(value):
    """Weekly with an end date: every matching day between first and last is a time."""
    if value.frequency != WEEKLY or value.until is None:
        return
    times = expand(value)
    if not times:
        return
    first_monday = value.first_day - dt.timedelta(days=value.first_day.weekday())
    expected = [
        day
        for day in (
            value.first_day + dt.timedelta(days=offset)
            for offset in range((value.until - value.first_day).days + 1)
        )
        if day.weekday() in value.weekdays and ((day - first_monday).days // 7) % value.interval == 0
    ]
    assert [start.date() for start, _end in times] == expected
