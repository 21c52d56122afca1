"""E-mails about registrations: each change tells the right people, in their own language,
with a calendar invitation where it adds or removes something, and never before commit."""

import datetime as dt

import icalendar
import pytest
from django.db import transaction

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import notices, services
from batteriet.events.models import Answer, Question, Registration, RegistrationStatus
from batteriet.events.notices import Notice
from batteriet.organisations.models import Membership, MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

S = RegistrationStatus
at = factories.at


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def tuesday():
    return factories.bookable_day(weekday=1, weeks_ahead=2)


@pytest.fixture
def event(centre, tuesday):
    return factories.EventFactory(
        capacity=2, centres=[centre], starts_at=at(tuesday, 18), ends_at=at(tuesday, 20), title="Styrekurs"
    )


@pytest.fixture
def organisation(centre):
    return factories.OrganisationFactory(home_centre=centre)


def _invite(message) -> icalendar.Calendar | None:
    invites = [content for name, content, _mimetype in message.attachments if name == "invite.ics"]
    if not invites:
        return None
    (content,) = invites
    return icalendar.Calendar.from_ical(content)


def _text(content: bytes | str) -> str:
    return content.decode() if isinstance(content, bytes) else content


def _by_address(mailoutbox) -> dict[str, list]:
    result: dict[str, list] = {}
    for message in mailoutbox:
        for address in message.to:
            result.setdefault(address, []).append(message)
    return result


def register(capture, event, person, **kwargs) -> list[Registration]:
    with capture(execute=True):
        return services.registration_create(actor=person, event=event, **kwargs)


