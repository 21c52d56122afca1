"""Organisers' pages for an event: who is registered, walk-ins, places, closing registration,
attendance per session and course certificates.

Every page loads through a loader in `permissions`: 403 for people who are not staff,
404 for staff who do not organise the event.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.events import (
    certificate,
    forms_staff,
    permissions,
    rules,
    selectors,
    selectors_staff,
    services,
)
from batteriet.events.models import Event, EventKind, Registration
from batteriet.events.services import attendance as attendance_services
from batteriet.events.services import certificates as certificate_services
from batteriet.events.services import registrations_staff


def _registration_state(event: Event) -> str:
    now = clock.now()
    if now >= event.starts_at:
        return "started"
    if event.registration_closes_at is not None and now >= event.registration_closes_at:
        return "closed"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_open"
    return "open"


@require_safe
@login_required
def staff_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    lists = selectors_staff.registration_lists(event)
    return render(
        request,
        "events/staff_registrations.html",
        {
            "event": event,
            "lists": lists,
            "places_left": rules.places_left(capacity=event.capacity, taken=lists.held),
            "state": _registration_state(event),
            "sessions": list(event.sessions.all()),
            "is_course": event.kind == EventKind.COURSE,
        },
    )


@require_POST
@login_required
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = permissions.get_registration_for_organisers(request.user, pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(
            request, _("%(name)s is no longer registered.") % {"name": registration.display_name}
        )
    return redirect("events:staff_registrations", pk=registration.event_id)


@require_POST
@login_required
def staff_close(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    try:
        registrations_staff.registration_close(actor=request.user, event=event)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("Registration is closed. Nobody new can register."))
    return redirect("events:staff_registrations", pk=event.pk)


@require_POST
@login_required
def staff_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    try:
        registrations_staff.registration_reopen(actor=request.user, event=event)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("Registration is open again until the event starts."))
    return redirect("events:staff_registrations", pk=event.pk)


@require_http_methods(["GET", "POST"])
@login_required
def staff_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    form = forms_staff.CapacityForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        waiting = selectors_staff.waiting_ids(event)
        try:
            services.event_capacity_change(actor=request.user, event=event, capacity=form.chosen_capacity())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            offered = selectors_staff.count_offered(waiting)
            message = _("The number of places is changed.")
            if offered:
                message += " " + ngettext(
                    "%(count)s person on the waiting list was offered a place.",
                    "%(count)s people on the waiting list were offered a place.",
                    offered,
                ) % {"count": offered}
            messages.success(request, message)
            return redirect("events:staff_registrations", pk=event.pk)
    return render(
        request,
        "events/staff_capacity.html",
        {"event": event, "form": form, "held": selectors.places_held(event)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    form = forms_staff.StaffRegisterForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            registrations = services.registration_create(
                actor=request.user,
                event=event,
                people=form.people(),
                names=form.cleaned_data["names"],
                organisation=form.cleaned_data["organisation"],
                accept_partial=form.cleaned_data["accept_partial"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _registered_message(registrations))
            return redirect("events:staff_registrations", pk=event.pk)
    return render(request, "events/staff_register.html", {"event": event, "form": form})


def _registered_message(registrations: list[Registration]) -> str:
    placed = [r.display_name for r in registrations if r.status == "confirmed"]
    waiting = [r.display_name for r in registrations if r.status != "confirmed"]
    parts = []
    if placed:
        parts.append(_("Got a place: %(names)s.") % {"names": ", ".join(placed)})
    if waiting:
        parts.append(_("On the waiting list: %(names)s.") % {"names": ", ".join(waiting)})
    return " ".join(parts)


@require_http_methods(["GET", "POST"])
@login_required
def attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = permissions.get_session_for_attendance(request.user, pk, session_pk)
    registrations = list(selectors_staff.attendance_registrations(session))
    form = forms_staff.AttendanceForm(
        posted_data(request), registrations=registrations, marks=selectors_staff.attendance_marks(session)
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            attendance_services.attendance_mark(actor=request.user, session=session, marks=form.marks())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            saved = True
    is_htmx = request.method == "POST" and request.headers.get("HX-Request") == "true"
    if is_htmx:
        # One row changed with JavaScript on: answer with the row's status line only.
        response = render(request, "events/staff_attendance_status.html", {"form": form, "saved": saved})
    elif saved:
        messages.success(request, _("Attendance is saved."))
        return redirect("events:attendance", pk=session.event_id, session_pk=session.pk)
    else:
        response = render(
            request,
            "events/staff_attendance.html",
            {"event": session.event, "session": session, "form": form},
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@login_required
def attendance_print(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = permissions.get_session_for_attendance(request.user, pk, session_pk)
    return render(
        request,
        "events/staff_attendance_print.html",
        {
            "event": session.event,
            "session": session,
            "registrations": list(selectors_staff.attendance_registrations(session)),
        },
    )


@require_safe
@login_required
def staff_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    return render(
        request,
        "events/staff_certificates.html",
        {
            "event": event,
            "is_course": event.kind == EventKind.COURSE,
            "qualifiers": selectors_staff.certificate_qualifiers(event),
            "sessions": event.sessions.count(),
        },
    )


@require_safe
@login_required
def certificate_pdf(request: HttpRequest, registration_pk: int) -> HttpResponse:
    registration = permissions.get_registration_for_certificate(request.user, registration_pk)
    data = certificate_services.certificate_data(registration=registration)
    if data is None:
        raise Http404
    response = HttpResponse(certificate.certificate_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kursbevis-{registration.pk}.pdf"'
    return response
