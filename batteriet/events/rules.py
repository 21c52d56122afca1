"""Registration rules on plain values (no database). Each check raises `RuleViolation`."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from batteriet.core.errors import RuleViolation


def check_registration_open(
    *,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    starts_at: dt.datetime,
    now: dt.datetime,
) -> None:
    """Registration is open from `opens_at` (or always) until `closes_at` and the start."""
    check_not_started(starts_at=starts_at, now=now)
    if opens_at is not None and now < opens_at:
        raise RuleViolation(
            code="registration_not_open_yet",
            message=_("Registration has not opened yet. Come back when it opens."),
        )
    if closes_at is not None and now >= closes_at:
        raise RuleViolation(code="registration_closed", message=_("Registration for this event has closed."))


def check_not_started(*, starts_at: dt.datetime, now: dt.datetime) -> None:
    if now >= starts_at:
        raise RuleViolation(
            code="event_started", message=_("The event has already started, so this can no longer be done.")
        )


def places_left(*, capacity: int | None, taken: int) -> int | None:
    """Free places, never below zero. None means no limit."""
    if capacity is None:
        return None
    return max(capacity - taken, 0)


def split_group(
    *, group_size: int, capacity: int | None, taken: int, accept_partial: bool = False
) -> tuple[int, int]:
    """How many of a group get a place now and how many wait: (confirmed, waiting).

    A group of N takes N places. It gets places only if all fit, unless the caller
    accepts that the first ones get places and the rest wait.
    """
    check_group_size(group_size)
    left = places_left(capacity=capacity, taken=taken)
    if left is None or group_size <= left:
        return group_size, 0
    if accept_partial:
        return left, group_size - left
    return 0, group_size


def check_group_size(group_size: int) -> None:
    if group_size < 1:
        raise RuleViolation(code="registration_nobody", message=_("Choose at least one person to register."))


def offer_deadline(*, now: dt.datetime, hold_hours: int, starts_at: dt.datetime) -> dt.datetime:
    """Until when an offered place is held: `hold_hours` from now, never after the start."""
    return min(now + dt.timedelta(hours=hold_hours), starts_at)


def check_cancel_allowed(*, starts_at: dt.datetime, now: dt.datetime) -> None:
    if now >= starts_at:
        raise RuleViolation(
            code="cancel_too_late",
            message=_("The event has already started, so the registration can no longer be cancelled."),
        )


def qualifies_for_certificate(attended: int, sessions: int, required: int | None) -> bool:
    """A course certificate needs `required` sessions attended (every session when empty).

    More required than the course has counts as every session; a course without sessions
    gives no certificate.
    """
    if sessions < 1:
        return False
    needed = sessions if required is None else min(max(required, 1), sessions)
    return attended >= needed


def check_attendance_open(*, session_day: dt.date, today: dt.date) -> None:
    """Attendance is marked from the day of the session (in Oslo), not before."""
    if today < session_day:
        raise RuleViolation(
            code="attendance_too_early",
            message=_("Attendance can be marked from the day of the session."),
        )


def check_capacity(*, capacity: int | None, confirmed: int, offered: int) -> None:
    """A new number of places must leave room for everyone registered and every open offer."""
    if capacity is None:
        return
    if capacity < 1:
        raise RuleViolation(
            code="capacity_too_small",
            message=_("Room for at least one person, or leave it empty."),
            field="capacity",
        )
    if capacity < confirmed:
        raise RuleViolation(
            code="capacity_below_confirmed",
            message=_(
                "%(confirmed)s people are already registered. Give at least that many places, "
                "or cancel some registrations first."
            )
            % {"confirmed": confirmed},
            field="capacity",
        )
    if capacity < confirmed + offered:
        raise RuleViolation(
            code="capacity_below_offers",
            message=_(
                "%(held)s places are taken or offered to people on the waiting list. "
                "Give at least that many places, or wait until the offers are answered."
            )
            % {"held": confirmed + offered},
            field="capacity",
        )
