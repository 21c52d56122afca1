"""Pages where a person makes and withdraws their personal API keys."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from batteriet.api import permissions, selectors, services
from batteriet.api.forms import TokenForm
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's keys, and a form to make one. A new key's secret is shown once, here."""
    form = TokenForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            return render(
                request,
                "api/token_created.html",
                {
                    "token": token,
                    "secret": secret,
                    "api_url": request.build_absolute_uri(reverse("api:centre_list")),
                },
            )
    return render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": selectors.api_tokens_for_user(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = permissions.get_token_for_revoke(request.user, pk)
    if request.method == "POST":
        try:
            services.api_token_revoke(actor=request.user, token=token)
        except RuleViolation as violation:
            messages.error(request, violation.message)
        else:
            messages.success(request, _("The key is withdrawn. Programs that use it can no longer log in."))
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})
