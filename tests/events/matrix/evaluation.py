"""Permission matrix rows for the evaluation pages of events (see tests/events/test_permission_matrix.py).

Answering needs no login: the link is the ticket, so every role (anonymous too) may open
a valid one; a used link is deleted with the answer, so it is not found (404) like an
unknown one; a link after answering closed is gone (410). The results are for the
event's organisers (held back while answering is open, shown once it has closed), the
summary for all staff.
"""

from batteriet.events.services import evaluation as evaluation_services
from tests.evaluations import helpers
from tests.test_permission_matrix import LOGGED_IN, ROLES, STAFF, STAFF_A, STAFF_B, Row, expect, none


def _event(s, centre, *, closed: bool = False):
    """An event of `centre` that ended yesterday (answering open) or whose answering has
    closed, made once per scenario, centre and state."""
    cache = s.__dict__.setdefault("_evaluation_events", {})
    key = (centre.pk, closed)
    if key not in cache:
        make = helpers.closed_event if closed else helpers.ended_event
        cache[key] = make(centre, title=f"Evaluert kurs {centre.name}")
        if closed:
            helpers.answers(cache[key], 5)
    return cache[key]


def _used_token(s) -> str:
    token = helpers.ticket(_event(s, s.centre_a))
    evaluation_services.evaluation_submit(token=token, scores=helpers.SCORES, free_text="", answers={})
    return token


EVERYONE = expect(ok=LOGGED_IN, anonymous=200)

ROWS = [
    Row("events:evaluate", "valid link", lambda s: [helpers.ticket(_event(s, s.centre_a))], EVERYONE),
    Row("events:evaluate", "used link", lambda s: [_used_token(s)], dict.fromkeys(ROLES, 404)),
    Row("events:evaluate", "unknown link", lambda s: ["finnes-ikke"], dict.fromkeys(ROLES, 404)),
    Row(
        "events:evaluate",
        "closed",
        lambda s: [helpers.ticket(_event(s, s.centre_a, closed=True))],
        dict.fromkeys(ROLES, 410),
    ),
    Row("events:evaluate_done", "", none, EVERYONE),
    Row(
        "events:staff_evaluation",
        "A",
        lambda s: [_event(s, s.centre_a).pk],
        expect(ok=STAFF_A, rest=403, adviser_b=404, lead_b=404),
    ),
    Row(
        "events:staff_evaluation",
        "A closed",
        lambda s: [_event(s, s.centre_a, closed=True).pk],
        expect(ok=STAFF_A, rest=403, adviser_b=404, lead_b=404),
    ),
    Row(
        "events:staff_evaluation",
        "B",
        lambda s: [_event(s, s.centre_b).pk],
        expect(ok=STAFF_B, rest=403, adviser_a=404, lead_a=404),
    ),
    Row("events:staff_evaluation_summary", "", none, expect(ok=STAFF, rest=403)),
]
