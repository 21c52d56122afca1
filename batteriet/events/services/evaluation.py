"""The anonymous "battery effect" evaluation of an event: invitations, answers, own questions.

Anonymity: nothing in the database or the task queue links an answer to a person.
- `Registration.evaluation_sent_at` says who was invited, and nothing more.
- The task that sends the e-mail gets only the registration id. It makes the token,
  stores only its hash in an `EvaluationTicket` that knows the event and the day (not the
  person), and puts the link in the e-mail: the token exists nowhere else.
- An `Evaluation` knows only the event and the day. The ticket is deleted in the
  transaction that stores the answer, so no used ticket remains to be joined with it.
- Answering writes no audit entry, and the results are shown only once answering has
  closed (`evaluations.rules.ANSWER_DAYS` after the event), so no page changes with one
  answer.
"""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from batteriet.accounts.models import User
from batteriet.core import audit, mail
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.evaluations import rules as evaluation_rules
from batteriet.evaluations.forms import FREE_TEXT_MAX
from batteriet.evaluations.models import STATEMENTS
from batteriet.events import permissions
from batteriet.events import services as event_services
from batteriet.events.models import (
    Attendance,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationTicket,
    Event,
    Registration,
    RegistrationStatus,
)

# Invitations go out for events that ended at most this long ago, well inside the
# answering window (`evaluation_rules.ANSWER_DAYS`), so everyone has a week or more.
INVITE_WITHIN = dt.timedelta(days=14)
ANSWER_MAX = 2000
QUESTION_MAX = 300
MAX_QUESTIONS = 10
TOKEN_MAX = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# --- Invitations --------------------------------------------------------------------------
def invitations_send(now: dt.datetime | None = None) -> int:
    """Mark everyone who came to an event that ended in the last 14 days as invited, and
    queue one e-mail each after commit. Returns how many were invited; safe to run again,
    also twice at once.

    Who came: registrations marked as attended in any session, or, when nobody's
    attendance was marked for the event at all, every confirmed registration. Only
    people with an account (an e-mail address) are invited.
    """
    now = now or clock.now()
    event_ids = list(
        Event.objects.filter(ends_at__lte=now, ends_at__gt=now - INVITE_WITHIN)
        .filter(Exists(_invitees(OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for event_id in event_ids:
        sent += _invite_for_event(event_id, now=now)
    return sent


def _invitees(event_ref) -> QuerySet[Registration]:
    """Registrations of the event that came and were not invited yet."""
    marked = Attendance.objects.filter(registration__event=OuterRef("event"))
    attended = Attendance.objects.filter(registration=OuterRef("pk"), attended=True)
    return Registration.objects.filter(
        Q(Exists(attended)) | Q(~Exists(marked), status=RegistrationStatus.CONFIRMED),
        event=event_ref,
        person__isnull=False,
        evaluation_sent_at__isnull=True,
    )


def _invite_for_event(event_id: int, *, now: dt.datetime) -> int:
    """One event in one transaction under its lock. Each registration is marked with an
    UPDATE that only touches it while unmarked, so parallel runs invite each person once."""
    with transaction.atomic(durable=True):
        event = event_services._locked_event(event_id)
        if not evaluation_rules.is_answering_open(event.ends_at, now):
            return 0
        invited = []
        for registration_id in _invitees(event.pk).order_by("pk").values_list("pk", flat=True):
            marked = Registration.objects.filter(pk=registration_id, evaluation_sent_at__isnull=True).update(
                evaluation_sent_at=now
            )
            if marked:
                invited.append(registration_id)
                _send_on_commit(registration_id)
        if invited:
            audit.record(
                actor=None,
                action="event.evaluation_invitations_sent",
                obj=event,
                scope=audit.scope_for(event),
                changes={"invited": len(invited)},
            )
    return len(invited)


def _send_on_commit(registration_id: int) -> None:
    # Only the registration id goes in the queue: the token is made by the task.
    transaction.on_commit(lambda: send_evaluation_invitation.enqueue(registration_id=registration_id))


@task()
def send_evaluation_invitation(*, registration_id: int) -> None:
    """Make the ticket and send the link, in the person's language.

    The token is made here and exists only in the e-mail; the database gets its hash in a
    ticket that knows the event and the day, not the person. When the e-mail cannot be
    sent, the ticket is not kept.
    """
    registration = (
        Registration.objects.select_related("event", "person")
        .filter(pk=registration_id, evaluation_sent_at__isnull=False)
        .first()
    )
    if registration is None or registration.person is None or not registration.person.email:
        return
    event = registration.event
    if not evaluation_rules.is_answering_open(event.ends_at, clock.now()):
        return
    person = registration.person
    token = secrets.token_urlsafe(32)
    ticket = EvaluationTicket.objects.create(
        event=event, token_hash=token_hash(token), created_on=clock.local_today()
    )
    try:
        with translation.override(person.language):
            mail.send_templated(
                to=[person.email],
                template="events/email/evaluation_invitation",
                context={
                    "event": event,
                    "person": person,
                    "url": reverse("events:evaluate", args=[token]),
                    "closes_at": evaluation_rules.answering_closes_at(event.ends_at),
                },
                language=person.language,
            )
    except Exception:
        ticket.delete()
        raise


# --- Answering ----------------------------------------------------------------------------
def ticket_for_token(token: str) -> EvaluationTicket | None:
    """The ticket of a link, or None for a link that was used or never was (a used ticket
    is deleted, so the two cannot be told apart)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return EvaluationTicket.objects.select_related("event").filter(token_hash=token_hash(token)).first()


def evaluation_submit(
    *, token: str, scores: dict[str, int], free_text: str, answers: dict[int, str]
) -> Evaluation:
    """Store one anonymous answer and delete the ticket, in one transaction.

    `answers` maps the event's own question ids to what was written; empty ones are left
    out. Nothing about who answered is stored: no audit entry, no address, only the day.
    """
    names = [name for name, _statement in STATEMENTS]
    evaluation_rules.check_scores(scores, names)
    evaluation_rules.check_text(free_text, field="free_text", max_length=FREE_TEXT_MAX)
    for question_id, value in answers.items():
        evaluation_rules.check_text(value, field=f"question_{question_id}", max_length=ANSWER_MAX)
    if not token or len(token) > TOKEN_MAX:
        raise link_used()
    with transaction.atomic(durable=True):
        ticket = (
            EvaluationTicket.objects.select_for_update()
            .select_related("event")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if ticket is None:
            raise link_used()
        event = ticket.event
        if not evaluation_rules.is_answering_open(event.ends_at, clock.now()):
            raise answering_closed()
        questions = set(
            EvaluationQuestion.objects.filter(event=event, pk__in=list(answers)).values_list("pk", flat=True)
        )
        if set(answers) - questions:
            raise RuleViolation(
                code="evaluation_question_unknown",
                message=_("A question has changed meanwhile. Reload the page and answer again."),
            )
        deleted, _counts = EvaluationTicket.objects.filter(pk=ticket.pk).delete()
        if not deleted:
            raise link_used()
        evaluation = Evaluation.objects.create(
            event=event,
            answered_on=clock.local_today(),
            free_text=free_text.strip(),
            **{name: scores[name] for name in names},
        )
        EvaluationAnswer.objects.bulk_create(
            EvaluationAnswer(evaluation=evaluation, question_id=question_id, value=value.strip())
            for question_id, value in sorted(answers.items())
            if value.strip()
        )
    return evaluation


def answering_closed() -> RuleViolation:
    return RuleViolation(code="evaluation_closed", message=_("The evaluation has closed."))


def tickets_delete_closed(now: dt.datetime | None = None) -> int:
    """Delete the unused tickets of events whose answering has closed. Returns how many."""
    now = now or clock.now()
    closed = Event.objects.filter(ends_at__lte=evaluation_rules.closed_ended_before(now)).values("pk")
    deleted, _counts = EvaluationTicket.objects.filter(event__in=closed).delete()
    return deleted


def link_used() -> RuleViolation:
    return RuleViolation(
        code="evaluation_link_used", message=_("This link has already been used or is not valid.")
    )


# --- The event's own questions ------------------------------------------------------------
def evaluation_question_add(*, actor: User, event: Event, label: str) -> EvaluationQuestion:
    """Add a question of the event's own, asked after the three statements."""
    label = label.strip()
    if not label:
        raise RuleViolation(code="evaluation_question_empty", message=_("Write the question."), field="label")
    evaluation_rules.check_text(label, field="label", max_length=QUESTION_MAX)
    with transaction.atomic(durable=True):
        event = event_services._locked_event(event.pk)
        _check_may_change_questions(actor, event)
        existing = list(EvaluationQuestion.objects.filter(event=event).values_list("position", flat=True))
        if len(existing) >= MAX_QUESTIONS:
            raise RuleViolation(
                code="evaluation_questions_too_many",
                message=_("An evaluation can have at most %(count)d questions of its own.")
                % {"count": MAX_QUESTIONS},
                field="label",
            )
        question = EvaluationQuestion.objects.create(
            event=event, label=label, position=max(existing, default=0) + 1
        )
        audit.record(
            actor=actor,
            action="event.evaluation_question_add",
            obj=question,
            scope=audit.scope_for(event),
            changes={"event": event.pk, "label": label},
        )
    return question


def evaluation_question_remove(*, actor: User, question: EvaluationQuestion) -> None:
    with transaction.atomic(durable=True):
        event = event_services._locked_event(question.event_id)
        _check_may_change_questions(actor, event)
        question = EvaluationQuestion.objects.filter(pk=question.pk, event=event).first()
        if question is None:
            return
        audit.record(
            actor=actor,
            action="event.evaluation_question_remove",
            obj=question,
            scope=audit.scope_for(event),
            changes={"event": event.pk, "label": question.label},
        )
        question.delete()


def _check_may_change_questions(actor: User, event: Event) -> None:
    if not permissions.is_organiser(actor, event):
        raise RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))
    if invitations_are_sent(event):
        raise RuleViolation(
            code="evaluation_questions_locked",
            message=_("The invitations to the evaluation are sent, so the questions can no longer change."),
        )


def invitations_are_sent(event: Event) -> bool:
    return Registration.objects.filter(event=event, evaluation_sent_at__isnull=False).exists()
