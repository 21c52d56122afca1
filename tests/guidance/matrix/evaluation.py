"""Permission matrix rows for the guidance evaluation pages (see tests/guidance/test_permission_matrix.py).

Answering needs no login: the link is the ticket, so every role (anonymous too) may open a
valid one; showing the form does not use it up. A used link is deleted with the answer,
so it is not found (404) like an unknown one or one whose time ran out. The results are
for all staff (each sees their own centres; a national coordinator all of them).
"""

import datetime as dt
import secrets

from batteriet.core import time as clock
from batteriet.guidance.models import GuidanceEvaluation, GuidanceEvaluationTicket
from batteriet.guidance.services import evaluation as evaluation_services
from tests.test_permission_matrix import LOGGED_IN, ROLES, STAFF, Row, expect, none

SCORES = {"hope": 4, "difference": 5, "capable": 3}


def ticket(centre, *, days_ago: int = 0) -> str:
    """A fresh link's token for an evaluation at `centre`, as the invitation task makes it."""
    token = secrets.token_urlsafe(32)
    GuidanceEvaluationTicket.objects.create(
        centre=centre,
        token_hash=evaluation_services.token_hash(token),
        created_on=clock.local_today() - dt.timedelta(days=days_ago),
    )
    return token


def answers(centre, count: int, *, free_text: str = "", answered_on: dt.date | None = None) -> list:
    """`count` answers at `centre`, written straight to the database."""
    return GuidanceEvaluation.objects.bulk_create(
        GuidanceEvaluation(
            centre=centre,
            answered_on=answered_on or clock.local_today(),
            free_text=free_text,
            hope=1 + number % 5,
            difference=5,
            capable=3,
        )
        for number in range(count)
    )


def _used(s) -> str:
    token = ticket(s.centre_a)
    evaluation_services.evaluation_submit(token=token, scores=SCORES, free_text="")
    return token


EVERYONE = expect(ok=LOGGED_IN, anonymous=200)
NOT_FOUND = dict.fromkeys(ROLES, 404)

ROWS = [
    Row("guidance:evaluation", "valid link", lambda s: [ticket(s.centre_a)], EVERYONE),
    Row("guidance:evaluation", "used link", lambda s: [_used(s)], NOT_FOUND),
    Row("guidance:evaluation", "unknown link", lambda s: ["finnes-ikke"], NOT_FOUND),
    Row("guidance:evaluation", "run out", lambda s: [ticket(s.centre_a, days_ago=22)], NOT_FOUND),
    Row("guidance:evaluation_done", "", none, EVERYONE),
    Row("guidance:evaluation_results", "", none, expect(ok=STAFF, forbidden=LOGGED_IN - STAFF)),
]
