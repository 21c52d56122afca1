"""Pages for members of an organisation: what can be booked, when it is free, book, my bookings."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.bookings import forms, permissions, selectors, services, views_loans, views_waitlist, week
from batteriet.bookings.models import BookingStatus
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data


@require_safe
@login_required
def resource_list(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_object_or_404(Centre, slug=slug)
    return render(
        request,
        "bookings/resource_list.html",
        {
            "centre": centre,
            "resources": selectors.resources_of_centre(centre),
            "can_book": request.user.has_perm("bookings.book"),
            "can_find_free": _may_find_free_rooms(request.user, centre),
            "closures": selectors.coming_closures(
                [centre.pk], today=clock.local_today(), until=clock.add_months(clock.local_today(), 12)
            ),
        },
    )


@require_safe
@login_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = permissions.get_resource_for_booking(pk)
    monday = week.monday_of(_week_asked_for(request))
    starts_at, ends_at = week.week_bounds(monday)
    busy = selectors.availability(resource, starts_at, ends_at)
    return render(
        request,
        "bookings/resource_detail.html",
        {
            "resource": resource,
            "monday": monday,
            "days": week.week_days(monday),
            "rows": week.week_rows(monday, busy),
            "previous_week": monday - dt.timedelta(weeks=1),
            "next_week": monday + dt.timedelta(weeks=1),
            "can_book": request.user.has_perm("bookings.book"),
        },
    )


def _week_asked_for(request: HttpRequest) -> dt.date:
    """The day in `?uke=YYYY-MM-DD`, or today when it is missing or makes no sense."""
    try:
        day = dt.date.fromisoformat(request.GET.get("uke", ""))
    except ValueError:
        return clock.local_today()
    if not forms.FIRST_YEAR <= day.year <= forms.LAST_YEAR:
        return clock.local_today()
    return day


@require_http_methods(["GET", "POST"])
@login_required
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    resource = permissions.get_resource_for_booking(pk)
    organisations = permissions.bookable_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    form = forms.BookingForm(
        posted_data(request),
        initial=forms.initial_times(request.GET),
        resource=resource,
        organisations=organisations,
    )
    waitlist_offer = None
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            booking = services.booking_create(
                actor=request.user,
                resource=resource,
                organisation=form.booker(),
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=form.cleaned_data["purpose"],
                expected_people=form.cleaned_data.get("expected_people"),
                quantity=form.cleaned_data.get("quantity") or 1,
                **form.responsible(),
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
            waitlist_offer = views_waitlist.waiting_offer(resource, form, violation)
        else:
            if booking.status == BookingStatus.REQUESTED:
                messages.success(request, _("Your request is sent. The centre will approve or decline it."))
            else:
                messages.success(request, _("The booking is confirmed."))
            return redirect("bookings:detail", pk=booking.pk)
    return render(
        request,
        "bookings/booking_form.html",
        {
            "resource": resource,
            "form": form,
            "organisation": form.only_organisation,
            "waitlist_offer": waitlist_offer,
        },
    )


def _may_find_free_rooms(user, centre: Centre) -> bool:
    """People who may book, and the centre's staff."""
    return user.has_perm("bookings.book") or centre_permissions.is_staff_at(user, centre)


@require_safe
@login_required
def free_rooms(request: HttpRequest, slug: str) -> HttpResponse:
    """Find a free room: what at the centre can be booked for a whole interval on one day."""
    centre = get_object_or_404(Centre, slug=slug)
    if not _may_find_free_rooms(request.user, centre):
        raise PermissionDenied
    can_book = request.user.has_perm("bookings.book")
    is_staff = centre_permissions.is_staff_at(request.user, centre)
    form = forms.FreeRoomForm(request.GET or None, initial={"dag": clock.local_today()})
    free = None
    if form.is_valid():
        starts_at, ends_at = form.moments()
        free = selectors.free_resources(centre, starts_at, ends_at, form.filters(), now=clock.now())
    return render(
        request,
        "bookings/free_rooms.html",
        {"centre": centre, "form": form, "free": free, "can_book": can_book, "is_staff": is_staff},
    )


@require_safe
@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_view(request.user, pk)
    return render(
        request,
        "bookings/booking_detail.html",
        {
            "booking": booking,
            "can_cancel": booking.is_blocking
            and booking.status != BookingStatus.HELD
            and booking.ends_at > clock.now(),
            "is_centre_staff": request.user.has_perm("bookings.decide_booking", booking),
            "move_reason": selectors.move_reason(booking),
            "after_use": views_loans.after_use_for(request, booking),
            "held_offer": views_waitlist.held_offer_for(request, booking),
        },
    )


@require_safe
@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    organisation_ids = permissions.organisation_ids_for_member(request.user)
    bookings = selectors.booking_list_for_organisations(organisation_ids, ending_after=clock.now())[:200]
    return render(
        request,
        "bookings/my_bookings.html",
        {
            "bookings": bookings,
            "has_organisations": bool(organisation_ids),
            "waitlist": views_waitlist.my_waitlist(organisation_ids),
        },
    )


@require_POST
@login_required
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_cancel(request.user, pk)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("The booking is cancelled. The time is free for others."))
    return redirect("bookings:detail", pk=booking.pk)