def test_registering_sends_a_confirmation_with_an_invitation(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    person = factories.UserFactory(language="en")
    (registration,) = register(django_capture_on_commit_callbacks, event, person)

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "Styrekurs" in message.subject
    assert "Tuesday" in message.body
    assert f"/mine-arrangementer/{registration.pk}/" in message.body
    calendar = _invite(message)
    assert calendar["METHOD"] == "REQUEST"
    (entry,) = calendar.events
    assert str(entry["UID"]).startswith(f"event-registration-{registration.pk}@")
    assert entry["DTSTART"].dt == event.starts_at


def test_each_person_reads_their_own_language(event, mailoutbox, django_capture_on_commit_callbacks):
    english = factories.UserFactory(language="en")
    norwegian = factories.UserFactory(language="nb")
    register(django_capture_on_commit_callbacks, event, english)
    register(django_capture_on_commit_callbacks, event, norwegian)

    by_address = _by_address(mailoutbox)
    assert "Tuesday" in by_address[english.email][0].body
    assert "tirsdag" in by_address[norwegian.email][0].body


def test_a_contact_registering_members_gets_one_list_and_each_member_their_own(
    event, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    contact = factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt")
    first = factories.member(organisation, full_name="Ola Medlem", language="en")
    second = factories.member(organisation, full_name="Per Medlem")
    register(
        django_capture_on_commit_callbacks, event, contact, people=[first, second], organisation=organisation
    )

    by_address = _by_address(mailoutbox)
    assert set(by_address) == {contact.email, first.email, second.email}
    assert all(len(messages) == 1 for messages in by_address.values())
    (listing,) = by_address[contact.email]
    assert "Ola Medlem" in listing.body and "Per Medlem" in listing.body
    assert _invite(listing) is None  # the contact is not coming: nothing for their calendar
    (own,) = by_address[first.email]
    assert "Per Medlem" not in own.body
    assert _invite(own) is not None


def test_a_contact_in_the_group_gets_one_e_mail_with_the_list_and_the_invitation(
    event, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    contact = factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt")
    other = factories.member(organisation, full_name="Ola Medlem")
    register(
        django_capture_on_commit_callbacks, event, contact, people=[contact, other], organisation=organisation
    )

    by_address = _by_address(mailoutbox)
    (own,) = by_address[contact.email]
    assert "Ola Medlem" in own.body
    assert _invite(own) is not None
    assert len(by_address[other.email]) == 1


def test_registrations_by_name_only_send_nothing(
    centre, event, mailoutbox, django_capture_on_commit_callbacks
):
    organiser = factories.staff(centre)
    register(django_capture_on_commit_callbacks, event, organiser, names=["Ola Uten Konto", "Per Uten Konto"])
    assert mailoutbox == []


def test_waiting_says_the_place_in_line(event, mailoutbox, django_capture_on_commit_callbacks):
    for _ in range(2):
        register(django_capture_on_commit_callbacks, event, factories.UserFactory())
    mailoutbox.clear()
    person = factories.UserFactory(language="en")
    (registration,) = register(django_capture_on_commit_callbacks, event, person)

    assert registration.status == S.WAITING
    (message,) = mailoutbox
    assert "number 1 in line" in message.body
    assert _invite(message) is None


def test_a_cancellation_removes_it_from_the_calendar_and_offers_the_place_to_the_next(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    first = factories.UserFactory(language="en")
    (placed,) = register(django_capture_on_commit_callbacks, event, first)
    register(django_capture_on_commit_callbacks, event, factories.UserFactory())
    waiting_person = factories.UserFactory(language="en")
    (waiting,) = register(django_capture_on_commit_callbacks, event, waiting_person)
    created = _invite(mailoutbox[0]).events[0]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=first, registration=placed)

    by_address = _by_address(mailoutbox)
    (cancelled,) = by_address[first.email]
    calendar = _invite(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    (entry,) = calendar.events
    assert entry["UID"] == created["UID"]
    assert entry["SEQUENCE"] > created["SEQUENCE"]
    (offered,) = by_address[waiting_person.email]
    waiting.refresh_from_db()
    deadline = waiting.offer_expires_at.astimezone(clock.OSLO)
    assert deadline.strftime("%H:%M") in offered.body
    assert f"/mine-arrangementer/{waiting.pk}/" in offered.body


def test_an_expired_offer_tells_the_one_who_lost_it_and_offers_the_next(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = factories.UserFactory(), factories.UserFactory()
    (placed,) = register(django_capture_on_commit_callbacks, event, first)
    register(django_capture_on_commit_callbacks, event, second)
    late, next_one = factories.UserFactory(language="en"), factories.UserFactory(language="en")
    (offered,) = register(django_capture_on_commit_callbacks, event, late)
    register(django_capture_on_commit_callbacks, event, next_one)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=first, registration=placed)
    offered.refresh_from_db()
    assert offered.status == S.OFFERED
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.offers_expire(now=offered.offer_expires_at + dt.timedelta(minutes=1)) == 1

    by_address = _by_address(mailoutbox)
    assert set(by_address) == {late.email, next_one.email}
    assert "not accepted in time" in by_address[late.email][0].body
    assert "held for you until" in by_address[next_one.email][0].body


def test_accepting_an_offer_confirms_with_an_invitation(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    first = factories.UserFactory()
    (placed,) = register(django_capture_on_commit_callbacks, event, first)
    register(django_capture_on_commit_callbacks, event, factories.UserFactory())
    person = factories.UserFactory()
    (waiting,) = register(django_capture_on_commit_callbacks, event, person)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=first, registration=placed)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_offer_accept(actor=person, registration=waiting)

    (message,) = mailoutbox
    assert _invite(message)["METHOD"] == "REQUEST"


def test_a_change_that_is_rolled_back_sends_nothing(event, mailoutbox, django_capture_on_commit_callbacks):
    person = factories.UserFactory()
    (registration,) = register(django_capture_on_commit_callbacks, event, person)
    mailoutbox.clear()

    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
        notices.send_on_commit(registration, Notice.CANCELLED)
        raise Boom
    # A refused registration (already registered) rolls back and tells nobody either.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation):
        services.registration_create(actor=person, event=event)
    assert mailoutbox == []


def test_a_person_who_left_the_organisation_still_hears_about_their_own_registration(
    event, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    person = factories.member(organisation)
    (registration,) = register(django_capture_on_commit_callbacks, event, person, organisation=organisation)
    Membership.objects.filter(user=person).delete()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=person, registration=registration)

    assert [message.to for message in mailoutbox] == [[person.email]]


def test_special_needs_never_go_in_an_e_mail(event, mailoutbox, django_capture_on_commit_callbacks):
    question = Question.objects.create(
        event=event, label="Trenger du tolk?", kind="text", is_special_need=True
    )
    person = factories.UserFactory()
    (registration,) = register(django_capture_on_commit_callbacks, event, person)
    Answer.objects.create(registration=registration, question=question, value="Tegnspraktolk-hemmelig")
    mailoutbox.clear()

    for notice in (Notice.REGISTERED, Notice.REMINDER, Notice.CANCELLED):
        with django_capture_on_commit_callbacks(execute=True):
            notices.send_on_commit(registration, notice)

    assert len(mailoutbox) == 3
    for message in mailoutbox:
        assert "Tegnspraktolk" not in message.body
        assert all("Tegnspraktolk" not in _text(content) for _name, content, _type in message.attachments)


def test_the_online_link_is_only_for_those_with_a_place(
    centre, tuesday, mailoutbox, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(
        capacity=1,
        centres=[centre],
        starts_at=at(tuesday, 18),
        ends_at=at(tuesday, 20),
        place_kind="online",
        venue="",
        online_link="https://møte.example/hemmelig-rom",
    )
    placed = factories.UserFactory()
    register(django_capture_on_commit_callbacks, event, placed)
    waiting = factories.UserFactory()
    register(django_capture_on_commit_callbacks, event, waiting)

    by_address = _by_address(mailoutbox)
    (confirmation,) = by_address[placed.email]
    assert "hemmelig-rom" in confirmation.body
    assert "hemmelig-rom" in str(_invite(confirmation).events[0]["DESCRIPTION"])
    (waiting_message,) = by_address[waiting.email]
    assert "hemmelig-rom" not in waiting_message.body


@pytest.mark.parametrize("notice", list(Notice))
def test_every_notice_has_its_own_subject_and_links_to_the_registration(
    notice, event, mailoutbox, django_capture_on_commit_callbacks
):
    person = factories.UserFactory(language="en")
    fields = {"status": S.CONFIRMED}
    if notice == Notice.OFFERED:
        fields = {"status": S.OFFERED, "offer_expires_at": event.starts_at - dt.timedelta(days=1)}
    elif notice == Notice.WAITING:
        fields = {"status": S.WAITING}
    elif notice == Notice.OFFER_EXPIRED:
        fields = {"status": S.EXPIRED}
    elif notice == Notice.CANCELLED:
        fields = {"status": S.CANCELLED}
    registration = factories.registration_row(event, person, registered_by=person, **fields)

    with django_capture_on_commit_callbacks(execute=True):
        notices.send_on_commit(registration, notice)

    (message,) = mailoutbox
    assert f"/mine-arrangementer/{registration.pk}/" in message.body
    subjects = {
        Notice.REGISTERED: "You are registered",
        Notice.WAITING: "On the waiting list",
        Notice.OFFERED: "A place is held for you",
        Notice.OFFER_EXPIRED: "gone to the next in line",
        Notice.CANCELLED: "Registration cancelled",
        Notice.REMINDER: "Reminder",
        Notice.CHANGED: "has changed",
    }
    assert subjects[notice] in message.subject
    assert "\n" not in message.subject


# --- A new time or place ------------------------------------------------------------------
def _event_data(event, centre, **overrides):
    from batteriet.events.services import manage

    values = {
        "kind": event.kind,
        "title": event.title,
        "centres": [centre],
        "audience": event.audience,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "place_kind": event.place_kind,
        "venue": event.venue,
        "online_link": event.online_link,
        "capacity": event.capacity,
        "is_published": event.is_published,
    }
    values.update(overrides)
    return manage.EventData(**values)


def _change(capture, event, centre, **overrides):
    from batteriet.events.services import manage

    with capture(execute=True):
        return manage.event_update(
            actor=factories.staff(centre), event=event, data=_event_data(event, centre, **overrides)
        )


def test_a_new_time_tells_those_with_a_place_or_an_offer_with_an_updated_invitation(
    centre, event, tuesday, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    placed = factories.UserFactory(language="en")
    register(django_capture_on_commit_callbacks, event, placed)
    created = _invite(mailoutbox[0]).events[0]
    contact = factories.member(organisation, MembershipRole.CONTACT)
    member = factories.member(organisation, language="nb")
    (offered,) = register(
        django_capture_on_commit_callbacks, event, contact, people=[member], organisation=organisation
    )
    waiting_person, cancelled_person = factories.UserFactory(), factories.UserFactory()
    register(django_capture_on_commit_callbacks, event, waiting_person)
    factories.registration_row(event, cancelled_person, status=S.CANCELLED)
    factories.registration_row(event, None, name="Uten Konto")
    Registration.objects.filter(pk=offered.pk).update(
        status=S.OFFERED, offer_expires_at=at(tuesday, 12) - dt.timedelta(days=2)
    )
    Registration.objects.filter(event=event).update(reminder_sent_at=clock.now())
    mailoutbox.clear()

    wednesday = tuesday + dt.timedelta(days=1)
    _change(
        django_capture_on_commit_callbacks,
        event,
        centre,
        starts_at=at(wednesday, 17),
        ends_at=at(wednesday, 19),
    )

    by_address = _by_address(mailoutbox)
    assert set(by_address) == {placed.email, member.email}  # not the contact, waiting or cancelled
    (moved,) = by_address[placed.email]
    assert moved.subject == "The time or place of Styrekurs has changed"
    assert "Wednesday" in moved.body and "17:00" in moved.body
    calendar = _invite(moved)
    assert calendar["METHOD"] == "REQUEST"
    (entry,) = calendar.events
    assert entry["UID"] == created["UID"]
    assert entry["SEQUENCE"] > created["SEQUENCE"]
    assert entry["DTSTART"].dt == at(wednesday, 17)
    (offer,) = by_address[member.email]
    assert "onsdag" in offer.body  # in the member's own language
    assert f"/mine-arrangementer/{offered.pk}/" in offer.body
    assert _invite(offer) is None  # no place yet: nothing for the calendar
    # Reminders are due again before the new date.
    assert not Registration.objects.filter(event=event, reminder_sent_at__isnull=False).exists()


def test_a_moved_event_is_reminded_of_again(centre, mailoutbox, django_capture_on_commit_callbacks):
    from batteriet.events.services import jobs

    soon = clock.now() + dt.timedelta(hours=30)
    event = factories.EventFactory(centres=[centre], starts_at=soon, ends_at=soon + dt.timedelta(hours=2))
    person = factories.UserFactory(language="en")
    register(django_capture_on_commit_callbacks, event, person)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send() == 1
    mailoutbox.clear()

    later = soon + dt.timedelta(hours=10)
    _change(
        django_capture_on_commit_callbacks,
        event,
        centre,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send() == 1
    assert [message.subject.split(":")[0] for message in mailoutbox] == [
        "The time or place of " + event.title + " has changed",
        "Reminder",
    ]


def test_other_changes_tell_nobody_and_keep_the_reminder(
    centre, event, mailoutbox, django_capture_on_commit_callbacks
):
    register(django_capture_on_commit_callbacks, event, factories.UserFactory())
    Registration.objects.filter(event=event).update(reminder_sent_at=clock.now())
    mailoutbox.clear()

    _change(django_capture_on_commit_callbacks, event, centre, title="Styrekurs for nye", capacity=30)

    assert mailoutbox == []
    assert Registration.objects.get(event=event).reminder_sent_at is not None


def test_a_new_place_is_told_and_the_new_link_only_to_those_with_a_place(
    centre, event, tuesday, mailoutbox, django_capture_on_commit_callbacks
):
    question = Question.objects.create(
        event=event, label="Trenger du tolk?", kind="text", is_special_need=True
    )
    placed = factories.UserFactory(language="en")
    (registration,) = register(django_capture_on_commit_callbacks, event, placed)
    Answer.objects.create(registration=registration, question=question, value="Tegnspraktolk-hemmelig")
    offered_person = factories.UserFactory(language="en")
    factories.registration_row(
        event,
        offered_person,
        status=S.OFFERED,
        offer_expires_at=at(tuesday, 12),
        registered_by=offered_person,
    )
    mailoutbox.clear()

    _change(
        django_capture_on_commit_callbacks,
        event,
        centre,
        place_kind="online",
        venue="",
        online_link="https://møte.example/hemmelig-rom",
    )

    by_address = _by_address(mailoutbox)
    (moved,) = by_address[placed.email]
    assert "hemmelig-rom" in moved.body
    assert "hemmelig-rom" in str(_invite(moved).events[0]["DESCRIPTION"])
    assert "Online" in str(_invite(moved).events[0]["LOCATION"])
    (offer,) = by_address[offered_person.email]
    assert "hemmelig-rom" not in offer.body
    assert "held for you until" in offer.body
    for message in mailoutbox:
        assert "Tegnspraktolk" not in message.body
        assert all("Tegnspraktolk" not in _text(content) for _name, content, _type in message.attachments)


def test_people_offered_a_place_by_the_same_change_get_only_the_offer(
    centre, event, tuesday, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(2):
        register(django_capture_on_commit_callbacks, event, factories.UserFactory(language="en"))
    waiting_person = factories.UserFactory(language="en")
    register(django_capture_on_commit_callbacks, event, waiting_person)
    mailoutbox.clear()

    _change(django_capture_on_commit_callbacks, event, centre, capacity=3, venue="Samfunnshuset")

    by_address = _by_address(mailoutbox)
    assert len(mailoutbox) == 3
    (offer,) = by_address[waiting_person.email]
    assert "A place is held for you" in offer.subject
    assert "Samfunnshuset" in offer.body


def test_a_change_of_the_programme_updates_the_invitation_sequence(
    centre, event, tuesday, django_capture_on_commit_callbacks
):
    from batteriet.events import ics
    from batteriet.events.services import manage

    (registration,) = register(django_capture_on_commit_callbacks, event, factories.UserFactory())
    before = ics.sequence(registration)
    organiser = factories.staff(centre)
    added = manage.session_add(
        actor=organiser,
        event=event,
        data=manage.SessionData(title="Del 2", starts_at=at(tuesday, 19), ends_at=at(tuesday, 20)),
    )
    assert ics.sequence(registration) == before + 1
    manage.session_update(
        actor=organiser,
        session=added,
        data=manage.SessionData(title="Del 2", starts_at=at(tuesday, 19, 30), ends_at=at(tuesday, 20)),
    )
    assert ics.sequence(registration) == before + 2
