"""Forms for bookings: field shape only. The rules live in `rules` and `services`."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from batteriet.bookings.models import Resource
from batteriet.core import time as clock
from batteriet.core.forms import AccessibleFormMixin
from batteriet.organisations.models import Organisation

FIRST_YEAR, LAST_YEAR = 2000, 2100


class BookingForm(AccessibleFormMixin, forms.Form):
    """Who books, on which day, from when to when, and what for.

    The start and end fields are named like the service's arguments, so a rule that
    complains about `starts_at` or `ends_at` puts its message next to the right field.
    """

    organisation = forms.ModelChoiceField(
        label=_("Who is booking"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    purpose = forms.CharField(
        label=_("What is the booking for?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: board meeting, course or coffee meeting. At most 500 characters."),
    )
    expected_people = forms.IntegerField(
        label=_("How many people do you expect?"), min_value=1, max_value=10_000, required=False
    )
    quantity = forms.IntegerField(label=_("How many do you need?"), min_value=1, max_value=1000, initial=1)

    def __init__(self, *args, resource: Resource, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.fields["organisation"].queryset = organisations
        choices = list(organisations)
        # One organisation: nothing to choose, so no field to fill in.
        self.only_organisation = choices[0] if len(choices) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]
        if resource.is_equipment:
            del self.fields["expected_people"]
        else:
            del self.fields["quantity"]

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(_("Choose a date between today and the next few months."))
        return day

    def booker(self) -> Organisation:
        """The organisation that books (call after `is_valid`)."""
        return self.only_organisation or self.cleaned_data["organisation"]

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The start and end as aware datetimes in Europe/Oslo (call after `is_valid`)."""
        day = self.cleaned_data["day"]
        return (
            dt.datetime.combine(day, self.cleaned_data["starts_at"], tzinfo=clock.OSLO),
            dt.datetime.combine(day, self.cleaned_data["ends_at"], tzinfo=clock.OSLO),
        )


class DeclineForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation sees this reason. At most 2000 characters."),
    )
