"""The pages of session records, follow-ups, the journey, confidential notes and their read
log: each page and action, bad input on every field (a clear message, nothing stored),
who sees what (notes never leave their centre, every note shown is logged), and query
counts that do not grow with the data."""

import datetime as dt

import pytest
from django.urls import reverse

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.guidance.models import (
    Appointment,
    AppointmentStatus,
    ConfidentialNote,
    FollowUp,
    GuidanceRequest,
    JourneyProgress,
    JourneyStep,
    NoteRead,
    RequestStatus,
    SessionRecord,
)
from batteriet.guidance.services import notes as note_services
from batteriet.guidance.services import records
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"
SECRET = "Styreleder sliter med rus – hemmelig"


class World:
    def __init__(self) -> None:
        self.centre_a = factories.CentreFactory(slug="senter-a", name="Batteriet A")
        self.centre_b = factories.CentreFactory(slug="senter-b", name="Batteriet B")
        self.a1 = factories.OrganisationFactory(name="Organisasjon A1", home_centre=self.centre_a)
        self.b1 = factories.OrganisationFactory(name="Organisasjon B1", home_centre=self.centre_b)
        self.contact = factories.member(self.a1, MembershipRole.CONTACT, full_name="Kari Kontakt")
        self.member = factories.member(self.a1, MembershipRole.MEMBER, full_name="Ola Medlem")
        self.contact_b1 = factories.member(self.b1, MembershipRole.CONTACT, full_name="Berit Kontakt")
        self.person = factories.UserFactory(full_name="Nils Nykommer")
        self.adviser_a = factories.staff(self.centre_a, full_name="Anne Rådgiver")
        self.lead_a = factories.staff(self.centre_a, StaffRole.LEAD, full_name="Lars Leder")
        self.adviser_b = factories.staff(self.centre_b, full_name="Bjørn Rådgiver")
        self.lead_b = factories.staff(self.centre_b, StaffRole.LEAD, full_name="Bodil Leder")
        self.coordinator = factories.national_coordinator(full_name="Nora Nasjonal")


@pytest.fixture
def w() -> World:
    return World()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def login(client, user, settings=None):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def appointment_row(
    w: World, *, centre=None, organisation="a1", status=AppointmentStatus.BOOKED, hours_ago=2
):
    centre = centre or w.centre_a
    request = GuidanceRequest.objects.create(
        requested_by=w.contact,
        organisation=getattr(w, organisation) if organisation else None,
        role="representative",
        centre=centre,
        topic="statutes",
        situation="Vi trenger hjelp med vedtektene.",
        mode="phone",
        status=RequestStatus.SCHEDULED,
    )
    starts_at = (clock.now() - dt.timedelta(hours=hours_ago)).replace(second=0, microsecond=0)
    return Appointment.objects.create(
        request=request,
        adviser=w.adviser_a if centre == w.centre_a else w.adviser_b,
        centre=centre,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=45),
        mode="phone",
        status=status,
    )


def session(w: World, **overrides) -> SessionRecord:
    fields = {
        "actor": w.adviser_a,
        "centre": w.centre_a,
        "held_at": clock.now() - dt.timedelta(hours=1),
        "minutes": 60,
        "mode": "centre",
        "topics": ["statutes"],
        "outcomes": ["statutes_adopted"],
        "organisation": w.a1,
    }
    fields.update(overrides)
    return records.record_create(**fields)


