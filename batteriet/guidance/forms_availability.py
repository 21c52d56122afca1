"""Forms of the advisers' availability pages, drop-ins and figures: field shape only. The
rules are in `services.availability`, `services.dropins` and `selectors_figures`."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.centres.models import Weekday
from batteriet.core import time as clock
from batteriet.core.forms import AccessibleFormMixin
from batteriet.guidance.models import Mode, Topic
from batteriet.guidance.services import availability as availability_services

APPOINTMENT_LENGTHS = [30, 45, 60, 90, 120]
DROPIN_MINUTES_MAX = 600
LONGEST_PERIOD_DAYS = 5 * 366
NUL_MESSAGE = _("Remove the invisible special character.")
TIME_INVALID = _("Write a time of day, for example 10:00.")
DATE_INVALID = _("Write a date, for example 2026-01-31.")
ADVISER_INVALID = _("Choose an adviser who works at this centre.")


# Dates outside these years are typing mistakes (or forged); far-off years would also
# overflow when converted between time zones.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _sensible_year(day: dt.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise forms.ValidationError(_("Choose a date between the year 2000 and 2100."))


def _date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[_sensible_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_INVALID, "required": _("Give a date.")},
    )


def _time_field(label, *, help_text: str = "") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": TIME_INVALID, "required": _("Give a time of day.")},
    )


class _AdviserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


def _adviser_field() -> _AdviserChoice:
    return _AdviserChoice(
        label=_("Adviser"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": ADVISER_INVALID, "required": ADVISER_INVALID},
    )


class SlotForm(AccessibleFormMixin, forms.Form):
    """A weekly time an adviser can be booked."""

    adviser = _adviser_field()
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={"invalid_choice": _("Choose a weekday."), "required": _("Choose a weekday.")},
    )
    starts_at_time = _time_field(_("From"), help_text=_("For example 10:00."))
    ends_at_time = _time_field(_("To"), help_text=_("For example 14:00."))
    appointment_minutes = forms.TypedChoiceField(
        label=_("Length of each appointment"),
        choices=[
            (minutes, _("%(minutes)s minutes") % {"minutes": minutes}) for minutes in APPOINTMENT_LENGTHS
        ],
        coerce=int,
        initial=60,
        help_text=_("The time is cut into appointments of this length."),
        error_messages={"invalid_choice": _("Choose one of the lengths.")},
    )
    valid_from = _date_field(_("From date"), help_text=_("The first day people can book this time."))
    valid_until = _date_field(
        _("Until date"), required=False, help_text=_("Leave empty if the time goes on until you delete it.")
    )

    def __init__(self, *args, advisers, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("valid_from", clock.local_today())
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers
        if advisers.count() == 1:
            self.fields["adviser"].help_text = _(
                "You set your own times. The centre's lead can set anyone's."
            )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("starts_at_time"), data.get("ends_at_time")
        if start and end and end <= start:
            self.add_error("ends_at_time", _("The time must end after it starts. Check the end time."))
        first, last = data.get("valid_from"), data.get("valid_until")
        if first and last and last < first:
            self.add_error("valid_until", _("The last day cannot be before the first day."))
        return data


class AbsenceForm(AccessibleFormMixin, forms.Form):
    """An adviser is away from a day and time to another."""

    adviser = _adviser_field()
    starts_on = _date_field(_("From date"))
    starts_time = _time_field(_("From time"), help_text=_("For a whole day, 00:00."))
    ends_on = _date_field(_("To date"))
    ends_time = _time_field(_("To time"), help_text=_("For a whole day, 23:59."))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=availability_services.REASON_MAX,
        help_text=_(
            "Everyone at the centre sees it. For example “Holiday” or “Course”; never health details. "
            "At most 200 characters."
        ),
        error_messages={"null_characters_not_allowed": NUL_MESSAGE},
    )

    def __init__(self, *args, advisers, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("starts_time", dt.time(0))
        kwargs["initial"].setdefault("ends_time", dt.time(23, 59))
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers

    def clean(self) -> dict:
        data = super().clean()
        parts = [data.get(name) for name in ("starts_on", "starts_time", "ends_on", "ends_time")]
        if all(part is not None for part in parts):
            data["starts_at"] = dt.datetime.combine(parts[0], parts[1], tzinfo=clock.OSLO)
            data["ends_at"] = dt.datetime.combine(parts[2], parts[3], tzinfo=clock.OSLO)
        return data

    def add_rule_violation(self, violation) -> None:
        field = {"starts_at": "starts_on", "ends_at": "ends_on"}.get(violation.field, violation.field)
        self.add_error(field if field in self.fields else None, str(violation.message))


class DropInForm(AccessibleFormMixin, forms.Form):
    """How and how long (above), then one button per topic."""

    mode = forms.ChoiceField(
        label=_("How"),
        choices=Mode.choices,
        initial=Mode.CENTRE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the options."), "required": _("Choose how.")},
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=DROPIN_MINUTES_MAX,
        initial=15,
        help_text=_("From 1 minute to 10 hours (600 minutes)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Write a number of minutes, for example 15."),
            "required": _("Write a number of minutes, for example 15."),
            "min_value": _("From 1 minute to 10 hours (600 minutes)."),
            "max_value": _("From 1 minute to 10 hours (600 minutes)."),
        },
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=Topic.choices,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("Choose a topic with one of the buttons."),
            "required": _("Choose a topic with one of the buttons."),
        },
    )

    def add_rule_violation(self, violation) -> None:
        field = violation.field if violation.field in ("mode", "minutes") else None
        self.add_error(field, str(violation.message))


class FiguresForm(AccessibleFormMixin, forms.Form):
    """Which figures: a centre (or all, for a national coordinator) and a period."""

    centre = forms.ChoiceField(
        label=_("Centre"),
        error_messages={"invalid_choice": _("Choose one of your centres.")},
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
