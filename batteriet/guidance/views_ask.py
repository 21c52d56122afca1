"""Pages for people who ask for guidance: what guidance is, the request form with free
times, my guidance, a request's page, and answering, moving or cancelling a time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from batteriet.accounts.models import User
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.guidance import forms_ask, selectors_ask
from batteriet.guidance.models import AppointmentStatus, FollowUp, GuidanceRequest, RequestStatus, Topic
from batteriet.guidance.permissions import get_request_for_view, is_adviser_at
from batteriet.guidance.services import appointments as services


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "guidance/ask_start.html",
        {"centres": list(Centre.objects.order_by("name")), "topics": Topic.choices},
    )


@require_http_methods(["GET", "POST"])
@login_required
def ask(request: HttpRequest, centre: str) -> HttpResponse:
    centre_obj = get_object_or_404(Centre, slug=centre)
    paging = request.method == "POST" and "fra" in request.POST
    first_day = selectors_ask.page_start(request.POST["fra"] if paging else request.GET.get("fra"))
    page = selectors_ask.time_page(centre_obj, first_day)
    has_times = page.count > 0 or selectors_ask.has_free_times(centre_obj)
    if paging:
        # Other times asked for: the answers so far are kept, nothing is checked yet.
        initial = {
            key: value for key, value in request.POST.items() if key not in ("time", "csrfmiddlewaretoken")
        }
        form = forms_ask.AskForm(initial=initial, user=request.user, has_times=has_times)
    else:
        form = forms_ask.AskForm(posted_data(request), user=request.user, has_times=has_times)
    if request.method == "POST" and not paging and form.is_valid():
        chosen = form.chosen_time()
        adviser = User.objects.filter(pk=chosen[0], is_active=True).first() if chosen else None
        try:
            if chosen and adviser is None:
                raise _not_in_list()
            guidance_request = services.request_create(
                actor=request.user,
                centre=centre_obj,
                role=form.cleaned_data["role"],
                topic=form.cleaned_data["topic"],
                situation=form.cleaned_data["situation"],
                mode=form.cleaned_data["mode"],
                organisation=form.chosen_organisation(),
                language_need=form.cleaned_data["language_need"],
                accessibility_need=form.cleaned_data["accessibility_need"],
                preferred_times=form.cleaned_data["preferred_times"] if chosen is None else "",
                starts_at=chosen[1] if chosen else None,
                adviser=adviser,
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
            # The time may have been taken meanwhile: show the times as they are now.
            page = selectors_ask.time_page(centre_obj, page.first_day)
        else:
            if chosen:
                messages.success(request, _("Your time is booked. We look forward to talking with you."))
            else:
                messages.success(request, _("We got your request. We will propose a time soon."))
            return redirect("guidance:request", pk=guidance_request.pk)
    return render(
        request,
        "guidance/ask_form.html",
        {
            "centre": centre_obj,
            "form": form,
            "page": page,
            "has_times": has_times,
            "chosen": form.data.get("time", "") if form.is_bound else "",
            "no_time": selectors_ask.NO_TIME,
        },
    )


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "guidance/ask_mine.html",
        {
            "mine": selectors_ask.my_requests(request.user),
            "open_follow_ups": FollowUp.objects.filter(owner=request.user, done_at__isnull=True).count(),
        },
    )


@require_GET
@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = selectors_ask.request_with_appointments(get_request_for_view(request.user, pk))
    return _detail(request, guidance_request)


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = _own_request(request.user, pk)
    appointment = _appointment(guidance_request, AppointmentStatus.PROPOSED)
    try:
        if appointment is None:
            raise _handled()
        services.proposal_accept(actor=request.user, appointment=appointment)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("Thank you. Your time is booked."))
    return redirect("guidance:request", pk=guidance_request.pk)


@require_http_methods(["GET", "POST"])
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = _own_request(request.user, pk)
    appointment = _appointment(guidance_request, AppointmentStatus.PROPOSED)
    form = forms_ask.DeclineForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            if appointment is None:
                raise _handled()
            services.proposal_decline(
                actor=request.user,
                appointment=appointment,
                preferred_times=form.cleaned_data["preferred_times"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request, _("Thank you for letting us know. The centre will propose another time.")
            )
            return redirect("guidance:request", pk=guidance_request.pk)
    return render(
        request,
        "guidance/ask_decline.html",
        {"guidance_request": guidance_request, "appointment": appointment, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = _own_request(request.user, pk)
    appointment = _appointment(guidance_request, *AppointmentStatus.taking_time())
    error = None
    if request.method == "POST":
        try:
            if appointment is not None:
                services.appointment_cancel(actor=request.user, appointment=appointment)
            else:
                services.request_withdraw(actor=request.user, request=guidance_request)
        except RuleViolation as violation:
            error = violation.message
        else:
            if appointment is not None:
                messages.success(request, _("The time is cancelled. Thank you for letting us know."))
            else:
                messages.success(request, _("Your request is withdrawn. You are welcome to ask again later."))
            return redirect("guidance:request", pk=guidance_request.pk)
    return render(
        request,
        "guidance/ask_cancel.html",
        {
            "guidance_request": guidance_request,
            "appointment": appointment,
            "can_withdraw": appointment is None and guidance_request.status in WAITING_FOR_A_TIME,
            "error": error,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    guidance_request = _own_request(request.user, pk)
    appointment = _appointment(guidance_request, AppointmentStatus.BOOKED)
    paging = request.method == "POST" and "fra" in request.POST
    first_day = selectors_ask.page_start(request.POST["fra"] if paging else request.GET.get("fra"))
    form = forms_ask.MoveForm(None if paging else posted_data(request))
    if request.method == "POST" and not paging and form.is_valid() and appointment is not None:
        adviser_id, starts_at = form.chosen_time()
        try:
            if adviser_id != appointment.adviser_id:
                raise _not_in_list()
            services.appointment_reschedule(actor=request.user, appointment=appointment, starts_at=starts_at)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("Your appointment is moved. The new time is booked."))
            return redirect("guidance:request", pk=guidance_request.pk)
    page = None
    if appointment is not None:
        page = selectors_ask.time_page(
            appointment.centre, first_day, adviser=appointment.adviser, exclude=appointment
        )
    return render(
        request,
        "guidance/ask_move.html",
        {
            "guidance_request": guidance_request,
            "appointment": appointment,
            "form": form,
            "page": page,
            "chosen": form.data.get("time", "") if form.is_bound else "",
        },
    )


# --- Helpers ----------------------------------------------------------------------------
def _own_request(user, pk: int) -> GuidanceRequest:
    """A request the user asked for; anyone else gets 404 (staff of its centre read it only)."""
    guidance_request = get_request_for_view(user, pk)
    if guidance_request.requested_by_id != user.pk:
        raise Http404
    return guidance_request


def _appointment(guidance_request: GuidanceRequest, *statuses: str):
    return (
        guidance_request.appointments.filter(status__in=statuses)
        .select_related("adviser", "centre")
        .order_by("starts_at")
        .first()
    )


def _not_in_list() -> RuleViolation:
    return RuleViolation(
        code="not_a_free_time",
        field="starts_at",
        message=_("This is not one of the adviser's free times. Choose a time from the list."),
    )


def _handled() -> RuleViolation:
    return RuleViolation(
        code="request_wrong_state",
        message=_("This has already been handled. Reload the page to see where it stands."),
    )


# A request in one of these states has no time yet: the person may withdraw it.
WAITING_FOR_A_TIME = (RequestStatus.NEW, RequestStatus.HANDED_OVER)


def _detail(request: HttpRequest, guidance_request: GuidanceRequest) -> HttpResponse:
    appointment = guidance_request.current
    is_requester = guidance_request.requested_by_id == request.user.pk
    now = clock.now()
    active = (
        appointment is not None
        and appointment.status in AppointmentStatus.taking_time()
        and appointment.ends_at > now
    )
    context = {
        "guidance_request": guidance_request,
        "appointment": appointment,
        "adviser_name": selectors_ask.first_name(
            appointment.adviser if appointment else guidance_request.adviser
        ),
        "is_requester": is_requester,
        "is_staff": is_adviser_at(request.user, guidance_request.centre),
        "can_answer": is_requester and active and appointment.status == AppointmentStatus.PROPOSED,
        "can_move": is_requester
        and active
        and appointment.status == AppointmentStatus.BOOKED
        and appointment.starts_at > now,
        "time_has_passed": appointment is not None
        and appointment.status in AppointmentStatus.taking_time()
        and appointment.ends_at <= now,
        "can_cancel": is_requester and active,
        "can_withdraw": is_requester and guidance_request.status in WAITING_FOR_A_TIME,
    }
    return render(request, "guidance/ask_request.html", context)
