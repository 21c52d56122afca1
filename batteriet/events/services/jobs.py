"""Event work due by the clock: reminders and deleting special needs after the event.

Run from `manage.py event_jobs` every 15 minutes, together with `offers_expire`. Each job
marks what it has done, so running it again, or two runs at once, does nothing twice.
"""

import datetime as dt
from typing import NamedTuple

from django.db import transaction

from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.events import notices
from batteriet.events.models import Answer, Event, Registration, RegistrationStatus

REMIND_BEFORE = dt.timedelta(hours=48)
KEEP_SPECIAL_NEEDS = dt.timedelta(days=30)


def reminders_send(now: dt.datetime | None = None) -> int:
    """Remind everyone with a confirmed place of an event that starts within two days.

    Each registration is claimed with a conditional UPDATE (`... WHERE reminder_sent_at
    IS NULL`) in its own transaction: only the run whose UPDATE changed the row queues the
    e-mail, so two runs at once remind each person once. Registrations by name only have
    no one to e-mail and are left alone. Returns how many reminders this run queued.
    """
    now = now or clock.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        person__isnull=False,
        reminder_sent_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMIND_BEFORE,
    )
    sent = 0
    for registration in due.only("pk", "person_id", "registered_by_id").order_by("pk"):
        with transaction.atomic(durable=True):
            claimed = Registration.objects.filter(
                pk=registration.pk,
                status=RegistrationStatus.CONFIRMED,
                reminder_sent_at__isnull=True,
            ).update(reminder_sent_at=now)
            if claimed:
                notices.send_on_commit(registration, notices.Notice.REMINDER)
                sent += 1
    return sent


class SpecialNeedsDeleted(NamedTuple):
    events: int
    answers: int
    consents: int


def special_needs_delete(now: dt.datetime | None = None) -> SpecialNeedsDeleted:
    """Thirty days after an event ends, delete the answers to its special-need questions
    and forget the consent to them. Ordinary answers stay with the registration.

    One transaction per event, with an audit entry that says how many (never what).
    """
    now = now or clock.now()
    cutoff = now - KEEP_SPECIAL_NEEDS
    special = Answer.objects.filter(question__is_special_need=True)
    consented = Registration.objects.filter(needs_consent_at__isnull=False)
    event_ids = set(
        special.filter(registration__event__ends_at__lte=cutoff).values_list(
            "registration__event_id", flat=True
        )
    ) | set(consented.filter(event__ends_at__lte=cutoff).values_list("event_id", flat=True))
    events = answers = consents = 0
    for event_id in sorted(event_ids):
        with transaction.atomic(durable=True):
            event = Event.objects.select_for_update().get(pk=event_id)
            if event.ends_at > cutoff:  # moved later meanwhile
                continue
            deleted, _by_model = special.filter(registration__event=event).delete()
            cleared = consented.filter(event=event).update(needs_consent_at=None)
            if deleted or cleared:
                audit.record(
                    actor=None,
                    action="event.special_needs_deleted",
                    obj=event,
                    changes={"answers_deleted": deleted, "consents_cleared": cleared},
                )
                events += 1
                answers += deleted
                consents += cleared
    return SpecialNeedsDeleted(events=events, answers=answers, consents=consents)
