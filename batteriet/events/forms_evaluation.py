"""Forms of the evaluation pages: field shape only. The rules live in `services.evaluation`."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.core.forms import AccessibleFormMixin
from batteriet.evaluations.forms import BatteryEffectForm
from batteriet.events.models import EvaluationQuestion, EventKind
from batteriet.events.services import evaluation as evaluation_services

NUL_MESSAGE = _("Remove the invisible special character.")


class EvaluateForm(BatteryEffectForm):
    """The three statements, the event's own questions (free text) and anything else."""

    def __init__(self, *args, questions: list[EvaluationQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        own = {
            _question_field_name(question): forms.CharField(
                label=question.label,
                required=False,
                max_length=evaluation_services.ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
                error_messages={"null_characters_not_allowed": NUL_MESSAGE},
            )
            for question in questions
        }
        free_text = self.fields.pop("free_text")
        self.fields.update(own)
        self.fields["free_text"] = free_text

    def answers(self) -> dict[int, str]:
        """Answers to the event's own questions by question id (call after `is_valid`)."""
        return {
            question.pk: self.cleaned_data.get(_question_field_name(question), "")
            for question in self.questions
        }


def _question_field_name(question: EvaluationQuestion) -> str:
    return f"question_{question.pk}"


class QuestionForm(AccessibleFormMixin, forms.Form):
    label = forms.CharField(
        label=_("Your own question"),
        max_length=evaluation_services.QUESTION_MAX,
        help_text=_(
            "Asked after the three statements, and answered in writing. For example: "
            "What will you do differently after the course? At most 300 characters."
        ),
        error_messages={
            "required": _("Write the question."),
            "null_characters_not_allowed": NUL_MESSAGE,
        },
    )


def _this_year() -> tuple[dt.date, dt.date]:
    from batteriet.core import time as clock

    year = clock.local_today().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


class SummaryFilterForm(AccessibleFormMixin, forms.Form):
    """Which answers to count: given in a period, at a centre, for a kind of event."""

    starts_on = forms.DateField(
        label=_("From date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write a date, for example 2026-01-31.")},
    )
    ends_on = forms.DateField(
        label=_("To date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write a date, for example 2026-12-31.")},
    )
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)

    def __init__(self, data=None, *, centres, **kwargs) -> None:
        starts_on, ends_on = _this_year()
        if data is not None:
            data = data.copy()
            data.setdefault("starts_on", starts_on.isoformat())
            data.setdefault("ends_on", ends_on.isoformat())
        else:
            data = {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}
        super().__init__(data, **kwargs)
        self.fields["centre"].choices = [("", _("All centres")), *((c.pk, c.name) for c in centres)]
        self.fields["kind"].choices = [("", _("All kinds")), *EventKind.choices]

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        if starts_on and ends_on and (ends_on - starts_on).days > 366 * 10:
            self.add_error("ends_on", _("Choose a period of at most ten years."))
        return data
