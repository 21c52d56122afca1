"""Reads for events: places taken and left, and the waiting line."""

from django.db.models import QuerySet

from batteriet.events import rules
from batteriet.events.models import Event, Registration, RegistrationStatus


def places_held(event: Event) -> int:
    """Confirmed registrations and open offers: both hold a place."""
    return Registration.objects.filter(
        event_id=event.pk, status__in=RegistrationStatus.holding_a_place()
    ).count()


def places_left(event: Event) -> int | None:
    """Free places now; None when the event has no limit."""
    return rules.places_left(capacity=event.capacity, taken=places_held(event))


def waiting_list(event: Event) -> QuerySet[Registration]:
    """Those waiting, first in line first."""
    return Registration.objects.filter(event_id=event.pk, status=RegistrationStatus.WAITING).order_by(
        "position_at", "id"
    )