def record_post(**overrides) -> dict:
    held = clock.local_now() - dt.timedelta(hours=2)
    data = {
        "held_on": held.date().isoformat(),
        "held_time": held.strftime("%H:%M"),
        "minutes": "45",
        "mode": "phone",
        "people": "2",
        "topics": ["statutes", "board"],
        "outcomes": ["statutes_adopted"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def stored() -> tuple:
    return (
        list(SessionRecord.objects.values()),
        list(FollowUp.objects.values()),
        list(JourneyProgress.objects.values()),
        list(ConfidentialNote.objects.values_list("pk", flat=True)),
        list(Appointment.objects.values("pk", "status")),
    )


def errors_of(response) -> str:
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    return body


def url(name, *args) -> str:
    return reverse(f"guidance:{name}", args=args)


# --- Recording the session of an appointment -------------------------------------------------
def test_the_record_form_is_prefilled_from_the_appointment(client, w):
    appointment = appointment_row(w)
    JourneyProgress.objects.create(
        organisation=w.a1, step=JourneyStep.FOUNDED, reached_on=dt.date(2025, 3, 1)
    )
    body = login(client, w.adviser_a).get(url("record", appointment.pk)).content.decode()
    starts = appointment.starts_at.astimezone(clock.OSLO)
    assert f'value="{starts:%Y-%m-%d}"' in body
    assert f'value="{starts:%H:%M}"' in body
    assert 'name="minutes" value="45"' in body
    assert 'value="phone" ' in body and "checked" in body
    assert "Organisasjon A1" in body
    assert "Only advisers and the lead at Batteriet A can read this. Every read is logged." in body
    assert "Deleted after 3 years without contact." in body
    # A step already reached is shown as done, not offered again.
    assert 'name="journey_steps" value="founded"' not in body
    assert 'name="journey_steps" value="statutes"' in body
    assert "Founded: done 1 March 2025" in body
    # Who can own a follow-up: the centre's staff and the organisation's contacts, nobody else.
    assert "Anne Rådgiver" in body and "Lars Leder" in body and "Kari Kontakt" in body
    assert "Bjørn Rådgiver" not in body and "Ola Medlem" not in body


def test_recording_saves_the_session_follow_ups_steps_and_note(client, w):
    appointment = appointment_row(w)
    due = (clock.local_today() + dt.timedelta(days=7)).isoformat()
    response = login(client, w.adviser_a).post(
        url("record", appointment.pk),
        record_post(
            journey_steps=["statutes"],
            follow_up_1_text="Send vedtektene",
            follow_up_1_owner=str(w.contact.pk),
            follow_up_1_due=due,
            follow_up_3_text="Ring styret",
            follow_up_3_owner=str(w.lead_a.pk),
            follow_up_3_due=due,
            note=SECRET,
        ),
    )
    assert response.status_code == 302
    record = SessionRecord.objects.get()
    assert (record.appointment, record.organisation, record.minutes, record.mode, record.people) == (
        appointment,
        w.a1,
        45,
        "phone",
        2,
    )
    assert record.topics == ["statutes", "board"]
    assert sorted(FollowUp.objects.values_list("text", "owner_id")) == [
        ("Ring styret", w.lead_a.pk),
        ("Send vedtektene", w.contact.pk),
    ]
    assert JourneyProgress.objects.get().record == record
    note = ConfidentialNote.objects.get()
    assert (note.record, note.organisation, note.centre) == (record, w.a1, w.centre_a)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
    # The request's staff page when it exists, else the follow-ups.
    try:
        expected = url("triage", appointment.request_id)
    except Exception:  # the page of another area may not exist yet
        expected = url("follow_ups")
    assert response["Location"] == expected


def test_an_appointment_already_recorded_says_so_and_is_not_recorded_twice(client, w):
    appointment = appointment_row(w)
    session(w, organisation=None, appointment=appointment)
    login(client, w.adviser_a)
    body = client.get(url("record", appointment.pk)).content.decode()
    assert "This session is already recorded" in body
    assert 'name="topics"' not in body
    assert url("journey", w.a1.pk) in body
    before = stored()
    response = client.post(url("record", appointment.pk), record_post())
    assert response.status_code == 200
    assert stored() == before


def test_a_cancelled_appointment_cannot_be_recorded(client, w):
    appointment = appointment_row(w, status=AppointmentStatus.CANCELLED)
    body = login(client, w.adviser_a).get(url("record", appointment.pk)).content.decode()
    assert "This appointment cannot be recorded" in body
    assert client.post(url("record", appointment.pk), record_post()).status_code == 200
    assert not SessionRecord.objects.exists()


def test_the_record_page_is_for_staff_of_the_appointments_centre(client, w):
    appointment = appointment_row(w)
    target = url("record", appointment.pk)
    assert client.get(target).status_code == 302
    for user, status in [
        (w.contact, 403),
        (w.person, 403),
        (w.adviser_b, 404),
        (w.lead_b, 404),
        (w.lead_a, 200),
        (w.coordinator, 200),
    ]:
        assert login(client, user).get(target).status_code == status, user
    login(client, w.adviser_b)
    assert client.post(target, record_post()).status_code == 404
    assert login(client, w.adviser_a).get(url("record", 999_999)).status_code == 404
    assert not SessionRecord.objects.exists()


def test_a_national_coordinator_records_without_a_note_field(client, w):
    appointment = appointment_row(w)
    login(client, w.coordinator)
    body = client.get(url("record", appointment.pk)).content.decode()
    assert 'name="note"' not in body
    response = client.post(url("record", appointment.pk), record_post(note=SECRET))
    assert response.status_code == 302
    assert SessionRecord.objects.count() == 1
    assert not ConfidentialNote.objects.exists()


def test_a_refused_note_keeps_the_record_and_says_so(client, w, monkeypatch):
    appointment = appointment_row(w)

    def refuse(**kwargs):
        raise records.RuleViolation(code="not_allowed", message="You are not allowed to do this.")

    monkeypatch.setattr(note_services, "note_write", refuse)
    response = login(client, w.adviser_a).post(
        url("record", appointment.pk), record_post(note=SECRET), follow=True
    )
    assert SessionRecord.objects.count() == 1
    assert "the confidential note was not saved" in response.content.decode()


RECORD_BAD_INPUT = [
    ({"held_on": ""}, "held_on"),
    ({"held_on": "2026-02-30"}, "held_on"),
    ({"held_on": "31.31.2026"}, "held_on"),
    ({"held_on": "1850-01-01"}, "held_on"),
    ({"held_on": (clock.local_today() + dt.timedelta(days=2)).isoformat()}, "held_on"),
    ({"held_time": "25:61"}, "held_time"),
    ({"held_time": LONG}, "held_time"),
    ({"minutes": "0"}, "minutes"),
    ({"minutes": "601"}, "minutes"),
    ({"minutes": "abc"}, "minutes"),
    ({"minutes": "\x00"}, "minutes"),
    ({"minutes": ""}, "minutes"),
    ({"mode": SCRIPT}, "mode"),
    ({"mode": ""}, "mode"),
    ({"people": "0"}, "people"),
    ({"people": "-3"}, "people"),
    ({"people": "100000"}, "people"),
    ({"people": LONG}, "people"),
    ({"topics": []}, "topics"),
    ({"topics": [SCRIPT]}, "topics"),
    ({"topics": ["statutes", LONG]}, "topics"),
    ({"outcomes": ["\x00"]}, "outcomes"),
    ({"journey_steps": ["grant_ready"]}, "journey_steps"),
    ({"follow_up_1_text": LONG, "follow_up_1_owner": "OWNER", "follow_up_1_due": "DUE"}, "follow_up_1_text"),
    (
        {"follow_up_1_text": "Ring\x00", "follow_up_1_owner": "OWNER", "follow_up_1_due": "DUE"},
        "follow_up_1_text",
    ),
    ({"follow_up_1_text": "Ring", "follow_up_1_due": "DUE"}, "follow_up_1_owner"),
    ({"follow_up_2_text": "Ring", "follow_up_2_owner": "OWNER"}, "follow_up_2_due"),
    ({"follow_up_1_owner": "OWNER", "follow_up_1_due": "DUE"}, "follow_up_1_text"),
    ({"follow_up_1_text": "Ring", "follow_up_1_owner": "abc", "follow_up_1_due": "DUE"}, "follow_up_1_owner"),
    (
        {"follow_up_1_text": "Ring", "follow_up_1_owner": "OTHER", "follow_up_1_due": "DUE"},
        "follow_up_1_owner",
    ),
    (
        {"follow_up_1_text": "Ring", "follow_up_1_owner": "MEMBER", "follow_up_1_due": "DUE"},
        "follow_up_1_owner",
    ),
    (
        {"follow_up_1_text": "Ring", "follow_up_1_owner": "OWNER", "follow_up_1_due": "2026-02-30"},
        "follow_up_1_due",
    ),
    (
        {"follow_up_3_text": "Ring", "follow_up_3_owner": "OWNER", "follow_up_3_due": "PAST"},
        "follow_up_3_due",
    ),
    ({"follow_up_1_text": "Ring", "follow_up_1_owner": "OWNER", "follow_up_1_due": "FAR"}, "follow_up_1_due"),
    ({"note": LONG}, "note"),
    ({"note": "Hei\x00"}, "note"),
]


@pytest.mark.parametrize(("overrides", "field"), RECORD_BAD_INPUT, ids=lambda v: str(v)[:40])
def test_bad_record_input_is_refused_by_the_field_and_nothing_is_stored(client, w, overrides, field):
    appointment = appointment_row(w)
    today = clock.local_today()
    replace = {
        "OWNER": str(w.adviser_a.pk),
        "OTHER": str(w.adviser_b.pk),  # works at another centre
        "MEMBER": str(w.member.pk),  # a member, not a contact person
        "DUE": (today + dt.timedelta(days=3)).isoformat(),
        "PAST": (today - dt.timedelta(days=10)).isoformat(),
        "FAR": (today + dt.timedelta(days=5000)).isoformat(),
    }
    data = record_post(
        **{
            key: replace.get(value, value) if isinstance(value, str) else value
            for key, value in overrides.items()
        }
    )
    before = stored()
    body = errors_of(login(client, w.adviser_a).post(url("record", appointment.pk), data))
    assert f'id="id_{field}_error"' in body, body[
        body.find("error-summary") : body.find("error-summary") + 800
    ]
    assert SCRIPT not in body
    assert stored() == before


def test_a_script_is_shown_as_text(client, w):
    appointment = appointment_row(w)
    due = (clock.local_today() + dt.timedelta(days=3)).isoformat()
    login(client, w.adviser_a).post(
        url("record", appointment.pk),
        record_post(follow_up_1_text=SCRIPT, follow_up_1_owner=str(w.adviser_a.pk), follow_up_1_due=due),
    )
    body = client.get(url("follow_ups")).content.decode()
    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


# --- Recording a session without an appointment -----------------------------------------------
def test_a_session_without_an_appointment_with_or_without_an_organisation(client, w):
    login(client, w.adviser_a)
    target = url("record_new", w.centre_a.slug)
    body = client.get(target).content.decode()
    assert "Organisasjon A1" in body and "Organisasjon B1" in body
    response = client.post(target, record_post(organisation=str(w.a1.pk), journey_steps=["founded"]))
    assert response["Location"] == url("journey", w.a1.pk)
    assert SessionRecord.objects.get().organisation == w.a1
    assert JourneyProgress.objects.get().step == "founded"
    response = client.post(target, record_post())
    assert response["Location"] == url("follow_ups")
    assert SessionRecord.objects.filter(organisation=None).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisation": "999999"}, "organisation"),
        ({"organisation": "abc"}, "organisation"),
        ({"organisation": SCRIPT}, "organisation"),
        ({"journey_steps": ["founded"]}, "journey_steps"),  # steps need an organisation
        ({"note": "Ingen organisasjon å lese det under."}, "note"),  # so does a note
        (
            {"follow_up_1_text": "Ring", "follow_up_1_owner": "CONTACT", "follow_up_1_due": "DUE"},
            "follow_up_1_owner",
        ),
    ],
)
def test_bad_input_without_an_appointment(client, w, overrides, field):
    replace = {"CONTACT": str(w.contact.pk), "DUE": (clock.local_today() + dt.timedelta(days=3)).isoformat()}
    data = record_post(
        **{
            key: replace.get(value, value) if isinstance(value, str) else value
            for key, value in overrides.items()
        }
    )
    before = stored()
    body = errors_of(login(client, w.adviser_a).post(url("record_new", w.centre_a.slug), data))
    assert f'id="id_{field}_error"' in body
    assert stored() == before


