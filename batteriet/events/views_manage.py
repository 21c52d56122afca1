"""Staff pages to create and edit events: the list, the event form, the programme, the
questions people answer when they register, and partner organisations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.bookings.models import Resource
from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.events import permissions_manage as loaders
from batteriet.events.forms_manage import EventForm, PartnerForm, QuestionForm, SessionForm
from batteriet.events.models import Event, RegistrationStatus
from batteriet.events.services import manage as services
from batteriet.organisations.models import Organisation, OrganisationStatus

# Enough for years of events; the page stays quick.
MAX_EVENTS_SHOWN = 200


@require_safe
@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    loaders.require_staff(request.user)
    now = clock.now()
    events = (
        loaders.events_organised_by(request.user)
        .prefetch_related("centres")
        .annotate(
            held=Count(
                "registrations",
                filter=Q(registrations__status__in=RegistrationStatus.holding_a_place()),
                distinct=True,
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING), distinct=True
            ),
        )
    )
    return render(
        request,
        "events/manage_list.html",
        {
            "coming": events.filter(ends_at__gte=now).order_by("starts_at", "pk")[:MAX_EVENTS_SHOWN],
            "past": events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:MAX_EVENTS_SHOWN],
        },
    )


def _event_form(request: HttpRequest, event: Event | None = None) -> EventForm:
    user = request.user
    return EventForm(
        posted_data(request),
        initial=EventForm.initial_for(event) if event is not None else {"offer_hold_hours": 24},
        centres=centre_permissions.centres_for_staff(user).order_by("name"),
        rooms=_rooms(user, event),
        national=centre_permissions.is_national_coordinator(user),
    )


def _rooms(user, event: Event | None) -> QuerySet[Resource]:
    """The rooms of the editor's centres, and the event's own room: a co-organiser from
    another centre keeps it when they change something else."""
    rooms = loaders.rooms_for_staff(user)
    if event is None or event.room_id is None:
        return rooms
    return (
        Resource.objects.filter(Q(pk__in=rooms.values("pk")) | Q(pk=event.room_id))
        .select_related("centre")
        .order_by("centre__name", "name")
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    loaders.require_staff(request.user)
    form = _event_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, data=form.data_for_service())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request, _("The event is created. Add the programme and questions if you need them.")
            )
            return redirect("events:staff_sessions", pk=event.pk)
    return render(request, "events/manage_form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = loaders.get_event_for_manage(request.user, pk)
    form = _event_form(request, event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, data=form.data_for_service())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("events:staff_list")
    return render(request, "events/manage_form.html", {"form": form, "event": event})


@require_http_methods(["GET", "POST"])
@login_required
def staff_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    event = loaders.get_event_for_manage(request.user, pk)
    form = SessionForm(posted_data(request), initial=_session_initial(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(actor=request.user, event=event, data=form.data_for_service())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The session is added to the programme."))
            return redirect("events:staff_sessions", pk=event.pk)
    return render(
        request,
        "events/manage_sessions.html",
        {"event": event, "form": form, "sessions": event.sessions.all(), "now": clock.now()},
    )


def _session_initial(event: Event) -> dict:
    starts = event.starts_at.astimezone(clock.OSLO)
    return {"day": starts.date()}


@require_http_methods(["GET", "POST"])
@login_required
def staff_session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = loaders.get_session_for_manage(request.user, pk, session_pk)
    form = SessionForm(posted_data(request), initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, data=form.data_for_service())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The session is changed."))
            return redirect("events:staff_sessions", pk=session.event.pk)
    return render(
        request, "events/manage_session_edit.html", {"event": session.event, "session": session, "form": form}
    )


@require_POST
@login_required
def staff_session_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = loaders.get_session_for_manage(request.user, pk, session_pk)
    try:
        services.session_delete(actor=request.user, session=session)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("The session is deleted from the programme."))
    return redirect("events:staff_sessions", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def staff_questions(request: HttpRequest, pk: int) -> HttpResponse:
    event = loaders.get_event_for_manage(request.user, pk)
    if request.method == "POST" and "preset" in request.POST:
        return _add_preset(request, event)
    form = QuestionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(actor=request.user, event=event, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The question is added."))
            return redirect("events:staff_questions", pk=event.pk)
    questions = event.questions.annotate(answer_count=Count("answers"))
    added = {question.label for question in questions}
    presets = [
        {"key": key, "label": str(label), "special": special}
        for key, (label, _kind, special) in services.PRESETS.items()
        if str(label) not in added
    ]
    return render(
        request,
        "events/manage_questions.html",
        {"event": event, "form": form, "questions": questions, "presets": presets},
    )


def _add_preset(request: HttpRequest, event: Event) -> HttpResponse:
    try:
        services.question_add_preset(actor=request.user, event=event, preset=request.POST.get("preset", ""))
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("The question is added."))
    return redirect("events:staff_questions", pk=event.pk)


@require_POST
@login_required
def staff_question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = loaders.get_question_for_manage(request.user, pk, question_pk)
    try:
        services.question_delete(actor=request.user, question=question)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("The question is deleted."))
    return redirect("events:staff_questions", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def staff_partners(request: HttpRequest, pk: int) -> HttpResponse:
    event = loaders.get_event_for_manage(request.user, pk)
    form = PartnerForm(
        posted_data(request),
        organisations=Organisation.objects.filter(status=OrganisationStatus.APPROVED).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_add(actor=request.user, event=event, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The organisation is added."))
            return redirect("events:staff_partners", pk=event.pk)
    return render(
        request,
        "events/manage_partners.html",
        {"event": event, "form": form, "partners": event.partners.select_related("organisation")},
    )


@require_POST
@login_required
def staff_partner_delete(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    partner = loaders.get_partner_for_manage(request.user, pk, partner_pk)
    try:
        services.partner_delete(actor=request.user, partner=partner)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("The organisation is removed from the event."))
    return redirect("events:staff_partners", pk=pk)
