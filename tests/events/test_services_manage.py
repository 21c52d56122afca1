"""Staff create and edit events through the services: the room booking, the programme,
the number of places, questions and partner organisations."""

import dataclasses
import datetime as dt

import pytest
from django.utils import translation

from batteriet.bookings.models import Booking, BookingStatus
from batteriet.core import audit
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.events import rules
from batteriet.events.models import (
    Answer,
    Attendance,
    Event,
    Partner,
    PartnerRole,
    PlaceKind,
    Question,
    QuestionKind,
    RegistrationStatus,
    Session,
    SessionSeat,
)
from batteriet.events.services import manage as services
from tests import factories

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    assert str(caught.value.message).strip()
    return caught.value


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def adviser(centre):
    return factories.staff(centre)


@pytest.fixture
def room(centre):
    return factories.ResourceFactory.bookable_now(centre=centre, name="Kurssalen")


@pytest.fixture
def day():
    return factories.bookable_day()


def data(centre, day, **overrides) -> services.EventData:
    values = {
        "kind": "course",
        "title": "Styrearbeid",
        "centres": [centre] if centre else [],
        "audience": "open",
        "starts_at": factories.at(day, 10),
        "ends_at": factories.at(day, 13),
        "place_kind": PlaceKind.EXTERNAL,
        "venue": "Folkets hus",
        "capacity": 20,
    }
    values.update(overrides)
    return services.EventData(**values)


def in_room(centre, day, room, **overrides) -> services.EventData:
    return data(centre, day, place_kind=PlaceKind.CENTRE_ROOM, room=room, venue="", **overrides)


# --- Creating ---------------------------------------------------------------------------
def test_create_adds_one_session_covering_the_event_and_an_audit_entry(adviser, centre, day):
    event = services.event_create(actor=adviser, data=data(centre, day))
    (session,) = event.sessions.all()
    assert (session.title, session.starts_at, session.ends_at) == (
        "Styrearbeid",
        event.starts_at,
        event.ends_at,
    )
    assert list(event.centres.all()) == [centre]
    assert event.created_by == adviser
    assert AuditEntry.objects.filter(action="event.created", object_id=str(event.pk)).exists()


def test_only_coordinators_create_national_events(adviser, centre, day):
    assert refused(services.event_create, actor=adviser, data=data(None, day)).field == "centres"
    event = services.event_create(actor=factories.national_coordinator(), data=data(None, day))
    assert not event.centres.exists()


