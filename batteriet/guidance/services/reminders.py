"""Reminders the day before a guidance appointment. Run from `manage.py guidance_jobs`
(every hour or so in the daytime; any run on the day before sends the reminders).

A booked appointment that starts tomorrow (the Oslo date) is reminded once: a run claims
all that are due with one conditional UPDATE (`... SET reminder_sent_at = now WHERE
reminder_sent_at IS NULL`) on the rows it has locked (PostgreSQL skips rows another run
holds; on SQLite the IMMEDIATE transaction makes runs wait for each other), and one
e-mail per appointment goes out from a background task after commit. Moving a booked
appointment sets `reminder_sent_at` back to empty, so the new day is reminded again.
"""

import datetime as dt

from django.db import transaction

from batteriet.core import time as clock
from batteriet.guidance import notices
from batteriet.guidance.models import Appointment, AppointmentStatus


def appointments_remind(now: dt.datetime | None = None) -> int:
    """Queue the reminders of booked appointments that start tomorrow and were not reminded.

    Returns how many this run claimed; running it again, or twice at once, sends none twice.
    """
    now = now or clock.now()
    tomorrow = now.astimezone(clock.OSLO).date() + dt.timedelta(days=1)
    starts_from = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=clock.OSLO)
    starts_before = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(0), tzinfo=clock.OSLO)
    due = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gte=starts_from,
        starts_at__lt=starts_before,
    )
    with transaction.atomic(durable=True):
        rows = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", "request_id"))
        if not rows:
            return 0
        claimed = due.filter(pk__in=[pk for pk, _request_id in rows]).update(reminder_sent_at=now)
        if claimed != len(rows):  # cannot happen under the lock; never send twice if it does
            raise RuntimeError("An appointment was claimed by another run under our lock.")
        for pk, request_id in rows:
            notices.send_on_commit(
                notices.Notice.REMINDER, appointment=Appointment(pk=pk, request_id=request_id)
            )
    return claimed
