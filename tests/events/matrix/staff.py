"""Permission matrix rows for the staff pages of events (see tests/events/test_permission_matrix.py).

A course organised by centre A, one by centre B, and a national event. Member A1 is
registered for course A, attended its only session, and so has a certificate.
"""

import datetime as dt

from batteriet.core import time as clock
from batteriet.events.models import Attendance, Event, Registration, Session
from tests import factories
from tests.test_permission_matrix import LOGGED_IN, POST_ONLY, STAFF, STAFF_A, STAFF_B, Row, expect

NON_STAFF = LOGGED_IN - STAFF
ORGANISERS_A = expect(ok=STAFF_A, forbidden=NON_STAFF, rest=404)
ORGANISERS_B = expect(ok=STAFF_B, forbidden=NON_STAFF, rest=404)
NATIONAL = expect(ok={"coordinator"}, forbidden=NON_STAFF, rest=404)
MISSING = expect(forbidden=NON_STAFF, rest=404)


def _course(s, centre) -> Event:
    existing = Event.objects.filter(title=f"Kurs {centre.slug}").first()
    if existing is not None:
        return existing
    event = factories.EventFactory(title=f"Kurs {centre.slug}", centres=[centre])
    Session.objects.create(event=event, title="Kveld 1", starts_at=event.starts_at, ends_at=event.ends_at)
    return event


def _course_a(s) -> Event:
    return _course(s, s.centre_a)


def _course_b(s) -> Event:
    return _course(s, s.centre_b)


def _national(s) -> Event:
    existing = Event.objects.filter(title="Nasjonal samling").first()
    if existing is not None:
        return existing
    event = factories.EventFactory(title="Nasjonal samling", kind="member_gathering")
    Session.objects.create(event=event, title="Dag 1", starts_at=event.starts_at, ends_at=event.ends_at)
    return event


def _attended(s, event, person) -> Registration:
    registration = Registration.objects.filter(event=event, person=person).first()
    if registration is None:
        registration = factories.registration_row(event, person, registered_by=person, organisation=None)
        Attendance.objects.create(registration=registration, session=event.sessions.first(), attended=True)
    return registration


def _member_a1_certificate(s) -> Registration:
    return _attended(s, _course_a(s), s.member_a1)


def _contact_b1_certificate(s) -> Registration:
    return _attended(s, _course_b(s), s.contact_b1)


def _not_qualified(s) -> Registration:
    event = _course_a(s)
    registration = Registration.objects.filter(event=event, person=s.board_a1).first()
    return registration or factories.registration_row(
        event, s.board_a1, registered_by=s.board_a1, position_at=clock.now() + dt.timedelta(seconds=1)
    )


def _session(event_of):
    def args(s) -> list:
        event = event_of(s)
        return [event.pk, event.sessions.first().pk]

    return args


def _session_of_other_event(s) -> list:
    return [_course_a(s).pk, _course_b(s).sessions.first().pk]


ROWS = [
    Row("events:staff_registrations", "course A", lambda s: [_course_a(s).pk], ORGANISERS_A),
    Row("events:staff_registrations", "course B", lambda s: [_course_b(s).pk], ORGANISERS_B),
    Row("events:staff_registrations", "national", lambda s: [_national(s).pk], NATIONAL),
    Row("events:staff_registrations", "missing", lambda s: [999_999], MISSING),
    Row("events:staff_cancel", "member A1", lambda s: [_member_a1_certificate(s).pk], POST_ONLY),
    Row("events:staff_close", "course A", lambda s: [_course_a(s).pk], POST_ONLY),
    Row("events:staff_reopen", "course A", lambda s: [_course_a(s).pk], POST_ONLY),
    Row("events:staff_capacity", "course A", lambda s: [_course_a(s).pk], ORGANISERS_A),
    Row("events:staff_capacity", "course B", lambda s: [_course_b(s).pk], ORGANISERS_B),
    Row("events:staff_capacity", "missing", lambda s: [999_999], MISSING),
    Row("events:staff_register", "course A", lambda s: [_course_a(s).pk], ORGANISERS_A),
    Row("events:staff_register", "course B", lambda s: [_course_b(s).pk], ORGANISERS_B),
    Row("events:staff_register", "missing", lambda s: [999_999], MISSING),
    Row("events:attendance", "course A", _session(_course_a), ORGANISERS_A),
    Row("events:attendance", "course B", _session(_course_b), ORGANISERS_B),
    Row("events:attendance", "national", _session(_national), NATIONAL),
    Row("events:attendance", "session of another event", _session_of_other_event, MISSING),
    Row("events:attendance_print", "course A", _session(_course_a), ORGANISERS_A),
    Row("events:attendance_print", "course B", _session(_course_b), ORGANISERS_B),
    Row("events:attendance_print", "session of another event", _session_of_other_event, MISSING),
    Row("events:staff_certificates", "course A", lambda s: [_course_a(s).pk], ORGANISERS_A),
    Row("events:staff_certificates", "course B", lambda s: [_course_b(s).pk], ORGANISERS_B),
    Row("events:staff_certificates", "missing", lambda s: [999_999], MISSING),
    Row(
        "events:certificate",
        "member A1, qualified",
        lambda s: [_member_a1_certificate(s).pk],
        expect(ok={"member_a1"} | STAFF_A),
    ),
    Row(
        "events:certificate",
        "contact B1, qualified",
        lambda s: [_contact_b1_certificate(s).pk],
        expect(ok={"contact_b1"} | STAFF_B),
    ),
    Row("events:certificate", "board A1, not qualified", lambda s: [_not_qualified(s).pk], expect()),
    Row("events:certificate", "missing", lambda s: [999_999], expect()),
]
