"""Asking for guidance and the appointments that take an adviser's time.

A person asks for guidance and either picks a free time from the advisers' published
availability (booked at once) or leaves preferred times for staff, who propose a time;
the person accepts or declines it. Either side can cancel; a booked time can move.
Staff can also hand a request over to another adviser or centre, or refer it out.

The invariant: an adviser is never booked twice. Every write that claims an adviser's
time goes through `_claim`, which
1. locks the adviser's user row (`select_for_update`; on SQLite the IMMEDIATE
   transaction already holds the write lock), so claims of one adviser's time run one
   after another;
2. checks that no appointment that takes time (proposed or booked) overlaps, that the
   adviser is not absent, and, for a person booking, that the time is one of the free
   times the published availability gives (staff may propose other times);
3. writes in a savepoint: on PostgreSQL the exclusion constraint (migration 0002) is the
   backstop, and its violation becomes the same friendly `adviser_conflict`.
Rows are locked in one order: request, appointment, adviser.

E-mails go out after commit (`notices.send_on_commit`, see `guidance/notices.py`).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.guidance import notices, rules, selectors
from batteriet.guidance.models import (
    Appointment,
    AppointmentStatus,
    GuidanceRequest,
    Mode,
    RequesterRole,
    RequestStatus,
    Topic,
)
from batteriet.guidance.permissions import is_adviser_at
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation

# PostgreSQL: an exclusion constraint said no.
EXCLUSION_VIOLATION = "23P01"
# A request in one of these states is still being worked on.
OPEN_REQUEST = (RequestStatus.NEW, RequestStatus.PROPOSED, RequestStatus.SCHEDULED, RequestStatus.HANDED_OVER)


def request_create(
    *,
    actor: User,
    centre: Centre,
    role: str,
    topic: str,
    situation: str,
    mode: str,
    organisation: Organisation | None = None,
    language_need: str = "",
    accessibility_need: str = "",
    preferred_times: str = "",
    starts_at: dt.datetime | None = None,
    adviser: User | None = None,
) -> GuidanceRequest:
    """Someone asks for guidance. With a chosen free time (`starts_at` and `adviser`) the
    appointment is booked at once and the request is scheduled; without one, the request
    waits for staff to propose a time. An organisation given must be one the person is a
    member of."""
    if not getattr(actor, "is_authenticated", False):
        raise _not_allowed()
    rules.check_choice(role, RequesterRole.values, field="role")
    rules.check_choice(topic, Topic.values, field="topic")
    rules.check_choice(mode, Mode.values, field="mode")
    texts = rules.check_request_texts(
        situation=situation,
        language_need=language_need,
        accessibility_need=accessibility_need,
        preferred_times=preferred_times,
    )
    if (starts_at is None) != (adviser is None):
        raise RuleViolation(
            code="time_and_adviser",
            field="starts_at",
            message=_("Choose one of the free times, or leave the time open and write when it suits you."),
        )
    now = clock.now()
    if starts_at is not None:
        _check_time_ahead(starts_at, starts_at + dt.timedelta(minutes=rules.MIN_MINUTES), now)
    with transaction.atomic(durable=True):
        if organisation is not None:
            organisation = Organisation.objects.filter(pk=organisation.pk).first()
            if organisation is None or not organisation_permissions.is_member(actor, organisation):
                raise RuleViolation(
                    code="not_a_member",
                    field="organisation",
                    message=_("Choose an organisation you are a member of, or none."),
                )
        request = GuidanceRequest(
            requested_by=actor,
            organisation=organisation,
            role=role,
            centre=centre,
            topic=topic,
            mode=mode,
            status=RequestStatus.NEW,
            **texts,
        )
        if starts_at is None:
            request.save()
            _record(actor, request, "request_created", _request_facts(request))
            notices.send_on_commit(notices.Notice.RECEIVED, request=request)
            return request
        if not is_adviser_at(adviser, centre):
            raise _not_an_adviser()
        request.status = RequestStatus.SCHEDULED
        request.adviser = adviser
        request.save()
        appointment = Appointment(
            request=request,
            adviser=adviser,
            centre=centre,
            starts_at=_utc(starts_at),
            ends_at=_utc(starts_at),  # `_claim` sets the end: the slot's length
            mode=mode,
            status=AppointmentStatus.BOOKED,
        )
        _claim(appointment, published_only=True)
        _record(actor, request, "request_created", _request_facts(request))
        _record_appointment(actor, appointment, "booked")
        notices.send_on_commit(notices.Notice.BOOKED, appointment=appointment)
    return request


def appointment_propose(
    *,
    actor: User,
    request: GuidanceRequest,
    adviser: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    mode: str,
    message: str = "",
) -> Appointment:
    """Staff of the request's centre propose a time with an adviser there. The proposed
    time is held for the person until they answer; an earlier open proposal is withdrawn.
    Staff may propose times outside the published slots, never over another appointment."""
    rules.check_choice(mode, Mode.values, field="mode")
    message = rules.check_message(message, required=False)
    now = clock.now()
    _check_time_ahead(starts_at, ends_at, now)
    with transaction.atomic(durable=True):
        request = _locked_request(request)
        if not is_adviser_at(actor, request.centre):
            raise _not_allowed()
        if request.status not in (RequestStatus.NEW, RequestStatus.PROPOSED, RequestStatus.HANDED_OVER):
            raise _wrong_state()
        if not is_adviser_at(adviser, request.centre):
            raise _not_an_adviser()
        for earlier in request.appointments.select_for_update().filter(status=AppointmentStatus.PROPOSED):
            _cancel(actor, earlier, now=now, verb="proposal_withdrawn")
        appointment = Appointment(
            request=request,
            adviser=adviser,
            centre=request.centre,
            starts_at=_utc(starts_at),
            ends_at=_utc(ends_at),
            mode=mode,
            status=AppointmentStatus.PROPOSED,
        )
        _claim(appointment, published_only=False)
        old_status = request.status
        request.status = RequestStatus.PROPOSED
        request.adviser = adviser
        if message:
            request.staff_message = message
        request.save(update_fields=["status", "adviser", "staff_message", "updated_at"])
        _record_appointment(actor, appointment, "proposed", {"request_status": [old_status, request.status]})
        notices.send_on_commit(notices.Notice.PROPOSED, appointment=appointment, message=message)
    return appointment


def proposal_accept(*, actor: User, appointment: Appointment) -> Appointment:
    """The person who asked accepts the proposed time: it is booked (it was held for them)."""
    now = clock.now()
    with transaction.atomic(durable=True):
        request, appointment = _locked_appointment(appointment)
        if actor.pk != request.requested_by_id:
            raise _not_allowed()
        if appointment.status != AppointmentStatus.PROPOSED:
            raise _wrong_state()
        if appointment.starts_at <= now:
            raise RuleViolation(
                code="proposal_expired",
                message=_("This time has already passed. Ask the centre for a new time."),
            )
        appointment.status = AppointmentStatus.BOOKED
        appointment.save(update_fields=["status"])
        request.status = RequestStatus.SCHEDULED
        request.save(update_fields=["status", "updated_at"])
        _record_appointment(
            actor, appointment, "accepted", {"status": [AppointmentStatus.PROPOSED, AppointmentStatus.BOOKED]}
        )
        notices.send_on_commit(notices.Notice.BOOKED, appointment=appointment)
    return appointment


def proposal_decline(*, actor: User, appointment: Appointment, preferred_times: str = "") -> Appointment:
    """The person who asked declines the proposed time; the adviser's time is free again and
    the request waits for staff, with the times that suit the person, if they give them."""
    preferred_times = rules.check_text(
        preferred_times, field="preferred_times", max_length=rules.PREFERRED_TIMES_MAX
    )
    now = clock.now()
    with transaction.atomic(durable=True):
        request, appointment = _locked_appointment(appointment)
        if actor.pk != request.requested_by_id:
            raise _not_allowed()
        if appointment.status != AppointmentStatus.PROPOSED:
            raise _wrong_state()
        notices.send_on_commit(notices.Notice.DECLINED, appointment=appointment)
        _cancel(actor, appointment, now=now, verb="declined")
        request.status = RequestStatus.NEW
        if preferred_times:
            request.preferred_times = preferred_times
        request.save(update_fields=["status", "preferred_times", "updated_at"])
    return appointment


def appointment_cancel(*, actor: User, appointment: Appointment, reason: str = "") -> Appointment:
    """The person who asked, or staff of the centre, cancel an appointment that has not
    ended. Cancelled by the person, the request is closed; cancelled by staff, it waits
    for a new time (the reason is the message the person sees)."""
    reason = rules.check_text(reason, field="reason", max_length=rules.REASON_MAX)
    now = clock.now()
    with transaction.atomic(durable=True):
        request, appointment = _locked_appointment(appointment)
        # Staff who asked for guidance themselves act as the person who asked.
        is_staff = actor.pk != request.requested_by_id and is_adviser_at(actor, appointment.centre)
        if not (is_staff or actor.pk == request.requested_by_id):
            raise _not_allowed()
        if appointment.status not in AppointmentStatus.taking_time():
            raise _wrong_state()
        if appointment.ends_at <= now:
            raise RuleViolation(
                code="appointment_over",
                message=_("This appointment is already over and can no longer be cancelled."),
            )
        notices.send_on_commit(
            notices.Notice.CANCELLED,
            appointment=appointment,
            by_staff=is_staff,
            message=reason if is_staff else "",
        )
        _cancel(actor, appointment, now=now, verb="cancelled", by_staff=is_staff)
        if request.status in (RequestStatus.PROPOSED, RequestStatus.SCHEDULED):
            request.status = RequestStatus.NEW if is_staff else RequestStatus.CANCELLED
        if is_staff and reason:
            request.staff_message = reason
        request.save(update_fields=["status", "staff_message", "updated_at"])
    return appointment


def request_withdraw(*, actor: User, request: GuidanceRequest) -> GuidanceRequest:
    """The person who asked withdraws a request that still waits for a time (nothing is
    proposed or booked); a proposed or booked time is cancelled with `appointment_cancel`."""
    with transaction.atomic(durable=True):
        request = _locked_request(request)
        if actor.pk != request.requested_by_id:
            raise _not_allowed()
        if request.status not in (RequestStatus.NEW, RequestStatus.HANDED_OVER):
            raise _wrong_state()
        old_status = request.status
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status", "updated_at"])
        _record(actor, request, "withdrawn", {"status": [old_status, request.status]})
    return request


def appointment_reschedule(*, actor: User, appointment: Appointment, starts_at: dt.datetime) -> Appointment:
    """Move a booked appointment to another time with the same adviser. The person who asked
    chooses one of the free times; staff of the centre may choose any time that does not
    overlap (the length stays). The new time is claimed before the old one is given up, in
    one transaction: if the new time clashes, nothing changes and the old time stays booked."""
    now = clock.now()
    _check_time_ahead(starts_at, starts_at + dt.timedelta(minutes=rules.MIN_MINUTES), now)
    with transaction.atomic(durable=True):
        request, appointment = _locked_appointment(appointment)
        # Staff who asked for guidance themselves act as the person who asked.
        is_staff = actor.pk != request.requested_by_id and is_adviser_at(actor, appointment.centre)
        if not (is_staff or actor.pk == request.requested_by_id):
            raise _not_allowed()
        if appointment.status != AppointmentStatus.BOOKED:
            raise _wrong_state()
        if appointment.starts_at <= now:
            raise RuleViolation(
                code="appointment_under_way",
                message=_("This appointment has already started and can no longer be moved."),
            )
        if _utc(starts_at) == appointment.starts_at:
            raise RuleViolation(
                code="same_time",
                field="starts_at",
                message=_("This is the time the appointment already has. Choose another time."),
            )
        before = {"starts_at": appointment.starts_at.isoformat(), "ends_at": appointment.ends_at.isoformat()}
        length = appointment.ends_at - appointment.starts_at
        appointment.starts_at = _utc(starts_at)
        appointment.ends_at = appointment.starts_at + length
        appointment.reminder_sent_at = None  # the reminder is due again, for the new day
        _claim(appointment, published_only=not is_staff)
        after = {"starts_at": appointment.starts_at.isoformat(), "ends_at": appointment.ends_at.isoformat()}
        _record_appointment(actor, appointment, "rescheduled", audit.diff(before, after))
        notices.send_on_commit(notices.Notice.MOVED, appointment=appointment, by_staff=is_staff)
    return appointment


def request_hand_over(
    *,
    actor: User,
    request: GuidanceRequest,
    adviser: User | None = None,
    centre: Centre | None = None,
    message: str,
) -> GuidanceRequest:
    """Staff of the request's centre hand it over to another adviser there, or to another
    centre (and optionally an adviser there), with a message to the person. Times proposed
    or booked with the old adviser are cancelled: the new one proposes a time."""
    message = rules.check_message(message)
    if adviser is None and centre is None:
        raise RuleViolation(
            code="hand_over_to_whom",
            field="adviser",
            message=_("Choose the adviser or the centre that takes over."),
        )
    now = clock.now()
    with transaction.atomic(durable=True):
        request = _locked_request(request)
        if not is_adviser_at(actor, request.centre):
            raise _not_allowed()
        if request.status not in OPEN_REQUEST:
            raise _wrong_state()
        target = centre or request.centre
        if adviser is not None and not is_adviser_at(adviser, target):
            raise _not_an_adviser()
        if target.pk == request.centre_id and (adviser is None or adviser.pk == request.adviser_id):
            raise RuleViolation(
                code="hand_over_to_same",
                field="adviser",
                message=_("The request is already with this adviser. Choose someone else."),
            )
        notices.send_on_commit(notices.Notice.HANDED_OVER, request=request, by_staff=True, message=message)
        _cancel_open(actor, request, now=now)
        before = {"centre": str(request.centre), "adviser": _name(request.adviser), "status": request.status}
        request.centre = target
        request.adviser = adviser
        request.status = RequestStatus.HANDED_OVER
        request.staff_message = message
        request.save(update_fields=["centre", "adviser", "status", "staff_message", "updated_at"])
        after = {"centre": str(target), "adviser": _name(adviser), "status": request.status}
        _record(actor, request, "handed_over", audit.diff(before, after))
    return request


def request_refer(
    *, actor: User, request: GuidanceRequest, referred_to: str, message: str
) -> GuidanceRequest:
    """Staff refer the person elsewhere (where, and a message why); open times are cancelled."""
    referred_to = rules.check_text(
        referred_to, field="referred_to", max_length=rules.REFERRED_TO_MAX, required=True
    )
    message = rules.check_message(message)
    now = clock.now()
    with transaction.atomic(durable=True):
        request = _locked_request(request)
        if not is_adviser_at(actor, request.centre):
            raise _not_allowed()
        if request.status not in OPEN_REQUEST:
            raise _wrong_state()
        notices.send_on_commit(notices.Notice.REFERRED, request=request, by_staff=True, message=message)
        _cancel_open(actor, request, now=now)
        old_status = request.status
        request.status = RequestStatus.REFERRED
        request.referred_to = referred_to
        request.staff_message = message
        request.save(update_fields=["status", "referred_to", "staff_message", "updated_at"])
        _record(
            actor,
            request,
            "referred",
            {"status": [old_status, request.status], "referred_to": referred_to},
        )
    return request


# --- The claim: every write that takes an adviser's time --------------------------------
def _claim(appointment: Appointment, *, published_only: bool) -> None:
    """Check that the adviser's time is free, then save the appointment (see the module's
    docstring). With `published_only`, the time must be one of the free times of the
    adviser's availability at the centre, and its end is taken from there."""
    User.objects.select_for_update().get(pk=appointment.adviser_id)
    starts_at = appointment.starts_at
    if published_only:
        day = starts_at.astimezone(clock.OSLO).date()
        offered = [
            end
            for start, end in selectors.published_times(appointment.centre, appointment.adviser, day)
            if start == starts_at
        ]
        if not offered:
            raise RuleViolation(
                code="not_a_free_time",
                field="starts_at",
                message=_("This is not one of the adviser's free times. Choose a time from the list."),
            )
        appointment.ends_at = offered[0]  # the slot's length
    if selectors.adviser_clash(
        appointment.adviser_id, starts_at, appointment.ends_at, exclude_pk=appointment.pk
    ):
        raise rules.AdviserConflict()
    if selectors.adviser_absent(appointment.adviser_id, starts_at, appointment.ends_at):
        raise RuleViolation(
            code="adviser_absent",
            field="starts_at",
            message=_("The adviser is away at this time. Choose another time or another adviser."),
        )
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if getattr(error.__cause__, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        raise rules.AdviserConflict() from error


def _check_time_ahead(starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> None:
    rules.check_interval(starts_at=starts_at, ends_at=ends_at, now=now)
    rules.check_notice(starts_at=starts_at, now=now)
    rules.check_horizon(starts_at=starts_at, now=now)


# --- Helpers ----------------------------------------------------------------------------
def _locked_request(request: GuidanceRequest) -> GuidanceRequest:
    return (
        GuidanceRequest.objects.select_for_update(of=("self",))
        .select_related("centre", "adviser")
        .get(pk=request.pk)
    )


def _locked_appointment(appointment: Appointment) -> tuple[GuidanceRequest, Appointment]:
    """Lock the request, then the appointment (the order every service keeps)."""
    request_pk = Appointment.objects.values_list("request_id", flat=True).get(pk=appointment.pk)
    request = _locked_request(GuidanceRequest(pk=request_pk))
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("centre", "adviser")
        .get(pk=appointment.pk)
    )
    appointment.request = request
    return request, appointment


def _cancel(
    actor: User, appointment: Appointment, *, now: dt.datetime, verb: str, by_staff: bool = False
) -> None:
    """Free the time of a locked appointment, inside the caller's transaction."""
    old_status = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.save(update_fields=["status", "cancelled_at"])
    changes: dict[str, Any] = {"status": [old_status, AppointmentStatus.CANCELLED]}
    if verb == "cancelled":
        changes["by"] = "staff" if by_staff else "person"
    _record_appointment(actor, appointment, verb, changes)


def _cancel_open(actor: User, request: GuidanceRequest, *, now: dt.datetime) -> None:
    """Free the times still ahead; a time that has passed stays as it was (it may have been
    held and is still to be recorded)."""
    for appointment in request.appointments.select_for_update().filter(
        status__in=AppointmentStatus.taking_time(), ends_at__gt=now
    ):
        _cancel(actor, appointment, now=now, verb="cancelled", by_staff=True)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def _scope(request: GuidanceRequest) -> str:
    if request.organisation_id is not None:
        return f"organisation:{request.organisation_id}"
    return audit.scope_for(request)


def _request_facts(request: GuidanceRequest) -> dict[str, Any]:
    """What the audit keeps of a request: no free text (the situation, needs and times)."""
    return {
        "centre": str(request.centre),
        "role": request.role,
        "topic": request.topic,
        "mode": request.mode,
        "status": request.status,
    }


def _record(actor: User, request: GuidanceRequest, verb: str, changes: dict[str, Any]) -> None:
    audit.record(actor=actor, action=f"guidance.{verb}", obj=request, scope=_scope(request), changes=changes)


def _record_appointment(
    actor: User, appointment: Appointment, verb: str, changes: dict[str, Any] | None = None
) -> None:
    facts = {
        "adviser": _name(appointment.adviser),
        "starts_at": appointment.starts_at.isoformat(),
        "ends_at": appointment.ends_at.isoformat(),
        "status": appointment.status,
    }
    audit.record(
        actor=actor,
        action=f"guidance.appointment_{verb}",
        obj=appointment,
        scope=_scope(appointment.request),
        changes={**facts, **(changes or {})},
    )


# --- Messages ---------------------------------------------------------------------------
def _not_allowed() -> RuleViolation:
    return RuleViolation(code="not_allowed", message=_("You cannot do this for this request."))


def _not_an_adviser() -> RuleViolation:
    return RuleViolation(
        code="not_an_adviser",
        field="adviser",
        message=_("Choose an adviser who works at this centre."),
    )


def _wrong_state() -> RuleViolation:
    return RuleViolation(
        code="request_wrong_state",
        message=_("This has already been handled. Reload the page to see where it stands."),
    )
