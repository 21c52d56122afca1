"""E-mails about requests for guidance: each service action tells the right people, after
commit only, in their own language, with a calendar invitation where the time is added,
moved or removed, and never a word of the situation, the needs or the notes."""

import datetime as dt

import icalendar
import pytest

from batteriet.core.errors import RuleViolation
from batteriet.guidance.models import Appointment, AppointmentStatus, GuidanceRequest
from batteriet.guidance.services import appointments as services
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
SECRETS = ("hemmelig-situasjon", "tolk-behov", "rullestol-behov", "foretrukket-tid")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo", street_address="Storgata 1")


@pytest.fixture
def other_centre():
    return factories.CentreFactory(slug="bergen", name="Batteriet Bergen")


@pytest.fixture
def adviser(centre):
    adviser = factories.staff(centre, full_name="Anne Rådgiver", language="en")
    factories.availability(adviser, centre, 1, dt.time(10), dt.time(12))  # Tuesdays
    return adviser


@pytest.fixture
def colleague(centre):
    return factories.staff(centre, full_name="Lars Kollega", language="en")


@pytest.fixture
def person():
    return factories.UserFactory(full_name="Kari Spør", language="en")


@pytest.fixture
def day():
    return factories.bookable_day(weekday=1)


def ask(capture, actor, centre, **fields):
    fields.setdefault("role", "initiator")
    fields.setdefault("topic", "statutes")
    fields.setdefault("situation", "Vi trenger hjelp, hemmelig-situasjon")
    fields.setdefault("language_need", "tolk-behov")
    fields.setdefault("accessibility_need", "rullestol-behov")
    fields.setdefault("mode", "centre")
    with capture(execute=True):
        return services.request_create(actor=actor, centre=centre, **fields)


def booked(capture, person, centre, adviser, starts_at, **fields) -> Appointment:
    return ask(capture, person, centre, starts_at=starts_at, adviser=adviser, **fields).appointments.get()


def _invite(message) -> icalendar.Calendar | None:
    invites = [content for name, content, _mimetype in message.attachments if name == "invite.ics"]
    if not invites:
        return None
    (content,) = invites
    return icalendar.Calendar.from_ical(content)


def _to(mailoutbox, user) -> list:
    return [message for message in mailoutbox if message.to == [user.email]]


def _no_secrets(mailoutbox) -> None:
    for message in mailoutbox:
        texts = [message.subject, message.body]
        texts += [
            (content.decode() if isinstance(content, bytes) else content).replace("\r\n ", "")
            for _name, content, _mimetype in message.attachments
        ]
        for text in texts:
            for secret in SECRETS:
                assert secret not in text, (secret, message.subject)


# --- Asking -------------------------------------------------------------------------------
def test_asking_without_a_time_tells_the_person_we_got_it(
    person, centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre, preferred_times="foretrukket-tid")

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "We got your request" in message.subject
    assert "proposes a time" in message.body
    assert f"/min-veiledning/{request.pk}/" in message.body
    assert "Statutes" in message.body
    assert _invite(message) is None
    _no_secrets(mailoutbox)


def test_asking_with_a_time_books_it_with_an_invitation_and_tells_the_adviser(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))

    (mine,) = _to(mailoutbox, person)
    assert "booked" in mine.subject
    assert "Tuesday" in mine.body and "10:00–11:00" in mine.body
    assert "Anne Rådgiver" in mine.body and "Storgata 1" in mine.body
    assert f"/min-veiledning/{appointment.request_id}/" in mine.body
    calendar = _invite(mine)
    assert calendar["METHOD"] == "REQUEST"
    (entry,) = calendar.events
    assert str(entry["UID"]).startswith(f"guidance-appointment-{appointment.pk}@")
    assert entry.start == appointment.starts_at
    assert entry["SEQUENCE"] == 0
    (note,) = _to(mailoutbox, adviser)
    assert "booked with you" in note.subject
    assert f"/ansatt/veiledning/foresporsler/{appointment.request_id}/" in note.body
    assert _invite(note) is None
    assert len(mailoutbox) == 2
    _no_secrets(mailoutbox)


