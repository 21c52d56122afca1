"""Organisers close registration for an event now, or open it again."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import permissions, rules
from batteriet.events.models import Event
from batteriet.events.services import _locked_event


def registration_close(*, actor: User, event: Event) -> Event:
    """Close registration now. Those registered and waiting keep their place."""
    now = clock.now()
    with transaction.atomic(durable=True):
        event = _locked_event(event.pk)
        _check_organiser(actor, event)
        rules.check_not_started(starts_at=event.starts_at, now=now)
        before = _window(event)
        event.registration_closes_at = now
        if event.registration_opens_at is not None and event.registration_opens_at >= now:
            # Closed before it opened: it never opens, unless opened again by hand.
            event.registration_opens_at = None
        _save(actor, event, "event.registration_closed", before)
    return event


def registration_reopen(*, actor: User, event: Event) -> Event:
    """Open registration again now, until the event starts."""
    now = clock.now()
    with transaction.atomic(durable=True):
        event = _locked_event(event.pk)
        _check_organiser(actor, event)
        rules.check_not_started(starts_at=event.starts_at, now=now)
        before = _window(event)
        event.registration_closes_at = None
        if event.registration_opens_at is not None and event.registration_opens_at > now:
            event.registration_opens_at = None
        _save(actor, event, "event.registration_reopened", before)
    return event


def _check_organiser(actor: User, event: Event) -> None:
    if not permissions.is_organiser(actor, event):
        raise RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))


def _window(event: Event) -> list:
    return [event.registration_opens_at, event.registration_closes_at]


def _save(actor: User, event: Event, action: str, before: list) -> None:
    event.save(update_fields=["registration_opens_at", "registration_closes_at", "updated_at"])
    after = _window(event)
    audit.record(
        actor=actor,
        action=action,
        obj=event,
        scope=audit.scope_for(event),
        changes={
            "registration_opens_at": [_iso(before[0]), _iso(after[0])],
            "registration_closes_at": [_iso(before[1]), _iso(after[1])],
        },
    )


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat()
