"""The form staff use to close their centre for some days: field shape only.

The rules (dates, overlaps, reason) live in `rules.check_closure_*` and `services.closures`.
"""

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from batteriet.bookings.forms import _date_input, _sensible_day
from batteriet.bookings.rules import CLOSURE_REASON_MAX_LENGTH
from batteriet.centres.models import Centre
from batteriet.core.forms import AccessibleFormMixin


class ClosureForm(AccessibleFormMixin, forms.Form):
    """Which centre (only asked when the user works at more than one), which days, and why."""

    centre = forms.ModelChoiceField(
        label=_("Which centre is closed?"),
        queryset=Centre.objects.none(),
        empty_label=_("Choose a centre"),
    )
    starts_on = forms.DateField(label=_("First closed day"), widget=_date_input())
    ends_on = forms.DateField(
        label=_("Last closed day"),
        widget=_date_input(),
        help_text=_("For a single day, choose the same day twice."),
    )
    reason = forms.CharField(
        label=_("Why is the centre closed?"),
        max_length=CLOSURE_REASON_MAX_LENGTH,
        help_text=_(
            "Organisations see this, for example “Summer holiday” or “Staff day”. At most 200 characters."
        ),
    )

    def __init__(self, *args, centres: QuerySet[Centre], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        listed = list(centres)
        self.only_centre = listed[0] if len(listed) == 1 else None
        if self.only_centre is not None:
            del self.fields["centre"]

    def clean_starts_on(self) -> dt.date:
        return _sensible_day(self.cleaned_data["starts_on"])

    def clean_ends_on(self) -> dt.date:
        return _sensible_day(self.cleaned_data["ends_on"])

    def chosen_centre(self) -> Centre:
        """The centre to close (call after `is_valid`)."""
        return self.only_centre or self.cleaned_data["centre"]
