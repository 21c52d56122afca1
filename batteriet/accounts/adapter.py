from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation

from batteriet.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        language = (translation.get_language() or "nb")[:2]
        user.language = language if language in {"nb", "en"} else "nb"
        if not user.has_usable_password() and not form.cleaned_data.get("password1"):
            user.set_unusable_password()
        if commit:
            user.save()
        return user
