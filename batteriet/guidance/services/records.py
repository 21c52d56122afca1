"""Session records, their follow-ups, and the steps an organisation takes on its journey.

A `SessionRecord` holds the facts of a guidance session that are kept for statistics
(when, how long, how, how many people, topics, outcomes); confidential notes are apart
(`services/notes.py`). Staff of the record's centre write it (national coordinators
count as staff everywhere). Recording a session marks its appointment as held and
records the journey steps the session moved, each step once per organisation.

Each function is one use case in one durable transaction, keyword-only with `actor`
first, writes its audit entry and raises `RuleViolation` with a stable code.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.guidance import rules
from batteriet.guidance.models import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    JourneyProgress,
    JourneyStep,
    Mode,
    Outcome,
    RequestStatus,
    SessionRecord,
    Topic,
)
from batteriet.guidance.services import evaluation
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation

MIN_MINUTES, MAX_MINUTES = rules.SESSION_MIN_MINUTES, rules.SESSION_MAX_MINUTES
MAX_PEOPLE = 500
FOLLOW_UP_TEXT_MAX = 500
FOLLOW_UP_MAX_AHEAD = dt.timedelta(days=2 * 366)
MAX_FOLLOW_UPS = 20


def not_allowed() -> RuleViolation:
    return RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))


# --- Session records ------------------------------------------------------------------------
def record_create(
    *,
    actor: User,
    centre: Centre,
    held_at: dt.datetime,
    minutes: int,
    mode: str,
    people: int = 1,
    topics: Sequence[str],
    outcomes: Sequence[str],
    organisation: Organisation | None = None,
    appointment: Appointment | None = None,
    follow_ups: Sequence[tuple[str, User, dt.date]] = (),
    journey_steps: Sequence[str] = (),
) -> SessionRecord:
    """Record a guidance session held at `centre`.

    With an `appointment` (of this centre, booked), the appointment is marked as held,
    its request as done, and the organisation defaults to the request's. Each follow-up is
    (what, who, by which day); the owner must work at the centre or belong to the
    organisation. Journey steps need an organisation; a step it has already reached is
    left as it was (each step is reached once), the others are linked to this session.
    """
    now = clock.now()
    minutes = rules.check_minutes(minutes)
    mode = rules.check_choice(mode, Mode.values, field="mode")
    topics = rules.check_choices(topics, Topic.values, field="topics", required=True)
    outcomes = rules.check_choices(outcomes, Outcome.values, field="outcomes")
    steps = rules.check_choices(journey_steps, JourneyStep.values, field="journey_steps")
    if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        raise RuleViolation(
            code="people_out_of_range",
            message=_("Give the number of people who took part, from 1 to %(max)s.") % {"max": MAX_PEOPLE},
            field="people",
        )
    if not isinstance(held_at, dt.datetime) or held_at.tzinfo is None:
        raise RuleViolation(code="held_at_invalid", message=_("Give the day and time."), field="held_at")
    if held_at > now:
        raise RuleViolation(
            code="held_at_in_future",
            message=_("Record a session once it has been held."),
            field="held_at",
        )
    held_on = held_at.astimezone(clock.OSLO).date()
    follow_ups = _checked_follow_ups(follow_ups, held_on=held_on)

    with transaction.atomic(durable=True):
        if not centre_permissions.is_staff_at(actor, centre):
            raise not_allowed()
        if appointment is not None:
            appointment = (
                Appointment.objects.select_for_update()
                .select_related("request")
                .filter(pk=appointment.pk)
                .first()
            )
            if appointment is None or appointment.centre_id != centre.pk:
                raise RuleViolation(
                    code="appointment_other_centre",
                    message=_("The appointment is not at this centre."),
                    field="appointment",
                )
            if (
                appointment.status != AppointmentStatus.BOOKED
                or SessionRecord.objects.filter(appointment=appointment).exists()
            ):
                raise RuleViolation(
                    code="appointment_not_booked",
                    message=_("Only a booked appointment can be recorded, and only once."),
                    field="appointment",
                )
            if organisation is None:
                organisation = appointment.request.organisation
            elif appointment.request.organisation_id not in (None, organisation.pk):
                raise RuleViolation(
                    code="organisation_mismatch",
                    message=_("The appointment was booked for another organisation."),
                    field="organisation",
                )
        if organisation is not None:
            # The same lock the retention job takes: a session recorded now is contact.
            organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if steps and organisation is None:
            raise RuleViolation(
                code="journey_needs_organisation",
                message=_("Choose the organisation whose steps the session moved."),
                field="journey_steps",
            )
        for index, (_text, owner, _due_on) in enumerate(follow_ups):
            if not (
                _works_at(owner, centre)
                or (organisation is not None and organisation_permissions.is_member(owner, organisation))
            ):
                raise FollowUpViolation(
                    code="follow_up_owner_invalid",
                    message=_("Someone who works at the centre or belongs to the organisation must own it."),
                    item=index,
                )
        record = SessionRecord.objects.create(
            centre=centre,
            adviser=actor,
            appointment=appointment,
            organisation=organisation,
            held_at=held_at,
            minutes=minutes,
            mode=mode,
            people=people,
            topics=topics,
            outcomes=outcomes,
        )
        FollowUp.objects.bulk_create(
            FollowUp(record=record, text=text, owner=owner, due_on=due_on)
            for text, owner, due_on in follow_ups
        )
        reached = _reach_steps(organisation, steps, record=record, reached_on=held_on) if steps else []
        if appointment is not None:
            appointment.status = AppointmentStatus.DONE
            appointment.save(update_fields=["status"])
            request = appointment.request
            if request.status in (RequestStatus.SCHEDULED, RequestStatus.PROPOSED):
                request.status = RequestStatus.DONE
                request.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="guidance.record_created",
            obj=record,
            changes={
                "centre": centre.pk,
                "organisation": organisation.pk if organisation else None,
                "appointment": appointment.pk if appointment else None,
                "minutes": minutes,
                "mode": mode,
                "people": people,
                "topics": topics,
                "outcomes": outcomes,
                "follow_ups": len(follow_ups),
                "journey_steps": reached,
            },
        )
        evaluation.invite_on_commit(record)  # the anonymous evaluation, e-mailed after commit
    return record


def follow_up_done(*, actor: User, follow_up: FollowUp) -> FollowUp:
    """Mark a follow-up as done: its owner or staff of the session's centre."""
    with transaction.atomic(durable=True):
        follow_up = FollowUp.objects.select_for_update().select_related("record__centre").get(pk=follow_up.pk)
        if actor.pk != follow_up.owner_id and not centre_permissions.is_staff_at(
            actor, follow_up.record.centre
        ):
            raise not_allowed()
        if follow_up.done_at is not None:
            raise RuleViolation(code="follow_up_already_done", message=_("This is already marked as done."))
        follow_up.done_at = clock.now()
        follow_up.save(update_fields=["done_at"])
        audit.record(
            actor=actor,
            action="guidance.follow_up_done",
            obj=follow_up,
            scope=audit.scope_for(follow_up.record),
            changes={"done_at": follow_up.done_at},
        )
    return follow_up


