"""Attendance, closing and reopening registration, and who qualifies for a certificate."""

import datetime as dt
from unittest import mock

import pytest

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.events import rules, selectors_staff
from batteriet.events.models import Attendance, Session, SessionSeat
from batteriet.events.services import attendance as attendance_services
from batteriet.events.services import certificates as certificate_services
from batteriet.events.services import registrations_staff
from tests import factories

pytestmark = pytest.mark.django_db


def frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def refused(call, **kwargs) -> str:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    assert str(caught.value.message).strip()
    return caught.value.code


@pytest.fixture
def centre():
    return factories.CentreFactory()


@pytest.fixture
def organiser(centre):
    return factories.staff(centre)


@pytest.fixture
def course(centre):
    """A course of two evenings, the first today."""
    starts_at = clock.now() - dt.timedelta(hours=1)
    event = factories.EventFactory(
        centres=[centre], starts_at=starts_at, ends_at=starts_at + dt.timedelta(days=7, hours=3)
    )
    Session.objects.create(
        event=event, title="Kveld 1", starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3)
    )
    Session.objects.create(
        event=event,
        title="Kveld 2",
        starts_at=starts_at + dt.timedelta(days=7),
        ends_at=starts_at + dt.timedelta(days=7, hours=3),
    )
    return event


def _sessions(event) -> list[Session]:
    return list(event.sessions.order_by("starts_at"))


# --- The certificate rule --------------------------------------------------------------
@pytest.mark.parametrize(
    ("attended", "sessions", "required", "qualifies"),
    [
        (3, 3, None, True),
        (2, 3, None, False),
        (2, 3, 2, True),
        (1, 3, 2, False),
        (3, 3, 5, True),  # more required than the course has: every session
        (2, 3, 5, False),
        (0, 0, None, False),  # no sessions: no certificate
        (0, 3, 0, False),  # at least one session is always needed
        (1, 3, 0, True),
    ],
)
def test_qualifies_for_certificate(attended, sessions, required, qualifies):
    assert rules.qualifies_for_certificate(attended, sessions, required) is qualifies


def test_attendance_cannot_be_marked_before_the_day():
    today = dt.date(2026, 3, 10)
    rules.check_attendance_open(session_day=today, today=today)
    rules.check_attendance_open(session_day=today, today=today + dt.timedelta(days=3))
    with pytest.raises(RuleViolation) as caught:
        rules.check_attendance_open(session_day=today + dt.timedelta(days=1), today=today)
    assert caught.value.code == "attendance_too_early"


# --- Marking attendance ----------------------------------------------------------------
def test_organiser_marks_who_came_and_it_is_audited(course, organiser):
    came = factories.registration_row(course, factories.UserFactory())
    absent = factories.registration_row(course, None, name="Walk In")
    first, _second = _sessions(course)

    saved = attendance_services.attendance_mark(
        actor=organiser, session=first, marks={came.pk: True, absent.pk: False}
    )

    assert len(saved) == 2
    assert selectors_staff.attendance_marks(first) == {came.pk: True, absent.pk: False}
    assert Attendance.objects.get(registration=came).marked_by == organiser
    assert AuditEntry.objects.filter(action="attendance.marked").count() == 2


def test_marking_again_changes_the_mark_and_audits_only_changes(course, organiser):
    registration = factories.registration_row(course, factories.UserFactory())
    first = _sessions(course)[0]
    attendance_services.attendance_mark(actor=organiser, session=first, marks={registration.pk: True})
    attendance_services.attendance_mark(actor=organiser, session=first, marks={registration.pk: True})
    assert AuditEntry.objects.filter(action="attendance.marked").count() == 1

    attendance_services.attendance_mark(actor=organiser, session=first, marks={registration.pk: False})

    assert Attendance.objects.get().attended is False
    assert AuditEntry.objects.filter(action="attendance.marked").count() == 2


@pytest.mark.parametrize("status", ["waiting", "offered", "cancelled", "expired"])
def test_only_confirmed_registrations_can_be_marked(course, organiser, status):
    confirmed = factories.registration_row(course, factories.UserFactory())
    extra = {"offer_expires_at": course.ends_at} if status == "offered" else {}
    other = factories.registration_row(course, factories.UserFactory(), status=status, **extra)
    first = _sessions(course)[0]

    code = refused(
        attendance_services.attendance_mark,
        actor=organiser,
        session=first,
        marks={confirmed.pk: True, other.pk: True},
    )

    assert code == "attendance_not_registered"
    assert not Attendance.objects.exists()


def test_registrations_of_another_event_cannot_be_marked(course, organiser, centre):
    other_event = factories.EventFactory(centres=[centre])
    stranger = factories.registration_row(other_event, factories.UserFactory())

    code = refused(
        attendance_services.attendance_mark,
        actor=organiser,
        session=_sessions(course)[0],
        marks={stranger.pk: True},
    )

    assert code == "attendance_not_registered"
    assert not Attendance.objects.exists()


def test_a_parallel_session_lists_only_those_with_a_place_in_it(course, organiser):
    first = _sessions(course)[0]
    first.capacity = 10
    first.save()
    seated = factories.registration_row(course, factories.UserFactory())
    elsewhere = factories.registration_row(course, factories.UserFactory())
    SessionSeat.objects.create(registration=seated, session=first)

    assert list(selectors_staff.attendance_registrations(first)) == [seated]
    assert (
        refused(
            attendance_services.attendance_mark,
            actor=organiser,
            session=first,
            marks={elsewhere.pk: True},
        )
        == "attendance_not_registered"
    )


