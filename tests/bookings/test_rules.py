"""Pure booking policy: no database, tables of cases. Times are Europe/Oslo unless marked UTC."""

import datetime as dt

import pytest
from django.utils import translation

from batteriet.bookings import rules
from batteriet.bookings.models import ResourceKind
from batteriet.bookings.rules import OpeningSpan
from batteriet.core.errors import RuleViolation
from batteriet.core.time import OSLO

UTC = dt.UTC
D = dt.date


def oslo(*args, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO, fold=fold)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def code_of(check, **kwargs) -> str | None:
    try:
        check(**kwargs)
    except RuleViolation as violation:
        assert str(violation.message).strip()
        return violation.code
    return None


NOW = oslo(2026, 11, 27, 12, 0)
WEEKDAYS_9_TO_16 = [OpeningSpan(weekday, dt.time(9), dt.time(16)) for weekday in range(5)]


# --- Intervals ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((10, 11), (11, 12), False),  # touching: half-open intervals do not clash
        ((11, 12), (10, 11), False),
        ((10, 12), (11, 13), True),
        ((10, 13), (11, 12), True),  # one inside the other
        ((10, 11), (10, 11), True),
        ((10, 11), (12, 13), False),
        ((10, 10), (9, 11), False),  # an empty interval holds no moment
        ((12, 10), (9, 13), False),  # nor does a reversed one
    ],
)
def test_intervals_overlap(a, b, expected):
    day = (2027, 1, 5)
    a_start, a_end, b_start, b_end = (oslo(*day, hour) for hour in (*a, *b))
    assert rules.intervals_overlap(a_start, a_end, b_start, b_end) is expected
    assert rules.intervals_overlap(b_start, b_end, a_start, a_end) is expected


@pytest.mark.parametrize(
    ("loans", "window", "expected"),
    [
        ([], (0, 10), 0),
        ([(0, 10, 2)], (0, 10), 2),
        ([(0, 5, 1), (5, 10, 1)], (0, 10), 1),  # back to back: never two at once
        ([(0, 6, 1), (5, 10, 1)], (0, 10), 2),
        ([(0, 6, 1), (5, 10, 1)], (6, 10), 1),  # the overlap lies outside the window
        ([(0, 3, 2), (2, 8, 1), (7, 9, 3)], (0, 10), 4),
        ([(0, 10, 1), (0, 10, 1), (0, 10, 1)], (3, 4), 3),
        ([(5, 5, 4)], (0, 10), 0),
    ],
)
def test_peak_quantity(loans, window, expected):
    base = oslo(2027, 1, 5, 8)

    def minute(n):
        return base + dt.timedelta(minutes=n)

    assert (
        rules.peak_quantity(
            [(minute(s), minute(e), q) for s, e, q in loans], minute(window[0]), minute(window[1])
        )
        == expected
    )


def test_usage_steps_merges_equal_neighbours_and_skips_gaps():
    base = oslo(2027, 1, 5, 8)

    def minute(n):
        return base + dt.timedelta(minutes=n)

    loans = [
        (minute(0), minute(10), 1),
        (minute(10), minute(20), 1),
        (minute(5), minute(15), 2),
        (minute(30), minute(40), 1),
    ]
    assert rules.usage_steps(loans) == [
        (minute(0), minute(5), 1),
        (minute(5), minute(15), 3),
        (minute(15), minute(20), 1),
        (minute(30), minute(40), 1),
    ]


@pytest.mark.parametrize(
    ("moment", "monday"),
    [
        (oslo(2027, 1, 6, 12), D(2027, 1, 4)),
        (oslo(2027, 1, 10, 23, 30), D(2027, 1, 4)),  # Sunday late evening: 22:30 UTC, same week
        (oslo(2027, 1, 11, 0, 30), D(2027, 1, 11)),  # Monday 00:30 local is still Sunday in UTC
        (oslo(2026, 3, 29, 23, 30), D(2026, 3, 23)),  # the week the clocks go forward
        (oslo(2027, 1, 1, 10), D(2026, 12, 28)),  # ISO week 53 of 2026 runs into 2027
    ],
)
def test_week_bounds_are_local_iso_weeks(moment, monday):
    starts_at, ends_at = rules.week_bounds(moment)
    assert starts_at == oslo(*monday.timetuple()[:3], 0)
    assert ends_at == oslo(*(monday + dt.timedelta(days=7)).timetuple()[:3], 0)
    assert starts_at <= moment < ends_at


