"""Pages of the anonymous evaluation: answering it from the link in the e-mail (no login),
the results of one event for its organisers, and the summary across events for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.evaluations import rules as evaluation_rules
from batteriet.events import forms_evaluation, permissions, selectors_evaluation
from batteriet.events.services import evaluation as evaluation_services


# --- Answering (no login: the link is the ticket) -------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, token: str) -> HttpResponse:
    ticket = evaluation_services.ticket_for_token(token)
    if ticket is None:
        return _link_not_valid(request)
    event = ticket.event
    if not evaluation_rules.is_answering_open(event.ends_at, clock.now()):
        return _closed(request, event)
    form = forms_evaluation.EvaluateForm(
        posted_data(request), questions=list(selectors_evaluation.questions(event))
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_services.evaluation_submit(
                token=token,
                scores=form.scores(),
                free_text=form.cleaned_data["free_text"],
                answers=form.answers(),
            )
        except RuleViolation as violation:
            if violation.code == "evaluation_link_used":
                return _link_not_valid(request)
            if violation.code == "evaluation_closed":
                return _closed(request, event)
            form.add_rule_violation(violation)
        else:
            return redirect("events:evaluate_done")
    return render(
        request,
        "events/evaluation_form.html",
        {"event": event, "form": form, "closes_at": evaluation_rules.answering_closes_at(event.ends_at)},
    )


def _link_not_valid(request: HttpRequest) -> HttpResponse:
    """A friendly 404 for a link that was used or never existed: a used ticket is deleted
    with the answer, so the two look the same."""
    return render(request, "events/evaluation_link.html", {"closed": False}, status=404)


def _closed(request: HttpRequest, event) -> HttpResponse:
    """Answering has closed for the event (410: the link worked, but no longer)."""
    return render(
        request,
        "events/evaluation_link.html",
        {"closed": True, "closes_at": evaluation_rules.answering_closes_at(event.ends_at)},
        status=410,
    )


@require_safe
def evaluate_done(request: HttpRequest) -> HttpResponse:
    return render(request, "events/evaluation_done.html")


# --- Results for the organisers -------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def staff_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_evaluation_results(request.user, pk)
    questions = list(selectors_evaluation.questions(event))
    form = forms_evaluation.QuestionForm()
    if request.method == "POST" and "remove" in request.POST:
        question = next((q for q in questions if str(q.pk) == request.POST["remove"]), None)
        if question is None:
            raise Http404
        try:
            evaluation_services.evaluation_question_remove(actor=request.user, question=question)
        except RuleViolation as violation:
            messages.error(request, violation.message)
        else:
            messages.success(request, _("The question is removed."))
        return redirect("events:staff_evaluation", pk=event.pk)
    if request.method == "POST":
        form = forms_evaluation.QuestionForm(request.POST)
        if form.is_valid():
            try:
                evaluation_services.evaluation_question_add(
                    actor=request.user, event=event, label=form.cleaned_data["label"]
                )
            except RuleViolation as violation:
                form.add_rule_violation(violation)
            else:
                messages.success(request, _("The question is added to the evaluation."))
                return redirect("events:staff_evaluation", pk=event.pk)
    results = selectors_evaluation.event_results(event, questions)
    return render(
        request,
        "events/evaluation_results.html",
        {
            "event": event,
            "questions": questions,
            "form": form,
            "results": results,
            "may_change_questions": results.invited == 0,
            "min_answers": evaluation_rules.MIN_ANSWERS_SHOWN,
            "answer_days": evaluation_rules.ANSWER_DAYS,
        },
    )


@require_safe
@login_required
def staff_evaluation_summary(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    centres = list(centre_permissions.centres_for_staff(request.user).order_by("name"))
    form = forms_evaluation.SummaryFilterForm(request.GET or None, centres=centres)
    rows = None
    if form.is_valid():
        rows = selectors_evaluation.summary_rows(
            centre_ids=centre_permissions.centre_ids_for_staff(request.user),
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            centre_id=form.cleaned_data["centre"],
            kind=form.cleaned_data["kind"],
        )
    return render(
        request,
        "events/evaluation_summary.html",
        {
            "form": form,
            "rows": rows,
            "min_answers": evaluation_rules.MIN_ANSWERS_SHOWN,
            "answer_days": evaluation_rules.ANSWER_DAYS,
        },
    )
