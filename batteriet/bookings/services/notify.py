"""Notices that are due by the clock rather than by a change: reminders and overdue loans.

Both are run from `manage.py booking_jobs` every 15 minutes. Each booking is claimed
with a conditional UPDATE (`... WHERE reminder_sent_at IS NULL`): only the run whose
UPDATE changed the row queues the e-mail, so running the job twice, or two runs at
once, never sends a notice twice. The e-mail itself goes out after commit.
"""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from batteriet.bookings.models import Booking, BookingStatus, ResourceKind
from batteriet.bookings.notices import Notice, send_on_commit
from batteriet.core import time as clock


def reminders_send_due(now: dt.datetime | None = None) -> int:
    """Remind organisations of confirmed bookings that start tomorrow (Oslo date).

    Returns how many reminders were queued by this run.
    """
    now = now or clock.now()
    tomorrow = now.astimezone(clock.OSLO).date() + dt.timedelta(days=1)
    starts_from = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=clock.OSLO)
    starts_before = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time.min, tzinfo=clock.OSLO)
    due = Booking.objects.filter(
        organisation__isnull=False,
        status=BookingStatus.CONFIRMED,
        starts_at__gte=starts_from,
        starts_at__lt=starts_before,
        reminder_sent_at__isnull=True,
    )
    return _claim_and_notify(due, field="reminder_sent_at", notice=Notice.REMINDER, now=now)


def loan_overdue_notices_send(now: dt.datetime | None = None) -> int:
    """Ask organisations to bring back equipment that was picked up and is past its return time.

    Returns how many notices were queued by this run.
    """
    now = now or clock.now()
    due = Booking.objects.filter(
        organisation__isnull=False,
        resource__kind=ResourceKind.EQUIPMENT,
        ends_at__lte=now,
        checked_out_at__isnull=False,
        checked_in_at__isnull=True,
        overdue_notice_sent_at__isnull=True,
    )
    return _claim_and_notify(due, field="overdue_notice_sent_at", notice=Notice.OVERDUE, now=now)


def _claim_and_notify(due: QuerySet[Booking], *, field: str, notice: Notice, now: dt.datetime) -> int:
    """Mark each due booking as notified and queue its notice, once per booking.

    The UPDATE repeats the "not yet sent" condition, so a booking another run has
    claimed in the meantime updates nothing here and is skipped.
    """
    sent = 0
    for booking in due.only("pk", "organisation_id").order_by("pk"):
        with transaction.atomic(durable=True):
            claimed = Booking.objects.filter(pk=booking.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
            if claimed:
                send_on_commit(booking, notice)
                sent += 1
    return sent
