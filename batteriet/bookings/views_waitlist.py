"""Pages for the waiting list: ask to be told when a taken time frees, leave the line,
and confirm or turn down a time held for the organisation."""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from batteriet.bookings import forms, forms_waitlist, permissions, permissions_waitlist, selectors_waitlist
from batteriet.bookings.models import Booking, BookingStatus
from batteriet.bookings.services import waitlist
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data

# What the booking form passes on when the time turns out to be taken.
PASSED_ON = ("organisation", "day", "starts_at", "end_day", "ends_at", "purpose", "expected_people")


@require_http_methods(["GET", "POST"])
@login_required
def waitlist_join(request: HttpRequest, pk: int) -> HttpResponse:
    resource = permissions.get_resource_for_booking(pk)
    if resource.is_equipment:
        raise Http404
    organisations = permissions.bookable_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    form = forms_waitlist.WaitlistForm(
        posted_data(request),
        initial=_times_asked_for(request),
        resource=resource,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            waitlist.waitlist_join(
                actor=request.user,
                resource=resource,
                organisation=form.booker(),
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=form.cleaned_data["purpose"],
                expected_people=form.cleaned_data.get("expected_people"),
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request,
                _(
                    "You are on the waiting list. If the time becomes free, we hold it for you and send an e-mail."
                ),
            )
            return redirect("bookings:mine")
    return render(
        request,
        "bookings/waitlist_join.html",
        {"resource": resource, "form": form, "organisation": form.only_organisation},
    )


def _times_asked_for(request: HttpRequest) -> dict:
    """The times in the address; from a busy hour in the week view, that hour."""
    initial = forms.initial_times(request.GET)
    if "starts_at" in initial and "ends_at" not in initial:
        start = initial["starts_at"]
        initial["ends_at"] = dt.time((start.hour + 1) % 24, start.minute)
    return initial


@require_POST
@login_required
def waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions_waitlist.get_waitlist_entry_for_member(request.user, pk)
    try:
        waitlist.waitlist_leave(actor=request.user, entry=entry)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("You are no longer on the waiting list for this time."))
    return redirect("bookings:mine")


@require_http_methods(["GET", "POST"])
@login_required
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions_waitlist.get_booking_for_offer_answer(request.user, pk)
    if request.method == "GET" and booking.status != BookingStatus.HELD:
        return redirect("bookings:detail", pk=booking.pk)
    form = forms_waitlist.HoldConfirmForm(posted_data(request), resource=booking.resource)
    if request.method == "POST" and form.is_valid():
        try:
            booking = waitlist.waitlist_offer_accept(
                actor=request.user, booking=booking, **form.responsible()
            )
        except RuleViolation as violation:
            if violation.field not in form.fields:
                messages.error(request, violation.message)
                return redirect("bookings:detail", pk=booking.pk)
            form.add_rule_violation(violation)
        else:
            if booking.status == BookingStatus.REQUESTED:
                messages.success(request, _("Your request is sent. The centre will approve or decline it."))
            else:
                messages.success(request, _("Thank you. The booking is confirmed."))
            return redirect("bookings:detail", pk=booking.pk)
    return render(request, "bookings/waitlist_confirm.html", {"booking": booking, "form": form})


@require_POST
@login_required
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions_waitlist.get_booking_for_offer_answer(request.user, pk)
    try:
        waitlist.waitlist_offer_decline(actor=request.user, booking=booking)
    except RuleViolation as violation:
        messages.error(request, violation.message)
        return redirect("bookings:detail", pk=booking.pk)
    messages.success(request, _("Thank you for letting us know. The time goes to the next in line."))
    return redirect("bookings:mine")


# --- Parts of other pages -------------------------------------------------------------------
def waiting_offer(resource, form, violation: RuleViolation) -> list[tuple[str, str]] | None:
    """When a booking clashes, what the "tell me if it becomes free" button sends on."""
    if violation.code != "booking_conflict" or resource.is_equipment:
        return None
    return [(name, form.data[name]) for name in PASSED_ON if name in form.fields and name in form.data]


@dataclass(frozen=True)
class HeldOffer:
    booking: Booking
    can_answer: bool  # a member of the organisation (staff only see the deadline)
    form: forms_waitlist.HoldConfirmForm


def held_offer_for(request: HttpRequest, booking: Booking) -> HeldOffer | None:
    """What the booking page shows about a time held from the waiting list."""
    if booking.status != BookingStatus.HELD:
        return None
    return HeldOffer(
        booking=booking,
        can_answer=permissions.is_booking_member(request.user, booking),
        form=forms_waitlist.HoldConfirmForm(resource=booking.resource),
    )


def my_waitlist(organisation_ids: list[int]):
    """The places in line (and held times) of the user's organisations, for "My bookings"."""
    return selectors_waitlist.waitlist_for_organisations(organisation_ids, now=clock.now())
