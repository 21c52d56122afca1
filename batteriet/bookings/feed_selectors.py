"""What the calendar feeds contain: reads only.

Public feeds (a resource, a centre) show busy times from a month back to as far ahead
as the resource can be booked. An organisation's private feed shows its bookings from
three months back, with cancelled and declined ones so calendar apps remove them.
"""

import datetime as dt
import re

from django.db.models import Max, QuerySet
from django.http import Http404

from batteriet.bookings.models import Booking, BookingStatus, CalendarFeed, Resource
from batteriet.centres.models import Centre
from batteriet.organisations.models import Organisation

PUBLIC_PAST = dt.timedelta(days=30)
PRIVATE_PAST = dt.timedelta(days=90)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
FEED_LIMIT = 5000  # far above a year of one centre's bookings; keeps a feed's size bounded


def active_resource_or_404(pk: int) -> Resource:
    resource = Resource.objects.select_related("centre").filter(pk=pk, is_active=True).first()
    if resource is None:
        raise Http404
    return resource


def busy_bookings_of_resource(resource: Resource, *, now: dt.datetime) -> QuerySet[Booking]:
    """Blocking bookings of the resource, including those of a hall it is part of, or its parts."""
    related = [resource.pk, *([resource.parent_id] if resource.parent_id else [])]
    related += list(resource.parts.values_list("pk", flat=True))
    until = now + dt.timedelta(days=resource.max_horizon_days)
    return _busy(Booking.objects.filter(resource_id__in=related), now=now, until=until)


def busy_bookings_of_centre(centre: Centre, *, now: dt.datetime) -> QuerySet[Booking]:
    """Blocking bookings of every bookable resource at the centre."""
    resources = Resource.objects.filter(centre=centre, is_active=True)
    horizon = resources.aggregate(days=Max("max_horizon_days"))["days"] or 0
    return _busy(
        Booking.objects.filter(resource__in=resources), now=now, until=now + dt.timedelta(days=horizon)
    )


def _busy(bookings: QuerySet[Booking], *, now: dt.datetime, until: dt.datetime) -> QuerySet[Booking]:
    return (
        bookings.filter(
            status__in=BookingStatus.blocking(), ends_at__gt=now - PUBLIC_PAST, starts_at__lt=until
        )
        .select_related("resource", "resource__centre")
        .order_by("starts_at", "id")[:FEED_LIMIT]
    )


def organisation_feed_bookings(organisation: Organisation, *, now: dt.datetime) -> QuerySet[Booking]:
    """The organisation's bookings, blocking or not, that ended at most three months ago."""
    return (
        Booking.objects.filter(organisation=organisation, ends_at__gt=now - PRIVATE_PAST)
        .select_related("resource", "resource__centre", "organisation")
        .order_by("starts_at", "id")[:FEED_LIMIT]
    )


def feed_by_token_or_404(token: str) -> CalendarFeed:
    """The feed with this token; anything that is not a token is not looked up at all."""
    if not TOKEN_SHAPE.fullmatch(token):
        raise Http404
    feed = CalendarFeed.objects.select_related("organisation").filter(token=token).first()
    if feed is None:
        raise Http404
    return feed
