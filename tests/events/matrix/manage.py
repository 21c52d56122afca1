"""Permission matrix rows for the manage pages of events (see tests/events/test_permission_matrix.py).

Staff see the list and may create events; an event's pages open only for its organisers:
staff of its centres and the national coordinator. Staff of another centre get 404, so
they do not learn that the event exists; people who are not staff get 403.
"""

from batteriet.events.models import Event, Partner, Question, Session
from tests import factories
from tests.test_permission_matrix import POST_ONLY, STAFF, STAFF_A, STAFF_B, Row, expect

STAFF_PAGE = expect(ok=STAFF, rest=403)
OF_A = expect(ok=STAFF_A, rest=403, adviser_b=404, lead_b=404)
OF_B = expect(ok=STAFF_B, rest=403, adviser_a=404, lead_a=404)
NATIONAL = expect(ok={"coordinator"}, rest=403, adviser_a=404, lead_a=404, adviser_b=404, lead_b=404)
MISSING = expect(rest=403, adviser_a=404, lead_a=404, adviser_b=404, lead_b=404, coordinator=404)


def _event(title: str, centres) -> Event:
    event = Event.objects.filter(title=title).first()
    if event is None:
        event = factories.EventFactory(title=title, centres=centres, is_published=False)
        Session.objects.create(event=event, title=title, starts_at=event.starts_at, ends_at=event.ends_at)
    return event


def _a(s) -> Event:
    return _event("Kurs for ansatte A", [s.centre_a])


def _b(s) -> Event:
    return _event("Kurs for ansatte B", [s.centre_b])


def _national(s) -> Event:
    return _event("Nasjonal konferanse", [])


def _session(event: Event) -> list[int]:
    return [event.pk, event.sessions.first().pk]


def _question(event: Event) -> list[int]:
    question = Question.objects.get_or_create(event=event, label="Allergier?", kind="text")[0]
    return [event.pk, question.pk]


def _partner(s, event: Event) -> list[int]:
    partner = Partner.objects.get_or_create(event=event, organisation=s.a1, role="chair")[0]
    return [event.pk, partner.pk]


ROWS: list = [
    Row("events:staff_list", "", lambda s: [], STAFF_PAGE),
    Row("events:staff_create", "", lambda s: [], STAFF_PAGE),
    Row("events:staff_edit", "A", lambda s: [_a(s).pk], OF_A),
    Row("events:staff_edit", "B", lambda s: [_b(s).pk], OF_B),
    Row("events:staff_edit", "national", lambda s: [_national(s).pk], NATIONAL),
    Row("events:staff_edit", "missing", lambda s: [999_999], MISSING),
    Row("events:staff_sessions", "A", lambda s: [_a(s).pk], OF_A),
    Row("events:staff_sessions", "B", lambda s: [_b(s).pk], OF_B),
    Row("events:staff_session_edit", "A", lambda s: _session(_a(s)), OF_A),
    Row("events:staff_session_edit", "B", lambda s: _session(_b(s)), OF_B),
    Row(
        "events:staff_session_edit",
        "B's session under A",
        lambda s: [_a(s).pk, _session(_b(s))[1]],
        expect(rest=403, adviser_a=404, lead_a=404, adviser_b=404, lead_b=404, coordinator=404),
    ),
    Row("events:staff_session_delete", "A", lambda s: _session(_a(s)), POST_ONLY),
    Row("events:staff_questions", "A", lambda s: [_a(s).pk], OF_A),
    Row("events:staff_questions", "national", lambda s: [_national(s).pk], NATIONAL),
    Row("events:staff_question_delete", "A", lambda s: _question(_a(s)), POST_ONLY),
    Row("events:staff_partners", "A", lambda s: [_a(s).pk], OF_A),
    Row("events:staff_partners", "B", lambda s: [_b(s).pk], OF_B),
    Row("events:staff_partner_delete", "A", lambda s: _partner(s, _a(s)), POST_ONLY),
]
