"""The manage pages: staff list, create and edit events, programme, questions and partners.
Bad input on every field gets a clear message by the field, stores nothing and never fails."""

import datetime as dt

import pytest
from django.urls import reverse

from batteriet.bookings.models import Booking
from batteriet.events.models import Answer, Event, Partner, Question, Session
from batteriet.events.services import manage as services
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def adviser(centre):
    return factories.staff(centre)


@pytest.fixture
def staff_client(client, adviser, settings):
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages below are checked in English
    return client


@pytest.fixture
def room(centre):
    return factories.ResourceFactory.bookable_now(centre=centre, name="Kurssalen")


@pytest.fixture
def day():
    return factories.bookable_day()


def event_post(centre, day, **overrides) -> dict:
    body = {
        "kind": "course",
        "title": "Styrearbeid i frivillige organisasjoner",
        "description": "Tre kvelder om styrearbeid.",
        "centres": [str(centre.pk)],
        "audience": "open",
        "language": "nb",
        "starts_day": day.isoformat(),
        "starts_at": "18:00",
        "ends_day": day.isoformat(),
        "ends_at": "21:00",
        "place_kind": "external",
        "room": "",
        "venue": "Folkets hus, Oslo",
        "online_link": "",
        "capacity": "20",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "offer_hold_hours": "24",
        "certificate_sessions": "",
        "is_published": "on",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@pytest.fixture
def event(adviser, centre, day):
    return services.event_create(
        actor=adviser,
        data=services.EventData(
            kind="course",
            title="Styrearbeid",
            centres=[centre],
            audience="open",
            starts_at=factories.at(day, 10),
            ends_at=factories.at(day + dt.timedelta(days=1), 15),
            place_kind="external",
            venue="Folkets hus",
            capacity=20,
        ),
    )


# --- The list -----------------------------------------------------------------------------
def test_the_list_shows_coming_and_past_events_with_places_and_waiting(staff_client, centre):
    coming = factories.EventFactory(centres=[centre], title="Kommende kurs", capacity=5, is_published=False)
    factories.registration_row(coming, factories.UserFactory())
    factories.registration_row(coming, factories.UserFactory(), status="waiting")
    past = factories.EventFactory(
        centres=[centre],
        title="Gammelt kurs",
        starts_at=factories.at(dt.date(2025, 3, 4), 10),
        ends_at=factories.at(dt.date(2025, 3, 4), 12),
    )
    other = factories.EventFactory(centres=[factories.CentreFactory(slug="bergen")], title="Bergen-kurset")
    response = staff_client.get(reverse("events:staff_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kommende kurs" in page and "Gammelt kurs" in page and "Bergen-kurset" not in page
    assert "1 of 5" in page and "Draft" in page
    assert [event.pk for event in response.context["coming"]] == [coming.pk]
    assert [event.pk for event in response.context["past"]] == [past.pk]
    assert response.context["coming"][0].waiting == 1
    assert reverse("events:staff_edit", args=[coming.pk]) in page
    assert reverse("events:staff_edit", args=[other.pk]) not in page
    assert reverse("events:staff_registrations", args=[coming.pk]) in page
    assert reverse("events:staff_questions", args=[coming.pk]) in page


def test_the_list_needs_the_same_queries_for_many_events(staff_client, centre, django_assert_max_num_queries):
    def load() -> None:
        assert staff_client.get(reverse("events:staff_list")).status_code == 200

    factories.EventFactory(centres=[centre])
    with django_assert_max_num_queries(30) as few:
        load()
    for _ in range(15):
        event = factories.EventFactory(centres=[centre, factories.CentreFactory()])
        factories.registration_row(event, factories.UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        load()


def test_people_who_are_not_staff_are_forbidden(client, centre):
    client.force_login(factories.member(factories.OrganisationFactory(home_centre=centre)))
    assert client.get(reverse("events:staff_list")).status_code == 403
    assert (
        client.post(reverse("events:staff_create"), event_post(centre, factories.bookable_day())).status_code
        == 403
    )
    assert not Event.objects.exists()


# --- Create and edit ----------------------------------------------------------------------
def test_staff_create_an_event(staff_client, centre, day):
    response = staff_client.post(reverse("events:staff_create"), event_post(centre, day))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:staff_sessions", args=[event.pk])
    assert event.starts_at == factories.at(day, 18)
    assert event.is_published and event.sessions.count() == 1


def test_staff_create_an_event_in_a_room(staff_client, centre, day, room):
    body = event_post(centre, day, place_kind="centre_room", room=str(room.pk), venue="")
    assert staff_client.post(reverse("events:staff_create"), body).status_code == 302
    assert Event.objects.get().room_booking.resource == room


def test_a_taken_room_is_said_by_the_room_field(staff_client, centre, day, room):
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.booking_row(
        room, organisation, factories.at(day, 19), factories.at(day, 20), status="confirmed"
    )
    body = event_post(centre, day, place_kind="centre_room", room=str(room.pk), venue="")
    response = staff_client.post(reverse("events:staff_create"), body)
    assert response.status_code == 200
    assert response.context["form"].errors["room"][0].startswith("The room is taken at that time")
    assert not Event.objects.exists() and Booking.objects.count() == 1


def test_the_registration_window_is_oslo_time(staff_client, centre, day):
    opens = (day - dt.timedelta(days=5)).isoformat()
    body = event_post(
        centre, day, registration_opens_at=f"{opens}T09:00", registration_closes_at=f"{opens}T10:00"
    )
    assert staff_client.post(reverse("events:staff_create"), body).status_code == 302
    event = Event.objects.get()
    assert event.registration_opens_at == factories.at(day - dt.timedelta(days=5), 9)


def test_the_edit_form_is_filled_in_and_saves(staff_client, event, centre, day):
    url = reverse("events:staff_edit", args=[event.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["starts_at"] == dt.time(10)
    later = day + dt.timedelta(days=7)
    body = event_post(centre, later, ends_day=(later + dt.timedelta(days=1)).isoformat(), title="Nytt navn")
    assert staff_client.post(url, body).status_code == 302
    event.refresh_from_db()
    assert event.title == "Nytt navn" and event.starts_at == factories.at(later, 18)
    assert event.sessions.get().starts_at == factories.at(later, 18)


def test_lowering_places_below_those_held_is_said_by_the_field(staff_client, event, centre, day):
    for _ in range(3):
        factories.registration_row(event, factories.UserFactory())
    response = staff_client.post(
        reverse("events:staff_edit", args=[event.pk]), event_post(centre, day, capacity="2")
    )
    assert response.status_code == 200
    assert "3 people are already registered" in response.context["form"].errors["capacity"][0]
    event.refresh_from_db()
    assert event.capacity == 20


def test_a_co_organiser_from_another_centre_keeps_the_room_when_editing(
    client, settings, adviser, centre, day, room
):
    bergen = factories.CentreFactory(slug="bergen", name="Batteriet Bergen")
    event = services.event_create(
        actor=adviser,
        data=services.EventData(
            kind="course",
            title="Styrearbeid",
            centres=[centre],
            audience="open",
            starts_at=factories.at(day, 18),
            ends_at=factories.at(day, 21),
            place_kind="centre_room",
            room=room,
            capacity=20,
        ),
    )
    event.centres.add(bergen)
    booking = event.room_booking
    client.force_login(factories.staff(bergen))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("events:staff_edit", args=[event.pk])
    rooms = client.get(url).context["form"].fields["room"].queryset
    assert room in rooms
    body = event_post(bergen, day, place_kind="centre_room", room=str(room.pk), venue="", title="Nytt navn")
    response = client.post(url, body)
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert (event.title, event.room, event.room_booking) == ("Nytt navn", room, booking)
    assert set(event.centres.all()) == {centre, bergen}
    # Other centres' rooms are still not offered.
    other = factories.ResourceFactory.bookable_now(centre=factories.CentreFactory(slug="tromso"))
    assert other not in client.get(url).context["form"].fields["room"].queryset


def test_a_session_with_places_taken_is_not_deleted_and_says_why(staff_client, event, day):
    from batteriet.events.models import RegistrationStatus, SessionSeat

    parallel = services.session_add(
        actor=event.created_by,
        event=event,
        data=services.SessionData(
            title="Parallell", starts_at=factories.at(day, 12), ends_at=factories.at(day, 13), capacity=5
        ),
    )
    registration = factories.registration_row(
        event, factories.UserFactory(), status=RegistrationStatus.CONFIRMED
    )
    SessionSeat.objects.create(registration=registration, session=parallel)
    response = staff_client.post(
        reverse("events:staff_session_delete", args=[event.pk, parallel.pk]), follow=True
    )
    assert "1 person has a place in this session" in response.content.decode()
    assert Session.objects.filter(pk=parallel.pk).exists()


def test_staff_of_another_centre_get_not_found(client, event):
    client.force_login(factories.staff(factories.CentreFactory(slug="bergen")))
    for name in ("staff_edit", "staff_sessions", "staff_questions", "staff_partners"):
        assert client.get(reverse(f"events:{name}", args=[event.pk])).status_code == 404


BAD_EVENT_FIELDS = [
    ("kind", LONG),
    ("kind", "<script>alert(1)</script>"),
    ("title", LONG),
    ("title", "\x00"),
    ("title", "   "),
    ("description", LONG),
    ("description", "Hei\x00"),
    ("centres", ["999999"]),
    ("centres", ["<script>"]),
    ("audience", "everyone"),
    ("language", "\x00"),
    ("starts_day", "2026-02-31"),
    ("starts_day", "99999-01-01"),
    ("starts_day", "1850-01-01"),
    ("starts_at", "25:00"),
    ("starts_at", LONG),
    ("ends_day", "\x00"),
    ("ends_at", "<script>"),
    ("place_kind", "moon"),
    ("room", "999999"),
    ("room", "abc"),
    ("venue", LONG),
    ("venue", "Folkets\x00hus"),
    ("online_link", "javascript:alert(1)"),
    ("online_link", "http://example.org/mote"),
    ("online_link", "https://example.org/" + LONG),
    ("capacity", "0"),
    ("capacity", "-5"),
    ("capacity", "99999999999999999999"),
    ("capacity", "1e3"),
    ("registration_opens_at", "2026-13-40T25:61"),
    ("registration_closes_at", "\x00"),
    ("offer_hold_hours", "0"),
    ("offer_hold_hours", "169"),
    ("offer_hold_hours", LONG),
    ("certificate_sessions", "0"),
    ("certificate_sessions", "<script>"),
]


@pytest.mark.parametrize(("field", "value"), BAD_EVENT_FIELDS, ids=lambda value: str(value)[:20])
def test_bad_input_on_every_event_field(staff_client, centre, day, field, value):
    response = staff_client.post(reverse("events:staff_create"), event_post(centre, day, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "17:00"}, "ends_at"),
        ({"place_kind": "online", "online_link": ""}, "online_link"),
        ({"place_kind": "external", "venue": ""}, "venue"),
        ({"place_kind": "centre_room", "room": ""}, "room"),
        ({"centres": []}, "centres"),
        ({"kind": "seminar", "certificate_sessions": "2"}, "certificate_sessions"),
        (
            {"registration_opens_at": "2026-01-02T10:00", "registration_closes_at": "2026-01-01T10:00"},
            "registration_closes_at",
        ),
    ],
)
def test_rules_are_said_by_the_field(staff_client, centre, day, overrides, field):
    response = staff_client.post(reverse("events:staff_create"), event_post(centre, day, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Event.objects.exists()


def test_an_empty_form_asks_for_each_field(staff_client):
    response = staff_client.post(reverse("events:staff_create"), {})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"kind", "title", "audience", "starts_day", "starts_at", "place_kind", "offer_hold_hours"} <= set(
        errors
    )


# --- The programme ------------------------------------------------------------------------
def session_post(on, **overrides) -> dict:
    body = {"title": "Kveld 2", "day": on.isoformat(), "starts_at": "12:00", "ends_at": "14:00"}
    body.update(overrides)
    return body


def test_staff_add_change_and_delete_sessions(staff_client, event, day):
    url = reverse("events:staff_sessions", args=[event.pk])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, session_post(day, track="Sal 2", capacity="10")).status_code == 302
    added = event.sessions.get(title="Kveld 2")
    assert added.capacity == 10
    edit = reverse("events:staff_session_edit", args=[event.pk, added.pk])
    assert staff_client.get(edit).status_code == 200
    assert staff_client.post(edit, session_post(day, title="Kveld to")).status_code == 302
    added.refresh_from_db()
    assert added.title == "Kveld to"
    first = event.sessions.exclude(pk=added.pk).get()
    response = staff_client.post(reverse("events:staff_session_delete", args=[event.pk, first.pk]))
    assert response.status_code == 302
    assert list(event.sessions.all()) == [added]
    response = staff_client.post(
        reverse("events:staff_session_delete", args=[event.pk, added.pk]), follow=True
    )
    assert "the last one cannot be deleted" in response.content.decode()
    assert event.sessions.count() == 1


def test_sessions_outside_the_event_are_said_by_the_date(staff_client, event, day):
    url = reverse("events:staff_sessions", args=[event.pk])
    response = staff_client.post(url, session_post(day + dt.timedelta(days=5)))
    assert "day" in response.context["form"].errors
    response = staff_client.post(url, session_post(day, capacity="21"))
    assert "capacity" in response.context["form"].errors
    assert event.sessions.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", LONG),
        ("title", "\x00"),
        ("title", " "),
        ("day", "2026-02-30"),
        ("day", "<script>"),
        ("starts_at", "99:99"),
        ("ends_at", "\x00"),
        ("ends_at", "11:00"),
        ("track", LONG),
        ("speakers", LONG),
        ("speakers", "Kari\x00"),
        ("description", LONG),
        ("capacity", "0"),
        ("capacity", "-1"),
        ("capacity", "10000000000000"),
    ],
    ids=lambda value: str(value)[:20],
)
def test_bad_input_on_every_session_field(staff_client, event, day, field, value):
    response = staff_client.post(
        reverse("events:staff_sessions", args=[event.pk]), session_post(day, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert event.sessions.count() == 1


def test_a_session_of_another_event_is_not_found(staff_client, event, centre):
    other = factories.EventFactory(centres=[centre])
    session = Session.objects.create(
        event=other, title="Annen", starts_at=other.starts_at, ends_at=other.ends_at
    )
    assert (
        staff_client.get(reverse("events:staff_session_edit", args=[event.pk, session.pk])).status_code == 404
    )
    assert (
        staff_client.post(reverse("events:staff_session_delete", args=[event.pk, session.pk])).status_code
        == 404
    )
    assert Session.objects.filter(pk=session.pk).exists()


# --- Questions ----------------------------------------------------------------------------
def test_typical_questions_with_one_click(staff_client, event):
    url = reverse("events:staff_questions", args=[event.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="preset" value="dietary"' in page
    assert staff_client.post(url, {"preset": "dietary"}).status_code == 302
    question = Question.objects.get()
    assert question.is_special_need
    assert 'value="dietary"' not in staff_client.get(url).content.decode()
    assert staff_client.post(url, {"preset": "<script>"}).status_code == 302
    assert Question.objects.count() == 1


def test_own_questions_and_deleting_them(staff_client, event):
    url = reverse("events:staff_questions", args=[event.pk])
    body = {"label": "Hvilken dag passer?", "kind": "choice", "choices": "Mandag\nTirsdag", "required": "on"}
    assert staff_client.post(url, body).status_code == 302
    question = Question.objects.get()
    registration = factories.registration_row(event, factories.UserFactory())
    Answer.objects.create(registration=registration, question=question, value="Mandag")
    delete = reverse("events:staff_question_delete", args=[event.pk, question.pk])
    response = staff_client.post(delete, follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert Question.objects.exists()
    Answer.objects.all().delete()
    assert staff_client.post(delete).status_code == 302
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "extra"),
    [
        ("label", LONG, {}),
        ("label", "\x00", {}),
        ("label", "  ", {}),
        ("kind", "<script>", {}),
        ("choices", LONG, {"kind": "choice"}),
        ("choices", "", {"kind": "choice"}),
        ("choices", "Ja\x00", {"kind": "choice"}),
        ("required", "on", {"is_special_need": "on"}),
    ],
    ids=lambda value: str(value)[:20],
)
def test_bad_input_on_every_question_field(staff_client, event, field, value, extra):
    body = {"label": "Spørsmål", "kind": "text", **extra, field: value}
    response = staff_client.post(reverse("events:staff_questions", args=[event.pk]), body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Question.objects.exists()


# --- Partners -----------------------------------------------------------------------------
def test_staff_add_and_remove_partner_organisations(staff_client, event, centre):
    organisation = factories.OrganisationFactory(home_centre=centre, name="Fattighuset")
    url = reverse("events:staff_partners", args=[event.pk])
    assert staff_client.post(url, {"organisation": str(organisation.pk), "role": "chair"}).status_code == 302
    partner = Partner.objects.get()
    assert "Fattighuset" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"organisation": str(organisation.pk), "role": "chair"})
    assert "already has that role" in response.context["form"].errors["organisation"][0]
    assert (
        staff_client.post(reverse("events:staff_partner_delete", args=[event.pk, partner.pk])).status_code
        == 302
    )
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation", "999999"),
        ("organisation", "\x00"),
        ("organisation", "pending"),
        ("role", LONG),
        ("role", "boss"),
    ],
    ids=lambda value: str(value)[:20],
)
def test_bad_input_on_every_partner_field(staff_client, event, centre, field, value):
    organisation = factories.OrganisationFactory(home_centre=centre)
    if value == "pending":
        value = str(factories.pending_organisation(centre).pk)
    body = {"organisation": str(organisation.pk), "role": "chair", field: value}
    response = staff_client.post(reverse("events:staff_partners", args=[event.pk]), body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Partner.objects.exists()


def test_delete_buttons_only_take_post(staff_client, event):
    session = event.sessions.get()
    assert (
        staff_client.get(reverse("events:staff_session_delete", args=[event.pk, session.pk])).status_code
        == 405
    )
    assert Session.objects.filter(pk=session.pk).exists()
