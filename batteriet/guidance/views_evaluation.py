"""Pages of the anonymous evaluation after a guidance session: answering it from the link
in the e-mail (no login: the link is the ticket), and the results for staff."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from batteriet.centres import permissions as centre_permissions
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.evaluations import rules as evaluation_rules
from batteriet.guidance import forms_evaluation
from batteriet.guidance.services import evaluation as evaluation_services


# --- Answering (no login: the link is the ticket) -------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, token: str) -> HttpResponse:
    """Showing the form uses nothing up; sending it stores the answer and spends the link."""
    ticket = evaluation_services.ticket_for_token(token)
    if ticket is None:
        return _link_not_valid(request)
    form = forms_evaluation.EvaluationForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_services.evaluation_submit(
                token=token, scores=form.scores(), free_text=form.cleaned_data["free_text"]
            )
        except RuleViolation as violation:
            if violation.code == "evaluation_link_used":
                return _link_not_valid(request)
            form.add_rule_violation(violation)
        else:
            return redirect("guidance:evaluation_done")
    return render(
        request,
        "guidance/evaluation_form.html",
        {
            "centre": ticket.centre,
            "form": form,
            "last_day": evaluation_services.last_day(ticket.created_on),
            "min_answers": evaluation_rules.MIN_ANSWERS_SHOWN,
        },
    )


def _link_not_valid(request: HttpRequest) -> HttpResponse:
    """A friendly 404 for a link that was used, never existed or ran out: a used ticket is
    deleted with the answer, so they all look the same."""
    return render(
        request,
        "guidance/evaluation_link.html",
        {"answer_days": evaluation_rules.ANSWER_DAYS},
        status=404,
    )


@require_safe
def evaluation_done(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/evaluation_done.html")


# --- Results for staff ------------------------------------------------------------------------
@require_safe
@login_required
def evaluation_results(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    all_centres = centre_permissions.is_national_coordinator(request.user)
    centres = list(centre_permissions.centres_for_staff(request.user).order_by("name"))
    form = forms_evaluation.ResultsForm(request.GET, centres=centres, all_centres=all_centres)
    results = None
    if form.is_valid():
        results = evaluation_services.results(
            centre=form.cleaned_data["centre"],
            centre_ids=centre_permissions.centre_ids_for_staff(request.user),
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    return render(
        request,
        "guidance/evaluation_results.html",
        {"form": form, "results": results, "min_answers": evaluation_rules.MIN_ANSWERS_SHOWN},
    )
