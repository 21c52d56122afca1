"""Time helpers. All times are stored in UTC and shown in Europe/Oslo.

Use these instead of `datetime.now()` / `date.today()` so the zone is never forgotten.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

OSLO = ZoneInfo("Europe/Oslo")


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return timezone.now()


def local_now() -> dt.datetime:
    """The current moment in Europe/Oslo."""
    return timezone.now().astimezone(OSLO)


def local_today() -> dt.date:
    """Today's date in Europe/Oslo (not the server's zone)."""
    return local_now().date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month_first - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))
