"""Forms staff use to create and edit events, their programme, questions and partners.

Field shape only: the rules live in `rules` and `services.manage`. Field names match the
`field` of the services' `RuleViolation`s, so a refusal lands next to the right field.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteriet.bookings.models import Resource
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.forms import AccessibleFormMixin
from batteriet.events import rules
from batteriet.events.models import (
    Audience,
    Event,
    EventKind,
    Language,
    PartnerRole,
    PlaceKind,
    QuestionKind,
    Session,
)
from batteriet.events.services.manage import EventData, SessionData
from batteriet.organisations.models import Organisation

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_PLACES = 100_000


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _sensible_day(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(_("Choose a date between the year 2000 and 2100."))
    return day


def _oslo(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=clock.OSLO)


def _oslo_moment(value: dt.datetime | None) -> dt.datetime | None:
    """A date and time typed in as Oslo time, whatever zone the request runs in."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = timezone.make_naive(value)
    _sensible_day(value.date())
    return value.replace(tzinfo=clock.OSLO)


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resource) -> str:
        return f"{obj.name} ({obj.centre.name})"


class CentresField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Centre) -> str:
        return obj.name


class EventForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What kind of event is it?"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("At most 200 characters."))
    description = forms.CharField(
        label=_("Description"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happens, who it is for and what people get out of it. At most 10,000 characters."),
    )
    centres = CentresField(
        label=_("Which centres organise it?"),
        queryset=Centre.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label=_("Who can come?"), choices=Audience.choices, widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    starts_day = forms.DateField(label=_("Start date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("Start time"), widget=_time_input())
    ends_day = forms.DateField(label=_("End date"), widget=_date_input())
    ends_at = forms.TimeField(label=_("End time"), widget=_time_input())
    place_kind = forms.ChoiceField(
        label=_("Where is it held?"), choices=PlaceKind.choices, widget=forms.RadioSelect
    )
    room = RoomChoiceField(
        label=_("Room at the centre"),
        queryset=Resource.objects.none(),
        required=False,
        empty_label=_("Choose a room"),
        help_text=_("Only when it is held in a room at a centre. The room is booked for the whole event."),
    )
    venue = forms.CharField(
        label=_("Venue"),
        max_length=300,
        required=False,
        help_text=_("Only for another venue: the name and address. At most 300 characters."),
    )
    online_link = forms.URLField(
        label=_("Link to join"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("For online or hybrid events. Must start with https://. Only registered people see it."),
    )
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=MAX_PLACES,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    registration_opens_at = forms.DateTimeField(
        label=_("Registration opens"),
        required=False,
        widget=_datetime_input(),
        help_text=_("Leave empty to open registration when the event is published."),
    )
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes"),
        required=False,
        widget=_datetime_input(),
        help_text=_("Leave empty to keep it open until the event starts."),
    )
    offer_hold_hours = forms.IntegerField(
        label=_("Hours a free place is held for the next on the waiting list"),
        min_value=1,
        max_value=rules.OFFER_HOLD_HOURS_MAX,
        initial=24,
        help_text=_("From 1 to 168 hours (one week)."),
    )
    certificate_sessions = forms.IntegerField(
        label=_("Sessions needed for a course certificate"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Courses only. Leave empty to require every session."),
    )
    is_published = forms.BooleanField(
        label=_("Published: show it in the calendar so people can register"), required=False
    )

    def __init__(self, *args, centres: QuerySet[Centre], rooms: QuerySet[Resource], national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].queryset = centres
        self.fields["centres"].help_text = (
            _("Leave all unticked for a national event.") if national else _("Tick at least one.")
        )
        self.fields["room"].queryset = rooms

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Write a title."))
        return title

    def clean_starts_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["starts_day"])

    def clean_ends_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["ends_day"])

    def clean_registration_opens_at(self) -> dt.datetime | None:
        return _oslo_moment(self.cleaned_data["registration_opens_at"])

    def clean_registration_closes_at(self) -> dt.datetime | None:
        return _oslo_moment(self.cleaned_data["registration_closes_at"])

    def clean_online_link(self) -> str:
        link = self.cleaned_data["online_link"]
        if link and not link.lower().startswith("https://"):
            raise ValidationError(_("The link must start with https://"))
        return link

    def data_for_service(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            centres=list(data["centres"]),
            audience=data["audience"],
            language=data["language"],
            starts_at=_oslo(data["starts_day"], data["starts_at"]),
            ends_at=_oslo(data["ends_day"], data["ends_at"]),
            place_kind=data["place_kind"],
            room=data["room"],
            venue=data["venue"],
            online_link=data["online_link"],
            capacity=data["capacity"],
            registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"],
            offer_hold_hours=data["offer_hold_hours"],
            certificate_sessions=data["certificate_sessions"],
            is_published=data["is_published"],
        )

    @staticmethod
    def initial_for(event: Event) -> dict:
        starts, ends = event.starts_at.astimezone(clock.OSLO), event.ends_at.astimezone(clock.OSLO)
        local = {
            name: getattr(event, name).astimezone(clock.OSLO).replace(tzinfo=None)
            for name in ("registration_opens_at", "registration_closes_at")
            if getattr(event, name) is not None
        }
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "centres": list(event.centres.all()),
            "audience": event.audience,
            "language": event.language,
            "starts_day": starts.date(),
            "starts_at": starts.time(),
            "ends_day": ends.date(),
            "ends_at": ends.time(),
            "place_kind": event.place_kind,
            "room": event.room_id,
            "venue": event.venue,
            "online_link": event.online_link,
            "capacity": event.capacity,
            "offer_hold_hours": event.offer_hold_hours,
            "certificate_sessions": event.certificate_sessions,
            "is_published": event.is_published,
            **local,
        }


class SessionForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("At most 200 characters."))
    day = forms.DateField(label=_("Date"), widget=_date_input())
    starts_at = forms.TimeField(label=_("From"), widget=_time_input())
    ends_at = forms.TimeField(label=_("To"), widget=_time_input())
    track = forms.CharField(
        label=_("Track"),
        max_length=100,
        required=False,
        help_text=_("For parallel sessions, for example “Room 2” or “Workshops”. At most 100 characters."),
    )
    speakers = forms.CharField(
        label=_("Speakers"), max_length=500, required=False, help_text=_("At most 500 characters.")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 5,000 characters."),
    )
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=MAX_PLACES,
        required=False,
        help_text=_("Only for a parallel session with fewer places than the event. Otherwise leave empty."),
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Write a title."))
        return title

    def clean_day(self) -> dt.date:
        return _sensible_day(self.cleaned_data["day"])

    def data_for_service(self) -> SessionData:
        data = self.cleaned_data
        return SessionData(
            title=data["title"],
            starts_at=_oslo(data["day"], data["starts_at"]),
            ends_at=_oslo(data["day"], data["ends_at"]),
            track=data["track"],
            speakers=data["speakers"],
            description=data["description"],
            capacity=data["capacity"],
        )

    @staticmethod
    def initial_for(session: Session) -> dict:
        starts, ends = session.starts_at.astimezone(clock.OSLO), session.ends_at.astimezone(clock.OSLO)
        return {
            "title": session.title,
            "day": starts.date(),
            "starts_at": starts.time(),
            "ends_at": ends.time(),
            "track": session.track,
            "speakers": session.speakers,
            "description": session.description,
            "capacity": session.capacity,
        }


class QuestionForm(AccessibleFormMixin, forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300, help_text=_("At most 300 characters."))
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    choices = forms.CharField(
        label=_("Choices"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for “Choose one”: one choice per line."),
    )
    required = forms.BooleanField(label=_("Must be answered"), required=False)
    is_special_need = forms.BooleanField(
        label=_("Special need (sensitive)"),
        required=False,
        help_text=_(
            "People answer only if they agree to share it. Only the organisers see it, "
            "and it is deleted 30 days after the event. It can never be required."
        ),
    )

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if not label:
            raise ValidationError(_("Write the question."))
        return label


class PartnerForm(AccessibleFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        help_text=_("Approved organisations only."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices)

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
