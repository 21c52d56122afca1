"""Forms for the organisers' pages: field shape only. The rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from batteriet.accounts.models import User
from batteriet.core.forms import AccessibleFormMixin
from batteriet.events.models import Registration
from batteriet.organisations.models import Organisation, OrganisationStatus

MAX_PLACES = 100_000
MAX_NAMES = 50
NAME_MAX_LENGTH = 200


class CapacityForm(AccessibleFormMixin, forms.Form):
    capacity = forms.IntegerField(
        label=_("New number of places"),
        required=False,
        min_value=1,
        max_value=MAX_PLACES,
        help_text=_("More places are offered to those waiting, first in line first."),
    )
    no_limit = forms.BooleanField(label=_("No limit: everyone who registers gets a place"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if "capacity" in self.errors:
            return data
        if data.get("capacity") is None and not data.get("no_limit"):
            self.add_error("capacity", _("Write the number of places, or tick “No limit”."))
        elif data.get("capacity") is not None and data.get("no_limit"):
            self.add_error("no_limit", _("Either write a number of places or tick “No limit”, not both."))
        return data

    def chosen_capacity(self) -> int | None:
        return None if self.cleaned_data.get("no_limit") else self.cleaned_data["capacity"]


class StaffRegisterForm(AccessibleFormMixin, forms.Form):
    """Register people by name (walk-in, phone) and/or someone with an account by e-mail."""

    names = forms.CharField(
        label=_("Names"),
        required=False,
        max_length=MAX_NAMES * (NAME_MAX_LENGTH + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One person per line. For people without an account, for example on the phone or at the door."
        ),
    )
    email = forms.EmailField(
        label=_("Or the e-mail address of someone with an account"),
        required=False,
        max_length=254,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=pgettext_lazy("organisation", "None"),
        help_text=_("The organisation they come from, if any."),
    )
    accept_partial = forms.BooleanField(
        label=_("If not everyone fits, give the places left to the first ones and let the rest wait"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            status=OrganisationStatus.APPROVED
        ).order_by("name")

    def clean_names(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["names"].splitlines() if line.strip()]
        if len(names) > MAX_NAMES:
            raise forms.ValidationError(
                _("Register at most %(count)s people at a time.") % {"count": MAX_NAMES}
            )
        if any(len(name) > NAME_MAX_LENGTH for name in names):
            raise forms.ValidationError(
                _("Each name can be at most %(count)s characters.") % {"count": NAME_MAX_LENGTH}
            )
        return names

    def clean_email(self) -> User | None:
        email = self.cleaned_data["email"]
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(
                _("Nobody has an account with this e-mail address. Write their name instead.")
            )
        return person

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("names") and data.get("email") is None:
            self.add_error(
                "names", _("Write at least one name, or the e-mail address of someone with an account.")
            )
        return data

    def people(self) -> list[User]:
        person = self.cleaned_data.get("email")
        return [person] if person is not None else []


CAME = "came"
DID_NOT_COME = "absent"


class AttendanceForm(AccessibleFormMixin, forms.Form):
    """One "Came" / "Did not come" choice per confirmed registration, sent as one list."""

    def __init__(self, *args, registrations: list[Registration], marks: dict[int, bool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            mark = marks.get(registration.pk)
            self.fields[self.field_name(registration)] = forms.ChoiceField(
                label=registration.display_name,
                choices=[(CAME, _("Came")), (DID_NOT_COME, _("Did not come"))],
                widget=forms.RadioSelect,
                required=False,
                initial=None if mark is None else (CAME if mark else DID_NOT_COME),
            )

    @staticmethod
    def field_name(registration: Registration) -> str:
        return f"r{registration.pk}"

    def rows(self) -> list[tuple[Registration, forms.BoundField]]:
        return [(registration, self[self.field_name(registration)]) for registration in self.registrations]

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not self.marks():
            raise forms.ValidationError(_("Mark at least one person as came or did not come."))
        return data

    def marks(self) -> dict[int, bool]:
        marks = {}
        for registration in self.registrations:
            value = self.cleaned_data.get(self.field_name(registration))
            if value:
                marks[registration.pk] = value == CAME
        return marks
