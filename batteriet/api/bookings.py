"""Bookings: make one, read one, cancel one, and list an organisation's bookings.

Every booking goes through the same services as the booking pages, so the API obeys
exactly the same rules. Another organisation's booking answers 404, like one that
does not exist.
"""

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Body, Query, Router, Schema, Status
from pydantic import Field

from batteriet.api import errors
from batteriet.api.schemas import MAX_ID, BookingIn, BookingOut, BookingPage, CancelIn, Day
from batteriet.bookings import permissions as booking_permissions
from batteriet.bookings import selectors as booking_selectors
from batteriet.bookings import services as booking_services
from batteriet.bookings.models import Booking
from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation

router = Router(tags=["bookings"])

PAGE_SIZE, MAX_PAGE_SIZE, MAX_OFFSET = 50, 200, 100_000


class BookingListQuery(Schema):
    first_day: Day | None = Field(
        None, alias="from", description="Bookings that end on or after this day. Default: from now."
    )
    last_day: Day | None = Field(None, alias="to", description="Bookings that start on or before this day.")
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


@router.post(
    "/bookings",
    response={201: BookingOut, **errors.documented(403, 404, 409)},
    summary="Book a room, desk or item",
)
def booking_create(request: HttpRequest, payload: BookingIn):
    user = request.auth
    resource = booking_permissions.get_resource_for_booking(_checked_id(payload.resource))
    organisation = organisation_permissions.get_organisation_for_view(user, _checked_id(payload.organisation))
    booking = booking_services.booking_create(
        actor=user,
        resource=resource,
        organisation=organisation,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        purpose=payload.purpose,
        expected_people=payload.expected_people,
        quantity=payload.quantity,
        responsible_name=payload.responsible_name,
        responsible_phone=payload.responsible_phone,
    )
    return Status(201, booking_out(booking))


@router.get(
    "/bookings/{int:booking_id}", response={200: BookingOut, **errors.documented(404)}, summary="One booking"
)
def booking_detail(request: HttpRequest, booking_id: int):
    return booking_out(booking_permissions.get_booking_for_view(request.auth, _checked_id(booking_id)))


@router.post(
    "/bookings/{int:booking_id}/cancel",
    response={200: BookingOut, **errors.documented(403, 404)},
    summary="Cancel a booking",
)
def booking_cancel(request: HttpRequest, booking_id: int, payload: Body[CancelIn | None] = None):
    booking = booking_permissions.get_booking_for_cancel(request.auth, _checked_id(booking_id))
    reason = payload.reason if payload is not None else ""
    return booking_out(booking_services.booking_cancel(actor=request.auth, booking=booking, reason=reason))


@router.get(
    "/organisations/{int:organisation_id}/bookings",
    response={200: BookingPage, **errors.documented(404)},
    summary="An organisation's bookings",
    description="For members of the organisation, and for staff: the bookings at their centres.",
)
def organisation_bookings(request: HttpRequest, organisation_id: int, query: Query[BookingListQuery]):
    user = request.auth
    organisation = organisation_permissions.get_organisation_for_view(user, _checked_id(organisation_id))
    bookings = booking_selectors.booking_list_for_organisations(
        [organisation.pk], ending_after=_day_start(query.first_day) if query.first_day else clock.now()
    )
    if query.last_day is not None:
        bookings = bookings.filter(starts_at__lt=_day_start(query.last_day + dt.timedelta(days=1)))
    if not organisation_permissions.is_member(user, organisation):
        centre_ids = centre_permissions.centre_ids_for_staff(user)
        if centre_ids is not None:
            bookings = bookings.filter(resource__centre_id__in=centre_ids)
    page = bookings[query.offset : query.offset + query.limit]
    return {"count": bookings.count(), "items": [booking_out(booking) for booking in page]}


# --- Helpers ------------------------------------------------------------------------------
def booking_out(booking: Booking) -> dict:
    organisation: Organisation | None = booking.organisation
    return {
        "id": booking.pk,
        "resource": {
            "id": booking.resource.pk,
            "name": booking.resource.name,
            "centre": booking.resource.centre.slug,
        },
        "organisation": None if organisation is None else {"id": organisation.pk, "name": organisation.name},
        "starts_at": booking.starts_at.astimezone(clock.OSLO),
        "ends_at": booking.ends_at.astimezone(clock.OSLO),
        "status": booking.status,
        "purpose": booking.purpose,
        "expected_people": booking.expected_people,
        "quantity": booking.quantity,
        "created_at": booking.created_at.astimezone(clock.OSLO),
        "cancelled_at": booking.cancelled_at.astimezone(clock.OSLO) if booking.cancelled_at else None,
        "cancel_reason": booking.cancel_reason,
        "decision_reason": booking.decision_reason,
    }


def _checked_id(pk: int) -> int:
    if not 1 <= pk <= MAX_ID:
        raise Http404
    return pk


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.OSLO)