def test_a_pending_organisation_cannot_be_chosen(client, w):
    pending = factories.pending_organisation(w.centre_a, name="Venter")
    login(client, w.adviser_a)
    assert "Venter" not in client.get(url("record_new", w.centre_a.slug)).content.decode()
    errors_of(client.post(url("record_new", w.centre_a.slug), record_post(organisation=str(pending.pk))))
    assert not SessionRecord.objects.exists()


def test_record_new_is_for_staff_of_the_centre(client, w):
    target = url("record_new", w.centre_a.slug)
    assert client.get(target).status_code == 302
    assert login(client, w.contact).get(target).status_code == 403
    assert login(client, w.adviser_b).get(target).status_code == 404
    assert client.post(target, record_post()).status_code == 404
    assert login(client, w.coordinator).get(target).status_code == 200
    assert login(client, w.adviser_a).get(url("record_new", "finnes-ikke")).status_code == 404
    assert not SessionRecord.objects.exists()


# --- Follow-ups --------------------------------------------------------------------------------
def _follow_up(w, owner, *, days=3, centre=None, actor=None) -> FollowUp:
    centre = centre or w.centre_a
    record = session(
        w,
        actor=actor or (w.adviser_a if centre == w.centre_a else w.adviser_b),
        centre=centre,
        follow_ups=[
            (f"Oppgave for {owner.full_name} om {days}", owner, clock.local_today() + dt.timedelta(days=days))
        ],
    )
    return record.follow_ups.get()


