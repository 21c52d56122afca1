"""Staff pages for advisers' weekly times and absences, one-click drop-ins and the figures.

Every page loads its centre or object first: 403 for people who are not staff, 404 for a
centre the person does not work at and for an object they may not change.
"""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from batteriet.accounts.models import User
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre, StaffAssignment
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.guidance import forms_availability, selectors_figures
from batteriet.guidance.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    AvailabilitySlot,
    DropIn,
    Mode,
    Topic,
)
from batteriet.guidance.permissions import _require_staff, get_centre_for_triage
from batteriet.guidance.services import availability as services
from batteriet.guidance.services import dropins as dropin_services


# --- Weekly times -------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def availability(request: HttpRequest, centre: str) -> HttpResponse:
    centre = get_centre_for_triage(request.user, centre)
    is_lead = centre_permissions.is_lead_at(request.user, centre)
    form = forms_availability.SlotForm(
        posted_data(request),
        advisers=_advisers(request.user, centre, is_lead),
        initial={"adviser": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            slot = services.slot_add(actor=request.user, centre=centre, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            count = services.appointments_per_week(slot)
            messages.success(
                request,
                ngettext(
                    "The weekly time is added. It gives %(count)d appointment a week.",
                    "The weekly time is added. It gives %(count)d appointments a week.",
                    count,
                )
                % {"count": count},
            )
            return redirect("guidance:availability", centre=centre.slug)
    today = clock.local_today()
    slots = list(
        AvailabilitySlot.objects.filter(centre=centre)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("adviser")
        .order_by("weekday", "starts_at_time", "adviser__full_name", "valid_from", "pk")
    )
    rows = [
        {
            "slot": slot,
            "per_week": services.appointments_per_week(slot),
            "may_delete": is_lead or slot.adviser_id == request.user.pk,
            "is_current": slot.valid_from <= today,
        }
        for slot in slots
    ]
    return render(
        request,
        "guidance/availability_slots.html",
        {
            "centre": centre,
            "form": form,
            "rows": rows,
            "per_week_now": sum(row["per_week"] for row in rows if row["is_current"]),
            "is_lead": is_lead,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def slot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _slot_for_change(request.user, pk)
    if request.method == "POST":
        try:
            still_booked = services.slot_delete(actor=request.user, slot=slot)
        except RuleViolation as violation:
            messages.error(request, violation.message)
        else:
            messages.success(request, _("The weekly time is deleted. Nobody can book it any more."))
            if still_booked:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d appointment in this time is still booked. Move or cancel it with the person.",
                        "%(count)d appointments in this time are still booked. Move or cancel them with the people.",
                        len(still_booked),
                    )
                    % {"count": len(still_booked)},
                )
        return redirect("guidance:availability", centre=slot.centre.slug)
    return render(
        request,
        "guidance/availability_slot_delete.html",
        {
            "slot": slot,
            "centre": slot.centre,
            "per_week": services.appointments_per_week(slot),
            "still_booked": _with_links(services.appointments_in_slot(slot)),
        },
    )


# --- Absences -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def absences(request: HttpRequest, centre: str) -> HttpResponse:
    centre = get_centre_for_triage(request.user, centre)
    is_lead = centre_permissions.is_lead_at(request.user, centre)
    form = forms_availability.AbsenceForm(
        posted_data(request),
        advisers=_advisers(request.user, centre, is_lead),
        initial={"adviser": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.absence_add(
                actor=request.user,
                adviser=data["adviser"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The absence is added. Nobody can book the adviser in this time."))
            if added.still_booked:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d appointment in the absence is still booked: move or cancel it.",
                        "%(count)d appointments in the absence are still booked: move or cancel them.",
                        len(added.still_booked),
                    )
                    % {"count": len(added.still_booked)},
                )
            return redirect("guidance:absences", centre=centre.slug)
    now = clock.now()
    coming = list(
        Absence.objects.filter(adviser_id__in=_working_here(centre), ends_at__gt=now)
        .select_related("adviser")
        .order_by("starts_at", "adviser__full_name", "pk")
    )
    booked = _booked_during(coming, now)
    rows = [
        {
            "absence": absence,
            "still_booked": booked.get(absence.pk, []),
            "may_delete": is_lead or absence.adviser_id == request.user.pk,
        }
        for absence in coming
    ]
    return render(
        request,
        "guidance/availability_absences.html",
        {"centre": centre, "form": form, "rows": rows, "is_lead": is_lead},
    )


@require_http_methods(["GET", "POST"])
@login_required
def absence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request.user)
    absence = Absence.objects.select_related("adviser").filter(pk=pk).first()
    if absence is None or not services.may_manage_absences(request.user, absence.adviser):
        raise Http404
    centre = _shared_centre(request.user, absence.adviser)
    if request.method == "POST":
        try:
            services.absence_delete(actor=request.user, absence=absence)
        except RuleViolation as violation:
            messages.error(request, violation.message)
        else:
            messages.success(
                request, _("The absence is deleted. The adviser can be booked in this time again.")
            )
        if centre is None:
            return redirect("guidance:staff_home")
        return redirect("guidance:absences", centre=centre.slug)
    return render(
        request,
        "guidance/availability_absence_delete.html",
        {"absence": absence, "centre": centre},
    )


# --- Drop-ins -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def dropin(request: HttpRequest, centre: str) -> HttpResponse:
    centre = get_centre_for_triage(request.user, centre)
    if request.method == "POST":
        form = forms_availability.DropInForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                logged = dropin_services.dropin_log(actor=request.user, centre=centre, **data)
            except RuleViolation as violation:
                form.add_rule_violation(violation)
            else:
                messages.success(
                    request,
                    _("Logged: %(topic)s, %(minutes)d min.")
                    % {"topic": logged.get_topic_display(), "minutes": logged.minutes},
                )
                url = reverse("guidance:dropin", kwargs={"centre": centre.slug})
                return redirect(f"{url}?{urlencode({'mode': data['mode'], 'minutes': data['minutes']})}")
    else:
        form = forms_availability.DropInForm(initial=_dropin_initial(request))
    today = clock.local_today()
    logged_today = list(DropIn.objects.filter(centre=centre, held_on=today).order_by("-pk"))
    return render(
        request,
        "guidance/dropin_log.html",
        {
            "centre": centre,
            "form": form,
            "topics": Topic.choices,
            "today": today,
            "logged_today": logged_today,
            "minutes_today": sum(item.minutes for item in logged_today),
        },
    )


def _dropin_initial(request: HttpRequest) -> dict:
    """Keep how and how long from the last click (sent back in the address)."""
    initial = {}
    if request.GET.get("mode") in Mode.values:
        initial["mode"] = request.GET["mode"]
    minutes = request.GET.get("minutes", "")
    if minutes.isdigit() and 1 <= int(minutes) <= forms_availability.DROPIN_MINUTES_MAX:
        initial["minutes"] = int(minutes)
    return initial


# --- Figures ------------------------------------------------------------------------------
@require_safe
@login_required
def figures(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    all_centres = centre_permissions.is_national_coordinator(request.user)
    centres = list(centre_permissions.centres_for_staff(request.user).order_by("name"))
    form = forms_availability.FiguresForm(request.GET, centres=centres, all_centres=all_centres)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = selectors_figures.figures(
            centre=data["centre"], date_from=data["date_from"], date_to=data["date_to"]
        )
    return render(
        request,
        "guidance/figures_page.html",
        {
            "form": form,
            "result": result,
            "sessions_by_topic": _labelled(result.sessions_by_topic, Topic) if result else [],
            "sessions_by_mode": _labelled(result.sessions_by_mode, Mode) if result else [],
            "dropins_by_topic": _labelled(result.dropins_by_topic, Topic) if result else [],
            "dropins_by_mode": _labelled(result.dropins_by_mode, Mode) if result else [],
        },
    )


def _labelled(counts: dict[str, int], choices) -> list[tuple[str, int]]:
    labels = dict(choices.choices)
    return [(labels.get(value, value), counts.get(value, 0)) for value in choices.values]


# --- Helpers ------------------------------------------------------------------------------
def _working_here(centre: Centre) -> QuerySet:
    return StaffAssignment.objects.filter(centre=centre).values("user_id")


def _advisers(user: User, centre: Centre, is_lead: bool) -> QuerySet[User]:
    """Whose times the user sets here: anyone at the centre for its lead, else themself."""
    if is_lead:
        return User.objects.filter(pk__in=_working_here(centre), is_active=True).order_by("full_name", "pk")
    return User.objects.filter(pk=user.pk)


def _slot_for_change(user: User, pk: int) -> AvailabilitySlot:
    """A weekly time the user may delete: 403 for people who are not staff, else 404."""
    _require_staff(user)
    slot = AvailabilitySlot.objects.select_related("adviser", "centre").filter(pk=pk).first()
    if slot is None or not services.may_delete_slot(user, slot):
        raise Http404
    return slot


def _shared_centre(user: User, adviser: User) -> Centre | None:
    """A centre the adviser works at and the user too, to go back to."""
    ids = centre_permissions.centre_ids_for_staff(user)
    centres = Centre.objects.filter(pk__in=StaffAssignment.objects.filter(user=adviser).values("centre_id"))
    if ids is not None:
        centres = centres.filter(pk__in=ids)
    return centres.order_by("name").first()


def _booked_during(absences: list[Absence], now: dt.datetime) -> dict[int, list[Appointment]]:
    """For each absence, the adviser's appointments still proposed or booked in it (one query)."""
    if not absences:
        return {}
    appointments = Appointment.objects.filter(
        adviser_id__in={absence.adviser_id for absence in absences},
        status__in=AppointmentStatus.taking_time(),
        starts_at__lt=max(absence.ends_at for absence in absences),
        ends_at__gt=max(min(absence.starts_at for absence in absences), now),
    ).order_by("starts_at", "pk")
    found: dict[int, list[Appointment]] = defaultdict(list)
    appointments = _with_links(list(appointments))
    for absence in absences:
        for item in appointments:
            appointment = item["appointment"]
            if (
                appointment.adviser_id == absence.adviser_id
                and appointment.starts_at < absence.ends_at
                and appointment.ends_at > max(absence.starts_at, now)
            ):
                found[absence.pk].append(item)
    return found


def _with_links(appointments: list[Appointment]) -> list[dict]:
    """Each appointment with the link to its request on the triage page, where it is moved
    or cancelled (none if that page is not there)."""
    return [{"appointment": item, "url": _triage_url(item.request_id)} for item in appointments]


def _triage_url(request_id: int) -> str | None:
    try:
        return reverse("guidance:triage", args=[request_id])
    except NoReverseMatch:
        return None
