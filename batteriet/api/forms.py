from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.api.models import NAME_MAX_LENGTH
from batteriet.core.forms import AccessibleFormMixin


class TokenForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("So you can recognise it later, for example “Booking spreadsheet”."),
    )