def test_my_follow_ups_due_first_overdue_marked_and_done_below(client, w):
    later = _follow_up(w, w.adviser_a, days=9)
    first = _follow_up(w, w.adviser_a, days=0)
    overdue = _follow_up(w, w.adviser_a, days=1)
    FollowUp.objects.filter(pk=overdue.pk).update(due_on=clock.local_today() - dt.timedelta(days=2))
    others = _follow_up(w, w.lead_a, days=1)
    login(client, w.adviser_a)
    body = client.get(url("follow_ups")).content.decode()
    assert body.index(overdue.text) < body.index(first.text) < body.index(later.text)
    assert "Overdue" in body
    assert others.text not in body  # an adviser sees only their own

    response = client.post(url("follow_up_done", first.pk))
    assert response["Location"] == url("follow_ups")
    first.refresh_from_db()
    assert first.done_at is not None
    body = client.get(url("follow_ups")).content.decode()
    done_section = body[body.index('id="done-heading"') :]
    assert first.text in done_section
    assert later.text not in done_section


def test_a_lead_also_sees_the_open_follow_ups_of_their_centre(client, w):
    adviser_task = _follow_up(w, w.adviser_a)
    contact_task = _follow_up(w, w.contact)
    other_centre = _follow_up(w, w.adviser_b, centre=w.centre_b)
    body = login(client, w.lead_a).get(url("follow_ups")).content.decode()
    assert adviser_task.text in body and contact_task.text in body
    assert other_centre.text not in body
    assert login(client, w.lead_b).get(url("follow_ups")).content.decode().count(adviser_task.text) == 0


