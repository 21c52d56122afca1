"""Advisers' weekly availability and absences.

An adviser sets their own weekly times and absences at a centre they work at; the lead
of a centre does it for anyone who works there; national coordinators everywhere.

One adviser's weekly times never overlap, at any centre: two times on the same weekday
whose hours and validity periods overlap would offer the same appointment twice. Like
every write that touches an adviser's time (`services.appointments._claim`), these lock
the adviser's user row first, so two parallel writes for one adviser run one after the
other and the second sees the first.

Neither deleting a weekly time nor adding an absence cancels anything: appointments
already proposed or booked stay, and the absence lists them so staff can move or cancel
them with the person (`appointments_during`).
"""

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre, StaffAssignment, StaffRole, Weekday
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.guidance import rules
from batteriet.guidance.models import Absence, Appointment, AppointmentStatus, AvailabilitySlot

MIN_APPOINTMENT_MINUTES = 15
MAX_APPOINTMENT_MINUTES = 240
OLDEST_START = dt.timedelta(days=366)  # a weekly time may start up to a year back
FURTHEST_START = dt.timedelta(days=2 * 366)  # and up to two years ahead
LONGEST_ABSENCE = dt.timedelta(days=2 * 366)
REASON_MAX = 200


# --- Who may ----------------------------------------------------------------------------
def works_at(user: User | None, centre: Centre | None) -> bool:
    """Staff at the centre (adviser or lead there), or a national coordinator."""
    if user is None or centre is None or not getattr(user, "is_active", False):
        return False
    return centre_permissions.is_staff_at(user, centre)


def may_manage_at(actor: User | None, adviser: User | None, centre: Centre | None) -> bool:
    """May `actor` set `adviser`'s weekly times at `centre`? Themself at a centre they work
    at; the lead of the centre for anyone who works there; national coordinators everywhere."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not works_at(adviser, centre):
        return False
    if centre_permissions.is_national_coordinator(actor):
        return True
    if actor.pk == adviser.pk:
        return centre_permissions.is_staff_at(actor, centre)
    return centre_permissions.is_lead_at(actor, centre)


def may_delete_slot(actor: User | None, slot: AvailabilitySlot) -> bool:
    """The adviser while they work at the slot's centre; the lead of the centre (also for
    an adviser who has left it); national coordinators."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if centre_permissions.is_lead_at(actor, slot.centre):
        return True
    return actor.pk == slot.adviser_id and centre_permissions.is_staff_at(actor, slot.centre)


def may_manage_absences(actor: User | None, adviser: User | None) -> bool:
    """May `actor` add or delete `adviser`'s absences? Themself; the lead of a centre the
    adviser works at; national coordinators."""
    if actor is None or not getattr(actor, "is_authenticated", False) or adviser is None:
        return False
    if not getattr(adviser, "is_active", False) or not centre_permissions.is_staff_member(adviser):
        return False
    if centre_permissions.is_national_coordinator(actor) or actor.pk == adviser.pk:
        return True
    adviser_centres = {a.centre_id for a in centre_permissions._assignments(adviser) if a.centre_id}
    return StaffAssignment.objects.filter(
        user=actor, role=StaffRole.LEAD, centre_id__in=adviser_centres
    ).exists()


