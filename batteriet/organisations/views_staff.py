"""Pages for centre staff: queues, decisions, agreements and the organisation register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.organisations import forms, permissions, selectors, services
from batteriet.organisations.models import OrganisationStatus


def _require_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied


@require_safe
@vary_on_headers("HX-Request")
@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    centres = centre_permissions.centres_for_staff(request.user)
    form = forms.StaffFilterForm(request.GET or None, centres=centres)
    filters = (
        selectors.OrganisationFilters(**form.cleaned_data)
        if form.is_valid()
        else selectors.OrganisationFilters()
    )
    organisations = selectors.organisations_for_staff(request.user, filters)[:200]
    # htmx asks for the results only, so filtering updates the table in place.
    template = "organisations/staff_list.html#results" if request.htmx else "organisations/staff_list.html"
    return render(request, template, {"form": form, "organisations": organisations})


@require_safe
@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    organisation = permissions.get_organisation_for_view(request.user, pk)
    return _render_staff_detail(request, organisation, forms.ApproveForm())


def _render_staff_detail(request: HttpRequest, organisation, approve_form: forms.ApproveForm) -> HttpResponse:
    return render(
        request,
        "organisations/staff_detail.html",
        {
            "organisation": organisation,
            "members": selectors.members_of(organisation),
            "agreements": selectors.agreements_of(organisation),
            "history": selectors.history_items(organisation),
            "can_decide": request.user.has_perm("organisations.decide_organisation", organisation)
            and organisation.status == OrganisationStatus.PENDING,
            "approve_form": approve_form,
        },
    )


@require_http_methods(["POST"])
@login_required
def organisation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_view(request.user, pk)
    if not request.user.has_perm("organisations.decide_organisation", organisation):
        raise PermissionDenied
    form = forms.ApproveForm(request.POST)
    if not form.is_valid():
        return _render_staff_detail(request, organisation, form)
    try:
        services.organisation_approve(
            actor=request.user, organisation=organisation, reason=form.cleaned_data["reason"]
        )
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("%(name)s is approved.") % {"name": organisation.name})
    return redirect("organisations:staff_detail", pk=organisation.pk)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_view(request.user, pk)
    if not request.user.has_perm("organisations.decide_organisation", organisation):
        raise PermissionDenied
    form = forms.DeclineForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_decline(actor=request.user, organisation=organisation, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request, _("%(name)s is declined. They will get your reason.") % {"name": organisation.name}
            )
            return redirect("organisations:staff_detail", pk=organisation.pk)
    return render(request, "organisations/decline.html", {"organisation": organisation, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def agreement_activate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_view(request.user, pk)
    if not request.user.has_perm("organisations.activate_agreement", agreement):
        raise PermissionDenied
    today = clock.local_today()
    initial = {"valid_from": today, "valid_until": clock.add_months(today, agreement.text.validity_months)}
    form = forms.ActivateForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_activate(actor=request.user, agreement=agreement, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The agreement is active. The organisation has been told."))
            return redirect("organisations:agreement_detail", pk=agreement.pk)
    return render(request, "organisations/agreement_activate.html", {"agreement": agreement, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def agreement_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_view(request.user, pk)
    if not request.user.has_perm("organisations.terminate_agreement", agreement):
        raise PermissionDenied
    form = forms.TerminateForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_terminate(actor=request.user, agreement=agreement, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The agreement is ended. The organisation has been told."))
            return redirect("organisations:agreement_detail", pk=agreement.pk)
    return render(request, "organisations/agreement_terminate.html", {"agreement": agreement, "form": form})
