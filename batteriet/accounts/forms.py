from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core.forms import AccessibleFormMixin
from batteriet.privacy import selectors as privacy_selectors
from batteriet.privacy import services as privacy_services


class SignupDetailsForm(AccessibleFormMixin, forms.Form):
    """Extra fields on allauth's sign-up form: a name, and acceptance of the privacy notice."""

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        help_text=_("Shown to the organisations you join and to centre staff."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read how Batteriet handles my personal data"),
        help_text=_("The link to the privacy notice is above this form and at the bottom of every page."),
        required=True,
        error_messages={"required": _("You must accept the privacy notice to create an account.")},
    )

    field_order = ["full_name", "email", "password1", "accept_privacy"]

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Write your name."))
        return name

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        notice = privacy_selectors.current_notice()
        if notice is not None:
            privacy_services.consent_record(user=user, notice=notice)


class ProfileForm(AccessibleFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Language for e-mails"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Write your name."))
        return name
