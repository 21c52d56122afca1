"""The registration rules on plain values: no database."""

import datetime as dt

import pytest

from batteriet.core.errors import RuleViolation
from batteriet.events import rules

NOON = dt.datetime(2027, 3, 10, 11, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def code_of(check, **kwargs) -> str | None:
    try:
        check(**kwargs)
    except RuleViolation as violation:
        assert str(violation.message).strip()
        return violation.code
    return None


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "starts_at", "expected"),
    [
        (None, None, NOON + HOUR, None),
        (NOON - HOUR, NOON + HOUR, NOON + 2 * HOUR, None),
        (NOON, None, NOON + HOUR, None),
        (NOON + HOUR, None, NOON + 2 * HOUR, "registration_not_open_yet"),
        (None, NOON, NOON + HOUR, "registration_closed"),
        (None, NOON - HOUR, NOON + HOUR, "registration_closed"),
        (None, None, NOON, "event_started"),
        (None, None, NOON - HOUR, "event_started"),
        (NOON + HOUR, None, NOON - HOUR, "event_started"),
    ],
)
def test_registration_window(opens_at, closes_at, starts_at, expected):
    assert (
        code_of(
            rules.check_registration_open,
            opens_at=opens_at,
            closes_at=closes_at,
            starts_at=starts_at,
            now=NOON,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("capacity", "taken", "expected"),
    [(None, 500, None), (20, 0, 20), (20, 19, 1), (20, 20, 0), (20, 25, 0), (1, 0, 1)],
)
def test_places_left(capacity, taken, expected):
    assert rules.places_left(capacity=capacity, taken=taken) == expected


@pytest.mark.parametrize(
    ("group_size", "capacity", "taken", "accept_partial", "expected"),
    [
        (1, 20, 0, False, (1, 0)),
        (1, 20, 20, False, (0, 1)),
        (3, 20, 17, False, (3, 0)),
        (3, 20, 18, False, (0, 3)),
        (3, 20, 18, True, (2, 1)),
        (3, 20, 20, True, (0, 3)),
        (3, 20, 25, True, (0, 3)),
        (50, None, 1000, False, (50, 0)),
    ],
)
def test_a_group_of_n_takes_n_places(group_size, capacity, taken, accept_partial, expected):
    assert (
        rules.split_group(
            group_size=group_size, capacity=capacity, taken=taken, accept_partial=accept_partial
        )
        == expected
    )


def test_a_group_has_someone_in_it():
    assert code_of(rules.split_group, group_size=0, capacity=5, taken=0) == "registration_nobody"


@pytest.mark.parametrize(
    ("hold_hours", "starts_at", "expected"),
    [
        (24, NOON + 48 * HOUR, NOON + 24 * HOUR),
        (24, NOON + 5 * HOUR, NOON + 5 * HOUR),
        (1, NOON + 5 * HOUR, NOON + HOUR),
        (24, NOON + 24 * HOUR, NOON + 24 * HOUR),
    ],
)
def test_an_offer_is_never_held_past_the_start(hold_hours, starts_at, expected):
    assert rules.offer_deadline(now=NOON, hold_hours=hold_hours, starts_at=starts_at) == expected


@pytest.mark.parametrize(
    ("starts_at", "expected"),
    [
        (NOON + HOUR, None),
        (NOON + dt.timedelta(seconds=1), None),
        (NOON, "cancel_too_late"),
        (NOON - HOUR, "cancel_too_late"),
    ],
)
def test_cancel_until_the_event_starts(starts_at, expected):
    assert code_of(rules.check_cancel_allowed, starts_at=starts_at, now=NOON) == expected


@pytest.mark.parametrize(
    ("capacity", "confirmed", "offered", "expected"),
    [
        (None, 30, 2, None),
        (20, 20, 0, None),
        (25, 20, 5, None),
        (19, 20, 0, "capacity_below_confirmed"),
        (22, 20, 5, "capacity_below_offers"),
        (0, 0, 0, "capacity_too_small"),
        (-1, 0, 0, "capacity_too_small"),
    ],
)
def test_a_new_capacity_leaves_room_for_everyone_holding_a_place(capacity, confirmed, offered, expected):
    assert code_of(rules.check_capacity, capacity=capacity, confirmed=confirmed, offered=offered) == expected