def test_follow_up_done_is_for_the_owner_or_staff_of_the_centre(client, w):
    follow_up = _follow_up(w, w.adviser_a)
    assert login(client, w.adviser_b).post(url("follow_up_done", follow_up.pk)).status_code == 404
    assert login(client, w.contact).post(url("follow_up_done", follow_up.pk)).status_code == 404
    assert login(client, w.lead_a).get(url("follow_up_done", follow_up.pk)).status_code == 405
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
    assert client.post(url("follow_up_done", follow_up.pk)).status_code == 302
    # Twice: a clear message, no error page.
    response = client.post(url("follow_up_done", follow_up.pk), follow=True)
    assert "already marked as done" in response.content.decode()
    assert login(client, w.adviser_a).post(url("follow_up_done", 999_999)).status_code == 404


def test_a_contact_person_sees_and_closes_their_own_follow_ups_only(client, w):
    mine = _follow_up(w, w.contact)
    advisers = _follow_up(w, w.adviser_a)
    assert client.get(url("follow_ups")).status_code == 302
    body = login(client, w.contact).get(url("follow_ups")).content.decode()
    assert mine.text in body and advisers.text not in body
    assert url("queue", w.centre_a.slug) not in body  # no staff menu
    assert client.post(url("follow_up_done", advisers.pk)).status_code == 404
    assert client.post(url("follow_up_done", mine.pk)).status_code == 302
    mine.refresh_from_db()
    advisers.refresh_from_db()
    assert mine.done_at is not None and advisers.done_at is None


def test_follow_ups_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    for _ in range(2):
        _follow_up(w, w.lead_a)
        _follow_up(w, w.adviser_a)
    login(client, w.lead_a)
    with django_assert_max_num_queries(12) as few:
        client.get(url("follow_ups"))
    for index in range(15):
        done = _follow_up(w, w.lead_a if index % 2 else w.adviser_a)
        if index % 3 == 0:
            records.follow_up_done(actor=w.lead_a, follow_up=done)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("follow_ups"))


# --- The journey --------------------------------------------------------------------------------
def test_contacts_see_the_seven_steps_in_plain_words_and_never_notes_or_sessions(client, w):
    record = session(w, journey_steps=["founded"])
    note_services.note_write(actor=w.adviser_a, centre=w.centre_a, text=SECRET, record=record)
    body = login(client, w.contact).get(url("journey", w.a1.pk)).content.decode()
    assert body.count('<li id="step-') == 7
    assert "Founded" in body and "First application sent" in body
    assert "Next step: Statutes adopted" in body
    assert SECRET not in body
    assert url("notes", w.a1.pk) not in body
    assert "Guidance sessions at all centres" not in body
    assert "Moved by the session" not in body
    assert 'action="' + url("journey_step", w.a1.pk) not in body
    assert not NoteRead.objects.exists()


