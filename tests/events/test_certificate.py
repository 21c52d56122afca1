"""The course certificate PDF: what it says, in whose language, and who may fetch it."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from batteriet.core import time as clock
from batteriet.events import certificate
from batteriet.events.models import Attendance, Session
from batteriet.events.services import certificates as certificate_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return factories.CentreFactory(name="Batteriet Øst")


@pytest.fixture
def course(centre):
    starts_at = clock.now() - dt.timedelta(days=10)
    event = factories.EventFactory(
        title="Styrearbeid i frivillige organisasjoner",
        centres=[centre],
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(days=2, hours=3),
    )
    for day in range(3):
        Session.objects.create(
            event=event,
            title=f"Kveld {day + 1}",
            starts_at=starts_at + dt.timedelta(days=day),
            ends_at=starts_at + dt.timedelta(days=day, hours=3),
        )
    return event


def _attend(registration, count: int):
    for session in registration.event.sessions.order_by("starts_at")[:count]:
        Attendance.objects.create(registration=registration, session=session, attended=True)


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def participant(course):
    person = factories.UserFactory(full_name="Åse Ødegård Ærlig", language="nb")
    registration = factories.registration_row(course, person, registered_by=person)
    _attend(registration, 3)
    return registration


def test_the_person_downloads_their_certificate_in_their_language(client, participant):
    client.force_login(participant.person)

    response = client.get(reverse("events:certificate", args=[participant.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Åse Ødegård Ærlig" in text
    assert "Styrearbeid i frivillige organisasjoner" in text
    assert "Batteriet Øst" in text
    assert "Kveld 1" in text and "Kveld 3" in text


def test_english_speakers_get_an_english_certificate(participant):
    participant.person.language = "en"
    participant.person.save()

    data = certificate_services.certificate_data(registration=participant)
    text = _text(certificate.certificate_pdf(data))

    assert data.language == "en"
    assert "Certificate of participation" in text
    assert "Åse Ødegård Ærlig" in text


def test_characters_outside_latin1_never_break_the_pdf(course):
    registration = factories.registration_row(course, None, name="Zoë “Sara” Nguyễn – 😀")
    _attend(registration, 3)

    text = _text(
        certificate.certificate_pdf(certificate_services.certificate_data(registration=registration))
    )

    assert "Zoë" in text and "Sara" in text


def test_organisers_download_it_for_a_walk_in(client, course, centre):
    registration = factories.registration_row(course, None, name="Dør Gjest")
    _attend(registration, 3)
    client.force_login(factories.staff(centre))

    response = client.get(reverse("events:certificate", args=[registration.pk]))

    assert response.status_code == 200
    assert "Dør Gjest" in _text(response.content)


def test_not_qualified_is_404(client, course):
    person = factories.UserFactory()
    registration = factories.registration_row(course, person, registered_by=person)
    _attend(registration, 2)
    client.force_login(person)

    assert client.get(reverse("events:certificate", args=[registration.pk])).status_code == 404


def test_not_a_course_is_404(client, participant):
    participant.event.kind = "seminar"
    participant.event.save()
    client.force_login(participant.person)

    assert client.get(reverse("events:certificate", args=[participant.pk])).status_code == 404


def test_others_get_404(client, participant):
    url = reverse("events:certificate", args=[participant.pk])
    for other in [
        factories.UserFactory(),
        factories.staff(factories.CentreFactory()),
        factories.member(factories.OrganisationFactory()),
    ]:
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
