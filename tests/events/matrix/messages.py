"""Permission matrix rows for the messages pages of events (see tests/events/test_permission_matrix.py).

An event organised by centre A with a message already sent, one by centre B, and a
national event: only its organisers write to or read the messages of an event; other
staff get 404, everyone who is not staff 403.
"""

from batteriet.core import time as clock
from batteriet.events.models import Event, EventMessage
from tests import factories
from tests.test_permission_matrix import LOGGED_IN, STAFF, STAFF_A, STAFF_B, Row, expect

NON_STAFF = LOGGED_IN - STAFF
ORGANISERS_A = expect(ok=STAFF_A, forbidden=NON_STAFF, rest=404)
ORGANISERS_B = expect(ok=STAFF_B, forbidden=NON_STAFF, rest=404)
NATIONAL = expect(ok={"coordinator"}, forbidden=NON_STAFF, rest=404)
MISSING = expect(forbidden=NON_STAFF, rest=404)


def _event(title: str, centres: list) -> Event:
    existing = Event.objects.filter(title=title).first()
    if existing is not None:
        return existing
    event = factories.EventFactory(title=title, centres=centres)
    factories.registration_row(event, factories.UserFactory())
    factories.registration_row(event, None, name="Ola Uten Konto")
    EventMessage.objects.create(
        event=event,
        audience="both",
        subject="Nytt rom",
        body="Vi er i Storsalen.",
        recipients=1,
        name_only=1,
        sent_at=clock.now(),
    )
    return event


def _a(s) -> list:
    return [_event("Meldinger A", [s.centre_a]).pk]


def _b(s) -> list:
    return [_event("Meldinger B", [s.centre_b]).pk]


def _national(s) -> list:
    return [_event("Meldinger nasjonalt", []).pk]


def _missing(s) -> list:
    return [999_999]


ROWS: list = [
    Row(name, target, args, expected)
    for name in ("events:staff_message", "events:staff_messages")
    for target, args, expected in (
        ("A", _a, ORGANISERS_A),
        ("B", _b, ORGANISERS_B),
        ("national", _national, NATIONAL),
        ("missing", _missing, MISSING),
    )
]
