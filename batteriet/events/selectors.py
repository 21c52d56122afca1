"""Reads for events: places taken and left, and the waiting line."""

from django.db.models import Count, Q, QuerySet

from batteriet.events import rules
from batteriet.events.models import Event, Partner, Registration, RegistrationStatus, Session


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


def programme(event: Event) -> QuerySet[Session]:
    """The event's sessions in time order, each annotated with `held`: places held in it
    (confirmed registrations and open offers with a seat there), for sessions with their own places."""
    return event.sessions.annotate(
        held=Count(
            "seats",
            filter=Q(seats__registration__status__in=RegistrationStatus.holding_a_place()),
        )
    ).order_by("starts_at", "track", "id")


def partners(event: Event) -> QuerySet[Partner]:
    """Partner organisations and their roles, with the organisation joined."""
    return event.partners.select_related("organisation").order_by("role", "organisation__name", "id")


def active_registration(user, event: Event) -> Registration | None:
    """The user's own registration for the event that is still on (registered, waiting or offered)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(
        event_id=event.pk, person_id=user.pk, status__in=RegistrationStatus.active()
    ).first()