def test_week_bounds_across_the_spring_change_last_167_hours():
    starts_at, ends_at = rules.week_bounds(oslo(2026, 3, 25, 12))
    assert ends_at.astimezone(UTC) - starts_at.astimezone(UTC) == dt.timedelta(hours=167)


# --- Start, end, notice, horizon ------------------------------------------------------
@pytest.mark.parametrize(
    ("starts_at", "ends_at", "expected"),
    [
        (oslo(2026, 12, 1, 10), oslo(2026, 12, 1, 11), None),
        (oslo(2026, 12, 1, 11), oslo(2026, 12, 1, 10), "ends_before_start"),
        (oslo(2026, 12, 1, 10), oslo(2026, 12, 1, 10), "zero_length"),
        (oslo(2026, 12, 1, 10), utc(2026, 12, 1, 9), "zero_length"),  # the same moment in two zones
        (oslo(2026, 11, 27, 11, 59), oslo(2026, 11, 27, 13), "in_the_past"),
        (NOW, oslo(2026, 11, 27, 13), None),  # starting right now is not in the past
        (oslo(2026, 11, 26, 10), oslo(2026, 11, 26, 9), "ends_before_start"),  # first things first
    ],
)
def test_check_interval(starts_at, ends_at, expected):
    assert code_of(rules.check_interval, starts_at=starts_at, ends_at=ends_at, now=NOW) == expected


def test_check_interval_refuses_naive_times():
    with pytest.raises(ValueError, match="aware"):
        rules.check_interval(starts_at=dt.datetime(2026, 12, 1, 10), ends_at=oslo(2026, 12, 1, 11), now=NOW)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("starts_at", "notice", "expected"),
    [
        (NOW + dt.timedelta(hours=24), dt.timedelta(hours=24), None),  # exactly the minimum notice
        (NOW + dt.timedelta(hours=24) - dt.timedelta(seconds=1), dt.timedelta(hours=24), "too_short_notice"),
        (NOW + dt.timedelta(hours=25), dt.timedelta(hours=24), None),
        (NOW, dt.timedelta(0), None),
        (NOW + dt.timedelta(minutes=59), dt.timedelta(hours=1), "too_short_notice"),
    ],
)
def test_check_notice(starts_at, notice, expected):
    assert code_of(rules.check_notice, starts_at=starts_at, now=NOW, min_notice=notice) == expected


def test_notice_over_the_spring_change_is_counted_in_real_hours():
    """Saturday 23:00 to Sunday 03:30 after the clocks went forward: 3.5 hours, not 4.5."""
    now, starts_at = oslo(2026, 3, 28, 23, 0), oslo(2026, 3, 29, 3, 30)
    assert code_of(
        rules.check_notice, starts_at=starts_at, now=now, min_notice=4 * dt.timedelta(hours=1)
    ) == ("too_short_notice")
    assert (
        code_of(rules.check_notice, starts_at=starts_at, now=now, min_notice=dt.timedelta(hours=3.5)) is None
    )


@pytest.mark.parametrize(
    ("starts_at", "days", "expected"),
    [
        (oslo(2027, 1, 26, 23, 59), 60, None),  # the last day of the horizon, late
        (oslo(2027, 1, 27, 0, 0), 60, "too_far_ahead"),
        (oslo(2026, 11, 27, 18), 0, None),  # a horizon of 0 days: today only
        (oslo(2026, 11, 28, 9), 0, "too_far_ahead"),
    ],
)
def test_check_horizon(starts_at, days, expected):
    assert code_of(rules.check_horizon, starts_at=starts_at, now=NOW, max_horizon_days=days) == expected


