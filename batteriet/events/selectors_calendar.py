"""The public calendar: which events a person may see, filtered, with places held counted.

Used by the calendar pages, the iCal feeds and the JSON API, so all three show the same
events. Staff gatherings are seen only by staff; unpublished events by nobody here.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.events.models import Audience, Event, RegistrationStatus


@dataclass(frozen=True)
class CalendarFilters:
    """What the calendar is narrowed to. Empty values mean no narrowing."""

    centre_slug: str = ""
    kind: str = ""
    audience: str = ""
    language: str = ""
    starts_on: dt.date | None = None  # events ending on or after this day (Oslo)
    ends_on: dt.date | None = None  # events starting on or before this day (Oslo)


def visible_events(user) -> QuerySet[Event]:
    """Published events the user may see: everything but staff gatherings, which only staff see."""
    events = Event.objects.filter(is_published=True)
    if not centre_permissions.is_staff_member(user):
        events = events.exclude(audience=Audience.STAFF)
    return events


def calendar(user, filters: CalendarFilters) -> QuerySet[Event]:
    """The events to list, in time order, each annotated with `held` (places held), with
    its room and the room's centre joined and its centres prefetched: a fixed number of
    queries however many events there are."""
    events = visible_events(user)
    if filters.centre_slug:
        events = events.filter(centres__slug=filters.centre_slug)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.audience:
        events = events.filter(audience=filters.audience)
    if filters.language:
        events = events.filter(Q(language=filters.language) | Q(language="nb_en"))
    if filters.starts_on is not None:
        events = events.filter(ends_at__gte=_start_of(filters.starts_on))
    if filters.ends_on is not None:
        events = events.filter(starts_at__lt=_start_of(filters.ends_on + dt.timedelta(days=1)))
    return (
        events.annotate(
            held=Count(
                "registrations",
                filter=Q(registrations__status__in=RegistrationStatus.holding_a_place()),
                distinct=True,
            )
        )
        .select_related("room__centre")
        .prefetch_related("centres")
        .order_by("starts_at", "id")
    )


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.OSLO)
