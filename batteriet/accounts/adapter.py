import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib import messages
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from batteriet.accounts.models import User

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        """Send at once (see docs/decisions/0004); a mail server failure is a message, not an error page."""
        try:
            super().send_mail(template_prefix, email, context_data)
        except (smtplib.SMTPException, OSError):
            logger.exception("Could not send the account e-mail %s", template_prefix)
            request = context.request
            if request is not None:
                messages.error(
                    request, _("We could not send the e-mail just now. Please try again in a few minutes.")
                )

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        language = (translation.get_language() or "nb")[:2]
        user.language = language if language in {"nb", "en"} else "nb"
        if not user.has_usable_password() and not form.cleaned_data.get("password1"):
            user.set_unusable_password()
        if commit:
            user.save()
        return user
