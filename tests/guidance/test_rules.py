"""Guidance rules without a database: weekly availability into free times (Oslo wall
clock, UTC out, the clock changes and public holidays), and the checks on a time and texts."""

import datetime as dt

import pytest

from batteriet.core.errors import RuleViolation
from batteriet.guidance import rules
from batteriet.guidance.rules import FreeTime, WeeklySlot

UTC = dt.UTC
TUESDAY, SUNDAY, MONDAY, THURSDAY = 1, 6, 0, 3
ADVISER, OTHER = 1, 2


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def slot(weekday=TUESDAY, start=(10, 0), end=(12, 0), minutes=60, adviser=ADVISER, **fields) -> WeeklySlot:
    return WeeklySlot(
        adviser_id=adviser,
        weekday=weekday,
        starts_at_time=dt.time(*start),
        ends_at_time=dt.time(*end),
        appointment_minutes=minutes,
        **fields,
    )


def starts(times: list[FreeTime]) -> list[dt.datetime]:
    return [time.starts_at for time in times]


def free(slots, first, last=None, **kwargs) -> list[FreeTime]:
    return rules.free_times(slots=slots, first_day=first, last_day=last or first, **kwargs)


# --- Cutting a slot ---------------------------------------------------------------------
def test_a_two_hour_slot_with_hour_long_appointments_gives_ten_and_eleven_oslo_time():
    times = free([slot()], dt.date(2027, 1, 12))  # a Tuesday in winter: UTC+1

    assert times == [
        FreeTime(ADVISER, utc(2027, 1, 12, 9), utc(2027, 1, 12, 10)),
        FreeTime(ADVISER, utc(2027, 1, 12, 10), utc(2027, 1, 12, 11)),
    ]


def test_an_appointment_that_would_run_past_the_slot_is_left_out():
    times = free([slot(end=(11, 30), minutes=45)], dt.date(2027, 1, 12))

    assert starts(times) == [utc(2027, 1, 12, 9), utc(2027, 1, 12, 9, 45)]


def test_only_the_slot_weekday_gets_times():
    times = free([slot()], dt.date(2027, 1, 11), dt.date(2027, 1, 17))

    assert {time.starts_at.date() for time in times} == {dt.date(2027, 1, 12)}


# --- Clocks changing: last Sunday of March and of October 2027 ---------------------------
def test_ten_o_clock_stays_ten_o_clock_when_summer_time_begins():
    times = free([slot()], dt.date(2027, 3, 23), dt.date(2027, 3, 30))

    # 23 March: UTC+1; 30 March, after the clocks went forward on 28 March: UTC+2.
    assert starts(times) == [
        utc(2027, 3, 23, 9),
        utc(2027, 3, 23, 10),
        utc(2027, 3, 30, 8),
        utc(2027, 3, 30, 9),
    ]


def test_the_night_the_clocks_go_forward_has_no_appointment_in_the_missing_hour():
    night = slot(weekday=SUNDAY, start=(1, 0), end=(4, 0))

    # 01:00–04:00 on the wall clock lasts two real hours: 01:00 CET and 03:00 CEST.
    assert rules.slot_times(night, dt.date(2027, 3, 28)) == [
        (utc(2027, 3, 28, 0), utc(2027, 3, 28, 1)),
        (utc(2027, 3, 28, 1), utc(2027, 3, 28, 2)),
    ]


def test_a_slot_edge_in_the_missing_hour_moves_inwards():
    night = slot(weekday=SUNDAY, start=(2, 30), end=(4, 0), minutes=30)

    # 02:30 does not exist that night: the slot starts at 03:30 CEST (01:30 UTC).
    assert rules.slot_times(night, dt.date(2027, 3, 28)) == [(utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2))]


def test_ten_o_clock_stays_ten_o_clock_when_summer_time_ends():
    times = free([slot(weekday=SUNDAY)], dt.date(2027, 10, 24), dt.date(2027, 10, 31))

    assert starts(times) == [
        utc(2027, 10, 24, 8),
        utc(2027, 10, 24, 9),
        utc(2027, 10, 31, 9),  # the clocks went back that night: UTC+1
        utc(2027, 10, 31, 10),
    ]


