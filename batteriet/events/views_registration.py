"""Pages for registering for an event, my registrations, answers, offers and parallel sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.events import forms_registration, permissions, selectors, selectors_registration, services
from batteriet.events.models import Registration, RegistrationStatus, Session
from batteriet.events.services import answers as answer_services
from batteriet.events.services import seats as seat_services

S = RegistrationStatus


@require_http_methods(["GET", "POST"])
@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_registration(request.user, pk)
    form = forms_registration.RegisterForm(posted_data(request), event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registrations = services.registration_create(
                actor=request.user,
                event=event,
                people=form.chosen_people(),
                organisation=form.chosen_organisation(),
                accept_partial=form.accept_partial(),
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            mine = next((r for r in registrations if r.person_id == request.user.pk), None)
            messages.success(request, _registered_message(registrations, request.user))
            if form.questions and mine is not None:
                _save_answers_after_registering(request, mine, form)
            return redirect("events:registration", pk=(mine or registrations[0]).pk)
    mine = selectors.active_registration(request.user, event)
    return render(request, "events/registration_register.html", {"event": event, "form": form, "mine": mine})


def _save_answers_after_registering(request: HttpRequest, registration: Registration, form) -> None:
    """The form checked the answers before the registration was stored; should the event
    have changed in between (a question removed, the start passed), the place is kept and
    the person is asked to answer again on the registration page."""
    try:
        answer_services.answers_save(
            actor=request.user,
            registration=registration,
            answers=form.answer_values(),
            consent=form.consent_given(),
        )
    except RuleViolation as violation:
        messages.warning(
            request,
            _("Your answers could not be saved: %(reason)s Please answer again below.")
            % {"reason": violation.message},
        )


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/registration_mine.html",
        {"mine": selectors_registration.my_registrations(request.user)},
    )


@require_GET
@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = permissions.get_registration_for_view(request.user, pk)
    return _detail(request, registration)


@require_POST
@login_required
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    registration = permissions.get_registration_for_view(request.user, pk)
    if not permissions.may_see_special_needs(request.user, registration):
        raise PermissionDenied
    form = forms_registration.AnswersForm(request.POST, registration=registration)
    if form.is_valid():
        try:
            answer_services.answers_save(
                actor=request.user,
                registration=registration,
                answers=form.answer_values(),
                consent=form.consent_given(),
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("events:registration", pk=registration.pk)
    return _detail(request, registration, answers_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = permissions.get_registration_for_view(request.user, pk)
    if request.method == "GET":
        return render(request, "events/registration_cancel.html", {"registration": registration})
    was_waiting = registration.status == S.WAITING
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        if was_waiting:
            messages.success(request, _("You are no longer on the waiting list."))
        else:
            messages.success(request, _("The registration is cancelled. Thank you for letting us know."))
    return redirect("events:registration", pk=registration.pk)


@require_POST
@login_required
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    registration = permissions.get_registration_for_view(request.user, pk)
    try:
        services.registration_offer_accept(actor=request.user, registration=registration)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("Thank you. The place is yours."))
    return redirect("events:registration", pk=registration.pk)


@require_POST
@login_required
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    registration = permissions.get_registration_for_view(request.user, pk)
    try:
        services.registration_offer_decline(actor=request.user, registration=registration)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("Thank you for letting us know. The place goes to the next in line."))
    return redirect("events:registration", pk=registration.pk)


@require_POST
@login_required
def seat_choose(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    registration, session = _registration_and_session(request, pk, session_pk)
    try:
        seat_services.seat_choose(actor=request.user, registration=registration, session=session)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("You have a place in %(session)s.") % {"session": session.title})
    return redirect("events:registration", pk=registration.pk)


@require_POST
@login_required
def seat_leave(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    registration, session = _registration_and_session(request, pk, session_pk)
    try:
        seat_services.seat_leave(actor=request.user, registration=registration, session=session)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("You have left %(session)s.") % {"session": session.title})
    return redirect("events:registration", pk=registration.pk)


# --- Helpers --------------------------------------------------------------------------------
def _registration_and_session(request: HttpRequest, pk: int, session_pk: int) -> tuple[Registration, Session]:
    registration = permissions.get_registration_for_view(request.user, pk)
    return registration, get_object_or_404(Session, pk=session_pk, event_id=registration.event_id)


def _detail(request: HttpRequest, registration: Registration, answers_form=None) -> HttpResponse:
    event = registration.event
    started = clock.now() >= event.starts_at
    active = registration.status in S.active()
    may_answer = permissions.may_see_special_needs(request.user, registration)
    if answers_form is None and may_answer and active and not started:
        answers_form = forms_registration.AnswersForm(registration=registration)
    if answers_form is not None and not answers_form.questions:
        answers_form = None
    confirmed = registration.status == S.CONFIRMED
    context = {
        "registration": registration,
        "event": event,
        "line_number": selectors_registration.line_number(registration),
        "answers": selectors_registration.answers_of(registration, with_special_needs=may_answer),
        "answers_form": answers_form,
        "can_cancel": active and not started,
        "confirmed": confirmed,
        # The link to join is for the person with the place and the organisers, not for a
        # contact or whoever registered them.
        "show_link": confirmed and may_answer,
        "sessions": selectors_registration.sessions_to_choose(registration) if confirmed else [],
        "started": started,
        "is_self": registration.person_id == request.user.pk,
    }
    return render(request, "events/registration_detail.html", context)


def _registered_message(registrations: list[Registration], user) -> str:
    confirmed = sum(1 for r in registrations if r.status == S.CONFIRMED)
    waiting = [r for r in registrations if r.status == S.WAITING]
    number = selectors_registration.line_number(waiting[0]) if waiting else None
    title = registrations[0].event.title
    if len(registrations) == 1 and registrations[0].person_id == user.pk:
        if confirmed:
            return _("You are registered for %(title)s, and you have a place.") % {"title": title}
        return _(
            "%(title)s is full, so you are on the waiting list. You are number %(number)s in line. "
            "If a place becomes free, we hold it for you and you must accept it."
        ) % {"title": title, "number": number}
    parts = []
    if confirmed:
        parts.append(
            ngettext("%(count)s person has a place.", "%(count)s people have a place.", confirmed)
            % {"count": confirmed}
        )
    if waiting:
        parts.append(
            ngettext(
                "%(count)s person is on the waiting list, as number %(number)s in line.",
                "%(count)s people wait together on the waiting list, from number %(number)s in line.",
                len(waiting),
            )
            % {"count": len(waiting), "number": number}
        )
    return " ".join(parts)
