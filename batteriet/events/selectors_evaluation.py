"""Reads for the evaluation pages: an event's results and the summary across events.

Nothing is read while answering is open (not even how many answered), so comparing the
page before and after one answer can never show that answer. After that, every figure
and text is held back when fewer than `MIN_ANSWERS_SHOWN` answered, so nobody can be
recognised by what they said.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from batteriet.core import time as clock
from batteriet.evaluations import rules as evaluation_rules
from batteriet.evaluations import selectors as evaluation_selectors
from batteriet.evaluations.models import STATEMENTS
from batteriet.events.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    Event,
    EventKind,
    Registration,
)


@dataclass(frozen=True)
class StatementResult:
    statement: str
    average: float | None
    counts: list[tuple[int, int]]  # (score, how many)


@dataclass(frozen=True)
class QuestionResult:
    question: EvaluationQuestion
    answers: list[str]


@dataclass
class EventResults:
    closes_at: dt.datetime
    invited: int
    n: int | None = None  # None while answering is open
    statements: list[StatementResult] = field(default_factory=list)
    free_texts: list[str] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return self.n is not None

    @property
    def is_shown(self) -> bool:
        return self.n is not None and evaluation_rules.is_shown(self.n)


def questions(event: Event) -> QuerySet[EvaluationQuestion]:
    return EvaluationQuestion.objects.filter(event=event).order_by("position", "pk")


def invitations_sent(event: Event) -> int:
    return Registration.objects.filter(event=event, evaluation_sent_at__isnull=False).count()


def event_results(
    event: Event, own_questions: list[EvaluationQuestion], *, now: dt.datetime | None = None
) -> EventResults:
    """How many were invited; once answering has closed, n; and only when n is high
    enough: averages, how many gave each score, free texts and answers to the event's own
    questions. Texts are sorted, never in the order given."""
    now = now or clock.now()
    results = EventResults(
        closes_at=evaluation_rules.answering_closes_at(event.ends_at), invited=invitations_sent(event)
    )
    if evaluation_rules.is_answering_open(event.ends_at, now):
        return results
    answers = Evaluation.objects.filter(event=event)
    summary = evaluation_selectors.summarise(answers)
    results.n = summary.n
    if summary.is_suppressed:
        return results
    counts = evaluation_selectors.distribution(answers)
    for name, statement in STATEMENTS:
        results.statements.append(
            StatementResult(
                statement=statement,
                average=getattr(summary, name),
                counts=list(enumerate(counts[name], start=1)),
            )
        )
    results.free_texts = list(
        answers.exclude(free_text="").order_by("free_text").values_list("free_text", flat=True)
    )
    by_question: dict[int, list[str]] = {question.pk: [] for question in own_questions}
    for question_id, value in (
        EvaluationAnswer.objects.filter(evaluation__event=event)
        .order_by("question_id", "value")
        .values_list("question_id", "value")
    ):
        by_question.setdefault(question_id, []).append(value)
    results.questions = [
        QuestionResult(question=question, answers=by_question[question.pk]) for question in own_questions
    ]
    return results


@dataclass(frozen=True)
class SummaryRow:
    centre: str | None  # None: national events
    kind: str
    summary: evaluation_rules.Summary

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label if self.kind in EventKind.values else self.kind


def summary_rows(
    *,
    centre_ids: list[int] | None,
    starts_on: dt.date,
    ends_on: dt.date,
    centre_id: int | None = None,
    kind: str = "",
    now: dt.datetime | None = None,
) -> list[SummaryRow]:
    """One query: n and averages per centre and kind of event, for answers given in the
    period to events whose answering has closed (so a row never moves with one answer).
    `centre_ids` None means every centre and national events too (coordinators).
    An event organised by several centres counts for each of them."""
    closed_before = evaluation_rules.closed_ended_before(now or clock.now())
    answers = Evaluation.objects.filter(
        answered_on__gte=starts_on, answered_on__lte=ends_on, event__ends_at__lte=closed_before
    )
    if kind:
        answers = answers.filter(event__kind=kind)
    if centre_id is not None:
        answers = answers.filter(event__centres__id=centre_id)
    elif centre_ids is not None:
        answers = answers.filter(event__centres__id__in=centre_ids)
    return [
        SummaryRow(centre=key["event__centres__name"], kind=key["event__kind"], summary=summary)
        for key, summary in evaluation_selectors.summarise_by(answers, "event__centres__name", "event__kind")
    ]
