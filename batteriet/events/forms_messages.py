"""The organisers' message to everyone registered or waiting: field shape only."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from batteriet.core.forms import AccessibleFormMixin
from batteriet.events.models import MessageAudience

SUBJECT_MAX = 150
BODY_MAX = 5000


class MessageForm(AccessibleFormMixin, forms.Form):
    audience = forms.ChoiceField(
        label=_("Who gets the message?"),
        choices=MessageAudience.choices,
        initial=MessageAudience.REGISTERED,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        help_text=_("A short line that says what it is about. At most 150 characters."),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text. Do not write anything sensitive about anyone: everyone gets the same message. "
            "At most 5000 characters."
        ),
    )

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if "\n" in subject or "\r" in subject:
            raise ValidationError(_("Write the subject on one line."))
        return subject