def test_horizon_counts_from_todays_date_in_oslo_not_utc():
    """00:30 on 28 November in Oslo is still 27 November in UTC: today is the 28th."""
    now = utc(2026, 11, 27, 23, 30)
    assert code_of(rules.check_horizon, starts_at=oslo(2026, 11, 29, 10), now=now, max_horizon_days=1) is None
    assert (
        code_of(rules.check_horizon, starts_at=oslo(2026, 11, 30, 10), now=now, max_horizon_days=1)
        == "too_far_ahead"
    )


# --- Duration, and daylight saving time -----------------------------------------------
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "min_duration", "max_duration", "expected"),
    [
        (oslo(2027, 1, 5, 10), oslo(2027, 1, 5, 11), HOUR, HOUR, None),
        (oslo(2027, 1, 5, 10), oslo(2027, 1, 5, 10, 29), 0.5 * HOUR, 2 * HOUR, "too_short"),
        (oslo(2027, 1, 5, 10), oslo(2027, 1, 5, 12, 1), HOUR, 2 * HOUR, "too_long"),
        # The clocks go forward at 02:00 on 29 March 2026: 01:30–03:30 local lasts one hour.
        (oslo(2026, 3, 29, 1, 30), oslo(2026, 3, 29, 3, 30), HOUR, HOUR, None),
        (oslo(2026, 3, 29, 1, 30), oslo(2026, 3, 29, 3, 30), 1.5 * HOUR, 4 * HOUR, "too_short"),
        # The clocks go back at 03:00 on 25 October 2026: 01:30–03:30 local lasts three hours.
        (oslo(2026, 10, 25, 1, 30), oslo(2026, 10, 25, 3, 30), 3 * HOUR, 3 * HOUR, None),
        (oslo(2026, 10, 25, 1, 30), oslo(2026, 10, 25, 3, 30), HOUR, 2 * HOUR, "too_long"),
        # The repeated hour: 02:30 before the change (fold 0) to 02:30 after it (fold 1).
        (oslo(2026, 10, 25, 2, 30), oslo(2026, 10, 25, 2, 30).replace(fold=1), HOUR, HOUR, None),
    ],
)
def test_check_duration(starts_at, ends_at, min_duration, max_duration, expected):
    assert (
        code_of(
            rules.check_duration,
            starts_at=starts_at,
            ends_at=ends_at,
            min_duration=min_duration,
            max_duration=max_duration,
        )
        == expected
    )


def test_the_dst_nights_in_utc():
    assert oslo(2026, 3, 29, 1, 30).astimezone(UTC) == utc(2026, 3, 29, 0, 30)
    assert oslo(2026, 3, 29, 3, 30).astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert oslo(2026, 10, 25, 1, 30).astimezone(UTC) == utc(2026, 10, 24, 23, 30)
    assert oslo(2026, 10, 25, 3, 30).astimezone(UTC) == utc(2026, 10, 25, 2, 30)


def test_overlap_in_the_repeated_hour_uses_real_time():
    """02:00–02:59 before the clocks go back and 02:00–02:59 after: the same wall clock,
    an hour apart. They do not overlap."""
    first = (oslo(2026, 10, 25, 2, 0), oslo(2026, 10, 25, 2, 59))
    second = (oslo(2026, 10, 25, 2, 0, fold=1), oslo(2026, 10, 25, 2, 59, fold=1))
    assert not rules.intervals_overlap(*(m.astimezone(UTC) for m in (*first, *second)))
    assert (
        code_of(rules.check_interval, starts_at=first[0], ends_at=second[0], now=NOW.replace(year=2025))
        is None
    )


