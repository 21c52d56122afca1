"""Registration rules on plain values (no database). Each check raises `RuleViolation`."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

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
    if capacity is not None and group_size > capacity and not accept_partial:
        # A group that can never fit whole would hold up the waiting line for good.
        raise RuleViolation(
            code="group_larger_than_event",
            message=_(
                "The event has %(capacity)s places, so a group of %(size)s cannot wait together. "
                "Choose to take the places there are, or register fewer people."
            )
            % {"capacity": capacity, "size": group_size},
        )
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


# --- Answers to an event's questions and places in parallel sessions ----------------------
ANSWER_MAX_LENGTH = 2000


def check_answer(*, kind: str, value: str, choices: list[str], required: bool) -> None:
    """One answer: given when required, not too long, no hidden characters, a listed choice."""
    if "\x00" in value:
        raise RuleViolation(code="answer_invalid_character", message=_("Remove the hidden characters."))
    if not value:
        if required:
            raise RuleViolation(code="answer_required", message=_("Please answer this question."))
        return
    if len(value) > ANSWER_MAX_LENGTH:
        raise RuleViolation(
            code="answer_too_long",
            message=_("Write at most %(limit)s characters.") % {"limit": ANSWER_MAX_LENGTH},
        )
    if kind == "choice" and value not in choices:
        raise RuleViolation(code="answer_not_a_choice", message=_("Choose one of the answers shown."))
    if kind == "yes_no" and value not in {"yes", "no"}:
        raise RuleViolation(code="answer_not_a_choice", message=_("Choose yes or no."))


def check_special_need_consent(*, has_special_needs: bool, consent: bool) -> None:
    """Special needs are stored only when the person has ticked the consent box themself."""
    if has_special_needs and not consent:
        raise RuleViolation(
            code="special_need_without_consent",
            message=_(
                "To share special needs with the organisers, tick the box. Or leave those questions empty."
            ),
            field="consent",
        )


def check_session_has_room(*, capacity: int | None, taken: int) -> None:
    if capacity is not None and taken >= capacity:
        raise RuleViolation(code="session_full", message=_("This session is full"))


def check_sessions_do_not_overlap(*, overlapping: bool) -> None:
    if overlapping:
        raise RuleViolation(
            code="session_overlap",
            message=_("You already have a place in a session at the same time. Leave that one first."),
        )


# --- Events staff create and edit, and their programme --------------------------------------
OFFER_HOLD_HOURS_MAX = 168


def check_event(
    *,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place_kind: str,
    has_room: bool,
    venue: str,
    online_link: str,
    registration_opens_at: dt.datetime | None,
    registration_closes_at: dt.datetime | None,
    offer_hold_hours: int,
    certificate_sessions: int | None,
) -> None:
    """An event's own fields: the end after the start, a place that matches its kind, a
    registration window that closes after it opens, a sensible hold time."""
    if ends_at <= starts_at:
        raise RuleViolation(
            code="event_ends_before_start",
            message=_("The event must end after it starts. Check the end date and time."),
            field="ends_at",
        )
    if place_kind == "centre_room" and not has_room:
        raise RuleViolation(code="event_room_missing", message=_("Choose the room."), field="room")
    if place_kind == "external" and not venue.strip():
        raise RuleViolation(
            code="event_venue_missing", message=_("Write where the event is held."), field="venue"
        )
    if place_kind == "online" and not online_link:
        raise RuleViolation(
            code="event_link_missing", message=_("Give the link people use to join."), field="online_link"
        )
    if online_link and not online_link.lower().startswith("https://"):
        raise RuleViolation(
            code="event_link_not_https",
            message=_("The link must start with https://"),
            field="online_link",
        )
    if (
        registration_opens_at is not None
        and registration_closes_at is not None
        and registration_closes_at <= registration_opens_at
    ):
        raise RuleViolation(
            code="event_registration_window",
            message=_("Registration must close after it opens."),
            field="registration_closes_at",
        )
    if not 1 <= offer_hold_hours <= OFFER_HOLD_HOURS_MAX:
        raise RuleViolation(
            code="event_offer_hold_hours",
            message=_("Hold an offered place for 1 to %(max)s hours.") % {"max": OFFER_HOLD_HOURS_MAX},
            field="offer_hold_hours",
        )
    if certificate_sessions is not None and kind != "course":
        raise RuleViolation(
            code="event_certificate_not_course",
            message=_("Only courses give a certificate. Leave this empty."),
            field="certificate_sessions",
        )


def check_session(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    event_starts_at: dt.datetime,
    event_ends_at: dt.datetime,
    capacity: int | None,
    event_capacity: int | None,
    tz: dt.tzinfo,
) -> None:
    """A session ends after it starts, lies within the event's days (in `tz`) and has no
    more places than the event."""
    if ends_at <= starts_at:
        raise RuleViolation(
            code="session_ends_before_start",
            message=_("The session must end after it starts. Choose a later end time."),
            field="ends_at",
        )
    first_day, last_day = event_starts_at.astimezone(tz).date(), event_ends_at.astimezone(tz).date()
    if not (first_day <= starts_at.astimezone(tz).date() and ends_at.astimezone(tz).date() <= last_day):
        raise RuleViolation(
            code="session_outside_event",
            message=_("The session must be on the event's days, from %(first)s to %(last)s.")
            % {"first": first_day.strftime("%d.%m.%Y"), "last": last_day.strftime("%d.%m.%Y")},
            field="day",
        )
    if capacity is not None and event_capacity is not None and capacity > event_capacity:
        raise RuleViolation(
            code="session_capacity_above_event",
            message=_("A session cannot have more places than the event (%(places)s).")
            % {"places": event_capacity},
            field="capacity",
        )


def check_session_delete(*, sessions_left: int, attendance_marked: int = 0, seats_taken: int = 0) -> None:
    """A session goes only while nothing hangs on it: not the last one, no attendance
    marked, and no one holding a place in it."""
    if sessions_left <= 1:
        raise RuleViolation(
            code="session_last",
            message=_("An event needs at least one session, so the last one cannot be deleted."),
        )
    if attendance_marked:
        raise RuleViolation(
            code="session_attendance_marked",
            message=_(
                "Attendance is already marked for this session, so it cannot be deleted. "
                "Change its time or title instead."
            ),
        )
    if seats_taken:
        raise RuleViolation(
            code="session_seats_taken",
            message=ngettext_lazy(
                "%(taken)s person has a place in this session, so it cannot be deleted. "
                "Change the session instead, or cancel the place first.",
                "%(taken)s people have a place in this session, so it cannot be deleted. "
                "Change the session instead, or cancel their places first.",
                "taken",
            )
            % {"taken": seats_taken},
        )


def check_question(*, kind: str, choices: list[str], required: bool, is_special_need: bool) -> None:
    if kind == "choice" and not choices:
        raise RuleViolation(
            code="question_choices_missing", message=_("Write the choices, one per line."), field="choices"
        )
    if is_special_need and required:
        raise RuleViolation(
            code="question_special_need_required",
            message=_("A special need can never be required. Untick “must be answered”."),
            field="required",
        )


def check_question_delete(*, answers: int) -> None:
    if answers:
        raise RuleViolation(
            code="question_answered",
            message=_(
                "People have already answered this question, so it cannot be deleted. "
                "Their answers would be lost."
            ),
        )
