"""Reads for guidance: the free times people can book, and the clashes the services check.

`free_times` reads three things whatever the range: the centre's slots (with their
advisers), the advisers' absences, and the appointments that take their time (at any
centre). The cutting into times is `rules.free_times`, pure.
"""

import datetime as dt

from django.db.models import Q

from batteriet.accounts.models import User
from batteriet.centres.models import Centre, StaffAssignment, StaffRole
from batteriet.core import time as clock
from batteriet.guidance import rules
from batteriet.guidance.models import Absence, Appointment, AppointmentStatus, AvailabilitySlot


def free_times(
    centre: Centre,
    start_day: dt.date,
    end_day: dt.date,
    adviser: User | None = None,
    *,
    exclude: Appointment | None = None,
) -> list[tuple[User, dt.datetime, dt.datetime]]:
    """(adviser, starts_at, ends_at) for every time that can be booked at the centre from
    `start_day` to `end_day` (Oslo dates, both included), sorted by start. Only from two
    hours ahead and up to 90 days ahead; only advisers who still work at the centre.
    `exclude` leaves one appointment's own time out of the taken ones (rescheduling it)."""
    now = clock.now()
    first, last = _bookable_range(start_day, end_day)
    if first > last:
        return []
    slots = _slots(centre, first, last, adviser)
    if not slots:
        return []
    advisers = {slot.adviser_id: slot.adviser for slot in slots}
    range_start = _local_midnight(first)
    range_end = _local_midnight(last + dt.timedelta(days=1))
    absences = Absence.objects.filter(
        adviser_id__in=list(advisers), starts_at__lt=range_end, ends_at__gt=range_start
    ).values_list("adviser_id", "starts_at", "ends_at")
    taken = Appointment.objects.filter(
        adviser_id__in=list(advisers),
        status__in=AppointmentStatus.taking_time(),
        starts_at__lt=range_end,
        ends_at__gt=range_start,
    )
    if exclude is not None and exclude.pk is not None:
        taken = taken.exclude(pk=exclude.pk)
    times = rules.free_times(
        slots=slots,
        first_day=first,
        last_day=last,
        absences=list(absences),
        taken=list(taken.values_list("adviser_id", "starts_at", "ends_at")),
        not_before=now + rules.MIN_NOTICE,
    )
    return [(advisers[time.adviser_id], time.starts_at, time.ends_at) for time in times]


def published_times(centre: Centre, adviser: User, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The times the adviser's availability at the centre gives on one day, taken or not
    (from two hours ahead): what a person may book, before the clashes are looked at."""
    first, last = _bookable_range(day, day)
    if first > last:
        return []
    times = rules.free_times(
        slots=_slots(centre, first, last, adviser),
        first_day=first,
        last_day=last,
        not_before=clock.now() + rules.MIN_NOTICE,
    )
    return [(time.starts_at, time.ends_at) for time in times]


def adviser_clash(
    adviser_id: int, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude_pk: int | None = None
) -> Appointment | None:
    """An appointment that takes the adviser's time and overlaps [starts_at, ends_at)."""
    clashes = Appointment.objects.filter(
        adviser_id=adviser_id,
        status__in=AppointmentStatus.taking_time(),
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    return clashes.order_by("starts_at").first()


def adviser_absent(adviser_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    return Absence.objects.filter(
        adviser_id=adviser_id, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists()


def _bookable_range(start_day: dt.date, end_day: dt.date) -> tuple[dt.date, dt.date]:
    today = clock.local_today()
    return max(start_day, today), min(end_day, today + dt.timedelta(days=rules.HORIZON_DAYS))


def _slots(centre: Centre, first: dt.date, last: dt.date, adviser: User | None) -> list[AvailabilitySlot]:
    """The centre's slots valid on some day of the range, of advisers who still work there."""
    working_here = StaffAssignment.objects.filter(
        Q(centre=centre) | Q(role=StaffRole.NATIONAL_COORDINATOR)
    ).values("user_id")
    slots = (
        AvailabilitySlot.objects.filter(
            centre=centre, valid_from__lte=last, adviser__is_active=True, adviser_id__in=working_here
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .select_related("adviser")
    )
    if adviser is not None:
        slots = slots.filter(adviser=adviser)
    return list(slots)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.OSLO).astimezone(dt.UTC)
