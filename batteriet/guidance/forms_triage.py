"""Forms for staff handling requests for guidance: field shape only. The rules (clashes,
absences, notice, horizon, who may take a request) are in the services.

The time fields are named like the services' arguments (`starts_at`, `ends_at`), so a
rule that complains about one of them puts its message next to the right field.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.forms import AccessibleFormMixin
from batteriet.guidance import rules
from batteriet.guidance.models import Mode

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _sensible_day(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(_("Choose a date in the coming weeks."))
    return day


def _message(label, *, required: bool, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=rules.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class AdviserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


def initial_time(query: QueryDict, advisers: list[User] | None = None) -> dict:
    """A free time chosen from the list (`?adviser=3&day=2027-01-05&starts_at=10:00&ends_at=11:00`),
    as far as it makes sense: anything odd is left out, so the form just starts empty."""
    initial: dict = {}
    for key, parse in (
        ("day", dt.date.fromisoformat),
        ("starts_at", dt.time.fromisoformat),
        ("ends_at", dt.time.fromisoformat),
    ):
        try:
            value = parse(query.get(key, "")[:10])
        except ValueError:
            continue
        if not isinstance(value, dt.date) or FIRST_YEAR <= value.year <= LAST_YEAR:
            initial[key] = value
    adviser = query.get("adviser", "")
    if advisers is not None and adviser.isdigit():
        chosen = next((user for user in advisers if str(user.pk) == adviser), None)
        if chosen is not None:
            initial["adviser"] = chosen.pk
    return initial


class _DayAndTimeMixin:
    def clean_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["day"])

    def _moment(self, name: str) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data[name], tzinfo=clock.OSLO)


class ProposeForm(_DayAndTimeMixin, AccessibleFormMixin, forms.Form):
    """Staff propose a time with an adviser of the centre; the person accepts or declines it."""

    adviser = AdviserChoiceField(label=_("Adviser"), queryset=User.objects.none(), empty_label=None)
    day = forms.DateField(label=_("Date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("From"), widget=_time_input())
    ends_at = forms.TimeField(label=_("To"), widget=_time_input())
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, widget=forms.RadioSelect)
    message = _message(
        _("Message to the person"),
        required=False,
        help_text=_("They see it with the proposed time. At most 2000 characters."),
    )

    def __init__(self, *args, advisers: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The start and end as aware datetimes in Europe/Oslo (call after `is_valid`)."""
        return self._moment("starts_at"), self._moment("ends_at")


class MoveForm(_DayAndTimeMixin, AccessibleFormMixin, forms.Form):
    """Staff move a booked appointment: a new date and start; it keeps its length."""

    day = forms.DateField(label=_("New date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("New start time"), widget=_time_input())

    def starts(self) -> dt.datetime:
        return self._moment("starts_at")


class HandOverForm(AccessibleFormMixin, forms.Form):
    """Hand a request over to another adviser here, or to another centre (and an adviser there)."""

    centre = forms.ModelChoiceField(
        label=_("Centre"),
        queryset=Centre.objects.none(),
        empty_label=None,
        help_text=_("Keep this centre to hand the request to another adviser here."),
    )
    adviser = forms.TypedChoiceField(
        label=_("Adviser"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Needed when the request stays at this centre. At another centre, they can choose."),
    )
    message = _message(
        _("Message to the person"),
        required=True,
        help_text=_("Why someone else takes over. They see it. At most 2000 characters."),
    )

    def __init__(self, *args, groups: list[tuple[str | None, list[User]]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = Centre.objects.order_by("name")
        choices: list = [("", _("No one in particular"))]
        self._advisers: dict[int, User] = {}
        for name, users in groups:
            choices.append((name or _("National coordinators"), [(user.pk, str(user)) for user in users]))
            self._advisers.update({user.pk: user for user in users})
        self.fields["adviser"].choices = choices

    def chosen_adviser(self) -> User | None:
        pk = self.cleaned_data.get("adviser")
        return self._advisers.get(pk) if pk is not None else None


class ReferForm(AccessibleFormMixin, forms.Form):
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=rules.REFERRED_TO_MAX,
        help_text=_(
            "Where the person can get help, for example another organisation or a public office. "
            "At most 300 characters."
        ),
    )
    message = _message(
        _("Message to the person"),
        required=True,
        help_text=_("Why, and how to get in touch there. They see it. At most 2000 characters."),
    )


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Message to the person"),
        max_length=rules.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the time is cancelled. They see it. At most 1000 characters."),
    )
