from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.core.forms import AccessibleFormMixin


class AgreementTextForm(AccessibleFormMixin, forms.Form):
    body_nb = forms.CharField(
        label=_("Agreement text in Norwegian (Bokmål)"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("House rules and conditions. Organisations sign exactly this text."),
    )
    body_en = forms.CharField(
        label=_("Agreement text in English"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    validity_months = forms.IntegerField(
        label=_("How many months an agreement lasts"),
        min_value=1,
        max_value=36,
        initial=12,
    )
