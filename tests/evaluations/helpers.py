"""Events that ended, people who came, and evaluation tickets with their raw tokens."""

import datetime as dt
import secrets

from batteriet.core import time as clock
from batteriet.evaluations import rules as evaluation_rules
from batteriet.events.models import Evaluation, EvaluationTicket
from batteriet.events.services import evaluation as evaluation_services
from tests import factories

SCORES = {"hope": 4, "difference": 5, "capable": 3}
# An event that ended this many days ago has closed for answers, so its results show.
CLOSED_DAYS_AGO = evaluation_rules.ANSWER_DAYS + 1


def ended_event(centre=None, *, days_ago: int = 1, **fields):
    """An event that ended `days_ago` days ago (it started three hours before)."""
    ends_at = clock.now() - dt.timedelta(days=days_ago)
    return factories.EventFactory(
        starts_at=ends_at - dt.timedelta(hours=3),
        ends_at=ends_at,
        centres=[centre] if centre else None,
        **fields,
    )


def closed_event(centre=None, **fields):
    """An event whose answering has closed (it ended `CLOSED_DAYS_AGO` days ago)."""
    return ended_event(centre, days_ago=CLOSED_DAYS_AGO, **fields)


def ticket(event, person=None) -> str:
    """A new person who came and was invited, and a ticket for the event; returns the raw
    token. As in real life, nothing links the ticket to the registration."""
    factories.registration_row(event, person or factories.UserFactory(), evaluation_sent_at=clock.now())
    token = secrets.token_urlsafe(32)
    EvaluationTicket.objects.create(
        event=event, token_hash=evaluation_services.token_hash(token), created_on=clock.local_today()
    )
    return token


def answers(event, count: int, *, free_text: str = "", **scores) -> list[Evaluation]:
    """`count` answers stored straight in the database."""
    values = {**SCORES, **scores}
    return [
        Evaluation.objects.create(event=event, answered_on=clock.local_today(), free_text=free_text, **values)
        for _ in range(count)
    ]
