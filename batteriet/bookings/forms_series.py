"""Forms for recurring bookings: field shape only. The rules live in `recurrence` and the services.

The same form carries the pattern from the form page to the preview (as hidden fields)
and back on "book": it is bound and checked again each time, and the services check
every rule again on save, so nothing the preview said is trusted.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from batteriet.bookings import recurrence, rules
from batteriet.bookings.models import RecurrenceFrequency, Resource, ResourceKind
from batteriet.bookings.services import series as series_services
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import AccessibleFormMixin
from batteriet.organisations.models import Organisation

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
WEEKS_OF_MONTH = [
    (1, _("The first")),
    (2, _("The second")),
    (3, _("The third")),
    (4, _("The fourth")),
    (recurrence.LAST_WEEK, _("The last")),
]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _sensible_day(day: dt.date | None) -> dt.date | None:
    if day is not None and not recurrence.FIRST_YEAR <= day.year <= recurrence.LAST_YEAR:
        raise ValidationError(_("Choose a date between today and the next few months."))
    return day


class SeriesForm(AccessibleFormMixin, forms.Form):
    """Who books, how often, from when until when, at what time of day, and what for."""

    organisation = forms.ModelChoiceField(
        label=_("Who is booking"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=RecurrenceFrequency.choices,
        initial=RecurrenceFrequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    interval = forms.IntegerField(
        label=_("Repeat every"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("1 means every week (or every month), 2 every other week, and so on."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On which days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Once a month: choose one day."),
        error_messages={"required": _("Choose at least one weekday.")},
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Which week of the month"),
        choices=WEEKS_OF_MONTH,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only for once a month. For example the first Monday, or the last Friday."),
    )
    first_day = forms.DateField(label=_("First day"), widget=_date_input())
    until = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=_date_input(),
        help_text=_("Fill in a last day or a number of times below."),
    )
    count = forms.IntegerField(
        label=_("Or: number of times"),
        min_value=1,
        max_value=recurrence.MAX_OCCURRENCES,
        required=False,
        help_text=_("At most %(most)s times.") % {"most": recurrence.MAX_OCCURRENCES},
    )
    starts_at = forms.TimeField(label=_("From"), widget=_time_input())
    ends_at = forms.TimeField(label=_("To"), widget=_time_input())
    purpose = forms.CharField(
        label=_("What is the booking for?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a weekly course or a monthly board meeting. At most 500 characters."),
    )
    expected_people = forms.IntegerField(
        label=_("How many people do you expect?"), min_value=1, max_value=10_000, required=False
    )
    responsible_name = forms.CharField(
        label=_("Responsible person present"),
        max_length=200,
        help_text=_("The person who is there every time, and who locks up afterwards."),
    )
    responsible_phone = forms.CharField(
        label=_("Phone number of the responsible person"),
        max_length=40,
        help_text=_("Eight digits for a Norwegian number, or + and the country code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, resource: Resource, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.fields["organisation"].queryset = organisations
        choices = list(organisations[:2])
        # One organisation: nothing to choose, so no field to fill in.
        self.only_organisation = choices[0] if len(choices) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]
        if resource.is_equipment:
            del self.fields["expected_people"]
        if resource.kind != ResourceKind.PREMISES:
            del self.fields["responsible_name"]
            del self.fields["responsible_phone"]

    def clean_first_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["first_day"])

    def clean_until(self) -> dt.date | None:
        return _sensible_day(self.cleaned_data["until"])

    def clean_responsible_phone(self) -> str:
        try:
            return rules.responsible_phone_e164(self.cleaned_data["responsible_phone"])
        except RuleViolation as violation:
            raise ValidationError(str(violation.message)) from violation

    def booker(self) -> Organisation:
        """The organisation that books (call after `is_valid`)."""
        return self.only_organisation or self.cleaned_data["organisation"]

    def pattern(self) -> recurrence.Pattern:
        """The pattern as typed (call after `is_valid`); the week of the month counts only monthly."""
        data = self.cleaned_data
        monthly = data["frequency"] == RecurrenceFrequency.MONTHLY
        return recurrence.Pattern(
            frequency=data["frequency"],
            interval=data["interval"],
            weekdays=tuple(sorted(data["weekdays"])),
            week_of_month=data["week_of_month"] if monthly else None,
            first_day=data["first_day"],
            until=data["until"],
            count=data["count"],
            starts_at_time=data["starts_at"],
            ends_at_time=data["ends_at"],
        )

    def responsible(self) -> series_services.Responsible:
        return series_services.Responsible(
            name=self.cleaned_data.get("responsible_name", ""),
            phone=self.cleaned_data.get("responsible_phone", ""),
        )

    def details(self) -> dict:
        """What the services take besides actor, resource and book (call after `is_valid`)."""
        return {
            "organisation": self.booker(),
            "pattern": self.pattern(),
            "purpose": self.cleaned_data["purpose"],
            "expected_people": self.cleaned_data.get("expected_people"),
            "responsible": self.responsible(),
        }


class SeriesChangeForm(AccessibleFormMixin, forms.Form):
    """New times of day for this and all later times of a series."""

    starts_at = forms.TimeField(label=_("New start time"), widget=_time_input())
    ends_at = forms.TimeField(label=_("New end time"), widget=_time_input())


class OccurrenceChangeForm(AccessibleFormMixin, forms.Form):
    """A new day and times for one time of a series; the rest of the series stays."""

    day = forms.DateField(label=_("New date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("From"), widget=_time_input())
    ends_at = forms.TimeField(label=_("To"), widget=_time_input())

    def clean_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["day"])

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The new start and end, aware in Europe/Oslo (call after `is_valid`)."""
        day = self.cleaned_data["day"]
        return (
            dt.datetime.combine(day, self.cleaned_data["starts_at"], tzinfo=clock.OSLO),
            dt.datetime.combine(day, self.cleaned_data["ends_at"], tzinfo=clock.OSLO),
        )


class SeriesCancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The centre sees this. At most 2000 characters."),
    )
