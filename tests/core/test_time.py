"""Time helpers: Europe/Oslo dates from UTC moments, month arithmetic."""

import datetime as dt
from unittest import mock

import pytest

from batteriet.core import time as clock

UTC = dt.UTC
D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # from a leap day to a normal year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 11, 30), 1, D(2026, 12, 30)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # over the year end
        (D(2026, 12, 15), 12, D(2027, 12, 15)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 10), -1, D(2025, 12, 10)),
        (D(2026, 1, 1), 36, D(2029, 1, 1)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert clock.add_months(day, months) == expected


def _frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.mark.parametrize(
    ("utc_moment", "oslo_date"),
    [
        # 23:30 UTC on a winter night is already past midnight in Oslo (UTC+1).
        (dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC), D(2026, 3, 29)),
        (dt.datetime(2026, 3, 28, 22, 59, tzinfo=UTC), D(2026, 3, 28)),
        (dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC), D(2026, 3, 29)),
        # Summer time (UTC+2): 22:00 UTC is midnight in Oslo.
        (dt.datetime(2026, 7, 1, 21, 59, tzinfo=UTC), D(2026, 7, 1)),
        (dt.datetime(2026, 7, 1, 22, 0, tzinfo=UTC), D(2026, 7, 2)),
        # New Year's Eve: Oslo is in the new year first.
        (dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), D(2027, 1, 1)),
        (dt.datetime(2026, 1, 1, 0, 30, tzinfo=UTC), D(2026, 1, 1)),
    ],
)
def test_local_today_follows_oslo(utc_moment, oslo_date):
    with _frozen(utc_moment):
        assert clock.local_today() == oslo_date


def test_local_now_is_aware_and_in_oslo():
    moment = dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # clocks go forward at 01:00 UTC
    with _frozen(moment):
        local = clock.local_now()
    assert local == moment
    assert local.tzinfo is not None
    assert local.utcoffset() == dt.timedelta(hours=2)
    assert local.hour == 3


def test_now_is_aware_utc():
    moment = dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    with _frozen(moment):
        assert clock.now() == moment
    assert clock.now().utcoffset() == dt.timedelta(0)
