"""Property-based tests: the overlap and counting logic against brute-force definitions."""

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from batteriet.bookings import rules
from batteriet.core.time import OSLO

# Minutes from midnight on 25 October 2026 in Oslo: the clocks go back at 03:00, so the
# hour from 02:00 comes twice (minutes 120–179 and 180–239). Python compares datetimes of
# one zone by wall clock; the rules must not be fooled by that.
BASE = dt.datetime(2026, 10, 25, 0, 0, tzinfo=OSLO)
LAST_MINUTE = 300
minutes = st.integers(min_value=0, max_value=LAST_MINUTE)
quantities = st.integers(min_value=0, max_value=4)
loans = st.lists(st.tuples(minutes, minutes, quantities), max_size=12)
property_settings = settings(max_examples=300, deadline=None, database=None)


def moment(minute: int) -> dt.datetime:
    """A real minute after BASE, written in Oslo time (with fold=1 in the repeated hour)."""
    return (BASE.astimezone(dt.UTC) + dt.timedelta(minutes=minute)).astimezone(OSLO)


def test_the_repeated_hour_is_in_range():
    assert (moment(170).fold, moment(190).fold) == (0, 1)
    assert moment(170) > moment(190)  # one zone: Python compares by wall clock, 02:50 "after" 02:10
    assert moment(170).astimezone(dt.UTC) < moment(190).astimezone(dt.UTC)


def minute_set(start: int, end: int) -> set[int]:
    """A half-open interval as the set of minutes it holds."""
    return set(range(start, end))


@property_settings
@given(minutes, minutes, minutes, minutes)
def test_overlap_is_symmetric(a_start, a_end, b_start, b_end):
    a_b = rules.intervals_overlap(moment(a_start), moment(a_end), moment(b_start), moment(b_end))
    b_a = rules.intervals_overlap(moment(b_start), moment(b_end), moment(a_start), moment(a_end))
    assert a_b == b_a


@property_settings
@given(minutes, minutes, minutes, minutes)
def test_overlap_matches_shared_minutes(a_start, a_end, b_start, b_end):
    expected = bool(minute_set(a_start, a_end) & minute_set(b_start, b_end))
    assert rules.intervals_overlap(a_start, a_end, b_start, b_end) is expected
    assert rules.intervals_overlap(moment(a_start), moment(a_end), moment(b_start), moment(b_end)) is expected


def brute_force_peak(loan_list, window_start, window_end) -> int:
    return max(
        (
            sum(quantity for start, end, quantity in loan_list if start <= minute < end)
            for minute in range(window_start, window_end)
        ),
        default=0,
    )


@property_settings
@given(loans, minutes, minutes)
def test_peak_quantity_matches_a_minute_by_minute_count(loan_list, window_start, window_end):
    as_moments = [(moment(start), moment(end), quantity) for start, end, quantity in loan_list]
    assert rules.peak_quantity(as_moments, moment(window_start), moment(window_end)) == brute_force_peak(
        loan_list, window_start, window_end
    )


@property_settings
@given(loans)
def test_usage_steps_match_a_minute_by_minute_count(loan_list):
    steps = rules.usage_steps([(moment(start), moment(end), quantity) for start, end, quantity in loan_list])
    for minute in range(LAST_MINUTE + 1):
        in_use = sum(quantity for start, end, quantity in loan_list if start <= minute < end)
        holding = [quantity for start, end, quantity in steps if start <= moment(minute) < end]
        assert sum(holding) == in_use
        assert len(holding) <= 1
    assert all(quantity > 0 for _start, _end, quantity in steps)
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(steps))
