"""Forms for bookings: field shape only. The rules live in `rules` and `services`."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from batteriet.bookings import rules, selectors
from batteriet.bookings.models import Resource, ResourceKind
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import AccessibleFormMixin
from batteriet.organisations.models import Organisation

FIRST_YEAR, LAST_YEAR = 2000, 2100
# Desks and equipment are lent for a period: a first and a last day.
PERIOD_KINDS = {ResourceKind.DESK, ResourceKind.EQUIPMENT}
# How each kind names its start and end (date, time), so the form reads like the loan.
TIME_LABELS = {
    ResourceKind.DESK: (_("First day"), _("Arriving at"), _("Last day"), _("Leaving at")),
    ResourceKind.EQUIPMENT: (_("Pick-up date"), _("Pick-up time"), _("Return date"), _("Return time")),
}
PERIOD_LABELS = (_("From date"), _("From time"), _("To date"), _("To time"))


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _sensible_day(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(_("Choose a date between today and the next few months."))
    return day


def initial_times(query: QueryDict) -> dict[str, dt.date | dt.time]:
    """Date and times asked for in the address (`?dag=2027-01-05&fra=10:00&til=12:00`), as far
    as they make sense, so "find a free room" and the week view can fill in the form."""
    initial: dict[str, dt.date | dt.time] = {}
    for key, field, parse in (
        ("dag", "day", dt.date.fromisoformat),
        ("til-dag", "end_day", dt.date.fromisoformat),
        ("fra", "starts_at", dt.time.fromisoformat),
        ("til", "ends_at", dt.time.fromisoformat),
    ):
        try:
            value = parse(query.get(key, "")[:10])
        except ValueError:
            continue
        if not isinstance(value, dt.date) or FIRST_YEAR <= value.year <= LAST_YEAR:
            initial[field] = value
    if "day" in initial and "end_day" not in initial:
        initial["end_day"] = initial["day"]
    return initial


class TimesMixin:
    """A start and an end: one date with two times, or (for a period) two dates and times.

    The start and end fields are named like the service's arguments, so a rule that
    complains about `starts_at` or `ends_at` puts its message next to the right field.
    A subclass declares `day`, `starts_at`, `end_day` and `ends_at`, and calls
    `_arrange_times` with whether it is a period.
    """

    # Premises: on one date, an end before the start is on the next day.
    overnight_allowed = False

    def _arrange_times(self, *, period: bool, labels=None) -> None:
        self.is_period = period
        if not period:
            del self.fields["end_day"]
            return
        self.order_fields(["organisation", "resource", "day", "starts_at", "end_day", "ends_at"])
        for name, label in zip(
            ("day", "starts_at", "end_day", "ends_at"), labels or PERIOD_LABELS, strict=True
        ):
            self.fields[name].label = label

    def clean_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["day"])

    def clean_end_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["end_day"])

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The start and end as aware datetimes in Europe/Oslo (call after `is_valid`).

        On one date, an end earlier than the start means the next day: an evening on
        premises may go on past midnight.
        """
        data = self.cleaned_data
        starts_at = dt.datetime.combine(data["day"], data["starts_at"], tzinfo=clock.OSLO)
        end_day = data["end_day"] if self.is_period else data["day"]
        if not self.is_period and data["ends_at"] < data["starts_at"] and self.overnight_allowed:
            end_day += dt.timedelta(days=1)
        return starts_at, dt.datetime.combine(end_day, data["ends_at"], tzinfo=clock.OSLO)


