"""Who may see and do what with bookings.

An organisation sees only its own bookings; centre staff see the bookings at their
centres; the national coordinator sees all. Loaders fetch what the user may act on,
or raise 404, so another organisation's booking is never revealed.
"""

import rules
from django.db.models import QuerySet
from django.http import Http404

from batteriet.bookings.models import Booking, Resource, Series
from batteriet.centres import permissions as centre_permissions
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation, OrganisationKind, OrganisationStatus


@rules.predicate
def is_booking_member(user, booking: Booking) -> bool:
    """A member of the organisation that booked."""
    return booking.organisation is not None and organisation_permissions.is_member(user, booking.organisation)


@rules.predicate
def is_booking_centre_staff(user, booking: Booking) -> bool:
    return centre_permissions.is_staff_at(user, booking.resource.centre)


@rules.predicate
def can_book(user) -> bool:
    return bookable_organisations(user).exists()


rules.add_perm("bookings.book", can_book)
rules.add_perm("bookings.view_booking", is_booking_member | is_booking_centre_staff)
rules.add_perm("bookings.cancel_booking", is_booking_member | is_booking_centre_staff)
rules.add_perm("bookings.decide_booking", is_booking_centre_staff)


def bookable_organisations(user) -> QuerySet[Organisation]:
    """The approved organisations (partners excluded) the user is a member of."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(memberships__user=user, status=OrganisationStatus.APPROVED)
        .exclude(kind=OrganisationKind.PARTNER)
        .order_by("name")
    )


def organisation_ids_for_member(user) -> list[int]:
    return list(Organisation.objects.filter(memberships__user=user).values_list("pk", flat=True))


def get_series_for_view(user, pk: int) -> Series:
    """A recurring booking of one of the user's organisations or at one of their centres, or 404."""
    series = (
        Series.objects.select_related("resource", "resource__centre", "organisation").filter(pk=pk).first()
    )
    if series is None or not (
        (series.organisation is not None and organisation_permissions.is_member(user, series.organisation))
        or centre_permissions.is_staff_at(user, series.resource.centre)
    ):
        raise Http404
    return series


def get_resource_for_booking(pk: int) -> Resource:
    """A resource that can be booked now, or 404."""
    resource = Resource.objects.select_related("centre").filter(pk=pk, is_active=True).first()
    if resource is None:
        raise Http404
    return resource


def _booking(pk: int) -> Booking | None:
    return (
        Booking.objects.select_related("resource", "resource__centre", "organisation", "booked_by")
        .filter(pk=pk)
        .first()
    )


def _get(user, pk: int, perm: str) -> Booking:
    booking = _booking(pk)
    if booking is None or not user.has_perm(perm, booking):
        raise Http404
    return booking


def get_booking_for_view(user, pk: int) -> Booking:
    return _get(user, pk, "bookings.view_booking")


def get_booking_for_cancel(user, pk: int) -> Booking:
    return _get(user, pk, "bookings.cancel_booking")


def get_booking_for_decision(user, pk: int) -> Booking:
    return _get(user, pk, "bookings.decide_booking")


def get_booking_for_staff_change(user, pk: int) -> Booking:
    """A booking staff of its centre may move or cancel, or 404."""
    return _get(user, pk, "bookings.decide_booking")


def get_resource_for_staff(user, pk) -> Resource:
    """An active resource at one of the user's centres, or 404."""
    resource = Resource.objects.select_related("centre").filter(pk=pk, is_active=True).first()
    if resource is None or not centre_permissions.is_staff_at(user, resource.centre):
        raise Http404
    return resource