def test_staff_see_the_sessions_at_all_centres_and_the_notes_link_only_if_they_read_notes(client, w):
    session(w, journey_steps=["founded"], topics=["statutes", "economy"], minutes=75)
    session(w, actor=w.adviser_b, centre=w.centre_b, mode="video", minutes=33)
    body = login(client, w.adviser_b).get(url("journey", w.a1.pk)).content.decode()
    assert "Batteriet A" in body and "Batteriet B" in body
    assert "Statutes, Accounts and economy" in body and "75" in body and "33" in body
    assert "Moved by the session on" in body
    assert url("notes", w.a1.pk) in body
    body = login(client, w.coordinator).get(url("journey", w.a1.pk)).content.decode()
    assert "Batteriet B" in body
    assert url("notes", w.a1.pk) not in body


def test_who_sees_the_journey(client, w):
    target = url("journey", w.a1.pk)
    assert client.get(target).status_code == 302
    for user, status in [
        (w.contact, 200),
        (w.member, 404),
        (w.person, 404),
        (w.contact_b1, 404),  # another organisation's journey
        (w.adviser_b, 200),
        (w.coordinator, 200),
    ]:
        assert login(client, user).get(target).status_code == status, user
    assert login(client, w.contact).get(url("journey", w.b1.pk)).status_code == 404
    assert client.get(url("journey", 999_999)).status_code == 404


def test_staff_mark_a_step_reached_and_not_reached(client, w):
    login(client, w.adviser_a)
    day = clock.local_today() - dt.timedelta(days=4)
    response = client.post(
        url("journey_step", w.a1.pk), {"step": "statutes", "action": "set", "reached_on": day.isoformat()}
    )
    assert response["Location"] == url("journey", w.a1.pk)
    assert JourneyProgress.objects.get().reached_on == day
    body = client.get(url("journey", w.a1.pk)).content.decode()
    assert "Mark as not reached" in body
    client.post(url("journey_step", w.a1.pk), {"step": "statutes", "action": "unset"})
    assert not JourneyProgress.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"step": "grant_ready", "action": "set"},
        {"step": SCRIPT, "action": "set"},
        {"step": "founded", "action": "delete"},
        {"step": "founded", "action": "set", "reached_on": "2026-02-30"},
        {"step": "founded", "action": "set", "reached_on": LONG},
        {"step": "founded", "action": "set", "reached_on": "\x00"},
        {"step": "founded", "action": "set", "reached_on": "1066-10-14"},
        {"step": "founded", "action": "set", "reached_on": "FUTURE"},
        {"step": "founded", "action": "unset"},  # not reached
        {},
    ],
    ids=str,
)
def test_bad_journey_input_gets_a_message_and_changes_nothing(client, w, data):
    data = {
        key: (clock.local_today() + dt.timedelta(days=3)).isoformat() if value == "FUTURE" else value
        for key, value in data.items()
    }
    body = errors_of(login(client, w.adviser_a).post(url("journey_step", w.a1.pk), data))
    assert SCRIPT not in body
    assert not JourneyProgress.objects.exists()


def test_a_step_reached_twice_gets_a_message(client, w):
    JourneyProgress.objects.create(organisation=w.a1, step="founded", reached_on=clock.local_today())
    body = errors_of(
        login(client, w.adviser_a).post(url("journey_step", w.a1.pk), {"step": "founded", "action": "set"})
    )
    assert "already reached" in body
    assert JourneyProgress.objects.count() == 1


def test_only_staff_who_may_move_the_journey_mark_steps(client, w):
    target = url("journey_step", w.a1.pk)
    data = {"step": "founded", "action": "set"}
    assert login(client, w.contact).post(target, data).status_code == 403
    assert login(client, w.adviser_a).get(target).status_code == 405
    assert login(client, w.adviser_b).post(target, data).status_code == 200  # not yet guided A1: refused
    assert not JourneyProgress.objects.exists()
    body = client.get(url("journey", w.a1.pk)).content.decode()
    assert "Mark as reached" not in body
    assert login(client, w.adviser_a).post(url("journey_step", 999_999), data).status_code == 404