# --- Capacity and stock ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("people", "capacity", "expected"),
    [
        (None, 10, None),
        (10, 10, None),
        (11, 10, "over_capacity"),
        (500, None, None),
        (0, 10, "invalid_people_count"),
        (-3, None, "invalid_people_count"),
    ],
)
def test_check_capacity(people, capacity, expected):
    assert code_of(rules.check_capacity, expected_people=people, capacity=capacity) == expected


@pytest.mark.parametrize(
    ("quantity", "booked", "stock", "expected"),
    [
        (1, 0, 1, None),
        (2, 1, 3, None),
        (3, 1, 3, "not_enough_in_stock"),
        (1, 3, 3, "not_enough_in_stock"),
        (0, 0, 3, "invalid_quantity"),
    ],
)
def test_check_quantity(quantity, booked, stock, expected):
    assert code_of(rules.check_quantity, quantity=quantity, already_booked=booked, stock=stock) == expected


# --- Holidays and closures ------------------------------------------------------------
def closed_code(starts_at, ends_at, closures=(), only_first_and_last_day=False):
    return code_of(
        rules.check_not_closed,
        starts_at=starts_at,
        ends_at=ends_at,
        closures=list(closures),
        only_first_and_last_day=only_first_and_last_day,
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2027, 5, 17), "closed_holiday"),  # Constitution Day and Whit Monday at once
        (D(2027, 5, 18), None),
        (D(2027, 5, 6), "closed_holiday"),  # Ascension Day
        (D(2027, 3, 24), None),  # the Wednesday before Easter is an ordinary day
        (D(2027, 3, 25), "closed_holiday"),  # Maundy Thursday
        (D(2027, 3, 26), "closed_holiday"),  # Good Friday
        (D(2027, 3, 28), "closed_holiday"),  # Easter Sunday
        (D(2027, 3, 29), "closed_holiday"),  # Easter Monday
        (D(2027, 3, 30), None),
        (D(2027, 5, 1), "closed_holiday"),  # Labour Day on a Saturday
        (D(2026, 12, 24), None),  # Christmas Eve is no public holiday: centres close it themselves
        (D(2026, 12, 25), "closed_holiday"),
        (D(2026, 12, 26), "closed_holiday"),
        (D(2027, 1, 1), "closed_holiday"),
        (D(2027, 1, 3), None),  # an ordinary Sunday
    ],
)
def test_public_holidays(day, expected):
    assert closed_code(oslo(*day.timetuple()[:3], 10), oslo(*day.timetuple()[:3], 12)) == expected


