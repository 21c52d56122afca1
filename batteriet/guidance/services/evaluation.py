"""The anonymous "battery effect" evaluation after a guidance session: the invitation, the
answer, and the results for staff.

Anonymity: nothing in the database or the task queue links an answer to a person or a
session.
- Recording a session for an appointment queues a task with the session record's id only
  (`invite_on_commit`, called by `records.record_create` inside its transaction).
- The task makes the token, stores only its hash in a `GuidanceEvaluationTicket` that knows
  the centre and the day (not the person, not the session), and puts the link in the
  e-mail: the token exists nowhere else.
- A `GuidanceEvaluation` knows only the centre, the day, the scores and the free text. The
  ticket is deleted in the transaction that stores the answer, so no used ticket remains to
  be joined with it. Answering writes no audit entry.
- Results are shown only from `evaluations.rules.MIN_ANSWERS_SHOWN` answers; the free
  texts too.

A link works for `evaluations.rules.ANSWER_DAYS` days after the day it was sent; the
tickets left unused after that are deleted by `manage.py guidance_jobs`.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from batteriet.centres.models import Centre
from batteriet.core import mail
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.evaluations import rules as evaluation_rules
from batteriet.evaluations import selectors as evaluation_selectors
from batteriet.evaluations.forms import FREE_TEXT_MAX
from batteriet.evaluations.models import STATEMENTS
from batteriet.guidance.models import GuidanceEvaluation, GuidanceEvaluationTicket, SessionRecord

TOKEN_MAX = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def closes_at(created_on: dt.date) -> dt.datetime:
    """When a link made on `created_on` stops working: `ANSWER_DAYS` after the end of that day."""
    day_after = dt.datetime.combine(created_on + dt.timedelta(days=1), dt.time(0), tzinfo=clock.OSLO)
    return evaluation_rules.answering_closes_at(day_after)


def last_day(created_on: dt.date) -> dt.date:
    """The last day a link made on `created_on` can be used (for the e-mail and the page)."""
    return created_on + dt.timedelta(days=evaluation_rules.ANSWER_DAYS)


def is_open(ticket: GuidanceEvaluationTicket, now: dt.datetime | None = None) -> bool:
    return (now or clock.now()) < closes_at(ticket.created_on)


# --- The invitation -------------------------------------------------------------------------
def invite_on_commit(record: SessionRecord) -> None:
    """Queue the invitation for a session recorded for an appointment, once the surrounding
    transaction commits. Only the record's id goes in the queue: the token is made by the
    task. Sessions without an appointment (no one to write to) are left out."""
    if record.appointment_id is None:
        return
    record_id = record.pk
    transaction.on_commit(lambda: send_evaluation_invitation.enqueue(record_id=record_id))


@task()
def send_evaluation_invitation(*, record_id: int) -> None:
    """Make the ticket and send the link, in the person's language.

    The person is the one who asked for the appointment; without an e-mail address there is
    no invitation. When the e-mail cannot be sent, the ticket is not kept.
    """
    record = (
        SessionRecord.objects.select_related("centre", "appointment__request__requested_by")
        .filter(pk=record_id, appointment__isnull=False)
        .first()
    )
    if record is None:
        return
    person = record.appointment.request.requested_by
    if not person.email:
        return
    token = secrets.token_urlsafe(32)
    today = clock.local_today()
    ticket = GuidanceEvaluationTicket.objects.create(
        centre=record.centre, token_hash=token_hash(token), created_on=today
    )
    try:
        with translation.override(person.language):
            mail.send_templated(
                to=[person.email],
                template="guidance/email/evaluation_invitation",
                context={
                    "centre": record.centre,
                    "held_at": record.held_at,
                    "url": reverse("guidance:evaluation", args=[token]),
                    "last_day": last_day(today),
                },
                language=person.language,
            )
    except Exception:
        ticket.delete()
        raise


# --- Answering ------------------------------------------------------------------------------
def ticket_for_token(token: str, now: dt.datetime | None = None) -> GuidanceEvaluationTicket | None:
    """The ticket of a link that can still be used, or None: for a link that was used, that
    never was, or whose time has run out (a used ticket is deleted, so none of these can be
    told apart)."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        return None
    ticket = (
        GuidanceEvaluationTicket.objects.select_related("centre").filter(token_hash=token_hash(token)).first()
    )
    if ticket is None or not is_open(ticket, now):
        return None
    return ticket


