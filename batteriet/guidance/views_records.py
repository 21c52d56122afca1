"""Pages of what a guidance session leaves behind: the session record (from an appointment
or without one), follow-ups, the organisation's journey, confidential notes and their
read log.

Every page loads through a loader first (`permissions_records`, `permissions_notes`,
`permissions`): 403 on staff pages for people who are not staff, 404 for what the person
may not see. Notes are read only through `services.notes.notes_for`, which logs every
note shown; the journey page never shows notes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.guidance import (
    forms_records,
    permissions,
    permissions_notes,
    permissions_records,
    selectors_figures,
    selectors_records,
)
from batteriet.guidance.models import AppointmentStatus, JourneyStep, SessionRecord
from batteriet.guidance.services import notes as note_services
from batteriet.guidance.services import records as record_services
from batteriet.organisations import permissions as organisation_permissions

READS_PER_PAGE = 50

# What each step means, in plain words for the organisation's contact persons.
STEP_HELP = {
    JourneyStep.FOUNDED: gettext_lazy("You hold a founding meeting and agree to start the organisation."),
    JourneyStep.STATUTES: gettext_lazy(
        "You agree on your statutes: the rules for what the organisation does and how it decides."
    ),
    JourneyStep.BOARD: gettext_lazy(
        "The members elect a board that leads the organisation between meetings."
    ),
    JourneyStep.ENHETSREGISTERET: gettext_lazy(
        "The organisation is registered in Enhetsregisteret and gets an organisation number."
    ),
    JourneyStep.FRIVILLIGHETSREGISTERET: gettext_lazy(
        "The organisation is registered in Frivillighetsregisteret, which many grants ask for."
    ),
    JourneyStep.ACCOUNTS: gettext_lazy("You keep accounts and can show what money came in and went out."),
    JourneyStep.FIRST_APPLICATION: gettext_lazy("You send your first application for money."),
}


def _triage_url(request_pk: int) -> str | None:
    """The staff page of a request, once that page exists."""
    try:
        return reverse("guidance:triage", args=[request_pk])
    except NoReverseMatch:
        return None


# --- Recording a session -------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the session of an appointment: prefilled from it, once."""
    appointment = permissions_records.get_appointment_for_record(request.user, pk)
    guidance_request = appointment.request
    organisation = guidance_request.organisation
    done = selectors_records.record_of_appointment(appointment)
    context = {
        "appointment": appointment,
        "organisation": organisation,
        "triage_url": _triage_url(guidance_request.pk),
        "centre": appointment.centre,
    }
    if done is not None or appointment.status != AppointmentStatus.BOOKED:
        return render(request, "guidance/records_recorded.html", {**context, "session": done})
    length = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    starts = appointment.starts_at.astimezone(clock.OSLO)
    form = _record_form(
        request,
        centre=appointment.centre,
        organisation=organisation,
        initial={
            "held_on": starts.date(),
            "held_time": starts.time().replace(second=0, microsecond=0),
            "minutes": min(max(length, 1), 600),
            "mode": appointment.mode,
            "people": 1,
            "topics": [guidance_request.topic],
        },
    )
    if request.method == "POST" and form.is_valid():
        session = _save(request, form, centre=appointment.centre, appointment=appointment)
        if session is not None:
            return redirect(context["triage_url"] or reverse("guidance:follow_ups"))
    return render(
        request, "guidance/records_form.html", {**context, "form": form, "centre": appointment.centre}
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_new(request: HttpRequest, centre: str) -> HttpResponse:
    """Record a session held without an appointment (a walk-in that needs follow-up, a call)."""
    centre_obj = permissions.get_centre_for_triage(request.user, centre)
    form = _record_form(request, centre=centre_obj, organisation=None, choose_organisation=True)
    if request.method == "POST" and form.is_valid():
        session = _save(request, form, centre=centre_obj, appointment=None)
        if session is not None:
            if session.organisation_id:
                return redirect("guidance:journey", pk=session.organisation_id)
            return redirect("guidance:follow_ups")
    return render(request, "guidance/records_form.html", {"form": form, "centre": centre_obj})


def _record_form(request, *, centre, organisation, choose_organisation=False, initial=None):
    return forms_records.RecordForm(
        posted_data(request),
        initial=initial,
        centre=centre,
        owners=selectors_records.follow_up_owners(centre, organisation),
        organisation=organisation,
        choose_organisation=choose_organisation,
        reached=selectors_records.reached_steps(organisation),
        may_write_note=permissions_notes.may_read_notes_at(request.user, centre),
    )


def _save(request, form, *, centre, appointment) -> SessionRecord | None:
    """The record, then the note (if any) in its own transaction: a refused note leaves the
    record in place and says so."""
    follow_ups = form.follow_ups()
    try:
        session = record_services.record_create(
            actor=request.user,
            centre=centre,
            held_at=form.held_at(),
            minutes=form.cleaned_data["minutes"],
            mode=form.cleaned_data["mode"],
            people=form.cleaned_data["people"],
            topics=form.cleaned_data["topics"],
            outcomes=form.cleaned_data["outcomes"],
            organisation=form.chosen_organisation(),
            appointment=appointment,
            follow_ups=follow_ups,
            journey_steps=form.cleaned_data.get("journey_steps", []),
        )
    except RuleViolation as violation:
        form.add_rule_violation(violation)
        return None
    messages.success(request, _("The session is recorded."))
    text = form.cleaned_data.get("note", "")
    if text:
        try:
            note_services.note_write(actor=request.user, centre=centre, text=text, record=session)
        except RuleViolation as violation:
            messages.error(
                request,
                _("The session is recorded, but the confidential note was not saved: %(reason)s")
                % {"reason": violation.message},
            )
        else:
            messages.success(request, _("The confidential note is saved."))
    return session


# --- Follow-ups ---------------------------------------------------------------------------
@require_safe
@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """Anyone's own follow-ups: staff, and the organisation's contact persons who own one."""
    lists = selectors_records.follow_up_lists(request.user)
    return render(
        request,
        "guidance/records_follow_ups.html",
        {"lists": lists, "today": clock.local_today(), "done_days": selectors_records.DONE_DAYS},
    )


@require_POST
@login_required
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = permissions_records.get_follow_up_for_done(request.user, pk)
    try:
        record_services.follow_up_done(actor=request.user, follow_up=follow_up)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("Marked as done: %(text)s") % {"text": follow_up.text})
    return redirect("guidance:follow_ups")