def test_the_night_the_clocks_go_back_the_hour_that_happens_twice_is_bookable_twice():
    night = slot(weekday=SUNDAY, start=(1, 0), end=(4, 0))

    times = free([night], dt.date(2027, 10, 31))

    # 01:00, 02:00 (summer time), 02:00 again (winter time), 03:00: four real hours.
    assert starts(times) == [
        utc(2027, 10, 30, 23),
        utc(2027, 10, 31, 0),
        utc(2027, 10, 31, 1),
        utc(2027, 10, 31, 2),
    ]
    assert all(time.ends_at - time.starts_at == dt.timedelta(hours=1) for time in times)


# --- Public holidays ----------------------------------------------------------------------
def test_nothing_on_constitution_day_which_is_whit_monday_in_2027():
    times = free([slot(weekday=MONDAY)], dt.date(2027, 5, 10), dt.date(2027, 5, 24))

    assert {time.starts_at.date() for time in times} == {dt.date(2027, 5, 10), dt.date(2027, 5, 24)}
    assert rules.is_holiday(dt.date(2027, 5, 17))


def test_nothing_on_easter_sunday_the_day_summer_time_begins_in_2027():
    assert free([slot(weekday=SUNDAY)], dt.date(2027, 3, 28)) == []
    assert len(free([slot(weekday=SUNDAY)], dt.date(2027, 4, 4))) == 2


def test_nothing_on_ascension_day_but_the_thursday_after_is_open():
    times = free([slot(weekday=THURSDAY)], dt.date(2027, 5, 6), dt.date(2027, 5, 13))

    assert {time.starts_at.date() for time in times} == {dt.date(2027, 5, 13)}


# --- Validity, absences, taken times ----------------------------------------------------
def test_nothing_before_valid_from_or_after_valid_until():
    limited = slot(valid_from=dt.date(2027, 1, 12), valid_until=dt.date(2027, 1, 19))

    times = free([limited], dt.date(2027, 1, 1), dt.date(2027, 2, 1))

    assert {time.starts_at.date() for time in times} == {dt.date(2027, 1, 12), dt.date(2027, 1, 19)}


def test_an_absence_removes_the_times_it_overlaps_and_no_more():
    absence = (ADVISER, utc(2027, 1, 12, 9, 30), utc(2027, 1, 12, 10))  # 10:30–11:00 Oslo

    times = free([slot(end=(13, 0))], dt.date(2027, 1, 12), absences=[absence])

    assert starts(times) == [utc(2027, 1, 12, 10), utc(2027, 1, 12, 11)]


def test_a_whole_week_of_leave_removes_the_week():
    leave = (ADVISER, utc(2027, 1, 10, 23), utc(2027, 1, 17, 23))

    times = free([slot()], dt.date(2027, 1, 5), dt.date(2027, 1, 19), absences=[leave])

    assert {time.starts_at.date() for time in times} == {dt.date(2027, 1, 5), dt.date(2027, 1, 19)}


def test_taken_times_are_left_out_for_their_adviser_only():
    both = [slot(), slot(adviser=OTHER)]
    taken = [(ADVISER, utc(2027, 1, 12, 9, 30), utc(2027, 1, 12, 10, 30))]  # over both hours

    times = free(both, dt.date(2027, 1, 12), taken=taken)

    assert [time.adviser_id for time in times] == [OTHER, OTHER]


def test_a_time_ending_when_another_starts_is_free():
    taken = [
        (ADVISER, utc(2027, 1, 12, 8), utc(2027, 1, 12, 9)),
        (ADVISER, utc(2027, 1, 12, 11), utc(2027, 1, 12, 12)),
    ]

    assert len(free([slot()], dt.date(2027, 1, 12), taken=taken)) == 2


