"""Organisers write to everyone registered for an event, everyone waiting, or both.

The message is stored (`EventMessage`, so the organisers see what was sent), an audit
entry records that it was sent and to how many (never what it said), and after commit
one e-mail per person is queued, each framed in that person's language. People
registered by name only have no e-mail address: the organisers are told how many, so
they can phone them.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import permissions
from batteriet.events.models import Event, EventMessage, MessageAudience, Registration


@dataclass(frozen=True)
class Reach:
    """How many a message to one audience reaches: by e-mail, and registered by name only."""

    people: int
    name_only: int


def reach(event: Event) -> dict[str, Reach]:
    """For each audience, how many get the message and how many only have a name (one query)."""
    rows = (
        Registration.objects.filter(event_id=event.pk, status__in=MessageAudience.BOTH.statuses())
        .order_by()
        .values("status")
        .annotate(
            people=Count("pk", filter=Q(person__isnull=False)),
            name_only=Count("pk", filter=Q(person__isnull=True)),
        )
    )
    by_status = {row["status"]: row for row in rows}
    result = {}
    for audience in MessageAudience:
        statuses = audience.statuses()
        result[audience.value] = Reach(
            people=sum(by_status[s]["people"] for s in statuses if s in by_status),
            name_only=sum(by_status[s]["name_only"] for s in statuses if s in by_status),
        )
    return result


def message_send(*, actor: User, event: Event, audience: str, subject: str, body: str) -> EventMessage:
    """Send `subject` and `body` to every person with an account in `audience`."""
    audience = MessageAudience(audience)
    with transaction.atomic(durable=True):
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not permissions.is_organiser(actor, event):
            raise RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))
        chosen = Registration.objects.filter(event=event, status__in=audience.statuses())
        registration_ids = list(
            chosen.filter(person__isnull=False).order_by("pk").values_list("pk", flat=True)
        )
        message = EventMessage.objects.create(
            event=event,
            audience=audience,
            subject=subject,
            body=body,
            recipients=len(registration_ids),
            name_only=chosen.filter(person__isnull=True).count(),
            sent_by=actor,
            sent_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="event.message_sent",
            obj=event,
            changes={
                "message": message.pk,
                "audience": audience.value,
                "recipients": message.recipients,
                "name_only": message.name_only,
            },
        )
        transaction.on_commit(lambda: _queue(message.pk, registration_ids))
    return message


def _queue(message_id: int, registration_ids: list[int]) -> None:
    from batteriet.events import tasks

    for registration_id in registration_ids:
        tasks.send_event_message.enqueue(message_id=message_id, registration_id=registration_id)
