"""Pages for people registering and for members of organisations."""

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.organisations import forms, permissions, rules, selectors, services
from batteriet.organisations.models import AgreementStatus, Membership

ROUTE_URLS = {
    rules.Route.REGISTER_ORGANISATION: "organisations:register_organisation",
    rules.Route.REGISTER_INITIATOR: "organisations:register_initiator",
    rules.Route.REGISTER_PARTNER: "organisations:register_partner",
    rules.Route.REFER_INDIVIDUAL: "organisations:register_individual",
    rules.Route.EXPLAIN_ABROAD: "organisations:register_abroad",
    rules.Route.ASK_WORK_AREA: "organisations:register_work_area",
}


# --- Registration wizard --------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def register_start(request: HttpRequest) -> HttpResponse:
    form = forms.ApplicantForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        route = rules.screening_route(rules.Applicant(form.cleaned_data["applicant"]))
        return redirect(ROUTE_URLS[route])
    return render(request, "organisations/register_start.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_work_area(request: HttpRequest) -> HttpResponse:
    form = forms.WorkAreaForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        route = rules.screening_route(rules.Applicant.GROUP, rules.WorkArea(form.cleaned_data["work_area"]))
        return redirect(ROUTE_URLS[route])
    return render(request, "organisations/register_work_area.html", {"form": form})


@require_safe
def register_abroad(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/register_abroad.html")


@require_safe
def register_individual(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/register_individual.html")


def _register(request: HttpRequest, form_class, template: str) -> HttpResponse:
    form = form_class(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(actor=request.user, data=form.to_data())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request,
                _("Thank you! %(name)s is registered. %(centre)s will look at it and get back to you.")
                % {"name": organisation.name, "centre": organisation.home_centre.name},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def register_organisation(request: HttpRequest) -> HttpResponse:
    return _register(request, forms.OrganisationRegisterForm, "organisations/register_organisation.html")


@require_http_methods(["GET", "POST"])
@login_required
def register_partner(request: HttpRequest) -> HttpResponse:
    return _register(request, forms.PartnerForm, "organisations/register_partner.html")


@require_http_methods(["GET", "POST"])
@login_required
def register_initiator(request: HttpRequest) -> HttpResponse:
    existing = selectors.initiator_for(request.user)
    initial = {"centre": existing.centre, "idea": existing.idea} if existing else {}
    form = forms.InitiatorForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        initiator = services.initiator_register(actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Thank you! %(centre)s knows you want to start a group and will contact you.")
            % {"centre": initiator.centre.name},
        )
        return redirect("accounts:my_page")
    return render(request, "organisations/register_initiator.html", {"form": form})


# --- An organisation's own pages ------------------------------------------------------
@require_safe
@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_view(request.user, pk)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "members": selectors.members_of(organisation),
            "agreements": selectors.agreements_of(organisation),
            "can_edit": request.user.has_perm("organisations.edit_organisation", organisation),
            "can_manage_members": request.user.has_perm("organisations.manage_members", organisation),
            "can_request_agreement": request.user.has_perm("organisations.request_agreement", organisation)
            and organisation.is_approved
            and not organisation.is_partner,
        },
    )


def _organisation_initial(organisation) -> dict:
    """The edit form starts from what is stored: one entry per field of OrganisationData."""
    initial = {
        field.name: getattr(organisation, field.name)
        for field in dataclasses.fields(services.OrganisationData)
    }
    initial["orgnr"] = organisation.orgnr or ""
    initial["target_groups"] = list(organisation.target_groups.all())
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_view(request.user, pk)
    if not request.user.has_perm("organisations.edit_organisation", organisation):
        raise PermissionDenied
    form_class = forms.PartnerForm if organisation.is_partner else forms.OrganisationForm
    form = form_class(posted_data(request), initial=_organisation_initial(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, data=form.to_data())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/edit.html", {"organisation": organisation, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def members(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_view(request.user, pk)
    if not request.user.has_perm("organisations.manage_members", organisation):
        raise PermissionDenied
    form = forms.InviteForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.membership_invite(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request, _("We have sent an invitation to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisations:members", pk=organisation.pk)
    member_rows = [
        (m, forms.RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"))
        for m in selectors.members_of(organisation)
    ]
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "form": form,
            "member_rows": member_rows,
            "invitations": selectors.open_invitations(organisation),
        },
    )


def _membership_for_manage(request: HttpRequest, pk: int, membership_pk: int) -> Membership:
    organisation = permissions.get_organisation_for_view(request.user, pk)
    if not request.user.has_perm("organisations.manage_members", organisation):
        raise PermissionDenied
    membership = organisation.memberships.select_related("user").filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    return membership


@require_POST
@login_required
def member_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = _membership_for_manage(request, pk, membership_pk)
    form = forms.RoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except RuleViolation as violation:
            messages.error(request, violation.message)
        else:
            messages.success(request, _("The role of %(name)s is changed.") % {"name": membership.user})
    return redirect("organisations:members", pk=pk)


@require_POST
@login_required
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = _membership_for_manage(request, pk, membership_pk)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
    return redirect("organisations:members", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_find(token)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except RuleViolation as violation:
            messages.error(request, violation.message)
            return redirect("accounts:my_page")
        messages.success(request, _("Welcome to %(name)s!") % {"name": membership.organisation.name})
        return redirect("organisations:detail", pk=membership.organisation_id)
    return render(request, "organisations/invitation_accept.html", {"invitation": invitation})


# --- User agreements ------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def agreement_request(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_view(request.user, pk)
    if not request.user.has_perm("organisations.request_agreement", organisation):
        raise PermissionDenied
    form = forms.AgreementRequestForm(posted_data(request), initial={"centre": organisation.home_centre})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_request(
                actor=request.user, organisation=organisation, centre=form.cleaned_data["centre"]
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("Read the agreement and sign it below."))
            return redirect("organisations:agreement_detail", pk=agreement.pk)
    return render(
        request, "organisations/agreement_request.html", {"organisation": organisation, "form": form}
    )


@require_safe
@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_view(request.user, pk)
    return render(request, "organisations/agreement_detail.html", _agreement_context(request, agreement))


def _agreement_context(request: HttpRequest, agreement, sign_form=None) -> dict:
    """What the person may do next, from their permissions and the agreement's state."""
    user = request.user

    def can(perm: str, next_status: str) -> bool:
        return user.has_perm(perm, agreement) and rules.can_move_to(agreement.status, next_status)

    can_sign = can("organisations.sign_agreement", AgreementStatus.SIGNED)
    return {
        "agreement": agreement,
        "text": selectors.agreement_text_to_show(agreement),
        "can_sign": can_sign,
        "sign_form": sign_form or (forms.SignForm() if can_sign else None),
        "can_activate": can("organisations.activate_agreement", AgreementStatus.ACTIVE),
        "can_terminate": can("organisations.terminate_agreement", AgreementStatus.TERMINATED),
    }


@require_POST
@login_required
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_view(request.user, pk)
    if not request.user.has_perm("organisations.sign_agreement", agreement):
        raise PermissionDenied
    form = forms.SignForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_sign(
                actor=request.user, agreement=agreement, typed_name=form.cleaned_data["name"]
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("Thank you for signing. The centre will countersign and tell you."))
            return redirect("organisations:agreement_detail", pk=agreement.pk)
    context = _agreement_context(request, agreement, sign_form=form)
    return render(request, "organisations/agreement_detail.html", context, status=200)


@require_safe
@login_required
def agreement_print(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_view(request.user, pk)
    return render(request, "organisations/agreement_print.html", {"agreement": agreement})
