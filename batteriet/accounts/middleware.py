from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from batteriet.accounts import selectors

ALLOWED_PREFIXES = ("/konto/", "/i18n/", "/static/", "/personvern/")


class StaffTwoFactorMiddleware:
    """Staff accounts must set up an authenticator app before they can do anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and selectors.needs_two_factor(user)
            and not selectors.has_two_factor(user)
        ):
            messages.warning(
                request,
                _("Staff accounts must use two-factor authentication. Set up an authenticator app first."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
