"""Answers to an event's questions, and consent to share special needs.

Only the person registered (or an organiser) changes answers, until the event starts.
Special-need answers are stored only with the person's own consent; taking consent back
deletes them. The audit log records which questions changed, never what was answered.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import permissions, rules
from batteriet.events.models import Answer, Question, Registration, RegistrationStatus


def field_name(question: Question | int) -> str:
    """The form field (and RuleViolation field) for a question."""
    return f"question_{getattr(question, 'pk', question)}"


def answers_check(*, questions: list[Question], answers: dict[int, str], consent: bool) -> dict[int, str]:
    """Check every answer against its question; return the cleaned answers (empty ones dropped).

    Raises the first `RuleViolation`, with `field` naming the question's form field.
    """
    by_id = {question.pk: question for question in questions}
    if any(question_id not in by_id for question_id in answers):
        raise RuleViolation(code="answer_unknown_question", message=_("This question is not asked any more."))
    cleaned: dict[int, str] = {}
    for question in questions:
        value = (answers.get(question.pk) or "").strip()
        try:
            rules.check_answer(
                kind=question.kind,
                value=value,
                choices=question.choice_list,
                required=question.required,
            )
        except RuleViolation as violation:
            violation.field = field_name(question)
            raise
        if value:
            cleaned[question.pk] = value
    rules.check_special_need_consent(
        has_special_needs=any(by_id[question_id].is_special_need for question_id in cleaned),
        consent=consent,
    )
    return cleaned


def answers_save(
    *, actor: User, registration: Registration, answers: dict[int, str], consent: bool
) -> Registration:
    """Store a registration's answers (all questions at once) and the consent to special needs."""
    now = clock.now()
    with transaction.atomic(durable=True):
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event")
            .get(pk=registration.pk)
        )
        event = registration.event
        if not (actor.pk == registration.person_id or permissions.is_organiser(actor, event)):
            raise RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))
        if registration.status not in RegistrationStatus.active():
            raise RuleViolation(
                code="registration_not_active",
                message=_("This registration is no longer active, so its answers cannot be changed."),
            )
        rules.check_not_started(starts_at=event.starts_at, now=now)
        questions = list(event.questions.all())
        cleaned = answers_check(questions=questions, answers=answers, consent=consent)

        before = dict(registration.answers.values_list("question_id", "value"))
        changed = sorted(
            question.pk for question in questions if before.get(question.pk) != cleaned.get(question.pk)
        )
        registration.answers.exclude(question_id__in=cleaned).delete()
        for question_id, value in cleaned.items():
            if before.get(question_id) != value:
                Answer.objects.update_or_create(
                    registration=registration, question_id=question_id, defaults={"value": value}
                )
        had_consent = registration.needs_consent_at is not None
        if consent and not had_consent:
            registration.needs_consent_at = now
        elif not consent:
            registration.needs_consent_at = None
        registration.save(update_fields=["needs_consent_at", "updated_at"])
        if changed or had_consent != consent:
            audit.record(
                actor=actor,
                action="registration.answers_saved",
                obj=registration,
                scope=audit.scope_for(event),
                changes={"questions": changed, "consent": [had_consent, consent]},
            )
    return registration
