"""Forms of the session record, notes, journey and read-log pages: field shape only.

The rules live in `rules` and `services.records` / `services.notes`. Field names match
the `field` of the services' `RuleViolation`s (`minutes`, `mode`, `people`, `topics`,
`outcomes`, `journey_steps`, `organisation`, `text`, `reached_on`), so a refusal lands
by the right field; `held_at` lands by the day and a follow-up's refusal by its row.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import AccessibleFormMixin
from batteriet.guidance import rules
from batteriet.guidance.models import JourneyStep, Mode, Outcome, Topic
from batteriet.guidance.selectors_records import Owners
from batteriet.guidance.services import notes as note_services
from batteriet.guidance.services import records as record_services
from batteriet.organisations.models import Organisation

FOLLOW_UP_ROWS = 3
FIRST_YEAR, LAST_YEAR = 2000, 2100
NUL_MESSAGE = _("Remove the invisible special character.")
DATE_MESSAGE = _("Write a date, for example 2026-01-31.")
TEXT_ERRORS = {"null_characters_not_allowed": NUL_MESSAGE}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=_date_input(), error_messages={"invalid": DATE_MESSAGE}, **kwargs
    )


def _sensible(day: dt.date | None) -> dt.date | None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(_("Choose a date between the year 2000 and 2100."))
    return day


class RecordForm(AccessibleFormMixin, forms.Form):
    """A guidance session: when, how long, how, who, what about, what came of it, the
    journey steps it moved, up to three follow-ups and an optional confidential note."""

    held_on = _date_field(_("Day of the session"))
    held_time = forms.TimeField(
        label=_("Time it started"),
        widget=_time_input(),
        help_text=_("Norwegian time."),
        error_messages={"invalid": _("Write a time, for example 14:30.")},
    )
    minutes = forms.IntegerField(
        label=_("How long it lasted (minutes)"),
        min_value=rules.SESSION_MIN_MINUTES,
        max_value=rules.SESSION_MAX_MINUTES,
        help_text=_("From 1 to 600 minutes."),
        error_messages={"invalid": _("Write a whole number of minutes, for example 60.")},
    )
    mode = forms.ChoiceField(label=_("How did you meet?"), choices=Mode.choices, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No organisation (for example someone who wants to start one)"),
        error_messages={"invalid_choice": _("Choose an organisation from the list.")},
    )
    people = forms.IntegerField(
        label=_("Number of people who took part"),
        min_value=1,
        max_value=record_services.MAX_PEOPLE,
        initial=1,
        error_messages={"invalid": _("Write a whole number, for example 2.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("What did you talk about?"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one topic."),
            "invalid_choice": _("Choose from the options."),
        },
    )
    outcomes = forms.MultipleChoiceField(
        label=_("What came out of it?"),
        choices=Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose from the options.")},
    )
    journey_steps = forms.MultipleChoiceField(
        label=_("Steps on the organisation's journey the session reached"),
        choices=JourneyStep.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose from the options.")},
    )
    note = forms.CharField(
        label=_("Confidential note"),
        required=False,
        max_length=note_services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=TEXT_ERRORS,
    )

    def __init__(
        self,
        *args,
        centre: Centre,
        owners: Owners,
        organisation: Organisation | None = None,
        choose_organisation: bool = False,
        reached: dict[str, dt.date] | None = None,
        may_write_note: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.fixed_organisation = organisation
        self.owners = owners.by_pk()
        self.reached = reached or {}
        self.reached_list = [
            (label, self.reached[value]) for value, label in JourneyStep.choices if value in self.reached
        ]
        if choose_organisation:
            from batteriet.guidance import selectors_records

            self.fields["organisation"].queryset = selectors_records.approved_organisations()
            self.fields["journey_steps"].help_text = _(
                "Only with an organisation. Steps it has already reached stay as they were."
            )
        else:
            del self.fields["organisation"]
            if organisation is None:
                del self.fields["journey_steps"]
            else:
                self.fields["journey_steps"].choices = [
                    (value, label) for value, label in JourneyStep.choices if value not in self.reached
                ]
                if not self.fields["journey_steps"].choices:
                    del self.fields["journey_steps"]
        if may_write_note:
            self.fields["note"].help_text = _(
                "Only advisers and the lead at %(centre)s can read this. Every read is logged. "
                "Deleted after 3 years without contact."
            ) % {"centre": centre.name}
        else:
            del self.fields["note"]
        owner_choices = [
            ("", _("Choose who")),
            (
                _("Staff at %(centre)s") % {"centre": centre.name},
                [(user.pk, user.full_name or user.email) for user in owners.staff],
            ),
        ]
        if owners.contacts:
            owner_choices.append(
                (
                    _("Contact persons of the organisation"),
                    [(user.pk, user.full_name or user.email) for user in owners.contacts],
                )
            )
        for number in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[f"follow_up_{number}_text"] = forms.CharField(
                label=_("Follow-up %(number)s: what needs doing") % {"number": number},
                required=False,
                max_length=record_services.FOLLOW_UP_TEXT_MAX,
                error_messages=TEXT_ERRORS,
            )
            self.fields[f"follow_up_{number}_owner"] = forms.TypedChoiceField(
                label=_("Follow-up %(number)s: who does it") % {"number": number},
                required=False,
                choices=owner_choices,
                coerce=int,
                empty_value=None,
                error_messages={"invalid_choice": _("Choose someone from the list.")},
            )
            self.fields[f"follow_up_{number}_due"] = _date_field(
                _("Follow-up %(number)s: by when") % {"number": number}, required=False
            )

    # --- field shape -----------------------------------------------------------------------
    def clean_held_on(self) -> dt.date:
        return _sensible(self.cleaned_data["held_on"])

    def clean(self) -> dict:
        data = super().clean()
        for number in range(1, FOLLOW_UP_ROWS + 1):
            text, owner, due = (f"follow_up_{number}_{part}" for part in ("text", "owner", "due"))
            if any(name in self.errors for name in (text, owner, due)):
                continue
            given = [data.get(text), data.get(owner), data.get(due)]
            if not any(given):
                continue
            if not data.get(text):
                self.add_error(text, _("Write what needs doing."))
            if not data.get(owner):
                self.add_error(owner, _("Choose who does it."))
            if not data.get(due):
                self.add_error(due, _("Give the day it should be done by."))
            elif data.get(due) and not FIRST_YEAR <= data[due].year <= LAST_YEAR:
                self.add_error(due, _("Choose a date between the year 2000 and 2100."))
        # Notes are read per organisation: a note without one could never be read.
        organisation = data.get("organisation") if "organisation" in self.fields else self.fixed_organisation
        if data.get("note") and organisation is None and "organisation" not in self.errors:
            self.add_error("note", _("A note needs an organisation: choose one, or leave the note empty."))
        return data

    def follow_up_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"follow_up_{number}_{part}"] for part in ("text", "owner", "due")]
            for number in range(1, FOLLOW_UP_ROWS + 1)
        ]

    # --- values for the service (after is_valid) ------------------------------------------
    def held_at(self) -> dt.datetime:
        return dt.datetime.combine(
            self.cleaned_data["held_on"], self.cleaned_data["held_time"], tzinfo=clock.OSLO
        )

    def chosen_organisation(self) -> Organisation | None:
        if "organisation" in self.fields:
            return self.cleaned_data.get("organisation")
        return self.fixed_organisation

    def follow_ups(self) -> list[tuple[str, object, dt.date]]:
        """(what, who, by when) for each row filled in, in order."""
        rows = []
        self.row_numbers = []
        for number in range(1, FOLLOW_UP_ROWS + 1):
            text = self.cleaned_data.get(f"follow_up_{number}_text")
            if text:
                owner = self.owners.get(self.cleaned_data[f"follow_up_{number}_owner"])
                rows.append((text, owner, self.cleaned_data[f"follow_up_{number}_due"]))
                self.row_numbers.append(number)
        return rows

    def add_rule_violation(self, violation: RuleViolation) -> None:
        """Put the service's refusal by its field: the day for `held_at`, the row for a follow-up."""
        item = getattr(violation, "item", None)
        if violation.field == "follow_ups" and item is not None and item < len(self.row_numbers):
            number = self.row_numbers[item]
            part = {"follow_up_owner_invalid": "owner", "follow_up_due_invalid": "due"}.get(
                violation.code, "text"
            )
            self.add_error(f"follow_up_{number}_{part}", str(violation.message))
            return
        if violation.field == "held_at":
            self.add_error("held_on", str(violation.message))
            return
        if violation.field == "organisation" and "organisation" not in self.fields:
            self.add_error(None, str(violation.message))
            return
        super().add_rule_violation(violation)


