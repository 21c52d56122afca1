"""Organisers write to everyone registered or waiting: who gets it, bad input, the list."""

import pytest
from django.urls import reverse
from django.utils import translation

from batteriet.core.models import AuditEntry
from batteriet.events.models import EventMessage, RegistrationStatus
from tests import factories

pytestmark = pytest.mark.django_db

S = RegistrationStatus


@pytest.fixture(autouse=True)
def _in_english(settings):
    """The page is checked in English, the language it is written in."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def organiser(centre):
    return factories.staff(centre, full_name="Anne Rådgiver")


@pytest.fixture
def event(centre):
    return factories.EventFactory(centres=[centre], title="Styrekurs")


@pytest.fixture
def people(event):
    """Two registered (one in English), one by name only, one waiting, one offered, one cancelled."""
    registered = [
        factories.registration_row(event, factories.UserFactory(language="en")),
        factories.registration_row(event, factories.UserFactory()),
        factories.registration_row(event, None, name="Ola Uten Konto"),
    ]
    waiting = [
        factories.registration_row(event, factories.UserFactory(), status=S.WAITING),
        factories.registration_row(
            event, factories.UserFactory(), status=S.OFFERED, offer_expires_at=event.starts_at
        ),
    ]
    factories.registration_row(event, factories.UserFactory(), status=S.CANCELLED)
    return registered, waiting


def url(event) -> str:
    return reverse("events:staff_message", args=[event.pk])


def send(client, event, capture, **data):
    body = {"audience": "registered", "subject": "Endret rom", "body": "Vi er i Storsalen i kveld."}
    body.update(data)
    with capture(execute=True):
        return client.post(url(event), body)


def test_the_page_says_how_many_get_it_and_who_to_phone(client, organiser, event, people):
    client.force_login(organiser)
    response = client.get(url(event))
    assert response.status_code == 200
    rows = response.context["reach"]
    assert [(counts.people, counts.name_only) for _label, counts in rows] == [(2, 1), (2, 0), (4, 1)]
    assert "phone them" in response.content.decode()


def test_sending_to_everyone_registered_mails_each_person_in_their_language(
    client, organiser, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    registered, _waiting = people
    client.force_login(organiser)

    response = send(client, event, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("events:staff_messages", args=[event.pk])
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        registration.person.email for registration in registered[:2]
    )
    by_address = {message.to[0]: message for message in mailoutbox}
    english = by_address[registered[0].person.email]
    assert english.subject == "Endret rom (Styrekurs)"
    assert "Vi er i Storsalen i kveld." in english.body
    assert "A message from the organisers of Styrekurs" in english.body
    assert f"/mine-arrangementer/{registered[0].pk}/" in english.body
    message = EventMessage.objects.get()
    assert (message.recipients, message.name_only, message.sent_by) == (2, 1, organiser)
    entry = AuditEntry.objects.get(action="event.message_sent")
    assert entry.changes["recipients"] == 2
    assert "Storsalen" not in str(entry.changes)
    assert "Endret rom" in client.get(response["Location"]).content.decode()


def test_after_sending_the_organiser_is_told_whom_to_phone(
    client, organiser, event, people, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    client.cookies["language"] = "en"
    response = send(client, event, django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert "on its way to 2 people" in page
    assert "1 person is registered by name only and gets nothing: phone them." in page


@pytest.mark.parametrize(("audience", "expected"), [("waiting", 2), ("both", 4)])
def test_the_waiting_list_includes_those_offered_a_place(
    audience, expected, client, organiser, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    send(client, event, django_capture_on_commit_callbacks, audience=audience)
    assert len(mailoutbox) == expected


BAD = [
    ("subject", "", "This field is required"),
    ("subject", "x" * 20_000, "at most 150"),
    ("subject", "Hei\nBcc: alle@example.org", "one line"),
    ("subject", "Hei\x00", "Null characters"),
    ("body", "", "This field is required"),
    ("body", "x" * 20_000, "at most 5000"),
    ("body", "Hei\x00", "Null characters"),
    ("audience", "alle", "Select a valid choice"),
    ("audience", "<script>alert(1)</script>", "Select a valid choice"),
    ("audience", "", "This field is required"),
]


@pytest.mark.parametrize(
    ("field", "value", "says"), BAD, ids=[f"{f}-{i}" for i, (f, _v, _s) in enumerate(BAD)]
)
def test_bad_input_gets_a_message_by_the_field_and_sends_nothing(
    field, value, says, client, organiser, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    response = send(client, event, django_capture_on_commit_callbacks, **{field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    with translation.override("en"):
        assert says.lower() in " ".join(str(error) for error in form.errors[field]).lower()
    assert 'aria-invalid="true"' in response.content.decode()
    assert EventMessage.objects.count() == 0
    assert mailoutbox == []


def test_a_script_in_the_message_is_sent_as_plain_text_and_shown_escaped(
    client, organiser, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    send(
        client,
        event,
        django_capture_on_commit_callbacks,
        subject="<script>alert(1)</script>",
        body="<b>hei</b>",
    )
    assert all("<b>hei</b>" in message.body for message in mailoutbox)
    page = client.get(reverse("events:staff_messages", args=[event.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_staff_of_another_centre_get_404_and_others_403(client, event):
    other = factories.staff(factories.CentreFactory(slug="vest", name="Batteriet Vest"))
    client.force_login(other)
    assert client.get(url(event)).status_code == 404
    assert client.post(url(event), {"audience": "both", "subject": "x", "body": "y"}).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.get(url(event)).status_code == 403
    assert client.get(reverse("events:staff_messages", args=[event.pk])).status_code == 403
    assert EventMessage.objects.count() == 0


def test_a_national_coordinator_may_write_to_a_national_event(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(title="Nasjonal samling")
    factories.registration_row(event, factories.UserFactory())
    client.force_login(factories.national_coordinator())
    assert send(client, event, django_capture_on_commit_callbacks).status_code == 302
    assert len(mailoutbox) == 1


def test_the_list_of_messages_costs_the_same_queries_for_many(
    client, organiser, event, django_assert_max_num_queries
):
    client.force_login(organiser)
    listing = reverse("events:staff_messages", args=[event.pk])

    def sent(count: int) -> None:
        for number in range(count):
            EventMessage.objects.create(
                event=event,
                audience="both",
                subject=f"Melding {number}",
                body="Hei",
                recipients=3,
                name_only=0,
                sent_by=factories.staff(event.centres.first()),
                sent_at=event.starts_at,
            )

    sent(2)
    client.get(listing)  # warm up sessions and caches
    with django_assert_max_num_queries(20) as few:
        assert client.get(listing).status_code == 200
    sent(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(listing)
    assert response.content.decode().count("<details>") == 32


def test_the_form_page_costs_the_same_queries_for_many_registrations(
    client, organiser, event, django_assert_max_num_queries
):
    client.force_login(organiser)
    factories.registration_row(event, factories.UserFactory())
    client.get(url(event))
    with django_assert_max_num_queries(20) as few:
        client.get(url(event))
    for _ in range(30):
        factories.registration_row(event, factories.UserFactory(), status=S.WAITING)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(event)).status_code == 200
