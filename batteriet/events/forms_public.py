"""The calendar's filter form (sent with GET): field shape only.

The field names are the words in the address (`?senter=oslo&type=course&fra=2027-01-05`),
so a filtered calendar can be bookmarked and shared.
"""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from batteriet.centres.models import Centre
from batteriet.core.forms import AccessibleFormMixin
from batteriet.events.models import Audience, EventKind, Language
from batteriet.events.selectors_calendar import CalendarFilters

FIRST_YEAR, LAST_YEAR = 2000, 2100
NOT_A_CHOICE = _("Choose one of the choices in the list.")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _sensible_day(day: dt.date | None) -> dt.date | None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            _("Choose a date between the years %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="out_of_range",
        )
    return day


class CalendarFilterForm(AccessibleFormMixin, forms.Form):
    """Narrow the calendar. Every field is optional; an empty form shows everything."""

    senter = forms.ChoiceField(label=_("Centre"), required=False)
    type = forms.ChoiceField(label=pgettext_lazy("event", "Kind"), required=False)
    publikum = forms.ChoiceField(label=_("Who can come"), required=False)
    sprak = forms.ChoiceField(label=_("Language"), required=False)
    fra = forms.DateField(
        label=_("From date"),
        required=False,
        widget=_date_input(),
        help_text=_("Leave empty to see events from today."),
    )
    til = forms.DateField(label=_("To date"), required=False, widget=_date_input())

    date_fields = ("fra", "til")

    def __init__(self, data=None, *, is_staff: bool = False, with_dates: bool = True, **kwargs) -> None:
        super().__init__(data, **kwargs)
        centres = list(Centre.objects.order_by("name").values_list("slug", "name"))
        self.fields["senter"].choices = [("", _("All centres")), *centres]
        kinds = [c for c in EventKind.choices if is_staff or c[0] != EventKind.STAFF_GATHERING]
        self.fields["type"].choices = [("", _("All kinds")), *kinds]
        audiences = [c for c in Audience.choices if is_staff or c[0] != Audience.STAFF]
        self.fields["publikum"].choices = [("", _("Everyone")), *audiences]
        languages = [c for c in Language.choices if c[0] != Language.BOTH]
        self.fields["sprak"].choices = [("", _("Any language")), *languages]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = NOT_A_CHOICE
            field.error_messages["invalid"] = _("Write a date like 2027-01-31.")
        if not with_dates:
            for name in self.date_fields:
                del self.fields[name]

    def clean_fra(self) -> dt.date | None:
        return _sensible_day(self.cleaned_data.get("fra"))

    def clean_til(self) -> dt.date | None:
        return _sensible_day(self.cleaned_data.get("til"))

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = cleaned.get("fra"), cleaned.get("til")
        if first and last and last < first:
            self.add_error("til", _("The last date must be on or after the first date."))
        return cleaned

    def _valid(self, name: str):
        """A field's cleaned value, or empty when the field had an error (it is then ignored)."""
        if not self.is_bound or name not in self.fields or name in self.errors:
            return None
        return self.cleaned_data.get(name)

    def filters(self, *, from_today: dt.date | None = None) -> CalendarFilters:
        """The valid filters; a field with an error is left out. `from_today` is the first
        day when no date is chosen (the list shows what is coming)."""
        self.is_valid()
        starts_on = self._valid("fra") or from_today
        ends_on = self._valid("til")
        return CalendarFilters(
            centre_slug=self._valid("senter") or "",
            kind=self._valid("type") or "",
            audience=self._valid("publikum") or "",
            language=self._valid("sprak") or "",
            starts_on=starts_on,
            ends_on=ends_on,
        )

    def query(self, *, with_dates: bool = True) -> str:
        """The valid, non-empty filters as an address query ("senter=oslo&type=course"), or ""."""
        self.is_valid()
        names = [name for name in self.fields if with_dates or name not in self.date_fields]
        pairs = []
        for name in names:
            value = self._valid(name)
            if value:
                pairs.append((name, value.isoformat() if isinstance(value, dt.date) else value))
        return urlencode(pairs)

    @property
    def is_filtered(self) -> bool:
        return bool(self.query())