def test_17_may_2027_names_both_holidays_in_the_active_language():
    with translation.override("en"):
        with pytest.raises(RuleViolation) as caught:
            rules.check_not_closed(
                starts_at=oslo(2027, 5, 17, 10), ends_at=oslo(2027, 5, 17, 12), closures=[]
            )
        assert "Constitution Day" in str(caught.value.message)
        assert "Whit Monday" in str(caught.value.message) or "Pentecost Monday" in str(caught.value.message)
    with translation.override("nb"):
        with pytest.raises(RuleViolation) as caught:
            rules.check_not_closed(
                starts_at=oslo(2027, 5, 17, 10), ends_at=oslo(2027, 5, 17, 12), closures=[]
            )
        assert "Grunnlovsdag" in str(caught.value.message)


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "expected"),
    [
        (oslo(2026, 12, 31, 20), oslo(2027, 1, 1, 0, 0), None),  # ends exactly at midnight
        (oslo(2026, 12, 31, 20), oslo(2027, 1, 1, 1, 0), "closed_holiday"),  # runs into New Year's Day
        (oslo(2027, 5, 15, 20), oslo(2027, 5, 16, 2), "closed_holiday"),  # into Whit Sunday
        # 23:30 UTC on 16 May is 01:30 on 17 May in Oslo
        (utc(2027, 5, 16, 23, 30), utc(2027, 5, 17, 0, 30), "closed_holiday"),
        (utc(2027, 5, 17, 22, 30), utc(2027, 5, 17, 23, 30), None),  # 00:30 on 18 May in Oslo
    ],
)
def test_holidays_are_local_days(starts_at, ends_at, expected):
    assert closed_code(starts_at, ends_at) == expected


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "closures", "expected"),
    [
        (oslo(2026, 12, 24, 10), oslo(2026, 12, 24, 12), [(D(2026, 12, 24), D(2026, 12, 24))], "closed"),
        (oslo(2027, 7, 1, 10), oslo(2027, 7, 1, 12), [(D(2027, 6, 28), D(2027, 8, 6))], "closed"),
        (oslo(2027, 6, 27, 10), oslo(2027, 6, 27, 12), [(D(2027, 6, 28), D(2027, 8, 6))], None),
        (
            oslo(2027, 8, 6, 10),
            oslo(2027, 8, 6, 12),
            [(D(2027, 6, 28), D(2027, 8, 6))],
            "closed",
        ),  # last day included
        (oslo(2027, 8, 7, 10), oslo(2027, 8, 7, 12), [(D(2027, 6, 28), D(2027, 8, 6))], None),
    ],
)
def test_centre_closures(starts_at, ends_at, closures, expected):
    assert closed_code(starts_at, ends_at, closures) == expected


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "expected"),
    [
        (oslo(2027, 3, 22, 9), oslo(2027, 4, 2, 16), None),  # a desk over Easter
        (oslo(2027, 3, 22, 9), oslo(2027, 3, 29, 16), "closed_holiday"),  # ...returned on Easter Monday
        (oslo(2027, 3, 26, 9), oslo(2027, 4, 2, 16), "closed_holiday"),  # ...or taken on Good Friday
    ],
)
def test_periods_need_only_open_first_and_last_days(starts_at, ends_at, expected):
    assert closed_code(starts_at, ends_at, only_first_and_last_day=True) == expected
    assert closed_code(starts_at, ends_at) == "closed_holiday"


