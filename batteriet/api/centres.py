"""Centres, what they lend, and when it is busy. Availability carries no names: only times."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from batteriet.api import errors
from batteriet.api.schemas import (
    MAX_ID,
    AvailabilityOut,
    CentreAvailabilityOut,
    CentreOut,
    Day,
    ResourceOut,
)
from batteriet.bookings import permissions as booking_permissions
from batteriet.bookings import selectors as booking_selectors
from batteriet.bookings.models import Resource
from batteriet.centres import selectors as centre_selectors
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation

router = Router(tags=["centres"])

MAX_RANGE_DAYS = 62


class DayRange(Schema):
    first_day: Day = Field(alias="from", description="The first day, YYYY-MM-DD.")
    last_day: Day = Field(alias="to", description="The last day, YYYY-MM-DD (included).")


@router.get("/centres", response={200: list[CentreOut], **errors.documented()}, summary="List the centres")
def centre_list(request: HttpRequest):
    return [{"slug": c.slug, "name": c.name, "city": c.city} for c in centre_selectors.centre_list()]


@router.get(
    "/centres/{slug:slug}/resources",
    response={200: list[ResourceOut], **errors.documented(404)},
    summary="What a centre lends",
)
def centre_resources(request: HttpRequest, slug: str):
    centre = _centre(slug)
    return [resource_out(resource, centre) for resource in booking_selectors.resources_of_centre(centre)]


@router.get(
    "/resources/{int:resource_id}",
    response={200: ResourceOut, **errors.documented(404)},
    summary="One room, desk or item",
)
def resource_detail(request: HttpRequest, resource_id: int):
    resource = _resource(resource_id)
    return resource_out(resource, resource.centre)


@router.get(
    "/resources/{int:resource_id}/availability",
    response={200: AvailabilityOut, **errors.documented(404)},
    summary="When one resource is busy",
    description="Busy times from the first day to the last day (both included, Norwegian time), "
    f"at most {MAX_RANGE_DAYS} days. A busy time includes the buffer after a booking.",
)
def resource_availability(request: HttpRequest, resource_id: int, days: Query[DayRange]):
    resource = _resource(resource_id)
    starts_at, ends_at = _window(days)
    busy = booking_selectors.availability(resource, starts_at, ends_at)
    return _availability_out(resource, starts_at, ends_at, busy)


@router.get(
    "/centres/{slug:slug}/availability",
    response={200: CentreAvailabilityOut, **errors.documented(404)},
    summary="When each resource of a centre is busy",
    description=f"As for one resource, for every resource of the centre; at most {MAX_RANGE_DAYS} days.",
)
def centre_availability(request: HttpRequest, slug: str, days: Query[DayRange]):
    centre = _centre(slug)
    starts_at, ends_at = _window(days)
    return {
        "centre": centre.slug,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "resources": [
            _availability_out(item.resource, starts_at, ends_at, item.busy)
            for item in booking_selectors.centre_availability(centre, starts_at, ends_at)
        ],
    }


# --- Helpers ------------------------------------------------------------------------------
def resource_out(resource: Resource, centre: Centre) -> dict:
    return {
        "id": resource.pk,
        "centre": centre.slug,
        "kind": resource.kind,
        "name": resource.name,
        "description": resource.description,
        "capacity": resource.capacity,
        "stock": resource.stock,
        "part_of": resource.parent_id,
        "step_free": resource.step_free,
        "hearing_loop": resource.hearing_loop,
        "accessible_toilet": resource.accessible_toilet,
        "house_rules": resource.house_rules,
        "requires_approval": resource.requires_approval,
        "min_notice_minutes": resource.min_notice_minutes,
        "max_horizon_days": resource.max_horizon_days,
        "min_duration_minutes": resource.min_duration_minutes,
        "max_duration_minutes": resource.max_duration_minutes,
        "buffer_minutes": resource.buffer_minutes,
    }


def _availability_out(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, busy) -> dict:
    return {
        "resource": resource.pk,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "busy": [
            {
                "starts_at": interval.starts_at.astimezone(clock.OSLO),
                "ends_at": interval.ends_at.astimezone(clock.OSLO),
                "kind": str(interval.kind),
                "quantity": interval.quantity,
            }
            for interval in busy
        ],
    }


def _centre(slug: str) -> Centre:
    centre = Centre.objects.filter(slug=slug).first()
    if centre is None:
        raise Http404
    return centre


def _resource(resource_id: int) -> Resource:
    if not 1 <= resource_id <= MAX_ID:
        raise Http404
    return booking_permissions.get_resource_for_booking(resource_id)


def _window(days: DayRange) -> tuple[dt.datetime, dt.datetime]:
    """From the start of the first day to the end of the last day, Norwegian time."""
    first_day, last_day = days.first_day, days.last_day
    if last_day < first_day:
        raise RuleViolation(
            code="range_reversed", field="to", message=_("The last day must be on or after the first day.")
        )
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise RuleViolation(
            code="range_too_long",
            field="to",
            message=_("Ask for at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS},
        )
    starts_at = dt.datetime.combine(first_day, dt.time(0), tzinfo=clock.OSLO)
    ends_at = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.OSLO)
    return starts_at, ends_at
