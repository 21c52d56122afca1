"""Forms of the guidance evaluation pages: field shape only. The rules live in
`services.evaluation` and `evaluations.rules`."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.core import time as clock
from batteriet.core.forms import AccessibleFormMixin
from batteriet.evaluations.forms import BatteryEffectForm

# A longer period would only make the page slow; five years covers any report.
LONGEST_PERIOD_DAYS = 5 * 366


class EvaluationForm(BatteryEffectForm):
    """The three battery-effect statements (1–5) and anything else, as after an event."""


def _sensible_year(day: dt.date) -> None:
    if not 2000 <= day.year <= 2100:
        raise forms.ValidationError(_("Choose a date between the year 2000 and 2100."))


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Answers are counted by whole months."),
        validators=[_sensible_year],
        error_messages={
            "required": _("Write a date, for example 2026-01-31."),
            "invalid": _("Write a date, for example 2026-01-31."),
        },
    )


class ResultsForm(AccessibleFormMixin, forms.Form):
    """Which answers: a centre (or all, for a national coordinator) and a period."""

    centre = forms.ChoiceField(
        label=_("Centre"),
        error_messages={
            "required": _("Choose one of your centres."),
            "invalid_choice": _("Choose one of your centres."),
        },
    )
    date_from = _date_field(_("From date"))
    date_to = _date_field(_("To date"))

    def __init__(self, data, *, centres, all_centres: bool, **kwargs) -> None:
        today = clock.local_today()
        defaults = {
            "centre": "" if all_centres else (centres[0].slug if centres else ""),
            "date_from": dt.date(today.year, 1, 1).isoformat(),
            "date_to": today.isoformat(),
        }
        bound = defaults
        if data:
            bound = data.copy()
            for key, value in defaults.items():
                bound.setdefault(key, value)
        super().__init__(bound, **kwargs)
        self.centres = {centre.slug: centre for centre in centres}
        choices = [(centre.slug, centre.name) for centre in centres]
        if all_centres:
            choices.insert(0, ("", _("All centres")))
        self.fields["centre"].required = not all_centres
        self.fields["centre"].choices = choices

    def clean_centre(self):
        slug = self.cleaned_data["centre"]
        return self.centres.get(slug) if slug else None

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        elif first and last and (last - first).days > LONGEST_PERIOD_DAYS:
            self.add_error("date_to", _("Choose a period of at most five years."))
        return data