class NoteForm(AccessibleFormMixin, forms.Form):
    """A new confidential note about an organisation, at one of the writer's centres."""

    centre = forms.TypedChoiceField(
        label=_("Centre"),
        coerce=int,
        help_text=_("Only advisers and the lead at this centre can read the note."),
        error_messages={"invalid_choice": _("Choose one of your centres.")},
    )
    text = forms.CharField(
        label=pgettext_lazy("confidential note", "Note"),
        max_length=note_services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Every read is logged. Deleted after 3 years without contact. At most 10,000 characters."
        ),
        error_messages={"required": _("Write the note."), **TEXT_ERRORS},
    )

    def __init__(self, *args, centres: list[Centre], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.centres = {centre.pk: centre for centre in centres}
        self.fields["centre"].choices = [(centre.pk, centre.name) for centre in centres]
        if len(centres) == 1:
            self.fields["centre"].widget = forms.HiddenInput()
            self.fields["centre"].initial = centres[0].pk
            self.fields["text"].help_text = _(
                "Only advisers and the lead at %(centre)s can read this. Every read is logged. "
                "Deleted after 3 years without contact."
            ) % {"centre": centres[0].name}

    def chosen_centre(self) -> Centre:
        return self.centres[self.cleaned_data["centre"]]


class JourneyStepForm(forms.Form):
    """Mark one step reached (on a day) or not reached. Rendered by hand per step."""

    step = forms.ChoiceField(choices=JourneyStep.choices)
    action = forms.ChoiceField(choices=[("set", "set"), ("unset", "unset")])
    reached_on = forms.DateField(required=False, error_messages={"invalid": DATE_MESSAGE})

    def clean_reached_on(self) -> dt.date | None:
        return _sensible(self.cleaned_data.get("reached_on"))


class PeriodForm(AccessibleFormMixin, forms.Form):
    """Which reads to show: from one day to another (by default the last 90 days)."""

    DEFAULT_DAYS = 90

    starts_on = _date_field(_("From date"))
    ends_on = _date_field(_("To date"))

    def __init__(self, data=None, **kwargs) -> None:
        today = clock.local_today()
        defaults = {
            "starts_on": (today - dt.timedelta(days=self.DEFAULT_DAYS)).isoformat(),
            "ends_on": today.isoformat(),
        }
        if data is not None:
            data = data.copy()
            for key, value in defaults.items():
                if not data.get(key):
                    data[key] = value
        else:
            data = defaults
        super().__init__(data, **kwargs)

    def clean_starts_on(self) -> dt.date:
        return _sensible(self.cleaned_data["starts_on"])

    def clean_ends_on(self) -> dt.date:
        return _sensible(self.cleaned_data["ends_on"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        return data

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period on the Oslo clock: its first moment and the moment after its last day."""
        if self.is_valid():
            first, last = self.cleaned_data["starts_on"], self.cleaned_data["ends_on"]
        else:
            today = clock.local_today()
            first, last = today - dt.timedelta(days=self.DEFAULT_DAYS), today
        start = dt.datetime.combine(first, dt.time.min, tzinfo=clock.OSLO)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=clock.OSLO)
        return start, end

    def query(self) -> str:
        if not self.is_valid():
            return ""
        return f"starts_on={self.cleaned_data['starts_on']:%Y-%m-%d}&ends_on={self.cleaned_data['ends_on']:%Y-%m-%d}"