@pytest.mark.parametrize("who", ["other_centre_staff", "member", "person"])
def test_only_organisers_mark_attendance(course, who):
    registration = factories.registration_row(course, factories.UserFactory())
    actor = {
        "other_centre_staff": lambda: factories.staff(factories.CentreFactory()),
        "member": lambda: factories.member(factories.OrganisationFactory()),
        "person": lambda: registration.person,
    }[who]()

    code = refused(
        attendance_services.attendance_mark,
        actor=actor,
        session=_sessions(course)[0],
        marks={registration.pk: True},
    )

    assert code == "not_allowed"
    assert not Attendance.objects.exists()


def test_attendance_waits_for_the_day_of_the_session(course, organiser):
    registration = factories.registration_row(course, factories.UserFactory())
    second = _sessions(course)[1]

    code = refused(
        attendance_services.attendance_mark, actor=organiser, session=second, marks={registration.pk: True}
    )

    assert code == "attendance_too_early"


def test_an_empty_list_is_refused(course, organiser):
    assert (
        refused(attendance_services.attendance_mark, actor=organiser, session=_sessions(course)[0], marks={})
        == "attendance_nothing_marked"
    )


# --- Certificates ----------------------------------------------------------------------
def _attend(registration, *sessions, attended=True):
    for session in sessions:
        Attendance.objects.create(registration=registration, session=session, attended=attended)


def test_certificate_qualifiers_need_every_session_by_default(course):
    first, second = _sessions(course)
    everywhere = factories.registration_row(course, factories.UserFactory(full_name="Alle Ganger"))
    once = factories.registration_row(course, factories.UserFactory(full_name="En Gang"))
    _attend(everywhere, first, second)
    _attend(once, first)
    _attend(once, second, attended=False)

    assert [q.registration for q in selectors_staff.certificate_qualifiers(course)] == [everywhere]
    assert certificate_services.certificate_data(registration=once) is None
    data = certificate_services.certificate_data(registration=everywhere)
    assert data.name == "Alle Ganger"
    assert [session.title for session in data.sessions] == ["Kveld 1", "Kveld 2"]


def test_certificate_with_fewer_sessions_required(course):
    course.certificate_sessions = 1
    course.save()
    once = factories.registration_row(course, factories.UserFactory())
    _attend(once, _sessions(course)[0])

    assert [q.registration for q in selectors_staff.certificate_qualifiers(course)] == [once]
    assert certificate_services.certificate_data(registration=once) is not None


def test_no_certificate_for_other_kinds_or_cancelled_registrations(course):
    registration = factories.registration_row(course, factories.UserFactory())
    _attend(registration, *_sessions(course))
    registration.status = "cancelled"
    registration.save()
    assert certificate_services.certificate_data(registration=registration) is None

    registration.status = "confirmed"
    registration.save()
    course.kind = "seminar"
    course.save()
    registration.event.refresh_from_db()
    assert certificate_services.certificate_data(registration=registration) is None
    assert selectors_staff.certificate_qualifiers(course) == []


# --- Closing and reopening registration ------------------------------------------------
@pytest.fixture
def event(centre):
    return factories.EventFactory(centres=[centre])


def test_close_now_and_reopen(event, organiser):
    moment = clock.now()
    with frozen(moment):
        registrations_staff.registration_close(actor=organiser, event=event)
    event.refresh_from_db()
    assert event.registration_closes_at == moment
    with pytest.raises(RuleViolation):
        rules.check_registration_open(
            opens_at=event.registration_opens_at,
            closes_at=event.registration_closes_at,
            starts_at=event.starts_at,
            now=moment + dt.timedelta(minutes=1),
        )

    registrations_staff.registration_reopen(actor=organiser, event=event)

    event.refresh_from_db()
    assert event.registration_closes_at is None
    assert [entry.action for entry in AuditEntry.objects.order_by("pk")] == [
        "event.registration_closed",
        "event.registration_reopened",
    ]


def test_closing_before_it_opens_keeps_it_closed(event, organiser):
    event.registration_opens_at = clock.now() + dt.timedelta(days=2)
    event.save()

    registrations_staff.registration_close(actor=organiser, event=event)

    event.refresh_from_db()
    assert event.registration_opens_at is None
    assert event.registration_closes_at <= clock.now()


def test_reopening_opens_now_even_if_it_was_to_open_later(event, organiser):
    event.registration_opens_at = clock.now() + dt.timedelta(days=2)
    event.registration_closes_at = clock.now() + dt.timedelta(days=3)
    event.save()

    registrations_staff.registration_reopen(actor=organiser, event=event)

    event.refresh_from_db()
    assert (event.registration_opens_at, event.registration_closes_at) == (None, None)


def test_close_and_reopen_refused_after_the_start_and_for_others(event, organiser):
    other_staff = factories.staff(factories.CentreFactory())
    assert refused(registrations_staff.registration_close, actor=other_staff, event=event) == "not_allowed"
    assert refused(registrations_staff.registration_reopen, actor=other_staff, event=event) == "not_allowed"
    with frozen(event.starts_at + dt.timedelta(minutes=1)):
        assert (
            refused(registrations_staff.registration_close, actor=organiser, event=event) == "event_started"
        )
        assert (
            refused(registrations_staff.registration_reopen, actor=organiser, event=event) == "event_started"
        )
    event.refresh_from_db()
    assert event.registration_closes_at is None
    assert not AuditEntry.objects.exists()
