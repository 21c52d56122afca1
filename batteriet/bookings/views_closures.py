"""Centre staff close their centre for some days, and see the bookings they must move or cancel."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from batteriet.bookings import selectors
from batteriet.bookings.forms_closures import ClosureForm
from batteriet.bookings.models import Closure
from batteriet.bookings.services import closures as closure_services
from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data

# Enough for years of closures at every centre; the page stays quick.
MAX_CLOSURES_SHOWN = 200


@require_http_methods(["GET", "POST"])
@login_required
def closures(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    centres = centre_permissions.centres_for_staff(request.user).order_by("name")
    form = ClosureForm(posted_data(request), centres=centres)
    if request.method == "POST" and form.is_valid():
        closure = _add(request, form)
        if closure is not None:
            _tell_added(request, closure)
            return redirect("bookings:closures")
    coming = list(
        selectors.coming_closures(
            centre_permissions.centre_ids_for_staff(request.user), today=clock.local_today()
        )[:MAX_CLOSURES_SHOWN]
    )
    on_closed_days = selectors.bookings_on_closures(coming)
    return render(
        request,
        "bookings/closures.html",
        {
            "form": form,
            "closures": [{"closure": closure, "bookings": on_closed_days[closure.pk]} for closure in coming],
            "now": clock.now(),
        },
    )


def _add(request: HttpRequest, form: ClosureForm) -> Closure | None:
    try:
        return closure_services.closure_add(
            actor=request.user,
            centre=form.chosen_centre(),
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            reason=form.cleaned_data["reason"],
        )
    except RuleViolation as violation:
        form.add_rule_violation(violation)
        return None


def _tell_added(request: HttpRequest, closure: Closure) -> None:
    count = selectors.bookings_on_closed_days(closure).count()
    text = _("%(centre)s is closed from %(first)s to %(last)s. Nobody can book those days now.") % {
        "centre": closure.centre.name,
        "first": _day(closure.starts_on),
        "last": _day(closure.ends_on),
    }
    if not count:
        messages.success(request, text)
        return
    more = ngettext(
        "%(count)d booking is already on those days. Move or cancel it below.",
        "%(count)d bookings are already on those days. Move or cancel them below.",
        count,
    ) % {"count": count}
    messages.warning(request, f"{text} {more}")


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@require_POST
@login_required
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    closure = get_object_or_404(
        Closure.objects.select_related("centre").filter(
            centre__in=centre_permissions.centres_for_staff(request.user)
        ),
        pk=pk,
    )
    try:
        closure_services.closure_remove(actor=request.user, closure=closure)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("The closed period is removed. Those days can be booked again."))
    return redirect("bookings:closures")
