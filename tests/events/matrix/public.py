"""Permission matrix rows for the public pages of events (see tests/events/test_permission_matrix.py).

The calendar and a published event are open to everyone, also without logging in. An
unpublished event is found only by its organisers (staff of centre A and the national
coordinator); a staff gathering only by staff; nobody else learns that either exists.
"""

from batteriet.core import time as clock
from batteriet.events.models import Audience, Event, EventKind
from tests import factories
from tests.test_permission_matrix import EVERYONE, STAFF, STAFF_A, Row, expect

NOT_FOUND = expect(rest=404, anonymous=404)


def _event(s, title: str, **fields) -> Event:
    existing = Event.objects.filter(title=title).first()
    return existing or factories.EventFactory(title=title, **fields)


def _published(s) -> Event:
    return _event(s, "Åpent kurs A", centres=[s.centre_a])


def _draft_a(s) -> Event:
    return _event(s, "Utkast A", centres=[s.centre_a], is_published=False)


def _staff_gathering(s) -> Event:
    return _event(s, "Batterisamling", kind=EventKind.STAFF_GATHERING, audience=Audience.STAFF)


def _this_month(s) -> list[int]:
    today = clock.local_today()
    return [today.year, today.month]


ROWS: list = [
    Row("events:calendar", "", lambda s: [], EVERYONE),
    Row("events:month", "this month", _this_month, EVERYONE),
    Row("events:month", "month 13", lambda s: [2026, 13], NOT_FOUND),
    Row("events:month", "year 99999", lambda s: [99999, 1], NOT_FOUND),
    Row("events:detail", "published", lambda s: [_published(s).pk], EVERYONE),
    Row(
        "events:detail",
        "unpublished at A",
        lambda s: [_draft_a(s).pk],
        expect(ok=STAFF_A, rest=404, anonymous=404),
    ),
    Row(
        "events:detail",
        "staff gathering",
        lambda s: [_staff_gathering(s).pk],
        expect(ok=STAFF, rest=404, anonymous=404),
    ),
    Row("events:detail", "missing", lambda s: [999_999], NOT_FOUND),
]
