"""Pages for centre staff: the approval queue and today's bookings."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.bookings import forms, permissions, selectors, services
from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data


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