def test_not_before_leaves_out_times_too_soon():
    times = free([slot()], dt.date(2027, 1, 12), not_before=utc(2027, 1, 12, 9, 30))

    assert starts(times) == [utc(2027, 1, 12, 10)]


def test_two_identical_slots_give_each_time_once():
    assert len(free([slot(), slot()], dt.date(2027, 1, 12))) == 2


# --- Checks on a time -------------------------------------------------------------------
NOW = utc(2027, 1, 12, 8)


def code(call) -> str:
    with pytest.raises(RuleViolation) as caught:
        call()
    return caught.value.code


def test_two_hours_notice_is_enough_and_less_is_not():
    rules.check_notice(starts_at=NOW + dt.timedelta(hours=2), now=NOW)
    assert code(lambda: rules.check_notice(starts_at=NOW + dt.timedelta(minutes=119), now=NOW)) == (
        "too_short_notice"
    )


def test_ninety_days_ahead_is_the_limit():
    rules.check_horizon(starts_at=utc(2027, 4, 12, 20), now=NOW)  # 12 April, 22:00 Oslo
    assert code(lambda: rules.check_horizon(starts_at=utc(2027, 4, 12, 22, 30), now=NOW)) == "too_far_ahead"


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "expected"),
    [
        (NOW + dt.timedelta(hours=3), NOW + dt.timedelta(hours=2), "ends_before_start"),
        (NOW + dt.timedelta(hours=3), NOW + dt.timedelta(hours=3), "ends_before_start"),
        (NOW + dt.timedelta(hours=3), NOW + dt.timedelta(hours=3, minutes=10), "appointment_length"),
        (NOW + dt.timedelta(hours=3), NOW + dt.timedelta(hours=8), "appointment_length"),
        (NOW - dt.timedelta(hours=1), NOW, "in_the_past"),
    ],
)
def test_check_interval_refuses(starts_at, ends_at, expected):
    assert code(lambda: rules.check_interval(starts_at=starts_at, ends_at=ends_at, now=NOW)) == expected


def test_check_interval_refuses_naive_times():
    naive = NOW.replace(tzinfo=None)
    with pytest.raises(ValueError, match="aware"):
        rules.check_interval(starts_at=naive, ends_at=NOW, now=NOW)


# --- Checks on texts --------------------------------------------------------------------
def test_request_texts_come_back_stripped():
    texts = rules.check_request_texts(situation="  Vi vil starte  ", language_need=" arabisk ")

    assert texts == {
        "situation": "Vi vil starte",
        "language_need": "arabisk",
        "accessibility_need": "",
        "preferred_times": "",
    }


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"situation": "   "}, "situation", "situation_required"),
        ({"situation": "x" * 3001}, "situation", "situation_too_long"),
        ({"situation": "a\x00b"}, "situation", "invalid_characters"),
        ({"situation": "ok", "language_need": "x" * 201}, "language_need", "language_need_too_long"),
        (
            {"situation": "ok", "accessibility_need": "x" * 501},
            "accessibility_need",
            "accessibility_need_too_long",
        ),
        ({"situation": "ok", "preferred_times": "x" * 20000}, "preferred_times", "preferred_times_too_long"),
        ({"situation": "ok", "preferred_times": "\x00"}, "preferred_times", "invalid_characters"),
    ],
)
def test_request_texts_refused_by_the_field(fields, field, expected):
    with pytest.raises(RuleViolation) as caught:
        rules.check_request_texts(**fields)
    assert (caught.value.code, caught.value.field) == (expected, field)


def test_a_message_is_needed_when_required_only():
    assert rules.check_message("", required=False) == ""
    assert code(lambda: rules.check_message("  ")) == "message_required"
    assert code(lambda: rules.check_message("x" * 2001)) == "message_too_long"


def test_script_tags_are_kept_as_plain_text():
    """Templates escape text; the rules neither refuse nor alter it."""
    assert rules.check_message("<script>alert(1)</script>") == "<script>alert(1)</script>"
