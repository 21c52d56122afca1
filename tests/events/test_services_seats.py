"""Places in parallel sessions: only confirmed registrations, never more than the places,
never two sessions at once; a cancelled registration's seat no longer counts."""

import datetime as dt
from collections import Counter
from unittest import mock

import pytest

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.events import services
from batteriet.events.models import Session, SessionSeat
from batteriet.events.services import seats
from tests import factories
from tests.events.test_concurrency import run_in_parallel


def frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def make_session(event, title="Workshop A", capacity=2, offset_hours=0, track=""):
    start = event.starts_at + dt.timedelta(hours=offset_hours)
    return Session.objects.create(
        event=event,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        capacity=capacity,
        track=track,
    )


def refused(call, **kwargs) -> str:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    assert str(caught.value.message).strip()
    return caught.value.code


@pytest.fixture
def event(db):
    return factories.EventFactory(capacity=50)


def confirmed(event):
    person = factories.UserFactory()
    return person, factories.registration_row(event, person)


@pytest.mark.django_db
def test_a_confirmed_person_chooses_and_leaves_a_session(event):
    person, registration = confirmed(event)
    session = make_session(event)
    seats.seat_choose(actor=person, registration=registration, session=session)
    assert seats.seats_taken(session) == 1
    assert AuditEntry.objects.filter(action="registration.seat_chosen").count() == 1
    assert (
        refused(seats.seat_choose, actor=person, registration=registration, session=session)
        == "seat_duplicate"
    )
    seats.seat_leave(actor=person, registration=registration, session=session)
    assert seats.seats_taken(session) == 0
    assert (
        refused(seats.seat_leave, actor=person, registration=registration, session=session) == "seat_missing"
    )


@pytest.mark.django_db
def test_a_full_session_says_so(event):
    session = make_session(event, capacity=1)
    first, first_registration = confirmed(event)
    seats.seat_choose(actor=first, registration=first_registration, session=session)
    second, second_registration = confirmed(event)
    assert (
        refused(seats.seat_choose, actor=second, registration=second_registration, session=session)
        == "session_full"
    )


@pytest.mark.django_db
def test_a_cancelled_registration_frees_its_seat(event):
    session = make_session(event, capacity=1)
    first = factories.UserFactory()
    (registration,) = services.registration_create(actor=first, event=event)
    seats.seat_choose(actor=first, registration=registration, session=session)
    services.registration_cancel(actor=first, registration=registration)
    second, second_registration = confirmed(event)
    seats.seat_choose(actor=second, registration=second_registration, session=session)
    assert seats.seats_taken(session) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["waiting", "cancelled"])
def test_only_confirmed_registrations_choose(event, status):
    person = factories.UserFactory()
    registration = factories.registration_row(event, person, status=status)
    session = make_session(event)
    code = refused(seats.seat_choose, actor=person, registration=registration, session=session)
    assert code == "seat_not_confirmed"


@pytest.mark.django_db
def test_two_sessions_at_the_same_time_are_refused(event):
    person, registration = confirmed(event)
    morning = make_session(event, "A", track="1")
    same_time = make_session(event, "B", track="2")
    later = make_session(event, "C", offset_hours=1)
    seats.seat_choose(actor=person, registration=registration, session=morning)
    code = refused(seats.seat_choose, actor=person, registration=registration, session=same_time)
    assert code == "session_overlap"
    seats.seat_choose(actor=person, registration=registration, session=later)
    assert SessionSeat.objects.filter(registration=registration).count() == 2


@pytest.mark.django_db
def test_sessions_without_own_places_and_of_other_events_are_refused(event):
    person, registration = confirmed(event)
    whole = make_session(event, capacity=None)
    elsewhere = make_session(factories.EventFactory())
    assert (
        refused(seats.seat_choose, actor=person, registration=registration, session=whole)
        == "seat_not_needed"
    )
    assert (
        refused(seats.seat_choose, actor=person, registration=registration, session=elsewhere)
        == "seat_other_event"
    )


@pytest.mark.django_db
def test_strangers_may_not_choose_for_someone(event):
    _person, registration = confirmed(event)
    session = make_session(event)
    stranger = factories.UserFactory()
    assert (
        refused(seats.seat_choose, actor=stranger, registration=registration, session=session)
        == "not_allowed"
    )


@pytest.mark.django_db
def test_nothing_changes_once_the_session_has_started(event):
    person, registration = confirmed(event)
    session = make_session(event)
    seats.seat_choose(actor=person, registration=registration, session=session)
    with frozen(session.starts_at):
        assert (
            refused(seats.seat_leave, actor=person, registration=registration, session=session)
            == "event_started"
        )


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_choosers_never_get_more_than_five_places():
    event = factories.EventFactory(capacity=50)
    session = make_session(event, capacity=5)
    people = [confirmed(event) for _ in range(20)]

    def choose(person, registration):
        return lambda: (
            seats.seat_choose(actor=person, registration=registration, session=session).pk and "seat"
        )

    outcomes = run_in_parallel([choose(person, registration) for person, registration in people])

    assert Counter(outcomes) == {"seat": 5, "session_full": 15}
    assert SessionSeat.objects.filter(session=session).count() == 5
    assert clock.now() < session.starts_at
