"""Permission matrix rows for the registration pages of events (see tests/events/test_permission_matrix.py).

A registration is seen by the person, whoever registered them, the organisation's contact
and the event's organisers; everyone else gets 404, also the staff of another centre.
"""

from batteriet.events.models import Session
from tests import factories
from tests.test_permission_matrix import ANY_LOGGED_IN, LOGGED_IN, POST_ONLY, STAFF, Row, expect


def _event(s, name: str, **fields):
    cached = getattr(s, f"_registration_{name}", None)
    if cached is None:
        cached = factories.EventFactory(**fields)
        setattr(s, f"_registration_{name}", cached)
    return cached


def open_event_a(s):
    return _event(s, "open_a", centres=[s.centre_a])


def _registration(s, name: str, event, person, organisation):
    cached = getattr(s, f"_registration_row_{name}", None)
    if cached is None:
        cached = factories.registration_row(event, person, registered_by=person, organisation=organisation)
        setattr(s, f"_registration_row_{name}", cached)
    return cached


def member_a1_registration(s):
    return _registration(s, "a1", open_event_a(s), s.member_a1, s.a1)


def contact_b1_registration(s):
    return _registration(s, "b1", _event(s, "open_b", centres=[s.centre_b]), s.contact_b1, s.b1)


def _session(s):
    registration = member_a1_registration(s)
    event = registration.event
    return Session.objects.create(
        event=event, title="Verksted", starts_at=event.starts_at, ends_at=event.ends_at, capacity=5
    )


A1_REGISTRATION = expect(ok={"member_a1", "contact_a1", "adviser_a", "lead_a", "coordinator"})
B1_REGISTRATION = expect(ok={"contact_b1", "adviser_b", "lead_b", "coordinator"})

ROWS = [
    Row("events:register", "open A", lambda s: [open_event_a(s).pk], expect(ok=LOGGED_IN)),
    Row(
        "events:register",
        "unpublished",
        lambda s: [_event(s, "hidden", centres=[s.centre_a], is_published=False).pk],
        expect(),
    ),
    Row(
        "events:register",
        "staff gathering",
        lambda s: [_event(s, "staff", audience="staff", kind="staff_gathering").pk],
        expect(ok=STAFF),
    ),
    Row("events:register", "missing", lambda s: [999_999], expect()),
    Row("events:mine", "", lambda s: [], ANY_LOGGED_IN),
    Row("events:registration", "A1 member's", lambda s: [member_a1_registration(s).pk], A1_REGISTRATION),
    Row("events:registration", "B1 contact's", lambda s: [contact_b1_registration(s).pk], B1_REGISTRATION),
    Row("events:registration", "missing", lambda s: [999_999], expect()),
    Row(
        "events:registration_cancel",
        "A1 member's",
        lambda s: [member_a1_registration(s).pk],
        A1_REGISTRATION,
    ),
    Row(
        "events:registration_cancel",
        "B1 contact's",
        lambda s: [contact_b1_registration(s).pk],
        B1_REGISTRATION,
    ),
    Row("events:answers", "A1 member's", lambda s: [member_a1_registration(s).pk], POST_ONLY),
    Row("events:offer_accept", "A1 member's", lambda s: [member_a1_registration(s).pk], POST_ONLY),
    Row("events:offer_decline", "A1 member's", lambda s: [member_a1_registration(s).pk], POST_ONLY),
    Row(
        "events:seat_choose",
        "A1 member's",
        lambda s: [member_a1_registration(s).pk, _session(s).pk],
        POST_ONLY,
    ),
    Row(
        "events:seat_leave",
        "A1 member's",
        lambda s: [member_a1_registration(s).pk, _session(s).pk],
        POST_ONLY,
    ),
]