# --- Bookable windows -----------------------------------------------------------------
# 2027-01-04 is a Monday; the centre is open Monday to Friday 09–16.
@pytest.mark.parametrize(
    ("kind", "starts_at", "ends_at", "expected"),
    [
        (ResourceKind.MEETING_ROOM, oslo(2027, 1, 5, 10), oslo(2027, 1, 5, 12), None),
        (ResourceKind.MEETING_ROOM, oslo(2027, 1, 5, 9), oslo(2027, 1, 5, 16), None),  # the whole day
        (ResourceKind.MEETING_ROOM, oslo(2027, 1, 5, 8, 30), oslo(2027, 1, 5, 10), "outside_opening_hours"),
        (ResourceKind.MEETING_ROOM, oslo(2027, 1, 5, 15), oslo(2027, 1, 5, 16, 1), "outside_opening_hours"),
        (
            ResourceKind.MEETING_ROOM,
            oslo(2027, 1, 9, 10),
            oslo(2027, 1, 9, 12),
            "outside_opening_hours",
        ),  # Saturday
        (
            ResourceKind.MEETING_ROOM,
            oslo(2027, 1, 5, 15),
            oslo(2027, 1, 6, 10),
            "outside_opening_hours",
        ),  # overnight
        (ResourceKind.DESK, oslo(2027, 1, 4, 9), oslo(2027, 1, 29, 16), None),  # four weeks
        (ResourceKind.DESK, oslo(2027, 1, 4, 9), oslo(2027, 1, 4, 16), None),
        (ResourceKind.DESK, oslo(2027, 1, 4, 8), oslo(2027, 1, 29, 16), "outside_opening_hours"),
        (
            ResourceKind.DESK,
            oslo(2027, 1, 4, 9),
            oslo(2027, 1, 30, 12),
            "outside_opening_hours",
        ),  # ends on a Saturday
        (
            ResourceKind.DESK,
            oslo(2027, 1, 4, 16),
            oslo(2027, 1, 5, 12),
            "outside_opening_hours",
        ),  # starts at closing
        (ResourceKind.EQUIPMENT, oslo(2027, 1, 4, 15), oslo(2027, 1, 6, 9, 30), None),  # picked up, returned
        (ResourceKind.EQUIPMENT, oslo(2027, 1, 8, 15), oslo(2027, 1, 10, 18), "outside_opening_hours"),
        (ResourceKind.PREMISES, oslo(2027, 1, 5, 17), oslo(2027, 1, 5, 22), None),  # an evening
        (ResourceKind.PREMISES, oslo(2027, 1, 5, 16), oslo(2027, 1, 5, 22), None),  # from closing time
        (ResourceKind.PREMISES, oslo(2027, 1, 5, 6), oslo(2027, 1, 5, 9), None),  # until opening time
        (
            ResourceKind.PREMISES,
            oslo(2027, 1, 5, 15, 30),
            oslo(2027, 1, 5, 22),
            "premises_only_outside_opening_hours",
        ),
        (ResourceKind.PREMISES, oslo(2027, 1, 9, 10), oslo(2027, 1, 9, 16), None),  # Saturday daytime
        (ResourceKind.PREMISES, oslo(2027, 1, 8, 18), oslo(2027, 1, 10, 22), None),  # the whole weekend
        (
            ResourceKind.PREMISES,
            oslo(2027, 1, 10, 20),
            oslo(2027, 1, 11, 10),
            "premises_only_outside_opening_hours",
        ),
        (
            ResourceKind.PREMISES,
            oslo(2027, 1, 5, 12),
            oslo(2027, 1, 5, 13),
            "premises_only_outside_opening_hours",
        ),
    ],
)
def test_check_bookable_window(kind, starts_at, ends_at, expected):
    assert (
        code_of(
            rules.check_bookable_window,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            opening_hours=WEEKDAYS_9_TO_16,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("kind", "starts_at", "ends_at", "expected"),
    [
        # Friday 27 March 2026 is still winter time (UTC+1): 08:00 UTC is 09:00 in Oslo.
        (ResourceKind.MEETING_ROOM, utc(2026, 3, 27, 8), utc(2026, 3, 27, 9), None),
        (ResourceKind.MEETING_ROOM, utc(2026, 3, 27, 7, 30), utc(2026, 3, 27, 9), "outside_opening_hours"),
        # Monday 30 March 2026 is summer time (UTC+2): 07:00 UTC is 09:00 in Oslo.
        (ResourceKind.MEETING_ROOM, utc(2026, 3, 30, 7), utc(2026, 3, 30, 8), None),
        (ResourceKind.MEETING_ROOM, utc(2026, 3, 30, 13), utc(2026, 3, 30, 14, 30), "outside_opening_hours"),
        # Premises on the night the clocks go forward, and the one they go back.
        (ResourceKind.PREMISES, oslo(2026, 3, 28, 22), oslo(2026, 3, 29, 4), None),
        (ResourceKind.PREMISES, oslo(2026, 10, 24, 22), oslo(2026, 10, 25, 4), None),
        # Monday 26 October 2026 is winter time again: 08:00 UTC is 09:00 in Oslo.
        (ResourceKind.PREMISES, oslo(2026, 10, 25, 20), utc(2026, 10, 26, 8), None),
        (
            ResourceKind.PREMISES,
            oslo(2026, 10, 25, 20),
            utc(2026, 10, 26, 8, 1),
            "premises_only_outside_opening_hours",
        ),
    ],
)
def test_bookable_windows_around_the_dst_changes(kind, starts_at, ends_at, expected):
    assert (
        code_of(
            rules.check_bookable_window,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            opening_hours=WEEKDAYS_9_TO_16,
        )
        == expected
    )


def test_split_opening_hours():
    """Open 09–11:30 and 12:30–16 (closed for lunch): a room fits within one span only."""
    spans = [OpeningSpan(1, dt.time(9), dt.time(11, 30)), OpeningSpan(1, dt.time(12, 30), dt.time(16))]

    def window(start, end, kind=ResourceKind.MEETING_ROOM):
        return code_of(
            rules.check_bookable_window,
            kind=kind,
            starts_at=oslo(2027, 1, 5, *start),
            ends_at=oslo(2027, 1, 5, *end),
            opening_hours=spans,
        )

    assert window((9, 0), (11, 30)) is None
    assert window((13, 0), (16, 0)) is None
    assert window((11, 0), (13, 0)) == "outside_opening_hours"
    assert window((11, 30), (12, 30), ResourceKind.PREMISES) is None


def test_no_opening_hours_means_rooms_cannot_be_booked_but_premises_can():
    assert (
        code_of(
            rules.check_bookable_window,
            kind=ResourceKind.MEETING_ROOM,
            starts_at=oslo(2027, 1, 5, 10),
            ends_at=oslo(2027, 1, 5, 11),
            opening_hours=[],
        )
        == "outside_opening_hours"
    )
    assert (
        code_of(
            rules.check_bookable_window,
            kind=ResourceKind.PREMISES,
            starts_at=oslo(2027, 1, 5, 10),
            ends_at=oslo(2027, 1, 5, 11),
            opening_hours=[],
        )
        is None
    )


# --- Agreement, organisation, quota, text ---------------------------------------------
def test_check_agreement():
    assert code_of(rules.check_agreement, has_agreement_for_whole_period=True) is None
    assert code_of(rules.check_agreement, has_agreement_for_whole_period=False) == "no_active_agreement"


@pytest.mark.parametrize(
    ("is_approved", "is_partner", "expected"),
    [
        (True, False, None),
        (False, False, "organisation_not_approved"),
        (True, True, "partner_cannot_book"),
        (False, True, "partner_cannot_book"),
    ],
)
def test_check_organisation_may_book(is_approved, is_partner, expected):
    assert (
        code_of(rules.check_organisation_may_book, is_approved=is_approved, is_partner=is_partner) == expected
    )


@pytest.mark.parametrize(
    ("booked", "limit", "expected"),
    [
        (0, 1, None),
        (4, 5, None),
        (5, 5, "quota_reached"),
        (9, 5, "quota_reached"),
        (100, None, None),
        (0, 0, "quota_reached"),
    ],
)
def test_check_quota(booked, limit, expected):
    assert code_of(rules.check_quota, booked_this_week=booked, limit=limit) == expected


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        ("Styremøte", None),
        ("", "purpose_required"),
        ("   ", "purpose_required"),
        ("x" * 500, None),
        ("x" * 501, "purpose_too_long"),
    ],
)
def test_check_purpose(purpose, expected):
    assert code_of(rules.check_purpose, purpose=purpose) == expected


@pytest.mark.parametrize(
    ("reason", "options", "expected"),
    [
        ("Maling", {}, None),
        (" ", {}, "reason_required"),
        ("", {"required": False}, None),
        ("x" * 2000, {}, None),
        ("x" * 2001, {}, "reason_too_long"),
        ("x" * 501, {"max_length": 500}, "reason_too_long"),
    ],
)
def test_check_reason(reason, options, expected):
    assert code_of(rules.check_reason, reason=reason, **options) == expected


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (30, "30 minutes"),
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (1440, "1 day"),
        (2 * 1440 + 120, "2 days 2 hours"),
    ],
)
def test_duration_text(minutes, text):
    with translation.override("en"):
        assert rules.duration_text(dt.timedelta(minutes=minutes)) == text


def test_conflict_names_the_clashing_time_in_oslo():
    with translation.override("en"):
        conflict = rules.BookingConflict(
            clash_starts_at=utc(2027, 1, 5, 9), clash_ends_at=utc(2027, 1, 5, 10, 15)
        )
    assert conflict.code == "booking_conflict"
    assert "10:00" in str(conflict.message) and "11:15" in str(conflict.message)
    assert conflict.clash_starts_at == utc(2027, 1, 5, 9)