def evaluation_submit(*, token: str, scores: dict[str, int], free_text: str) -> GuidanceEvaluation:
    """Store one anonymous answer and delete the ticket, in one transaction.

    Nothing about who answered is stored: no audit entry, no address, only the centre and
    the day. A link answers once, also when it is sent many times at once.
    """
    names = [name for name, _statement in STATEMENTS]
    evaluation_rules.check_scores(scores, names)
    if not isinstance(free_text, str):
        raise RuleViolation(code="evaluation_text_invalid", message=_("Write some text."), field="free_text")
    evaluation_rules.check_text(free_text, field="free_text", max_length=FREE_TEXT_MAX)
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        raise link_not_valid()
    now = clock.now()
    with transaction.atomic(durable=True):
        ticket = (
            GuidanceEvaluationTicket.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        )
        if ticket is None or not is_open(ticket, now):
            raise link_not_valid()
        deleted, _counts = GuidanceEvaluationTicket.objects.filter(pk=ticket.pk).delete()
        if not deleted:
            raise link_not_valid()
        evaluation = GuidanceEvaluation.objects.create(
            centre_id=ticket.centre_id,
            answered_on=month_of(clock.local_today()),
            free_text=free_text.strip(),
            **{name: scores[name] for name in names},
        )
    return evaluation


def link_not_valid() -> RuleViolation:
    return RuleViolation(
        code="evaluation_link_used", message=_("This link has already been used or is not valid.")
    )


def tickets_delete_expired(now: dt.datetime | None = None) -> int:
    """Delete the unused tickets whose answering time is over. Returns how many."""
    today = (now or clock.now()).astimezone(clock.OSLO).date()
    oldest_open = today - dt.timedelta(days=evaluation_rules.ANSWER_DAYS)
    deleted, _counts = GuidanceEvaluationTicket.objects.filter(created_on__lt=oldest_open).delete()
    return deleted


# --- Results --------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatementResult:
    statement: str
    average: float | None
    counts: list[tuple[int, int]]  # (score, how many chose it)


@dataclass(frozen=True)
class Results:
    centre: Centre | None  # None: all centres
    date_from: dt.date
    date_to: dt.date
    n: int
    is_shown: bool
    statements: list[StatementResult]
    free_texts: list[str]


def month_of(day: dt.date) -> dt.date:
    """An answer keeps only its month (stored as the month's first day): with whole-month
    periods, no comparison of two periods can single out one day's answer."""
    return day.replace(day=1)


def whole_months(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period widened to whole months: from the first of `date_from`'s month to the
    last of `date_to`'s."""
    next_month = (date_to.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return month_of(date_from), next_month - dt.timedelta(days=1)


def results(
    *, centre: Centre | None, centre_ids: list[int] | None, date_from: dt.date, date_to: dt.date
) -> Results:
    """The answers given at `centre` (or at all of `centre_ids`; None is every centre) from
    `date_from` to `date_to`: n, and only from `MIN_ANSWERS_SHOWN` answers the averages, how
    many chose each number and the free texts (in the order of their text, not of time).
    The period is widened to whole months. At most three queries."""
    date_from, date_to = whole_months(date_from, date_to)
    answers = GuidanceEvaluation.objects.filter(answered_on__gte=date_from, answered_on__lte=date_to)
    if centre is not None:
        answers = answers.filter(centre=centre)
    elif centre_ids is not None:
        answers = answers.filter(centre_id__in=centre_ids)
    summary = evaluation_selectors.summarise(answers)
    shown = evaluation_rules.is_shown(summary.n)
    statements: list[StatementResult] = []
    free_texts: list[str] = []
    if shown:
        distribution = evaluation_selectors.distribution(answers)
        for name, statement in STATEMENTS:
            statements.append(
                StatementResult(
                    statement=str(statement),
                    average=getattr(summary, name),
                    counts=list(enumerate(distribution[name], start=1)),
                )
            )
        free_texts = list(
            answers.exclude(free_text="").order_by("free_text").values_list("free_text", flat=True)
        )
    return Results(
        centre=centre,
        date_from=date_from,
        date_to=date_to,
        n=summary.n,
        is_shown=shown,
        statements=statements,
        free_texts=free_texts,
    )