def test_journey_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    session(w, journey_steps=["founded"])
    login(client, w.adviser_a)
    with django_assert_max_num_queries(14) as few:
        client.get(url("journey", w.a1.pk))
    for index in range(12):
        session(
            w, actor=w.adviser_b if index % 2 else w.adviser_a, centre=w.centre_b if index % 2 else w.centre_a
        )
    session(w, journey_steps=["statutes", "board", "accounts"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("journey", w.a1.pk))


# --- Confidential notes ---------------------------------------------------------------------------
def _note(w, *, actor=None, centre=None, text=SECRET, organisation="a1"):
    return note_services.note_write(
        actor=actor or w.adviser_a,
        centre=centre or w.centre_a,
        text=text,
        organisation=getattr(w, organisation),
    )


def test_advisers_read_their_centres_notes_newest_first_and_every_note_shown_is_logged(client, w):
    old = _note(w, text="Første notat")
    new = _note(w, actor=w.lead_a, text="Andre notat")
    other_centre = _note(w, actor=w.adviser_b, centre=w.centre_b, text="Notat fra B")
    login(client, w.adviser_a)
    body = client.get(url("notes", w.a1.pk)).content.decode()
    assert "Your reading is logged" in body
    assert body.index("Andre notat") < body.index("Første notat")
    assert "Lars Leder" in body
    assert "Notat fra B" not in body
    reads = NoteRead.objects.filter(reader=w.adviser_a)
    assert sorted(reads.values_list("note_id_read", flat=True)) == sorted([old.pk, new.pk])
    client.get(url("notes", w.a1.pk))
    assert reads.count() == 4  # every page view, one row per note shown
    assert not NoteRead.objects.filter(note_id_read=other_centre.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("adviser_b", 200),
        ("lead_b", 200),
        ("coordinator", 404),
        ("contact", 403),
        ("member", 403),
        ("person", 403),
    ],
)
def test_a_note_is_invisible_outside_its_centre(client, w, who, status):
    _note(w)
    response = login(client, getattr(w, who)).get(url("notes", w.a1.pk))
    assert response.status_code == status
    assert SECRET not in response.content.decode()
    assert not NoteRead.objects.exists()
    # Nor on the journey page, for anyone.
    assert SECRET not in client.get(url("journey", w.a1.pk)).content.decode()


def test_a_national_coordinator_who_also_advises_at_the_centre_reads_its_notes(client, w):
    from batteriet.centres.models import StaffAssignment

    _note(w)
    StaffAssignment.objects.create(user=w.coordinator, centre=w.centre_a, role=StaffRole.ADVISER)
    body = login(client, w.coordinator).get(url("notes", w.a1.pk)).content.decode()
    assert SECRET in body
    assert NoteRead.objects.filter(reader=w.coordinator).count() == 1


def test_writing_a_note(client, w):
    login(client, w.adviser_a)
    response = client.post(
        url("notes", w.a1.pk), {"centre": str(w.centre_a.pk), "text": "  Ny avtale i mai  "}
    )
    assert response["Location"] == url("notes", w.a1.pk)
    note = ConfidentialNote.objects.get()
    assert (note.text, note.centre, note.organisation, note.author) == (
        "Ny avtale i mai",
        w.centre_a,
        w.a1,
        w.adviser_a,
    )


def test_someone_at_two_centres_chooses_where_the_note_belongs(client, w):
    from batteriet.centres.models import StaffAssignment

    StaffAssignment.objects.create(user=w.adviser_a, centre=w.centre_b, role=StaffRole.ADVISER)
    login(client, w.adviser_a)
    body = client.get(url("notes", w.a1.pk)).content.decode()
    assert '<select name="centre"' in body
    client.post(url("notes", w.a1.pk), {"centre": str(w.centre_b.pk), "text": "Til B"})
    assert ConfidentialNote.objects.get().centre == w.centre_b


@pytest.mark.parametrize(
    "data",
    [
        {"text": ""},
        {"text": "   "},
        {"text": LONG},
        {"text": "Hei\x00"},
        {"text": "Hei", "centre": "OTHER"},  # a centre where the writer does not work
        {"text": "Hei", "centre": "abc"},
        {"text": "Hei", "centre": ""},
    ],
    ids=lambda d: str(d)[:30],
)
def test_bad_note_input(client, w, data):
    data = {"centre": str(w.centre_a.pk), **data}
    if data["centre"] == "OTHER":
        data["centre"] = str(w.centre_b.pk)
    errors_of(login(client, w.adviser_a).post(url("notes", w.a1.pk), data))
    assert not ConfidentialNote.objects.exists()


def test_notes_page_for_a_missing_organisation_is_404(client, w):
    assert login(client, w.adviser_a).get(url("notes", 999_999)).status_code == 404
    assert client.get(url("notes", 999_999)).status_code == 404


