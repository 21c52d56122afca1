"""Pages for centre staff: the approval queue and today's bookings; book on an organisation's
behalf, block a time, move or cancel a booking with a message to the organisation."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.bookings import forms, permissions, selectors, services
from batteriet.bookings.models import Booking, Resource
from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data

# Staff see the bookings of the coming two weeks too, to move or cancel them.
COMING_DAYS = 14


@require_safe
@login_required
def staff_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    centre_ids = centre_permissions.centre_ids_for_staff(request.user)
    today = clock.local_today()
    day_starts_at = dt.datetime.combine(today, dt.time(0), tzinfo=clock.OSLO)
    day_ends_at = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=clock.OSLO)
    return render(
        request,
        "bookings/staff_queue.html",
        {
            "requested": selectors.requested_bookings(centre_ids, now=clock.now())[:200],
            "today": today,
            "today_bookings": selectors.bookings_between(centre_ids, day_starts_at, day_ends_at)[:200],
            "coming_bookings": selectors.bookings_starting_between(
                centre_ids, day_ends_at, day_ends_at + dt.timedelta(days=COMING_DAYS)
            )[:200],
            "coming_days": COMING_DAYS,
            "centres": centre_permissions.centres_for_staff(request.user).order_by("name"),
            "now": clock.now(),
        },
    )


@require_POST
@login_required
def booking_approve(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_decision(request.user, pk)
    try:
        services.booking_approve(actor=request.user, booking=booking)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("The booking is approved."))
    return redirect("bookings:staff_queue")


@require_http_methods(["GET", "POST"])
@login_required
def booking_decline(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_decision(request.user, pk)
    form = forms.DeclineForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_decline(actor=request.user, booking=booking, reason=form.cleaned_data["reason"])
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The request is declined. The organisation can see your reason."))
            return redirect("bookings:staff_queue")
    return render(request, "bookings/decline.html", {"booking": booking, "form": form})


def _require_staff(user) -> None:
    if not user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def staff_book(request: HttpRequest) -> HttpResponse:
    """Book on an organisation's behalf: first what (`?ressurs=`), then who, when and what for."""
    _require_staff(request.user)
    resources = selectors.resources_for_staff(centre_permissions.centre_ids_for_staff(request.user))
    chooser = forms.ChooseResourceForm(request.GET if "ressurs" in request.GET else None, resources=resources)
    if not chooser.is_valid():
        return render(request, "bookings/staff_book_choose.html", {"form": chooser})
    resource = chooser.cleaned_data["ressurs"]
    organisations = selectors.organisations_that_may_book(resource.centre, on=clock.local_today())
    form = forms.StaffBookingForm(
        posted_data(request),
        initial=forms.initial_times(request.GET),
        resource=resource,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        booking = _book_on_behalf(request, resource, form)
        if booking is not None:
            messages.success(
                request,
                _("The booking is confirmed. %(name)s gets a confirmation by e-mail.")
                % {"name": booking.organisation.name},
            )
            return redirect("bookings:detail", pk=booking.pk)
    return render(
        request,
        "bookings/staff_book.html",
        {"resource": resource, "form": form, "has_organisations": organisations.exists()},
    )


def _book_on_behalf(request: HttpRequest, resource: Resource, form: forms.StaffBookingForm) -> Booking | None:
    starts_at, ends_at = form.moments()
    try:
        return services.booking_create(
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
        return None


@require_http_methods(["GET", "POST"])
@login_required
def staff_block(request: HttpRequest) -> HttpResponse:
    """Block a time, for maintenance or the centre's own use: nobody can book it then."""
    _require_staff(request.user)
    resources = selectors.resources_for_staff(centre_permissions.centre_ids_for_staff(request.user))
    initial = {**forms.initial_times(request.GET), "resource": request.GET.get("ressurs", "")[:12]}
    form = forms.BlockForm(posted_data(request), initial=initial, resources=resources)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            services.booking_block(
                actor=request.user,
                resource=form.cleaned_data["resource"],
                starts_at=starts_at,
                ends_at=ends_at,
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The time is blocked. Nobody can book it then."))
            return redirect("bookings:staff_queue")
    return render(request, "bookings/staff_block.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def staff_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a booking to a new time or another room of the same kind; the organisation is told."""
    booking = permissions.get_booking_for_staff_change(request.user, pk)
    resources = Resource.objects.filter(
        centre_id=booking.resource.centre_id, kind=booking.resource.kind, is_active=True
    ).select_related("centre")
    form = forms.MoveForm(
        posted_data(request), initial=_current_times(booking), resource=booking.resource, resources=resources
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            services.booking_move(
                actor=request.user,
                booking=booking,
                starts_at=starts_at,
                ends_at=ends_at,
                resource=form.cleaned_data["resource"],
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The booking is moved. The organisation gets an e-mail about it."))
            return redirect("bookings:detail", pk=booking.pk)
    return render(
        request,
        "bookings/staff_move.html",
        {"booking": booking, "form": form, "can_change": _can_change(booking)},
    )


def _current_times(booking: Booking) -> dict:
    starts_at, ends_at = booking.starts_at.astimezone(clock.OSLO), booking.ends_at.astimezone(clock.OSLO)
    return {
        "resource": booking.resource_id,
        "day": starts_at.date(),
        "starts_at": starts_at.time(),
        "end_day": ends_at.date(),
        "ends_at": ends_at.time(),
    }


def _can_change(booking: Booking) -> bool:
    return booking.is_blocking and booking.ends_at > clock.now()


@require_http_methods(["GET", "POST"])
@login_required
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a booking with a reason the organisation sees (in the e-mail and on the booking)."""
    booking = permissions.get_booking_for_staff_change(request.user, pk)
    form = forms.StaffCancelForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(actor=request.user, booking=booking, reason=form.cleaned_data["reason"])
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request, _("The booking is cancelled. The organisation gets an e-mail with your reason.")
            )
            return redirect("bookings:staff_queue")
    return render(
        request,
        "bookings/staff_cancel.html",
        {"booking": booking, "form": form, "can_change": _can_change(booking)},
    )
