"""How times and phone numbers read on the pages."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from batteriet.core import time as clock
from batteriet.core.templatetags.formatting import phone, time_span


def oslo(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=clock.OSLO)


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "nb", "en"),
    [
        (
            oslo(2026, 12, 8, 10),
            oslo(2026, 12, 8, 12),
            "tir 8. des 2026, 10:00–12:00",
            "Tue 8 Dec 2026, 10:00–12:00",
        ),
        (
            oslo(2026, 12, 9, 10),
            oslo(2026, 12, 10, 14),
            "ons 9. des 2026, 10:00 – tor 10. des 2026, 14:00",
            "Wed 9 Dec 2026, 10:00 – Thu 10 Dec 2026, 14:00",
        ),
        # An evening that ends at midnight is still one evening.
        (oslo(2026, 12, 12, 18), oslo(2026, 12, 13, 0), "lør 12. des 2026, 18:00–00:00", None),
    ],
)
def test_time_span_shows_the_end_day_only_when_it_differs(starts_at, ends_at, nb, en):
    with timezone.override(clock.OSLO):
        with translation.override("nb"):
            assert time_span(starts_at.astimezone(dt.UTC), ends_at.astimezone(dt.UTC)) == nb
        if en:
            with translation.override("en"):
                assert time_span(starts_at, ends_at) == en


def test_phone_reads_like_people_write_it():
    assert phone("+4722000000") == "22 00 00 00"
    assert phone("") == ""
