from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from batteriet.accounts import services
from batteriet.accounts.forms import ProfileForm
from batteriet.centres import permissions as centre_permissions
from batteriet.core.forms import posted_data
from batteriet.organisations import selectors as organisation_selectors


@require_safe
@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    memberships = organisation_selectors.memberships_for_user(request.user)
    initiator = organisation_selectors.initiator_for(request.user)
    return render(
        request,
        "accounts/my_page.html",
        {
            "memberships": memberships,
            "initiator": initiator,
            "is_staff_member": centre_permissions.is_staff_member(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(posted_data(request), initial=_profile_initial(request.user))
    if request.method == "POST" and form.is_valid():
        services.profile_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:my_page")
    return render(request, "accounts/profile_edit.html", {"form": form})


def _profile_initial(user) -> dict[str, str]:
    return {"full_name": user.full_name, "language": user.language}