# --- The journey ----------------------------------------------------------------------------
@require_safe
@login_required
def journey(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions_notes.get_organisation_for_journey(request.user, pk)
    return _journey_page(request, organisation)


@require_POST
@login_required
def journey_step(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions_records.get_organisation_for_journey_step(request.user, pk)
    form = forms_records.JourneyStepForm(request.POST)
    if not form.is_valid():
        step = request.POST.get("step") if request.POST.get("step") in JourneyStep.values else None
        error = form.errors.get("reached_on") or [_("Choose a step and what to do with it.")]
        return _journey_page(request, organisation, step_error=(step, error[0]), status=200)
    step = form.cleaned_data["step"]
    try:
        if form.cleaned_data["action"] == "set":
            record_services.journey_step_set(
                actor=request.user,
                organisation=organisation,
                step=step,
                reached_on=form.cleaned_data["reached_on"],
            )
            messages.success(request, _("The step is marked as reached."))
        else:
            record_services.journey_step_unset(actor=request.user, organisation=organisation, step=step)
            messages.success(request, _("The step is marked as not reached."))
    except RuleViolation as violation:
        return _journey_page(request, organisation, step_error=(step, str(violation.message)))
    return redirect("guidance:journey", pk=organisation.pk)


def _journey_page(request, organisation, *, step_error=(None, None), status=200) -> HttpResponse:
    user = request.user
    is_staff = user.has_perm("centres.view_staff_pages")
    steps = selectors_figures.organisation_journey(organisation)
    next_step = next((step for step in steps if not step.reached), None)
    context = {
        "organisation": organisation,
        "steps": [(step, STEP_HELP[step.step]) for step in steps],
        "next_step": next_step,
        "next_help": STEP_HELP[next_step.step] if next_step else "",
        "is_staff": is_staff,
        "is_contact": organisation_permissions.is_contact(user, organisation),
        "today": clock.local_today(),
        "error_step": step_error[0],
        "step_error": step_error[1],
    }
    if is_staff:
        context["sessions"] = selectors_records.sessions_of_organisation(organisation)
        context["may_edit"] = record_services.may_edit_journey(user, organisation)
        context["may_read_notes"] = bool(permissions_notes.note_centre_ids(user))
    return render(request, "guidance/records_journey.html", context, status=status)


# --- Confidential notes ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions_records.get_organisation_for_notes(request.user, pk)
    centres = selectors_records.note_centres(request.user)
    form = forms_records.NoteForm(posted_data(request), centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            note_services.note_write(
                actor=request.user,
                centre=form.chosen_centre(),
                text=form.cleaned_data["text"],
                organisation=organisation,
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("guidance:notes", pk=organisation.pk)
    shown = note_services.notes_for(request.user, organisation)
    return render(
        request,
        "guidance/records_notes.html",
        {
            "organisation": organisation,
            "notes": shown,
            "form": form,
            "centres": centres,
            "centre_names": ", ".join(centre.name for centre in centres),
        },
    )


@require_safe
@login_required
def note_reads(request: HttpRequest, centre: str) -> HttpResponse:
    centre_obj = permissions_notes.get_centre_for_note_reads(request.user, centre)
    form = forms_records.PeriodForm(request.GET or None)
    start, end = form.bounds()
    reads = note_services.note_reads(request.user, centre_obj, since=start).filter(read_at__lt=end)
    page = Paginator(reads, READS_PER_PAGE).get_page(request.GET.get("side"))
    rows = list(page)
    subjects = note_services.note_subjects(request.user, centre_obj, sorted({r.note_id_read for r in rows}))
    return render(
        request,
        "guidance/records_note_reads.html",
        {
            "centre": centre_obj,
            "form": form,
            "page": page,
            "rows": [(read, read.note_id_read in subjects, subjects.get(read.note_id_read)) for read in rows],
            "query": form.query(),
        },
    )