# --- The journey ----------------------------------------------------------------------------
def may_edit_journey(user: User, organisation: Organisation) -> bool:
    """Staff for the organisation (its home centre, a centre it has an agreement with, or
    national), or staff of a centre that has recorded a session with it."""
    if organisation_permissions.is_staff_for_organisation(user, organisation):
        return True
    centre_ids = centre_permissions.centre_ids_for_staff(user) or []
    return (
        bool(centre_ids)
        and SessionRecord.objects.filter(organisation=organisation, centre_id__in=centre_ids).exists()
    )


def journey_step_set(
    *,
    actor: User,
    organisation: Organisation,
    step: str,
    reached_on: dt.date | None = None,
    record: SessionRecord | None = None,
) -> JourneyProgress:
    """Mark a step on the organisation's journey as reached (by default today), optionally
    linked to the session that moved it. A step is reached once."""
    step = rules.check_choice(step, JourneyStep.values, field="step")
    today = clock.local_today()
    reached_on = reached_on or today
    if not isinstance(reached_on, dt.date) or isinstance(reached_on, dt.datetime) or reached_on > today:
        raise RuleViolation(
            code="reached_on_invalid",
            message=_("Give a day that has been, not one in the future."),
            field="reached_on",
        )
    with transaction.atomic(durable=True):
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not may_edit_journey(actor, organisation):
            raise not_allowed()
        if record is not None and record.organisation_id != organisation.pk:
            raise RuleViolation(
                code="record_other_organisation",
                message=_("The session was with another organisation."),
                field="record",
            )
        (progress,) = _reach_steps(
            organisation, [step], record=record, reached_on=reached_on, strict=True, actor=actor
        )
    return progress