def test_notes_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    _note(w)
    login(client, w.adviser_a)
    with django_assert_max_num_queries(16) as few:
        client.get(url("notes", w.a1.pk))
    for index in range(15):
        _note(w, actor=w.lead_a if index % 2 else w.adviser_a, text=f"Notat {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("notes", w.a1.pk))
    assert "Notat 14" in response.content.decode()


# --- The read log ----------------------------------------------------------------------------------
def test_the_lead_sees_who_read_which_note_without_its_text(client, w):
    note = _note(w)
    login(client, w.adviser_a).get(url("notes", w.a1.pk))
    body = login(client, w.lead_a).get(url("note_reads", w.centre_a.slug)).content.decode()
    assert "Anne Rådgiver" in body
    assert f"Note {note.pk}" in body and "Organisasjon A1" in body
    assert SECRET not in body
    assert not NoteRead.objects.filter(reader=w.lead_a).exists()  # looking at the log reads no note


def test_the_read_log_filters_by_period_and_pages(client, w):
    note = _note(w)
    old = NoteRead.objects.create(note_id_read=note.pk, centre=w.centre_a, reader=w.adviser_a)
    NoteRead.objects.filter(pk=old.pk).update(read_at=clock.now() - dt.timedelta(days=200))
    for _ in range(55):
        NoteRead.objects.create(note_id_read=note.pk, centre=w.centre_a, reader=w.lead_a)
    login(client, w.lead_a)
    body = client.get(url("note_reads", w.centre_a.slug)).content.decode()
    assert "55 reads" in body and "Page 1 of 2" in body
    since = (clock.local_today() - dt.timedelta(days=365)).isoformat()
    body = client.get(url("note_reads", w.centre_a.slug), {"starts_on": since, "side": "2"}).content.decode()
    assert "56 reads" in body and "Page 2 of 2" in body and "Anne Rådgiver" in body


@pytest.mark.parametrize(
    "query",
    [
        {"starts_on": "2026-02-30"},
        {"starts_on": LONG},
        {"ends_on": "\x00"},
        {"starts_on": "2026-05-01", "ends_on": "2026-04-01"},
        {"starts_on": "0001-01-01"},
    ],
    ids=str,
)
def test_bad_periods_get_a_message_and_the_default_period(client, w, query):
    body = errors_of(login(client, w.lead_a).get(url("note_reads", w.centre_a.slug), query))
    assert "reads" in body


def test_a_deleted_note_stays_in_the_log(client, w):
    note = _note(w)
    note_services.note_read(actor=w.adviser_a, note=note)
    ConfidentialNote.objects.filter(pk=note.pk).delete()
    body = login(client, w.lead_a).get(url("note_reads", w.centre_a.slug)).content.decode()
    assert f"Note {note.pk} (deleted)" in body


@pytest.mark.parametrize("who", ["adviser_a", "lead_b", "coordinator", "contact", "person"])
def test_the_read_log_is_for_the_lead_of_that_centre_only(client, w, who):
    assert login(client, getattr(w, who)).get(url("note_reads", w.centre_a.slug)).status_code == 404


def test_note_reads_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    note = _note(w)
    NoteRead.objects.create(note_id_read=note.pk, centre=w.centre_a, reader=w.adviser_a)
    login(client, w.lead_a)
    with django_assert_max_num_queries(12) as few:
        client.get(url("note_reads", w.centre_a.slug))
    for index in range(40):
        other = _note(w, text=f"Notat {index}", organisation="a1" if index % 2 else "b1")
        NoteRead.objects.create(note_id_read=other.pk, centre=w.centre_a, reader=factories.staff(w.centre_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("note_reads", w.centre_a.slug))


def test_the_organisation_page_links_contacts_to_their_journey(client, w):
    link = url("journey", w.a1.pk)
    assert (
        link in login(client, w.contact).get(reverse("organisations:detail", args=[w.a1.pk])).content.decode()
    )
    assert (
        link
        not in login(client, w.member).get(reverse("organisations:detail", args=[w.a1.pk])).content.decode()
    )


def test_the_staff_menu_links_the_record_follow_up_and_read_log_pages(client, w):
    body = login(client, w.lead_a).get(url("record_new", w.centre_a.slug)).content.decode()
    assert url("follow_ups") in body and url("note_reads", w.centre_a.slug) in body
    body = login(client, w.adviser_a).get(url("record_new", w.centre_a.slug)).content.decode()
    assert url("follow_ups") in body and url("note_reads", w.centre_a.slug) not in body
