"""The registration pages: register (alone or as a group), my registrations, a registration
with its answers, offers and sessions, and cancelling."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from batteriet.core import time as clock
from batteriet.events import services
from batteriet.events.models import Answer, Question, Registration, Session, SessionSeat
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000


@pytest.fixture(autouse=True)
def _in_english(settings):
    """The messages are checked in English, the language they are written in."""
    settings.LANGUAGE_CODE = "en"


def frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def centre():
    return factories.CentreFactory()


@pytest.fixture
def organisation(centre):
    return factories.OrganisationFactory(home_centre=centre, name="Brukerforeningen")


@pytest.fixture
def contact(organisation):
    return factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt")


@pytest.fixture
def members(organisation):
    return [factories.member(organisation, full_name=f"Medlem {n}") for n in range(3)]


@pytest.fixture
def event(centre):
    return factories.EventFactory(centres=[centre], capacity=3)


@pytest.fixture
def questions(event):
    return {
        "size": Question.objects.create(
            event=event, label="Size", kind="choice", choices="S\nM", required=True, position=1
        ),
        "travel": Question.objects.create(event=event, label="Travel costs?", kind="yes_no", position=2),
        "diet": Question.objects.create(event=event, label="Diet", kind="text", position=3),
        "access": Question.objects.create(
            event=event, label="Access needs", kind="text", is_special_need=True, position=4
        ),
    }


def url(event) -> str:
    return reverse("events:register", args=[event.pk])


def field(question) -> str:
    return f"question_{question.pk}"


def stored() -> tuple[list, list]:
    return list(Registration.objects.values()), list(Answer.objects.values())


# --- Register ----------------------------------------------------------------------------
def test_the_form_shows_questions_special_needs_apart_and_consent_not_ticked(client, event, questions):
    client.force_login(factories.UserFactory())
    response = client.get(url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Special needs" in html and "Access needs" in html
    assert 'name="consent"' in html
    assert 'name="consent" class="ds-input" id="id_consent" checked' not in html
    assert "checked" not in html.split('name="consent"')[1].split(">")[0]
    assert 'name="who"' not in html  # not a contact person


def test_a_person_registers_themself_with_answers_and_gets_a_place(client, event, questions):
    person = factories.UserFactory()
    client.force_login(person)
    response = client.post(
        url(event),
        {field(questions["size"]): "M", field(questions["access"]): "Wheelchair", "consent": "on"},
        follow=True,
    )
    registration = Registration.objects.get(person=person)
    assert response.redirect_chain[-1][0] == reverse("events:registration", args=[registration.pk])
    assert "you have a place" in response.content.decode()
    assert registration.status == "confirmed"
    assert registration.needs_consent_at is not None
    assert {a.question.label: a.value for a in registration.answers.all()} == {
        "Size": "M",
        "Access needs": "Wheelchair",
    }


def test_a_full_event_says_the_number_in_line(client, event):
    for _ in range(3):
        factories.registration_row(event, factories.UserFactory())
    factories.registration_row(event, factories.UserFactory(), status="waiting")
    person = factories.UserFactory()
    client.force_login(person)
    response = client.post(url(event), {}, follow=True)
    assert Registration.objects.get(person=person).status == "waiting"
    assert "You are number 2 in line" in response.content.decode()


def test_special_needs_without_consent_store_nothing(client, event, questions):
    client.force_login(factories.UserFactory())
    before = stored()
    response = client.post(url(event), {field(questions["size"]): "M", field(questions["access"]): "Ramp"})
    assert response.status_code == 200
    assert "tick the box" in response.content.decode()
    assert stored() == before


def test_a_contact_registers_several_members_who_wait_together(client, event, contact, members, organisation):
    factories.registration_row(event, factories.UserFactory())
    client.force_login(contact)
    body = {"who": "others", "people": [str(m.pk) for m in members], "organisation": str(organisation.pk)}
    response = client.post(url(event), body, follow=True)
    group = Registration.objects.filter(person__in=members)
    assert [r.status for r in group] == ["waiting"] * 3
    assert {r.registered_by for r in group} == {contact}
    assert {r.organisation for r in group} == {organisation}
    assert "3 people wait together" in response.content.decode()


def test_a_contact_takes_the_places_there_are(client, event, contact, members, organisation):
    factories.registration_row(event, factories.UserFactory())
    client.force_login(contact)
    body = {
        "who": "others",
        "people": [str(m.pk) for m in members],
        "organisation": str(organisation.pk),
        "when_full": "partial",
    }
    response = client.post(url(event), body, follow=True)
    statuses = sorted(Registration.objects.filter(person__in=members).values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waiting"]
    assert "2 people have a place." in response.content.decode()


def test_registering_others_does_not_ask_their_questions(
    client, event, contact, members, organisation, questions
):
    client.force_login(contact)
    body = {"who": "others", "people": [str(members[0].pk)], "organisation": str(organisation.pk)}
    response = client.post(url(event), body)
    assert response.status_code == 302
    assert Answer.objects.count() == 0


def test_a_contact_cannot_register_people_of_another_organisation(client, event, contact, organisation):
    stranger = factories.member(factories.OrganisationFactory())
    client.force_login(contact)
    before = stored()
    response = client.post(
        url(event), {"who": "others", "people": [str(stranger.pk)], "organisation": str(organisation.pk)}
    )
    assert response.status_code == 200
    assert stored() == before


def test_a_plain_member_cannot_register_others(client, event, members, organisation):
    client.force_login(members[0])
    response = client.get(url(event))
    assert 'name="who"' not in response.content.decode()
    response = client.post(url(event), {"who": "others", "people": [str(members[1].pk)]})
    assert response.status_code == 302
    assert list(Registration.objects.values_list("person", flat=True)) == [members[0].pk]


def test_registering_twice_is_refused(client, event):
    person = factories.UserFactory()
    factories.registration_row(event, person)
    client.force_login(person)
    response = client.post(url(event), {})
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_members_event_refuses_someone_without_an_organisation(client, centre):
    event = factories.EventFactory(centres=[centre], audience="members")
    client.force_login(factories.UserFactory())
    response = client.post(url(event), {})
    assert response.status_code == 200
    assert "member organisations" in response.content.decode()
    assert Registration.objects.count() == 0


def test_a_members_event_registers_for_the_only_organisation(client, centre, members, organisation):
    event = factories.EventFactory(centres=[centre], audience="members")
    client.force_login(members[0])
    assert client.post(url(event), {}).status_code == 302
    assert Registration.objects.get().organisation == organisation


def test_unpublished_events_are_not_found(client):
    client.force_login(factories.UserFactory())
    assert client.get(url(factories.EventFactory(is_published=False))).status_code == 404


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("size", LONG),
        ("size", "<script>alert(1)</script>"),
        ("size", "\x00"),
        ("travel", "maybe"),
        ("travel", "\x00"),
        ("diet", LONG),
        ("diet", "a\x00b"),
        ("access", LONG),
        ("access", "\x00"),
        ("consent", LONG),
    ],
)
def test_bad_input_in_the_question_fields(client, event, questions, name, value):
    client.force_login(factories.UserFactory())
    body = {field(questions["size"]): "M"}
    body[field(questions[name]) if name in questions else name] = value
    before = stored()
    response = client.post(url(event), body)
    if name == "consent":  # any value ticks a check box; nothing special was answered
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert 'class="ds-validation-message"' in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("who", LONG),
        ("who", "\x00"),
        ("people", "999999"),
        ("people", "<script>"),
        ("people", "\x00"),
        ("organisation", "-1"),
        ("organisation", LONG),
        ("when_full", "\x00"),
        ("when_full", "<script>"),
    ],
)
def test_bad_input_in_the_group_fields(client, event, contact, members, organisation, name, value):
    client.force_login(contact)
    body = {"who": "others", "people": [str(members[0].pk)], "organisation": str(organisation.pk)}
    body[name] = value
    before = stored()
    response = client.post(url(event), body)
    assert response.status_code == 200
    assert 'class="ds-validation-message"' in response.content.decode()
    assert stored() == before


def test_registering_others_without_ticking_anyone(client, event, contact):
    client.force_login(contact)
    response = client.post(url(event), {"who": "others"})
    assert response.status_code == 200
    assert "Tick at least one person" in response.content.decode()
    assert Registration.objects.count() == 0


# --- My registrations ----------------------------------------------------------------------
def test_my_registrations_lists_coming_past_and_those_i_registered(
    client, centre, contact, members, organisation
):
    coming = factories.EventFactory(centres=[centre], title="Kommende kurs", capacity=1)
    past = factories.EventFactory(
        centres=[centre],
        title="Gammelt kurs",
        starts_at=clock.now() - dt.timedelta(days=10),
        ends_at=clock.now() - dt.timedelta(days=10) + dt.timedelta(hours=2),
    )
    factories.registration_row(coming, factories.UserFactory())
    factories.registration_row(coming, factories.UserFactory(), status="waiting")
    mine = factories.registration_row(coming, contact, status="waiting", position_at=clock.now())
    factories.registration_row(past, contact)
    factories.registration_row(
        coming, members[0], registered_by=contact, organisation=organisation, status="waiting"
    )
    client.force_login(contact)
    response = client.get(reverse("events:mine"))
    html = response.content.decode()
    assert "Kommende kurs" in html and "Gammelt kurs" in html
    assert "number 2 in line" in html
    assert "Medlem 0" in html
    assert reverse("events:registration", args=[mine.pk]) in html


def test_my_registrations_costs_the_same_queries_for_many(client, centre, django_assert_max_num_queries):
    person = factories.UserFactory()
    organisation = factories.OrganisationFactory()
    for _ in range(2):
        factories.registration_row(
            factories.EventFactory(centres=[centre]), person, organisation=organisation
        )
    client.force_login(person)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("events:mine"))
    for _ in range(15):
        event = factories.EventFactory(centres=[centre])
        factories.registration_row(event, person, organisation=organisation, status="waiting")
        factories.registration_row(event, factories.UserFactory(), registered_by=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("events:mine"))
    assert response.content.decode().count("in line") == 15


# --- A registration --------------------------------------------------------------------------
def test_special_needs_are_hidden_from_the_contact_who_registered(
    client, event, contact, members, organisation, questions
):
    person = members[0]
    registration = factories.registration_row(event, person, registered_by=contact, organisation=organisation)
    Answer.objects.create(registration=registration, question=questions["access"], value="Hemmelig behov")
    Answer.objects.create(registration=registration, question=questions["diet"], value="Vegetar")
    page = reverse("events:registration", args=[registration.pk])
    client.force_login(contact)
    html = client.get(page).content.decode()
    assert "Vegetar" in html and "Hemmelig behov" not in html
    assert client.post(reverse("events:answers", args=[registration.pk]), {}).status_code == 403
    client.force_login(person)
    html = client.get(page).content.decode()
    assert "Hemmelig behov" in html


def test_the_online_link_shows_only_with_a_place(client, centre):
    event = factories.EventFactory(
        centres=[centre], place_kind="online", venue="", online_link="https://meet.example/hemmelig"
    )
    person = factories.UserFactory()
    registration = factories.registration_row(event, person, status="waiting")
    client.force_login(person)
    page = reverse("events:registration", args=[registration.pk])
    assert "meet.example/hemmelig" not in client.get(page).content.decode()
    Registration.objects.filter(pk=registration.pk).update(status="confirmed")
    assert "meet.example/hemmelig" in client.get(page).content.decode()


def test_answers_change_until_the_start(client, event, questions):
    person = factories.UserFactory()
    registration = factories.registration_row(event, person)
    client.force_login(person)
    answers_url = reverse("events:answers", args=[registration.pk])
    response = client.post(answers_url, {field(questions["size"]): "S"})
    assert response.status_code == 302
    assert registration.answers.get().value == "S"
    response = client.post(answers_url, {field(questions["size"]): "S", field(questions["access"]): "Ramp"})
    assert response.status_code == 200
    assert "tick the box" in response.content.decode()
    event.starts_at = clock.now() - dt.timedelta(minutes=1)
    event.save()
    page = client.get(reverse("events:registration", args=[registration.pk])).content.decode()
    assert 'action="' + answers_url not in page
    response = client.post(answers_url, {field(questions["size"]): "M"})
    assert response.status_code == 200
    assert "already started" in response.content.decode()
    assert registration.answers.get().value == "S"


@pytest.mark.parametrize("value", [LONG, "\x00", "<script>alert(1)</script>"])
def test_bad_input_in_the_answers_form(client, event, questions, value):
    person = factories.UserFactory()
    registration = factories.registration_row(event, person)
    client.force_login(person)
    for question in questions.values():
        body = {field(questions["size"]): "S", "consent": "on"}
        body[field(question)] = value
        response = client.post(reverse("events:answers", args=[registration.pk]), body)
        if question.kind == "text" and value.startswith("<script>"):
            assert response.status_code == 302  # text is stored as text and shown escaped
            continue
        assert response.status_code == 200, question.label
        assert 'class="ds-validation-message"' in response.content.decode()
    assert (
        "<script>alert"
        not in client.get(reverse("events:registration", args=[registration.pk])).content.decode()
    )


def test_cancel_asks_first_then_cancels_and_offers_the_place(client, centre):
    event = factories.EventFactory(centres=[centre], capacity=1)
    person, next_in_line = factories.UserFactory(), factories.UserFactory()
    (registration,) = services.registration_create(actor=person, event=event)
    (waiting,) = services.registration_create(actor=next_in_line, event=event)
    client.force_login(person)
    cancel = reverse("events:registration_cancel", args=[registration.pk])
    assert "Yes, cancel the registration" in client.get(cancel).content.decode()
    response = client.post(cancel, follow=True)
    assert "The registration is cancelled" in response.content.decode()
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.status, waiting.status) == ("cancelled", "offered")

    client.force_login(next_in_line)
    page = client.get(reverse("events:registration", args=[waiting.pk])).content.decode()
    assert "Accept the place" in page
    response = client.post(reverse("events:offer_accept", args=[waiting.pk]), follow=True)
    assert "The place is yours" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_declining_an_offer(client, centre):
    event = factories.EventFactory(centres=[centre])
    person = factories.UserFactory()
    registration = factories.registration_row(
        event, person, status="offered", offer_expires_at=clock.now() + dt.timedelta(hours=5)
    )
    client.force_login(person)
    response = client.post(reverse("events:offer_decline", args=[registration.pk]), follow=True)
    assert "goes to the next in line" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    response = client.post(reverse("events:offer_accept", args=[registration.pk]), follow=True)
    assert "has changed meanwhile" in response.content.decode()


def test_choosing_and_leaving_a_parallel_session(client, event):
    person = factories.UserFactory()
    registration = factories.registration_row(event, person)
    session = Session.objects.create(
        event=event, title="Verksted A", starts_at=event.starts_at, ends_at=event.ends_at, capacity=1
    )
    client.force_login(person)
    page = reverse("events:registration", args=[registration.pk])
    assert "Verksted A" in client.get(page).content.decode()
    response = client.post(reverse("events:seat_choose", args=[registration.pk, session.pk]), follow=True)
    assert "You have a place in Verksted A" in response.content.decode()
    assert SessionSeat.objects.filter(registration=registration).count() == 1
    other = factories.UserFactory()
    other_registration = factories.registration_row(event, other)
    client.force_login(other)
    response = client.post(
        reverse("events:seat_choose", args=[other_registration.pk, session.pk]), follow=True
    )
    assert "This session is full" in response.content.decode()
    client.force_login(person)
    client.post(reverse("events:seat_leave", args=[registration.pk, session.pk]))
    assert SessionSeat.objects.count() == 0


def test_a_session_of_another_event_is_not_found(client, event):
    person = factories.UserFactory()
    registration = factories.registration_row(event, person)
    other = Session.objects.create(
        event=factories.EventFactory(),
        title="X",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=3,
    )
    client.force_login(person)
    assert client.post(reverse("events:seat_choose", args=[registration.pk, other.pk])).status_code == 404


def test_someone_elses_registration_is_not_found(client, event):
    registration = factories.registration_row(event, factories.UserFactory())
    client.force_login(factories.UserFactory())
    for name in ("events:registration", "events:registration_cancel"):
        assert client.get(reverse(name, args=[registration.pk])).status_code == 404
    for name in (
        "events:answers",
        "events:offer_accept",
        "events:offer_decline",
        "events:registration_cancel",
    ):
        assert client.post(reverse(name, args=[registration.pk])).status_code == 404
    assert Registration.objects.get().status == "confirmed"


def test_required_questions_cannot_be_skipped_by_claiming_to_register_others(
    client, event, questions, members
):
    person = members[0]  # a plain member: the form has no "who" field
    client.force_login(person)
    response = client.post(url(event), {"who": "others", "people": [str(members[1].pk)]})
    assert response.status_code == 200
    assert stored() == ([], [])


def test_the_link_to_join_is_shown_to_the_person_not_to_their_contact(
    client, centre, organisation, contact, members
):
    online = factories.EventFactory(
        centres=[centre], place_kind="online", venue="", online_link="https://meet.example/abc"
    )
    person = members[0]
    (registration,) = services.registration_create(actor=person, event=online, organisation=organisation)
    page = reverse("events:registration", args=[registration.pk])

    client.force_login(person)
    assert "https://meet.example/abc" in client.get(page).content.decode()
    client.force_login(contact)
    response = client.get(page)
    assert response.status_code == 200
    assert "meet.example" not in response.content.decode()


def test_answers_refused_after_registering_keep_the_place_and_say_so(client, event, questions, monkeypatch):
    from batteriet.core.errors import RuleViolation
    from batteriet.events.services import answers as answer_services

    def refuse(**kwargs):
        raise RuleViolation(code="event_started", message="The event has already started.")

    monkeypatch.setattr(answer_services, "answers_save", refuse)
    person = factories.UserFactory()
    client.force_login(person)
    response = client.post(url(event), {field(questions["size"]): "M"}, follow=True)
    assert response.status_code == 200
    assert Registration.objects.get(person=person).status == "confirmed"
    assert "could not be saved" in response.content.decode()


def test_the_form_tells_someone_already_registered_where_their_registration_is(client, event):
    person = factories.UserFactory()
    registration = factories.registration_row(event, person)
    client.force_login(person)
    html = client.get(url(event)).content.decode()
    assert "You are already registered for this event." in html
    assert reverse("events:registration", args=[registration.pk]) in html
