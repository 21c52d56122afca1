from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from batteriet.centres import permissions, selectors, services
from batteriet.centres.forms import AgreementTextForm
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.organisations import selectors as organisation_selectors


@require_safe
def centre_list(request: HttpRequest) -> HttpResponse:
    return render(request, "centres/list.html", {"centres": selectors.centre_list()})


@require_safe
def centre_detail(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_with_hours(slug)
    if centre is None:
        raise Http404
    return render(request, "centres/detail.html", {"centre": centre})


@require_safe
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    centres = permissions.centres_for_staff(request.user)
    return render(
        request,
        "centres/staff_home.html",
        {
            "centres": centres,
            "pending_organisations": organisation_selectors.pending_organisations(request.user),
            "agreements_waiting": organisation_selectors.agreements_waiting(request.user),
            "lead_centres": [c for c in centres if request.user.has_perm("centres.edit_agreement_text", c)],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_text_edit(request: HttpRequest, slug: str) -> HttpResponse:
    centre = permissions.get_centre_for_staff(request.user, slug)
    if not request.user.has_perm("centres.edit_agreement_text", centre):
        raise PermissionDenied
    current = selectors.current_agreement_text(centre)
    initial = (
        {"body_nb": current.body_nb, "body_en": current.body_en, "validity_months": current.validity_months}
        if current
        else {}
    )
    form = AgreementTextForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            text = services.agreement_text_publish(actor=request.user, centre=centre, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("Version %(version)s is published.") % {"version": text.version})
            return redirect("centres:staff_home")
    return render(
        request, "centres/agreement_text_edit.html", {"centre": centre, "form": form, "current": current}
    )