def journey_step_unset(*, actor: User, organisation: Organisation, step: str) -> None:
    """Take a step off the journey again (marked by mistake)."""
    step = rules.check_choice(step, JourneyStep.values, field="step")
    with transaction.atomic(durable=True):
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not may_edit_journey(actor, organisation):
            raise not_allowed()
        progress = JourneyProgress.objects.filter(organisation=organisation, step=step).first()
        if progress is None:
            raise RuleViolation(
                code="journey_step_not_reached", message=_("This step is not marked as reached.")
            )
        audit.record(
            actor=actor,
            action="guidance.journey_step_unset",
            obj=organisation,
            changes={"step": step, "reached_on": progress.reached_on, "record": progress.record_id},
        )
        progress.delete()


def _reach_steps(
    organisation: Organisation,
    steps: list[str],
    *,
    record: SessionRecord | None,
    reached_on: dt.date,
    strict: bool = False,
    actor: User | None = None,
) -> list[Any]:
    """Create the steps not yet reached (the caller holds the organisation's row lock).

    `strict`: a step already reached is refused; otherwise it is left as it was.
    """
    already = set(
        JourneyProgress.objects.filter(organisation=organisation, step__in=steps).values_list(
            "step", flat=True
        )
    )
    if strict and already:
        raise RuleViolation(
            code="journey_step_already_reached", message=_("This step is already reached."), field="step"
        )
    created = []
    for step in steps:
        if step in already:
            continue
        try:
            with transaction.atomic():
                progress = JourneyProgress.objects.create(
                    organisation=organisation, step=step, reached_on=reached_on, record=record
                )
        except IntegrityError as error:  # the unique constraint: reached once
            raise RuleViolation(
                code="journey_step_already_reached", message=_("This step is already reached."), field="step"
            ) from error
        created.append(progress)
    if strict:
        for progress in created:
            audit.record(
                actor=actor,
                action="guidance.journey_step_set",
                obj=organisation,
                changes={
                    "step": progress.step,
                    "reached_on": progress.reached_on,
                    "record": progress.record_id,
                },
            )
        return created
    return [progress.step for progress in created]


def _works_at(user: User, centre: Centre) -> bool:
    """An adviser or the lead of this very centre (not only a national coordinator)."""
    return any(a.centre_id == centre.pk for a in centre_permissions._assignments(user))


class FollowUpViolation(RuleViolation):
    """A follow-up refused: `item` says which one (0 = the first given), so a form can put
    the message by that row."""

    def __init__(self, *, code: str, message: Any, item: int) -> None:
        super().__init__(code=code, message=message, field="follow_ups")
        self.item = item


def _checked_follow_ups(follow_ups: Any, *, held_on: dt.date) -> list[tuple[str, User, dt.date]]:
    if isinstance(follow_ups, str | bytes) or not isinstance(follow_ups, Iterable):
        raise RuleViolation(code="follow_ups_invalid", message=_("Check the follow-ups."), field="follow_ups")
    checked = []
    for index, item in enumerate(follow_ups):
        try:
            text, owner, due_on = item
        except (TypeError, ValueError) as error:
            raise FollowUpViolation(
                code="follow_ups_invalid", message=_("Check the follow-ups."), item=index
            ) from error
        try:
            text = rules.check_text(text, field="follow_ups", max_length=FOLLOW_UP_TEXT_MAX, required=True)
        except RuleViolation as error:
            raise FollowUpViolation(code=error.code, message=error.message, item=index) from error
        if not isinstance(owner, User) or owner.pk is None:
            raise FollowUpViolation(
                code="follow_up_owner_invalid", message=_("Choose who will do it."), item=index
            )
        if (
            not isinstance(due_on, dt.date)
            or isinstance(due_on, dt.datetime)
            or due_on < held_on
            or due_on > held_on + FOLLOW_UP_MAX_AHEAD
        ):
            raise FollowUpViolation(
                code="follow_up_due_invalid",
                message=_("Give a day from the session's day and at most two years ahead."),
                item=index,
            )
        checked.append((text, owner, due_on))
    if len(checked) > MAX_FOLLOW_UPS:
        raise RuleViolation(
            code="follow_ups_too_many",
            message=_("At most %(count)s follow-ups per session.") % {"count": MAX_FOLLOW_UPS},
            field="follow_ups",
        )
    return checked