def test_nothing_is_sent_before_commit(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.request_create(
            actor=person,
            centre=centre,
            role="initiator",
            topic="statutes",
            situation="hemmelig-situasjon",
            mode="centre",
            starts_at=at(day, 10),
            adviser=adviser,
        )
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_nothing_is_sent_or_counted_when_the_change_is_rolled_back(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    mailoutbox.clear()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_cancel", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        services.appointment_cancel(actor=person, appointment=appointment)
    assert callbacks == []
    assert mailoutbox == []
    appointment.refresh_from_db()
    assert (appointment.status, appointment.ics_sequence) == (AppointmentStatus.BOOKED, 0)


def test_a_refused_change_sends_nothing(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation):
        services.appointment_reschedule(actor=person, appointment=appointment, starts_at=at(day, 10, 30))
    assert mailoutbox == []


# --- Proposing and answering ----------------------------------------------------------------
def _propose(capture, staff, request, adviser, starts_at, message="Vi ses i andre etasje."):
    with capture(execute=True):
        return services.appointment_propose(
            actor=staff,
            request=request,
            adviser=adviser,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            mode="phone",
            message=message,
        )


def test_a_proposed_time_goes_to_the_person_with_the_message_and_a_link_to_answer(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre)
    mailoutbox.clear()
    appointment = _propose(django_capture_on_commit_callbacks, colleague, request, adviser, at(day, 14))

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "proposed" in message.subject
    assert "14:00–15:00" in message.body
    assert "Anne Rådgiver" in message.body
    assert "By phone" in message.body and "calls you" in message.body
    assert "Vi ses i andre etasje." in message.body
    assert f"/min-veiledning/{request.pk}/" in message.body
    assert _invite(message) is None  # nothing in the calendar until it is accepted
    assert appointment.status == AppointmentStatus.PROPOSED
    _no_secrets(mailoutbox)


def test_a_proposal_without_a_message_shows_no_old_message(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre)
    _propose(
        django_capture_on_commit_callbacks, colleague, request, adviser, at(day, 14), message="Første melding"
    )
    mailoutbox.clear()
    _propose(django_capture_on_commit_callbacks, colleague, request, adviser, at(day, 15), message="")
    (message,) = mailoutbox
    assert "Første melding" not in message.body


def test_accepting_books_the_time_with_an_invitation_and_tells_the_adviser(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre)
    appointment = _propose(django_capture_on_commit_callbacks, colleague, request, adviser, at(day, 14))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_accept(actor=person, appointment=appointment)

    (mine,) = _to(mailoutbox, person)
    assert "booked" in mine.subject
    assert _invite(mine)["METHOD"] == "REQUEST"
    (note,) = _to(mailoutbox, adviser)
    assert "booked with you" in note.subject
    assert _to(mailoutbox, colleague) == []
    _no_secrets(mailoutbox)


# --- Cancelling ------------------------------------------------------------------------------
def test_the_person_cancelling_gets_a_confirmation_that_removes_it_and_the_adviser_a_note(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    first_uid = _invite(_to(mailoutbox, person)[0]).events[0]["UID"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(actor=person, appointment=appointment)

    (mine,) = _to(mailoutbox, person)
    assert "cancelled" in mine.subject
    assert "You have cancelled" in mine.body
    calendar = _invite(mine)
    assert calendar["METHOD"] == "CANCEL"
    (entry,) = calendar.events
    assert entry["UID"] == first_uid
    assert entry["SEQUENCE"] == 1
    assert entry["STATUS"] == "CANCELLED"
    (note,) = _to(mailoutbox, adviser)
    assert "cancelled" in note.subject
    assert f"/ansatt/veiledning/foresporsler/{appointment.request_id}/" in note.body
    _no_secrets(mailoutbox)


def test_staff_cancelling_send_their_reason_to_the_person_and_no_note(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(actor=colleague, appointment=appointment, reason="Rådgiveren er syk.")

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "the centre had to cancel" in message.body
    assert "Rådgiveren er syk." in message.body
    assert _invite(message)["METHOD"] == "CANCEL"


def test_a_cancelled_proposal_has_no_invitation_to_remove(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre)
    appointment = _propose(django_capture_on_commit_callbacks, colleague, request, adviser, at(day, 14))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(actor=colleague, appointment=appointment)

    (message,) = mailoutbox
    assert _invite(message) is None
    assert "Vi ses i andre etasje." not in message.body  # no reason given: the old message stays out
    appointment.refresh_from_db()
    assert appointment.ics_sequence == 0


# --- Moving ------------------------------------------------------------------------------------
def test_moving_sends_the_updated_invitation_with_the_same_uid_and_a_higher_sequence(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    first = _invite(_to(mailoutbox, person)[0]).events[0]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(actor=person, appointment=appointment, starts_at=at(day, 11))

    (mine,) = _to(mailoutbox, person)
    assert "moved" in mine.subject and "11:00" in mine.subject
    assert "11:00–12:00" in mine.body
    calendar = _invite(mine)
    assert calendar["METHOD"] == "REQUEST"
    (entry,) = calendar.events
    assert entry["UID"] == first["UID"]
    assert entry["SEQUENCE"] > first["SEQUENCE"]
    assert entry.start == at(day, 11)
    (note,) = _to(mailoutbox, adviser)
    assert "moved" in note.subject


def test_staff_moving_tells_the_person_and_not_the_adviser(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(actor=colleague, appointment=appointment, starts_at=at(day, 13))
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(actor=colleague, appointment=appointment, starts_at=at(day, 14))

    assert [message.to for message in mailoutbox] == [[person.email], [person.email]]
    assert "The centre has moved" in mailoutbox[0].body
    assert [_invite(message).events[0]["SEQUENCE"] for message in mailoutbox] == [1, 2]


# --- Handing over and referring -----------------------------------------------------------------
def test_handing_over_tells_the_person_the_new_centre_and_removes_the_booked_time(
    person, centre, other_centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_hand_over(
            actor=colleague,
            request=appointment.request,
            centre=other_centre,
            message="Bergen kan dette best.",
        )

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "Batteriet Bergen" in message.subject and "Batteriet Bergen" in message.body
    assert "Bergen kan dette best." in message.body
    assert "booked is cancelled" in message.body
    calendar = _invite(message)
    assert calendar["METHOD"] == "CANCEL"
    assert str(calendar.events[0]["UID"]).startswith(f"guidance-appointment-{appointment.pk}@")
    assert calendar.events[0]["SEQUENCE"] == 1
    _no_secrets(mailoutbox)


def test_the_e_mail_carries_the_message_written_with_its_change(
    person, centre, adviser, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.request_hand_over(
            actor=colleague, request=request, adviser=adviser, message="Anne tar over."
        )
    # Another change writes a new message before the first e-mail is sent.
    GuidanceRequest.objects.filter(pk=request.pk).update(staff_message="En senere beskjed.")
    for callback in callbacks:
        callback()

    (message,) = mailoutbox
    assert "Anne tar over." in message.body
    assert "En senere beskjed." not in message.body


def test_handing_over_a_request_without_a_time_sends_no_invitation(
    person, centre, adviser, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_hand_over(
            actor=colleague, request=request, adviser=adviser, message="Anne tar over."
        )

    (message,) = mailoutbox
    assert "Anne Rådgiver at Batteriet Oslo takes over" in message.body
    assert "Anne tar over." in message.body
    assert message.attachments == []


def test_referring_tells_where_and_why_and_removes_the_booked_time(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refer(
            actor=colleague,
            request=appointment.request,
            referred_to="Frivillighet Norge, tlf 12345678",
            message="De kan regnskap.",
        )

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "Frivillighet Norge, tlf 12345678" in message.body
    assert "De kan regnskap." in message.body
    assert _invite(message)["METHOD"] == "CANCEL"
    _no_secrets(mailoutbox)


# --- Language and addresses ------------------------------------------------------------------------
def test_each_person_reads_their_own_language(
    centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    english = factories.UserFactory(language="en")
    norwegian = factories.UserFactory(language="nb")
    booked(django_capture_on_commit_callbacks, english, centre, adviser, at(day, 10))
    booked(django_capture_on_commit_callbacks, norwegian, centre, adviser, at(day, 11))

    assert "Tuesday" in _to(mailoutbox, english)[0].body
    assert "tirsdag" in _to(mailoutbox, norwegian)[0].body
    assert len(_to(mailoutbox, adviser)) == 2
    assert all("Tuesday" in message.body for message in _to(mailoutbox, adviser))


def test_the_adviser_reads_their_own_language(
    person, centre, day, mailoutbox, django_capture_on_commit_callbacks
):
    norwegian_adviser = factories.staff(centre, language="nb")
    factories.availability(norwegian_adviser, centre, 1, dt.time(10), dt.time(12))
    booked(django_capture_on_commit_callbacks, person, centre, norwegian_adviser, at(day, 10))
    assert "tirsdag" in _to(mailoutbox, norwegian_adviser)[0].body
    assert "Tuesday" in _to(mailoutbox, person)[0].body


def test_people_without_an_e_mail_address_get_nothing(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    type(person).objects.filter(pk=person.pk).update(email="")
    person.refresh_from_db()
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    assert [message.to for message in mailoutbox] == [[adviser.email]]

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(actor=person, appointment=appointment, starts_at=at(day, 11))
    assert [message.to for message in mailoutbox] == [[adviser.email]]


def test_an_adviser_without_an_e_mail_address_gets_no_note(
    person, centre, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    type(adviser).objects.filter(pk=adviser.pk).update(email="")
    appointment = booked(django_capture_on_commit_callbacks, person, centre, adviser, at(day, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(actor=person, appointment=appointment)
    assert [message.to for message in mailoutbox] == [[person.email], [person.email]]


def test_declining_a_proposed_time_tells_the_adviser_only(
    person, centre, adviser, colleague, day, mailoutbox, django_capture_on_commit_callbacks
):
    request = ask(django_capture_on_commit_callbacks, person, centre)
    appointment = _propose(django_capture_on_commit_callbacks, colleague, request, adviser, at(day, 10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decline(actor=person, appointment=appointment, preferred_times="Fredager")

    (message,) = mailoutbox
    assert message.to == [adviser.email]
    assert "declined" in message.subject
    assert f"/ansatt/veiledning/foresporsler/{request.pk}/" in message.body
    _no_secrets(mailoutbox)