def test_staff_cannot_organise_for_another_centre(adviser, day):
    other = factories.CentreFactory(slug="bergen")
    assert refused(services.event_create, actor=adviser, data=data(other, day)).field == "centres"
    member = factories.member(factories.OrganisationFactory())
    assert refused(services.event_create, actor=member, data=data(None, day)).code == "not_allowed"
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": None}, "ends_at"),
        ({"place_kind": PlaceKind.EXTERNAL, "venue": "  "}, "venue"),
        ({"place_kind": PlaceKind.ONLINE, "online_link": ""}, "online_link"),
        ({"online_link": "http://example.org/mote"}, "online_link"),
        ({"offer_hold_hours": 0}, "offer_hold_hours"),
        ({"offer_hold_hours": 169}, "offer_hold_hours"),
        ({"kind": "seminar", "certificate_sessions": 2}, "certificate_sessions"),
        ({"place_kind": PlaceKind.CENTRE_ROOM}, "room"),
        ({"title": "Nul\x00"}, "title"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_events_are_refused_by_the_field(adviser, centre, day, overrides, field):
    if "ends_at" in overrides:
        overrides["ends_at"] = factories.at(day, 9)
    assert refused(services.event_create, actor=adviser, data=data(centre, day, **overrides)).field == field
    assert not Event.objects.exists()


def test_registration_must_close_after_it_opens(adviser, centre, day):
    opens = factories.at(day, 8) - dt.timedelta(days=3)
    violation = refused(
        services.event_create,
        actor=adviser,
        data=data(centre, day, registration_opens_at=opens, registration_closes_at=opens),
    )
    assert violation.field == "registration_closes_at"


# --- The room -----------------------------------------------------------------------------
def test_a_room_is_booked_for_the_event(adviser, centre, day, room):
    event = services.event_create(actor=adviser, data=in_room(centre, day, room))
    booking = event.room_booking
    assert booking.resource == room and booking.is_blocking
    assert (booking.starts_at, booking.ends_at) == (event.starts_at, event.ends_at)
    assert booking.purpose == "Styrearbeid"


def test_a_room_clash_is_shown_by_the_room_and_nothing_is_saved(adviser, centre, day, room):
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.booking_row(
        room, organisation, factories.at(day, 11), factories.at(day, 12), status="confirmed"
    )
    bookings = Booking.objects.count()
    with translation.override("en"):
        violation = refused(services.event_create, actor=adviser, data=in_room(centre, day, room))
        assert violation.field == "room"
        assert str(violation.message).startswith("The room is taken at that time")
    assert not Event.objects.exists()
    assert Booking.objects.count() == bookings


def test_a_room_of_another_centre_is_refused(adviser, centre, day):
    other_room = factories.ResourceFactory.bookable_now(centre=factories.CentreFactory(slug="bergen"))
    assert (
        refused(services.event_create, actor=adviser, data=in_room(centre, day, other_room)).field == "room"
    )


def test_moving_the_event_moves_its_booking_and_its_single_session(adviser, centre, day, room):
    event = services.event_create(actor=adviser, data=in_room(centre, day, room))
    old = event.room_booking
    later = day + dt.timedelta(days=1)
    event = services.event_update(
        actor=adviser,
        event=event,
        data=in_room(centre, later, room, title="Styrearbeid 2"),
    )
    old.refresh_from_db()
    assert old.status == BookingStatus.CANCELLED
    assert event.room_booking.starts_at == factories.at(later, 10)
    assert event.room_booking.is_blocking
    (session,) = event.sessions.all()
    assert (session.starts_at, session.title) == (factories.at(later, 10), "Styrearbeid 2")


def test_moving_an_hour_in_the_same_room_does_not_clash_with_itself(adviser, centre, day, room):
    event = services.event_create(actor=adviser, data=in_room(centre, day, room))
    old = event.room_booking
    event = services.event_update(
        actor=adviser,
        event=event,
        data=in_room(centre, day, room, starts_at=factories.at(day, 11), ends_at=factories.at(day, 14)),
    )
    old.refresh_from_db()
    assert old.status == BookingStatus.CANCELLED
    assert event.room_booking.starts_at == factories.at(day, 11)
    assert event.room_booking.is_blocking


def test_a_clash_at_the_new_time_keeps_the_old_booking(adviser, centre, day, room):
    event = services.event_create(actor=adviser, data=in_room(centre, day, room))
    old = event.room_booking
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.booking_row(
        room, organisation, factories.at(day, 14), factories.at(day, 15), status="confirmed"
    )
    moved = in_room(centre, day, room, starts_at=factories.at(day, 12), ends_at=factories.at(day, 15))
    assert refused(services.event_update, actor=adviser, event=event, data=moved).field == "room"
    event.refresh_from_db()
    old.refresh_from_db()
    assert event.starts_at == factories.at(day, 10)
    assert event.room_booking == old and old.is_blocking


def test_a_clash_in_another_room_keeps_the_old_booking(adviser, centre, day, room):
    event = services.event_create(actor=adviser, data=in_room(centre, day, room))
    other = factories.ResourceFactory.bookable_now(centre=centre, name="Lillesalen")
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.booking_row(
        other, organisation, factories.at(day, 10), factories.at(day, 11), status="confirmed"
    )
    refused(services.event_update, actor=adviser, event=event, data=in_room(centre, day, other))
    event.refresh_from_db()
    assert event.room == room and event.room_booking.is_blocking


def test_leaving_the_room_lets_the_booking_go(adviser, centre, day, room):
    event = services.event_create(actor=adviser, data=in_room(centre, day, room))
    old = event.room_booking
    event = services.event_update(actor=adviser, event=event, data=data(centre, day))
    old.refresh_from_db()
    assert old.status == BookingStatus.CANCELLED
    assert event.room is None and event.room_booking is None


def test_a_failed_change_gives_the_new_booking_back(adviser, centre, day, room):
    event = services.event_create(actor=adviser, data=data(centre, day))
    factories.registration_row(event, factories.UserFactory())
    factories.registration_row(event, factories.UserFactory())
    bad = in_room(centre, day, room, capacity=1)
    assert refused(services.event_update, actor=adviser, event=event, data=bad).field == "capacity"
    # The places are checked before the room is booked: it was never booked at all.
    assert not Booking.objects.filter(resource=room).exists()
    event.refresh_from_db()
    assert (event.capacity, event.room) == (20, None)


# --- Capacity -----------------------------------------------------------------------------
def test_more_places_are_offered_to_those_waiting(adviser, centre, day):
    event = services.event_create(actor=adviser, data=data(centre, day, capacity=1))
    factories.registration_row(event, factories.UserFactory())
    waiting = factories.registration_row(event, factories.UserFactory(), status=RegistrationStatus.WAITING)
    services.event_update(actor=adviser, event=event, data=data(centre, day, capacity=2))
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED
    assert AuditEntry.objects.filter(action="event.capacity_changed").exists()


def test_places_cannot_go_below_those_held(adviser, centre, day):
    event = services.event_create(actor=adviser, data=data(centre, day, capacity=5))
    for _ in range(3):
        factories.registration_row(event, factories.UserFactory())
    violation = refused(services.event_update, actor=adviser, event=event, data=data(centre, day, capacity=2))
    assert (violation.field, violation.code) == ("capacity", "capacity_below_confirmed")
    event.refresh_from_db()
    assert event.capacity == 5


class Boom(Exception):
    pass


@pytest.fixture
def failing_change(monkeypatch):
    """The last step of a change of an event fails, after the places have changed."""
    record = audit.record

    def fail(**kwargs):
        if kwargs["action"] == "event.changed":
            raise Boom
        return record(**kwargs)

    monkeypatch.setattr(audit, "record", fail)


def test_a_change_that_fails_late_leaves_places_and_registrations_as_they_were(
    adviser, centre, day, room, failing_change, mailoutbox, django_capture_on_commit_callbacks
):
    event = services.event_create(actor=adviser, data=data(centre, day, capacity=1))
    placed = factories.registration_row(event, factories.UserFactory())
    waiting = factories.registration_row(event, factories.UserFactory(), status=RegistrationStatus.WAITING)
    later = in_room(
        centre, day, room, capacity=2, starts_at=factories.at(day, 11), ends_at=factories.at(day, 14)
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        services.event_update(actor=adviser, event=event, data=later)

    event.refresh_from_db()
    assert (event.capacity, event.starts_at, event.room) == (1, factories.at(day, 10), None)
    waiting.refresh_from_db()
    placed.refresh_from_db()
    assert (placed.status, waiting.status, waiting.offer_expires_at) == (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
        None,
    )
    assert not AuditEntry.objects.filter(action="event.capacity_changed").exists()
    assert not Booking.objects.filter(resource=room, status__in=BookingStatus.blocking()).exists()
    assert callbacks == [] and mailoutbox == []


def test_more_places_and_a_new_time_offer_with_a_deadline_before_the_new_start(adviser, centre, day):
    event = services.event_create(actor=adviser, data=data(centre, day, capacity=1, offer_hold_hours=168))
    factories.registration_row(event, factories.UserFactory())
    waiting = factories.registration_row(event, factories.UserFactory(), status=RegistrationStatus.WAITING)
    earlier = factories.at(day, 8)
    services.event_update(
        actor=adviser,
        event=event,
        data=data(centre, day, capacity=2, offer_hold_hours=168, starts_at=earlier),
    )
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED
    assert waiting.offer_expires_at <= earlier
    event.refresh_from_db()
    assert (event.capacity, event.starts_at) == (2, earlier)


def test_staff_of_another_centre_cannot_change_the_event(centre, day):
    event = factories.EventFactory(centres=[centre])
    other = factories.staff(factories.CentreFactory(slug="bergen"))
    assert (
        refused(services.event_update, actor=other, event=event, data=data(centre, day)).code == "not_allowed"
    )


def test_staff_keep_centres_they_do_not_work_at(adviser, centre, day):
    bergen = factories.CentreFactory(slug="bergen")
    event = factories.EventFactory(centres=[centre, bergen])
    event = services.event_update(actor=adviser, event=event, data=data(centre, day))
    assert set(event.centres.all()) == {centre, bergen}


# --- The programme ------------------------------------------------------------------------
def session(day, hour=10, **overrides) -> services.SessionData:
    values = {"title": "Økt", "starts_at": factories.at(day, hour), "ends_at": factories.at(day, hour + 1)}
    values.update(overrides)
    return services.SessionData(**values)


@pytest.fixture
def event(adviser, centre, day):
    return services.event_create(
        actor=adviser,
        data=data(centre, day, ends_at=factories.at(day + dt.timedelta(days=1), 16)),
    )


def test_sessions_are_added_within_the_event_days(adviser, event, day):
    added = services.session_add(actor=adviser, event=event, data=session(day + dt.timedelta(days=1), 9))
    assert added.event == event and event.sessions.count() == 2
    outside = session(day + dt.timedelta(days=2))
    assert refused(services.session_add, actor=adviser, event=event, data=outside).field == "day"
    too_many = session(day, capacity=21)
    assert refused(services.session_add, actor=adviser, event=event, data=too_many).field == "capacity"
    backwards = session(day, ends_at=factories.at(day, 9))
    assert refused(services.session_add, actor=adviser, event=event, data=backwards).field == "ends_at"
    assert event.sessions.count() == 2


def test_the_last_session_cannot_be_deleted(adviser, event, day):
    (first,) = event.sessions.all()
    assert refused(services.session_delete, actor=adviser, session=first).code == "session_last"
    second = services.session_add(actor=adviser, event=event, data=session(day, 14))
    services.session_delete(actor=adviser, session=first)
    assert list(event.sessions.all()) == [second]


def test_a_session_with_attendance_marked_cannot_be_deleted(adviser, event, day):
    (first,) = event.sessions.all()
    services.session_add(actor=adviser, event=event, data=session(day, 14))
    registration = factories.registration_row(event, factories.UserFactory())
    Attendance.objects.create(registration=registration, session=first, attended=True, marked_by=adviser)
    violation = refused(services.session_delete, actor=adviser, session=first)
    assert violation.code == "session_attendance_marked"
    assert Attendance.objects.filter(session=first).exists()
    assert event.sessions.count() == 2


def test_a_session_where_people_hold_places_cannot_be_deleted(adviser, event, day):
    parallel = services.session_add(actor=adviser, event=event, data=session(day, 14, capacity=5))
    held = factories.registration_row(event, factories.UserFactory())
    gone = factories.registration_row(event, factories.UserFactory(), status=RegistrationStatus.CANCELLED)
    SessionSeat.objects.create(registration=held, session=parallel)
    SessionSeat.objects.create(registration=gone, session=parallel)
    with translation.override("en"):
        violation = refused(services.session_delete, actor=adviser, session=parallel)
        assert violation.code == "session_seats_taken"
        assert str(violation.message).startswith("1 person has a place in this session")
    assert SessionSeat.objects.filter(session=parallel).count() == 2
    # Seats of cancelled registrations do not hold the session back.
    held.status = RegistrationStatus.CANCELLED
    held.save()
    services.session_delete(actor=adviser, session=parallel)
    assert not Session.objects.filter(pk=parallel.pk).exists()
    assert not SessionSeat.objects.exists()


def test_a_session_can_be_changed(adviser, event, day):
    (first,) = event.sessions.all()
    changed = services.session_update(actor=adviser, session=first, data=session(day, 12, track="Sal 2"))
    assert (changed.starts_at, changed.track) == (factories.at(day, 12), "Sal 2")
    assert AuditEntry.objects.filter(action="event.session_changed").exists()


def test_moving_the_event_away_from_its_sessions_is_refused(adviser, event, centre, day):
    services.session_add(actor=adviser, event=event, data=session(day, 14))
    later = day + dt.timedelta(days=7)
    violation = refused(services.event_update, actor=adviser, event=event, data=data(centre, later))
    assert violation.field == "starts_day"
    event.refresh_from_db()
    assert event.starts_at == factories.at(day, 10)


def test_other_centres_staff_cannot_add_sessions(event, day):
    other = factories.staff(factories.CentreFactory(slug="bergen"))
    assert refused(services.session_add, actor=other, event=event, data=session(day)).code == "not_allowed"


# --- Questions ----------------------------------------------------------------------------
def test_typical_questions_are_added_once(adviser, event):
    question = services.question_add_preset(actor=adviser, event=event, preset="dietary")
    assert question.is_special_need and question.kind == QuestionKind.TEXT and not question.required
    travel = services.question_add_preset(actor=adviser, event=event, preset="travel")
    assert travel.kind == QuestionKind.YES_NO and not travel.is_special_need
    assert travel.position > question.position
    assert refused(services.question_add_preset, actor=adviser, event=event, preset="dietary").code
    assert refused(services.question_add_preset, actor=adviser, event=event, preset="nope").code
    assert event.questions.count() == 2


def test_own_questions_follow_the_rules(adviser, event):
    choice = services.question_add(
        actor=adviser, event=event, label="Hvilken dag?", kind="choice", choices="Mandag\n\n Tirsdag \n"
    )
    assert choice.choice_list == ["Mandag", "Tirsdag"]
    no_choices = {"label": "Hvilken?", "kind": "choice", "choices": " \n "}
    assert refused(services.question_add, actor=adviser, event=event, **no_choices).field == "choices"
    required_need = {"label": "Allergi?", "kind": "text", "required": True, "is_special_need": True}
    assert refused(services.question_add, actor=adviser, event=event, **required_need).field == "required"
    assert refused(services.question_add, actor=adviser, event=event, label=" ", kind="text").field == "label"
    assert refused(services.question_add, actor=adviser, event=event, label="Hva?", kind="x").field == "kind"
    assert event.questions.count() == 1


def test_an_answered_question_cannot_be_deleted(adviser, event):
    question = services.question_add(actor=adviser, event=event, label="Hva lurer du på?", kind="text")
    registration = factories.registration_row(event, factories.UserFactory())
    Answer.objects.create(registration=registration, question=question, value="Mye")
    assert refused(services.question_delete, actor=adviser, question=question).code == "question_answered"
    Answer.objects.all().delete()
    services.question_delete(actor=adviser, question=question)
    assert not Question.objects.exists()


# --- Partners -----------------------------------------------------------------------------
def test_approved_organisations_take_roles(adviser, event, centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    partner = services.partner_add(
        actor=adviser, event=event, organisation=organisation, role=PartnerRole.CHAIR
    )
    services.partner_add(actor=adviser, event=event, organisation=organisation, role=PartnerRole.MEDIA)
    twice = {"organisation": organisation, "role": PartnerRole.CHAIR}
    assert refused(services.partner_add, actor=adviser, event=event, **twice).field == "organisation"
    pending = factories.pending_organisation(centre)
    assert (
        refused(services.partner_add, actor=adviser, event=event, organisation=pending, role="chair").code
        == "partner_not_approved"
    )
    assert refused(
        services.partner_add, actor=adviser, event=event, organisation=organisation, role="x"
    ).field
    services.partner_delete(actor=adviser, partner=partner)
    assert list(Partner.objects.values_list("role", flat=True)) == [PartnerRole.MEDIA]


# --- Rules --------------------------------------------------------------------------------
def test_a_session_on_the_last_day_after_midnight_utc_fits():
    from batteriet.core import time as clock

    day = dt.date(2027, 3, 2)
    start = dt.datetime.combine(day, dt.time(0, 30), tzinfo=clock.OSLO)
    rules.check_session(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        event_starts_at=start,
        event_ends_at=start + dt.timedelta(hours=2),
        capacity=None,
        event_capacity=None,
        tz=clock.OSLO,
    )


def test_sessions_keep_the_data_given(adviser, event, day):
    added = services.session_add(
        actor=adviser,
        event=event,
        data=dataclasses.replace(session(day), speakers=" Kari ", description=" Om styret "),
    )
    stored = Session.objects.get(pk=added.pk)
    assert (stored.speakers, stored.description) == ("Kari", "Om styret")


# --- Under real concurrency (run on SQLite and on PostgreSQL) ------------------------------
@pytest.mark.django_db(transaction=True)
def test_parallel_events_in_one_room_get_it_once():
    from tests.events.test_concurrency import run_in_parallel

    factories.reference_data()
    centre = factories.CentreFactory(slug="trondheim")
    room = factories.ResourceFactory.bookable_now(centre=centre, name="Storsalen")
    day = factories.bookable_day()
    people = [factories.staff(centre) for _ in range(6)]

    def create(person, index):
        def job():
            return services.event_create(
                actor=person, data=in_room(centre, day, room, title=f"Kurs {index}")
            ).pk

        return job

    outcomes = run_in_parallel([create(person, index) for index, person in enumerate(people)])
    created = [outcome for outcome in outcomes if isinstance(outcome, int)]
    assert len(created) == 1
    assert sorted(outcome for outcome in outcomes if not isinstance(outcome, int)) == ["event_room_taken"] * 5
    assert Event.objects.count() == 1
    assert Booking.objects.filter(resource=room, status__in=BookingStatus.blocking()).count() == 1
