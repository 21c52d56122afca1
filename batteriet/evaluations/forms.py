"""Form fields for the three battery-effect statements, shared by every evaluation form.

Each statement is a radio group 1–5 in a fieldset of its own (the statement is the
legend), with words at the ends of the scale. The form checks the shape only; the rules
are in `rules.py`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.core.forms import AccessibleFormMixin
from batteriet.evaluations.models import SCALE, STATEMENTS

FREE_TEXT_MAX = 3000


def scale_choices() -> list[tuple[str, str]]:
    """1–5, with words at the ends so the scale is clear without a picture."""
    choices = []
    for value in SCALE:
        if value == SCALE[0]:
            label = _("1 = not at all")
        elif value == SCALE[-1]:
            label = _("5 = very much")
        else:
            label = str(value)
        choices.append((str(value), label))
    return choices


def statement_field(statement) -> forms.TypedChoiceField:
    message = _("Choose a number from 1 to 5.")
    return forms.TypedChoiceField(
        label=statement,
        choices=scale_choices(),
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
        error_messages={"required": message, "invalid_choice": message},
    )


def free_text_field() -> forms.CharField:
    return forms.CharField(
        label=_("Anything else you want to tell us?"),
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "ds-input"}),
        help_text=_("At most 3000 characters. Please do not write names."),
        error_messages={"null_characters_not_allowed": _("Remove the invisible special character.")},
    )


class BatteryEffectForm(AccessibleFormMixin, forms.Form):
    """The three statements and a free text. Subclasses may add their own questions."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        statements = {name: statement_field(statement) for name, statement in STATEMENTS}
        self.fields = {**statements, **self.fields, "free_text": free_text_field()}

    def scores(self) -> dict[str, int]:
        """The three scores by field name (call after `is_valid`)."""
        return {name: self.cleaned_data[name] for name, _statement in STATEMENTS}