# --- Weekly times -----------------------------------------------------------------------
def slot_add(
    *,
    actor: User,
    centre: Centre,
    adviser: User,
    weekday: Any,
    starts_at_time: Any,
    ends_at_time: Any,
    appointment_minutes: Any,
    valid_from: Any,
    valid_until: Any = None,
) -> AvailabilitySlot:
    """A weekly time the adviser can be booked at the centre, cut into appointments of
    `appointment_minutes`, from `valid_from` (until `valid_until`, or for good)."""
    weekday = _check_weekday(weekday)
    starts_at_time = _check_time(starts_at_time, field="starts_at_time")
    ends_at_time = _check_time(ends_at_time, field="ends_at_time")
    minutes = _check_minutes(appointment_minutes)
    valid_from = _check_date(valid_from, field="valid_from")
    valid_until = None if valid_until in (None, "") else _check_date(valid_until, field="valid_until")
    if _minutes_of(ends_at_time) <= _minutes_of(starts_at_time):
        raise RuleViolation(
            code="slot_ends_before_start",
            field="ends_at_time",
            message=_("The time must end after it starts. Check the end time."),
        )
    if _minutes_of(ends_at_time) - _minutes_of(starts_at_time) < minutes:
        raise RuleViolation(
            code="slot_shorter_than_appointment",
            field="appointment_minutes",
            message=_(
                "Not even one appointment fits between the start and the end. "
                "Make the time longer or the appointments shorter."
            ),
        )
    today = clock.local_today()
    if valid_from < today - OLDEST_START:
        raise RuleViolation(
            code="slot_starts_too_early",
            field="valid_from",
            message=_("The first day can be at most a year back."),
        )
    if valid_from > today + FURTHEST_START:
        raise RuleViolation(
            code="slot_starts_too_late",
            field="valid_from",
            message=_("The first day can be at most two years ahead."),
        )
    if valid_until is not None and valid_until < valid_from:
        raise RuleViolation(
            code="slot_until_before_from",
            field="valid_until",
            message=_("The last day cannot be before the first day."),
        )
    with transaction.atomic(durable=True):
        if not may_manage_at(actor, adviser, centre):
            raise _not_allowed()
        adviser = _locked_adviser(adviser)
        clash = _overlapping_slot(adviser, weekday, starts_at_time, ends_at_time, valid_from, valid_until)
        if clash is not None:
            raise RuleViolation(
                code="slot_overlap",
                field="starts_at_time",
                message=_(
                    "%(name)s already has a weekly time in this period at %(centre)s: "
                    "%(weekday)s %(times)s. Choose other hours, or delete that time first."
                )
                % {
                    "name": adviser,
                    "weekday": Weekday(clash.weekday).label,
                    "times": f"{clash.starts_at_time:%H:%M}–{clash.ends_at_time:%H:%M}",
                    "centre": clash.centre,
                },
            )
        slot = AvailabilitySlot.objects.create(
            adviser=adviser,
            centre=centre,
            weekday=weekday,
            starts_at_time=starts_at_time,
            ends_at_time=ends_at_time,
            appointment_minutes=minutes,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        _record_slot(actor, slot, "added")
    return slot


def slot_delete(*, actor: User, slot: AvailabilitySlot) -> list[Appointment]:
    """Delete a weekly time. Nothing already proposed or booked is cancelled: returns the
    adviser's coming appointments at the centre in that weekly time, to move or cancel."""
    with transaction.atomic(durable=True):
        slot = AvailabilitySlot.objects.select_related("adviser", "centre").filter(pk=slot.pk).first()
        if slot is None:
            raise RuleViolation(
                code="slot_gone", message=_("This weekly time is already deleted. Reload the page.")
            )
        if not may_delete_slot(actor, slot):
            raise _not_allowed()
        _locked_adviser(slot.adviser)
        still_booked = appointments_in_slot(slot)
        _record_slot(actor, slot, "deleted")
        slot.delete()
    return still_booked


def appointments_in_slot(slot: AvailabilitySlot) -> list[Appointment]:
    """The adviser's coming appointments at the slot's centre that fall in its weekly time."""
    now = clock.now()
    coming = (
        Appointment.objects.filter(
            adviser_id=slot.adviser_id,
            centre_id=slot.centre_id,
            status__in=AppointmentStatus.taking_time(),
            ends_at__gt=now,
        )
        .select_related("request")
        .order_by("starts_at")
    )
    found = []
    for appointment in coming:
        start = appointment.starts_at.astimezone(clock.OSLO)
        day = start.date()
        if start.weekday() != slot.weekday or day < slot.valid_from:
            continue
        if slot.valid_until is not None and day > slot.valid_until:
            continue
        if slot.starts_at_time <= start.time() < slot.ends_at_time:
            found.append(appointment)
    return found


def appointments_per_week(slot: AvailabilitySlot) -> int:
    """How many appointments the weekly time gives (on an ordinary week)."""
    length = _minutes_of(slot.ends_at_time) - _minutes_of(slot.starts_at_time)
    return max(length // slot.appointment_minutes, 0) if slot.appointment_minutes else 0


# --- Absences ---------------------------------------------------------------------------
@dataclass
class AbsenceAdded:
    """The absence, and the appointments in it that are still proposed or booked."""

    absence: Absence
    still_booked: list[Appointment] = field(default_factory=list)


def absence_add(
    *, actor: User, adviser: User, starts_at: Any, ends_at: Any, reason: Any = ""
) -> AbsenceAdded:
    """The adviser is away from `starts_at` to `ends_at`: nobody can book them then.
    Appointments already proposed or booked in the absence are not cancelled; they are
    returned, to move or cancel with the person."""
    starts_at = _check_moment(starts_at, field="starts_at")
    ends_at = _check_moment(ends_at, field="ends_at")
    if not isinstance(reason, str):
        raise RuleViolation(code="reason_invalid", field="reason", message=_("Write the reason as text."))
    reason = rules.check_text(reason, field="reason", max_length=REASON_MAX)
    if ends_at <= starts_at:
        raise RuleViolation(
            code="absence_ends_before_start",
            field="ends_at",
            message=_("The absence must end after it starts. Check the end."),
        )
    if ends_at - starts_at > LONGEST_ABSENCE:
        raise RuleViolation(
            code="absence_too_long",
            field="ends_at",
            message=_("An absence can last at most two years. Add another one after it if needed."),
        )
    if ends_at <= clock.now():
        raise RuleViolation(
            code="absence_over",
            field="ends_at",
            message=_("This absence is already over. Give an end in the future."),
        )
    with transaction.atomic(durable=True):
        if not may_manage_absences(actor, adviser):
            raise _not_allowed()
        adviser = _locked_adviser(adviser)
        absence = Absence.objects.create(adviser=adviser, starts_at=starts_at, ends_at=ends_at, reason=reason)
        still_booked = appointments_during(absence)
        audit.record(
            actor=actor,
            action="guidance.absence_added",
            obj=absence,
            scope=audit.scope_for(adviser),
            changes={
                "adviser": str(adviser),
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "appointments_still_booked": len(still_booked),
            },
        )
    return AbsenceAdded(absence=absence, still_booked=still_booked)


def absence_delete(*, actor: User, absence: Absence) -> None:
    """Delete an absence: the adviser can be booked in that time again."""
    with transaction.atomic(durable=True):
        absence = Absence.objects.select_related("adviser").filter(pk=absence.pk).first()
        if absence is None:
            raise RuleViolation(
                code="absence_gone", message=_("This absence is already deleted. Reload the page.")
            )
        if not may_manage_absences(actor, absence.adviser):
            raise _not_allowed()
        _locked_adviser(absence.adviser)
        audit.record(
            actor=actor,
            action="guidance.absence_deleted",
            obj=absence,
            scope=audit.scope_for(absence.adviser),
            changes={
                "adviser": str(absence.adviser),
                "starts_at": absence.starts_at.isoformat(),
                "ends_at": absence.ends_at.isoformat(),
            },
        )
        absence.delete()


def appointments_during(absence: Absence) -> list[Appointment]:
    """The adviser's appointments still proposed or booked in the absence (not yet over)."""
    return list(
        Appointment.objects.filter(
            adviser_id=absence.adviser_id,
            status__in=AppointmentStatus.taking_time(),
            starts_at__lt=absence.ends_at,
            ends_at__gt=max(absence.starts_at, clock.now()),
        )
        .select_related("request", "centre")
        .order_by("starts_at")
    )


# --- Checks -----------------------------------------------------------------------------
def _check_weekday(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _choose_weekday()
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise _choose_weekday()
        value = int(value.strip())
    if value not in Weekday.values:
        raise _choose_weekday()
    return value


def _choose_weekday() -> RuleViolation:
    return RuleViolation(code="weekday_invalid", field="weekday", message=_("Choose a weekday."))


def _check_time(value: Any, *, field: str) -> dt.time:
    if isinstance(value, str) and "\x00" not in value:
        with contextlib.suppress(ValueError):
            value = dt.time.fromisoformat(value.strip())
    if not isinstance(value, dt.time) or value.tzinfo is not None:
        raise RuleViolation(
            code=f"{field}_invalid", field=field, message=_("Write a time of day, for example 10:00.")
        )
    return value.replace(second=0, microsecond=0)


def _check_minutes(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise _minutes_range()
    if not MIN_APPOINTMENT_MINUTES <= value <= MAX_APPOINTMENT_MINUTES:
        raise _minutes_range()
    return value


def _minutes_range() -> RuleViolation:
    return RuleViolation(
        code="appointment_minutes_invalid",
        field="appointment_minutes",
        message=_("An appointment lasts from 15 minutes to 4 hours."),
    )


def _check_date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, str) and "\x00" not in value:
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value.strip())
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise RuleViolation(
            code=f"{field}_invalid", field=field, message=_("Write a date, for example 2026-01-31.")
        )
    return value


def _check_moment(value: Any, *, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise RuleViolation(
            code=f"{field}_invalid", field=field, message=_("Write a date and a time of day.")
        )
    return value.astimezone(dt.UTC)


def _minutes_of(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _overlapping_slot(
    adviser: User,
    weekday: int,
    starts_at_time: dt.time,
    ends_at_time: dt.time,
    valid_from: dt.date,
    valid_until: dt.date | None,
) -> AvailabilitySlot | None:
    """The adviser's weekly time (at any centre) on the same weekday whose hours and validity
    overlap the new one."""
    slots = AvailabilitySlot.objects.filter(
        adviser=adviser,
        weekday=weekday,
        starts_at_time__lt=ends_at_time,
        ends_at_time__gt=starts_at_time,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    if valid_until is not None:
        slots = slots.filter(valid_from__lte=valid_until)
    return slots.select_related("centre").order_by("valid_from", "starts_at_time").first()


def _locked_adviser(adviser: User) -> User:
    """Lock the adviser's row: writes that touch one adviser's time run one after another."""
    return User.objects.select_for_update().get(pk=adviser.pk)


def _record_slot(actor: User, slot: AvailabilitySlot, verb: str) -> None:
    audit.record(
        actor=actor,
        action=f"guidance.slot_{verb}",
        obj=slot,
        scope=audit.scope_for(slot.centre),
        changes={
            "adviser": str(slot.adviser),
            "weekday": slot.weekday,
            "starts_at_time": f"{slot.starts_at_time:%H:%M}",
            "ends_at_time": f"{slot.ends_at_time:%H:%M}",
            "appointment_minutes": slot.appointment_minutes,
            "valid_from": slot.valid_from.isoformat(),
            "valid_until": slot.valid_until.isoformat() if slot.valid_until else None,
        },
    )


def _not_allowed() -> RuleViolation:
    return RuleViolation(
        code="not_allowed",
        field="adviser",
        message=_("You can only change your own times, or, as the centre's lead, those of its advisers."),
    )
