"""Staff handling requests for guidance: the overview of one's centres, a centre's queue,
a request with everything staff need, and the actions on it: propose a time, move or
cancel it, hand the request over, refer it elsewhere.

Every page loads through a loader in `permissions`: 403 for people who are not staff,
404 for staff of other centres. The rules stay in `services.appointments`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from batteriet.centres import permissions as centre_permissions
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.guidance import forms_triage, permissions, permissions_notes, selectors_triage
from batteriet.guidance.models import GuidanceRequest, RequestStatus
from batteriet.guidance.services import appointments as services

ONLY_MINE = "mine"


@require_safe
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    rows = selectors_triage.centre_counts(centre_permissions.centres_for_staff(request.user))
    return render(
        request,
        "guidance/triage_home.html",
        {"rows": rows, "centre": rows[0].centre if len(rows) == 1 else None, "current": "home"},
    )


@require_safe
@login_required
def queue(request: HttpRequest, centre: str) -> HttpResponse:
    found = permissions.get_centre_for_triage(request.user, centre)
    only_mine = request.GET.get("vis") == ONLY_MINE
    return render(
        request,
        "guidance/triage_queue.html",
        {
            "centre": found,
            "queue": selectors_triage.queue(found, adviser=request.user if only_mine else None),
            "only_mine": only_mine,
            "only_mine_value": ONLY_MINE,
            "current": "queue",
        },
    )


@require_safe
@login_required
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = permissions.get_request_for_triage(request.user, pk)
    appointments = selectors_triage.request_appointments(guidance_request)
    return render(
        request,
        "guidance/triage_request.html",
        {
            **_request_context(guidance_request, appointments),
            "recordable_appointment": selectors_triage.recordable_appointment(appointments),
            "may_read_notes": bool(permissions_notes.note_centre_ids(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = permissions.get_request_for_triage(request.user, pk)
    advisers = selectors_triage.advisers_at(guidance_request.centre)
    adviser_list = list(advisers)
    initial = {
        "mode": guidance_request.mode,
        "adviser": _default_adviser(guidance_request, request.user, adviser_list),
        **forms_triage.initial_time(request.GET, adviser_list),
    }
    form = forms_triage.ProposeForm(posted_data(request), initial=initial, advisers=advisers)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            services.appointment_propose(
                actor=request.user,
                request=guidance_request,
                adviser=form.cleaned_data["adviser"],
                starts_at=starts_at,
                ends_at=ends_at,
                mode=form.cleaned_data["mode"],
                message=form.cleaned_data["message"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The time is proposed. The person can now accept or decline it."))
            return redirect("guidance:triage", pk=guidance_request.pk)
    return render(
        request,
        "guidance/triage_propose.html",
        {
            "guidance_request": guidance_request,
            "centre": guidance_request.centre,
            "form": form,
            "can_act": guidance_request.status in selectors_triage.PROPOSABLE,
            "free_times": selectors_triage.free_times(guidance_request.centre),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = permissions.get_request_for_triage(request.user, pk)
    old_centre = guidance_request.centre
    form = forms_triage.HandOverForm(
        posted_data(request),
        initial={"centre": old_centre.pk},
        groups=selectors_triage.advisers_by_centre(),
    )
    if request.method == "POST" and form.is_valid():
        centre = form.cleaned_data["centre"]
        try:
            handed = services.request_hand_over(
                actor=request.user,
                request=guidance_request,
                adviser=form.chosen_adviser(),
                centre=None if centre == old_centre else centre,
                message=form.cleaned_data["message"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            if handed.centre_id == old_centre.pk:
                messages.success(
                    request, _("The request is handed over to %(name)s.") % {"name": handed.adviser}
                )
            else:
                messages.success(
                    request, _("The request is handed over to %(name)s.") % {"name": handed.centre.name}
                )
            return _after_leaving(request, handed, old_centre.slug)
    return render(
        request,
        "guidance/triage_hand_over.html",
        {
            "guidance_request": guidance_request,
            "centre": old_centre,
            "form": form,
            "can_act": guidance_request.status in selectors_triage.OPEN,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = permissions.get_request_for_triage(request.user, pk)
    form = forms_triage.ReferForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_refer(
                actor=request.user,
                request=guidance_request,
                referred_to=form.cleaned_data["referred_to"],
                message=form.cleaned_data["message"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The request is referred. The person can read your message."))
            return redirect("guidance:triage", pk=guidance_request.pk)
    return render(
        request,
        "guidance/triage_refer.html",
        {
            "guidance_request": guidance_request,
            "centre": guidance_request.centre,
            "form": form,
            "can_act": guidance_request.status in selectors_triage.OPEN,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = permissions.get_request_for_triage(request.user, pk)
    appointment = selectors_triage.open_appointment(selectors_triage.request_appointments(guidance_request))
    form = forms_triage.CancelForm(posted_data(request))
    if request.method == "POST" and appointment is not None and form.is_valid():
        try:
            services.appointment_cancel(
                actor=request.user, appointment=appointment, reason=form.cleaned_data["reason"]
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The time is cancelled. The request waits for a new time."))
            return redirect("guidance:triage", pk=guidance_request.pk)
    return render(
        request,
        "guidance/triage_cancel.html",
        {
            "guidance_request": guidance_request,
            "centre": guidance_request.centre,
            "appointment": appointment,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_move(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = permissions.get_request_for_triage(request.user, pk)
    appointment = selectors_triage.movable_appointment(
        selectors_triage.request_appointments(guidance_request)
    )
    form = forms_triage.MoveForm(posted_data(request), initial=forms_triage.initial_time(request.GET))
    if request.method == "POST" and appointment is not None and form.is_valid():
        try:
            services.appointment_reschedule(
                actor=request.user, appointment=appointment, starts_at=form.starts()
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The appointment is moved."))
            return redirect("guidance:triage", pk=guidance_request.pk)
    free_times = []
    if appointment is not None:
        free_times = selectors_triage.free_times(
            guidance_request.centre, adviser=appointment.adviser, exclude=appointment
        )
    return render(
        request,
        "guidance/triage_move.html",
        {
            "guidance_request": guidance_request,
            "centre": guidance_request.centre,
            "appointment": appointment,
            "form": form,
            "free_times": free_times,
        },
    )


# --- Helpers ----------------------------------------------------------------------------
def _request_context(guidance_request: GuidanceRequest, appointments: list) -> dict:
    status = guidance_request.status
    return {
        "guidance_request": guidance_request,
        "centre": guidance_request.centre,
        "appointments": appointments,
        "open_appointment": selectors_triage.open_appointment(appointments),
        "movable_appointment": selectors_triage.movable_appointment(appointments),
        "can_propose": status in selectors_triage.PROPOSABLE,
        "can_pass_on": status in selectors_triage.OPEN,
        "is_proposed": status == RequestStatus.PROPOSED,
    }


def _default_adviser(guidance_request: GuidanceRequest, user, advisers: list) -> int | None:
    """The request's adviser if they still work here, else the one proposing, if they can."""
    ids = {adviser.pk for adviser in advisers}
    for candidate in (guidance_request.adviser_id, user.pk):
        if candidate in ids:
            return candidate
    return None


def _after_leaving(request: HttpRequest, guidance_request: GuidanceRequest, old_slug: str) -> HttpResponse:
    """Back to the request if the user still works on it, else to the queue it left."""
    if permissions.may_triage(request.user, guidance_request):
        return redirect("guidance:triage", pk=guidance_request.pk)
    return redirect("guidance:queue", centre=old_slug)
