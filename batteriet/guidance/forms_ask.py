"""Forms for asking for guidance, declining a proposed time and moving an appointment:
field shape only. The rules (texts, choices, free times) live in `rules.py` and the
services; their RuleViolations land by the field they concern."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core.forms import AccessibleFormMixin
from batteriet.guidance import rules, selectors_ask
from batteriet.guidance.models import Mode, RequesterRole, Topic
from batteriet.organisations.models import Membership, Organisation

# The services name the time "starts_at" and the adviser "adviser"; on these forms both are "time".
_FIELD_NAMES = {"starts_at": "time", "adviser": "time", "ends_at": "time"}


class TimeFormMixin:
    """A chosen free time as one value (see `selectors_ask.time_value`)."""

    def add_rule_violation(self, violation) -> None:
        name = _FIELD_NAMES.get(violation.field, violation.field)
        self.add_error(name if name in self.fields else None, str(violation.message))

    def clean_time(self) -> str:
        value = self.cleaned_data.get("time") or ""
        if value == selectors_ask.NO_TIME and getattr(self, "allow_no_time", False):
            return value
        if selectors_ask.parse_time_value(value) is None:
            raise forms.ValidationError(_("Choose one of the times in the list."), code="invalid_time")
        return value

    def chosen_time(self):
        """(adviser id, start in UTC), or None when the person leaves the time to staff."""
        return selectors_ask.parse_time_value(self.cleaned_data.get("time") or "")


class CleanTextMixin:
    """The texts are checked like the service checks them (NUL, length), by the field."""

    text_limits: dict[str, int] = {}

    def clean(self):
        cleaned = super().clean()
        for name, limit in self.text_limits.items():
            if name in self.errors or name not in cleaned:
                continue
            value = self.data.get(self.add_prefix(name), "")
            if "\x00" in value:
                self.add_error(name, _("The text has a character we cannot store. Remove it and try again."))
            elif len(value.strip()) > limit:
                self.add_error(name, _("Write at most %(count)s characters.") % {"count": limit})
        return cleaned


def _text(label, *, required: bool = False, rows: int | None = None, help_text="") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    # No max_length: an over-long text gets our own message, not a silent cut by the browser.
    return forms.CharField(label=label, required=required, widget=widget, help_text=help_text, strip=True)


class AskForm(TimeFormMixin, CleanTextMixin, AccessibleFormMixin, forms.Form):
    """Ask for guidance at a centre: who asks, about what, how, what is needed, and a time."""

    allow_no_time = True
    text_limits = {
        "situation": rules.SITUATION_MAX,
        "language_need": rules.LANGUAGE_NEED_MAX,
        "accessibility_need": rules.ACCESSIBILITY_NEED_MAX,
        "preferred_times": rules.PREFERRED_TIMES_MAX,
    }

    role = forms.ChoiceField(
        label=_("Who is asking?"), choices=RequesterRole.choices, widget=forms.RadioSelect
    )
    topic = forms.ChoiceField(
        label=_("What would you like to talk about?"), choices=Topic.choices, widget=forms.RadioSelect
    )
    situation = _text(
        _("A few words about your situation"),
        required=True,
        rows=5,
    )
    mode = forms.ChoiceField(
        label=_("How would you like to meet?"), choices=Mode.choices, widget=forms.RadioSelect
    )
    language_need = _text(
        _("Language or interpreter"),
        help_text=_("For example: I would like to speak English, or we need an interpreter for Arabic."),
    )
    accessibility_need = _text(
        _("Accessibility"),
        rows=2,
        help_text=_("For example: I use a wheelchair, or I need written information in advance."),
    )
    time = forms.CharField(label=_("Choose a time"), required=True, strip=True)
    preferred_times = _text(
        _("Times that suit you"),
        rows=3,
        help_text=_(
            "Only if none of the times suit you. For example: Tuesday or Thursday afternoons, "
            "or any morning next week."
        ),
    )

    def __init__(self, *args, user: User, has_times: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_times = has_times
        memberships = (
            Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
        )
        self.organisations = {m.organisation.pk: m.organisation for m in memberships}
        if self.organisations:
            self.fields["organisation"] = forms.TypedChoiceField(
                label=_("Which organisation is it about?"),
                choices=[("", _("None of them, or no organisation yet"))]
                + [(pk, org.name) for pk, org in self.organisations.items()],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.order_fields(["role", "organisation"])
        self.fields["situation"].help_text = gettext(
            "What is it about, and what would you like help with? A few sentences are enough. "
            "At most %(count)s characters."
        ) % {"count": rules.SITUATION_MAX}
        if not has_times:
            self.fields["time"].required = False
            self.fields["preferred_times"].required = True
            self.fields["preferred_times"].help_text = _(
                "For example: Tuesday or Thursday afternoons, or any morning next week."
            )
        self.fields["preferred_times"].error_messages["required"] = _(
            "Write which days and times suit you, so the centre can propose a time."
        )
        self.fields["time"].error_messages["required"] = _(
            "Choose a time, or choose that none of them suit you."
        )
        self.fields["situation"].error_messages["required"] = _(
            "Write a few words about your situation, so the adviser can prepare."
        )

    def clean_time(self) -> str:
        if not self.has_times and not (self.cleaned_data.get("time") or ""):
            return selectors_ask.NO_TIME
        return super().clean_time()

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("time") == selectors_ask.NO_TIME
            and "preferred_times" not in self.errors
            and not (cleaned.get("preferred_times") or "").strip()
        ):
            self.add_error(
                "preferred_times",
                _("Write which days and times suit you, so the centre can propose a time."),
            )
        return cleaned

    def chosen_organisation(self) -> Organisation | None:
        pk = self.cleaned_data.get("organisation")
        return self.organisations.get(pk) if pk is not None else None


class DeclineForm(CleanTextMixin, AccessibleFormMixin, forms.Form):
    text_limits = {"preferred_times": rules.PREFERRED_TIMES_MAX}

    preferred_times = _text(
        _("Times that suit you instead"),
        rows=3,
        help_text=_("For example: Tuesday or Thursday afternoons. The centre will propose a new time."),
    )


class MoveForm(TimeFormMixin, AccessibleFormMixin, forms.Form):
    time = forms.CharField(label=_("Choose a new time"), required=True, strip=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time"].error_messages["required"] = _("Choose one of the times in the list.")
