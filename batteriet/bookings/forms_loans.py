"""Forms for desks, premises and the closing checklist: field shape only.

The rules (dates within the booking, once only) live in `rules_loans` and the services.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from batteriet.bookings import rules_loans
from batteriet.bookings.forms import FIRST_YEAR, LAST_YEAR
from batteriet.bookings.models import PremisesReport
from batteriet.core.forms import AccessibleFormMixin


def _sensible_year(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(_("Choose a date while the desk is lent."))
    return day


class ReviewDateForm(AccessibleFormMixin, forms.Form):
    review_on = forms.DateField(
        label=_("Review date"),
        help_text=_("The day you and the organisation talk about how the desk loan is going."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_review_on(self) -> dt.date:
        return _sensible_year(self.cleaned_data["review_on"])


class PrintCountForm(AccessibleFormMixin, forms.Form):
    month = forms.DateField(
        label=_("Month"),
        help_text=_("Write the year and month, for example 2027-03."),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Write the month as year and month, for example 2027-03.")},
    )
    pages = forms.IntegerField(
        label=_("Pages printed that month"),
        min_value=0,
        max_value=rules_loans.MAX_PAGES,
        help_text=_("Read the count on the printer. A new count for the same month replaces the old one."),
    )

    def clean_month(self) -> dt.date:
        return rules_loans.month_start(_sensible_year(self.cleaned_data["month"]))


class HandoverNoteForm(AccessibleFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Key and access"),
        required=False,
        max_length=rules_loans.MAX_HANDOVER_NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "How the organisation gets in: where to fetch the key, door codes, the alarm. "
            "Only the organisation and the centre's staff see it. At most 2000 characters."
        ),
    )


def _checklist_choices() -> list[tuple[str, str]]:
    return [
        (name, PremisesReport._meta.get_field(name).verbose_name.capitalize())
        for name in rules_loans.CHECKLIST_FIELDS
    ]


class ClosingChecklistForm(AccessibleFormMixin, forms.Form):
    """The checklist as a group of checkboxes, none ticked to begin with."""

    done = forms.MultipleChoiceField(
        label=_("Before you left"),
        required=False,
        choices=_checklist_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what you did. Leave a box empty if you did not do it."),
    )
    incident = forms.CharField(
        label=_("Damage or incidents"),
        required=False,
        max_length=rules_loans.MAX_INCIDENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Did something break, or did something happen? Leave empty if nothing happened."),
    )

    def checklist(self) -> rules_loans.ClosingChecklist:
        """The ticked boxes (call after `is_valid`)."""
        done = set(self.cleaned_data["done"])
        return rules_loans.ClosingChecklist(**{name: name in done for name in rules_loans.CHECKLIST_FIELDS})