class BookingForm(TimesMixin, AccessibleFormMixin, forms.Form):
    """Who books, when, what for; for premises also who is present and responsible."""

    organisation = forms.ModelChoiceField(
        label=_("Who is booking"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    day = forms.DateField(label=_("Date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("From"), widget=_time_input())
    end_day = forms.DateField(label=_("To date"), widget=_date_input())
    ends_at = forms.TimeField(label=_("To"), widget=_time_input())
    purpose = forms.CharField(
        label=_("What is the booking for?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: board meeting, course or coffee meeting. At most 500 characters."),
    )
    expected_people = forms.IntegerField(
        label=_("How many people do you expect?"), min_value=1, max_value=10_000, required=False
    )
    quantity = forms.IntegerField(label=_("How many do you need?"), min_value=1, max_value=1000, initial=1)
    responsible_name = forms.CharField(
        label=_("Responsible person present"),
        max_length=200,
        help_text=_("The person who is there the whole time, and who locks up afterwards."),
    )
    responsible_phone = forms.CharField(
        label=_("Phone number of the responsible person"),
        max_length=40,
        help_text=_("Eight digits for a Norwegian number, or + and the country code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, resource: Resource, organisations, choose_organisation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.fields["organisation"].queryset = organisations
        choices = [] if choose_organisation else list(organisations[:2])
        # One organisation: nothing to choose, so no field to fill in.
        self.only_organisation = choices[0] if len(choices) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]
        if resource.is_equipment:
            del self.fields["expected_people"]
        else:
            del self.fields["quantity"]
        self.overnight_allowed = resource.kind == ResourceKind.PREMISES
        if self.overnight_allowed:
            self.fields["ends_at"].help_text = _(
                "If you stay past midnight, the end time is on the next day."
            )
        else:
            del self.fields["responsible_name"]
            del self.fields["responsible_phone"]
        self._arrange_times(period=resource.kind in PERIOD_KINDS, labels=TIME_LABELS.get(resource.kind))

    def clean_responsible_phone(self) -> str:
        try:
            return rules.responsible_phone_e164(self.cleaned_data["responsible_phone"])
        except RuleViolation as violation:
            raise ValidationError(str(violation.message)) from violation

    def booker(self) -> Organisation:
        """The organisation that books (call after `is_valid`)."""
        return self.only_organisation or self.cleaned_data["organisation"]

    def responsible(self) -> dict[str, str]:
        """The responsible person's name and phone, for premises (call after `is_valid`)."""
        return {
            "responsible_name": self.cleaned_data.get("responsible_name", ""),
            "responsible_phone": self.cleaned_data.get("responsible_phone", ""),
        }


class StaffBookingForm(BookingForm):
    """Staff book on an organisation's behalf: they choose it from a list."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, choose_organisation=True, **kwargs)
        field = self.fields["organisation"]
        field.label = _("Which organisation is booking")
        field.help_text = _("Organisations with a user agreement with this centre.")
        field.empty_label = _("Choose an organisation")
        field.widget = forms.Select(attrs={"class": "ds-input"})
        field.widget.choices = field.choices


class ResourceChoiceField(forms.ModelChoiceField):
    """Resources named with their centre, so staff of several centres can tell them apart."""

    def label_from_instance(self, obj: Resource) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()}, {obj.centre.name})"


class ChooseResourceForm(AccessibleFormMixin, forms.Form):
    """The first step of booking on an organisation's behalf: what to book."""

    ressurs = ResourceChoiceField(
        label=_("What do you want to book?"),
        queryset=Resource.objects.none(),
        empty_label=_("Choose a room, desk or equipment"),
    )

    def __init__(self, *args, resources: QuerySet[Resource], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ressurs"].queryset = resources


class BlockForm(TimesMixin, AccessibleFormMixin, forms.Form):
    """Staff keep a resource free of bookings for a while, for maintenance or their own use."""

    resource = ResourceChoiceField(
        label=_("What do you want to block?"),
        queryset=Resource.objects.none(),
        empty_label=_("Choose a room, desk or equipment"),
    )
    day = forms.DateField(label=_("From date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("From time"), widget=_time_input())
    end_day = forms.DateField(label=_("To date"), widget=_date_input())
    ends_at = forms.TimeField(label=_("To time"), widget=_time_input())
    reason = forms.CharField(
        label=_("Why is it blocked?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: painting, or the centre's own meeting. At most 500 characters."),
    )

    def __init__(self, *args, resources: QuerySet[Resource], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources
        self._arrange_times(period=True)


class MoveForm(TimesMixin, AccessibleFormMixin, forms.Form):
    """Staff move a booking to a new time, and perhaps to another room of the same kind."""

    resource = ResourceChoiceField(label=_("Where"), queryset=Resource.objects.none(), empty_label=None)
    day = forms.DateField(label=_("New date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("From"), widget=_time_input())
    end_day = forms.DateField(label=_("To date"), widget=_date_input())
    ends_at = forms.TimeField(label=_("To"), widget=_time_input())
    reason = forms.CharField(
        label=_("Message to the organisation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the booking is moved. The organisation sees this. At most 2000 characters."),
    )

    def __init__(self, *args, resource: Resource, resources: QuerySet[Resource], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources
        self.overnight_allowed = resource.kind == ResourceKind.PREMISES
        self._arrange_times(period=resource.kind in PERIOD_KINDS, labels=TIME_LABELS.get(resource.kind))


class StaffCancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation sees this reason. At most 2000 characters."),
    )


class DeclineForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation sees this reason. At most 2000 characters."),
    )


class FreeRoomForm(AccessibleFormMixin, forms.Form):
    """The filters of "find a free room": a GET form, so every field may be missing or wrong."""

    dag = forms.DateField(label=_("Date"), widget=_date_input())
    fra = forms.TimeField(label=_("From"), widget=_time_input())
    til = forms.TimeField(label=_("To"), widget=_time_input())
    personer = forms.IntegerField(
        label=_("At least this many people"), min_value=1, max_value=10_000, required=False
    )
    type = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Rooms, premises and desks"))]
        + [(kind.value, kind.label) for kind in ResourceKind if kind != ResourceKind.EQUIPMENT],
    )
    trinnfri = forms.BooleanField(label=_("Step-free access"), required=False)
    teleslynge = forms.BooleanField(label=_("Hearing loop"), required=False)
    hc_toalett = forms.BooleanField(label=_("Accessible toilet"), required=False)

    def clean_dag(self) -> dt.date:
        return _sensible_day(self.cleaned_data["dag"])

    def clean(self):
        data = super().clean()
        starts, ends = data.get("fra"), data.get("til")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("til", _("The end must be after the start. Choose a later time."))
        return data

    def filters(self) -> selectors.FreeRoomFilters:
        data = self.cleaned_data
        return selectors.FreeRoomFilters(
            min_people=data.get("personer"),
            kind=data.get("type") or None,
            step_free=data.get("trinnfri", False),
            hearing_loop=data.get("teleslynge", False),
            accessible_toilet=data.get("hc_toalett", False),
        )

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["dag"]
        return (
            dt.datetime.combine(day, self.cleaned_data["fra"], tzinfo=clock.OSLO),
            dt.datetime.combine(day, self.cleaned_data["til"], tzinfo=clock.OSLO),
        )
