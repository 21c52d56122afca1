"""Places in parallel sessions: a confirmed registration takes a seat in a session with
its own number of places.

Locking: the session row is locked first (`select_for_update`; on SQLite the IMMEDIATE
transaction), then the registration. Seats are recounted under the session lock, and
only seats of registrations that hold a place count, so a cancelled registration's seat
frees at once. Parallel choosers of one session count one after another.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import permissions, rules
from batteriet.events.models import Registration, RegistrationStatus, Session, SessionSeat


def seats_taken(session: Session) -> int:
    """Seats held in a session: only registrations holding a place count."""
    return SessionSeat.objects.filter(
        session_id=session.pk, registration__status__in=RegistrationStatus.holding_a_place()
    ).count()


def seat_choose(*, actor: User, registration: Registration, session: Session) -> SessionSeat:
    """Take a seat in a parallel session, if there is room and no other seat at that time."""
    now = clock.now()
    with transaction.atomic(durable=True):
        session, registration = _locked(actor, registration, session)
        rules.check_not_started(starts_at=session.starts_at, now=now)
        if registration.status != RegistrationStatus.CONFIRMED:
            raise RuleViolation(
                code="seat_not_confirmed",
                message=_("Only people with a place at the event can choose a session."),
            )
        if session.capacity is None:
            raise RuleViolation(
                code="seat_not_needed",
                message=_("Everyone registered can come to this session. There is nothing to choose."),
            )
        seats = SessionSeat.objects.filter(registration=registration)
        if seats.filter(session=session).exists():
            raise RuleViolation(code="seat_duplicate", message=_("You already have a place in this session."))
        rules.check_sessions_do_not_overlap(
            overlapping=seats.filter(
                session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at
            ).exists()
        )
        rules.check_session_has_room(capacity=session.capacity, taken=seats_taken(session))
        try:
            with transaction.atomic():
                seat = SessionSeat.objects.create(registration=registration, session=session)
        except IntegrityError as error:
            raise RuleViolation(
                code="seat_duplicate", message=_("You already have a place in this session.")
            ) from error
        _record(actor, registration, session, "seat_chosen")
    return seat


def seat_leave(*, actor: User, registration: Registration, session: Session) -> None:
    """Give up a seat in a session, so someone else can take it."""
    now = clock.now()
    with transaction.atomic(durable=True):
        session, registration = _locked(actor, registration, session)
        rules.check_not_started(starts_at=session.starts_at, now=now)
        deleted, _rows = SessionSeat.objects.filter(registration=registration, session=session).delete()
        if not deleted:
            raise RuleViolation(code="seat_missing", message=_("You have no place in this session."))
        _record(actor, registration, session, "seat_left")


def _locked(actor: User, registration: Registration, session: Session) -> tuple[Session, Registration]:
    session = Session.objects.select_for_update().get(pk=session.pk)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "organisation")
        .get(pk=registration.pk)
    )
    if not permissions.may_act_on_registration(actor, registration):
        raise RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))
    if session.event_id != registration.event_id:
        raise RuleViolation(code="seat_other_event", message=_("This session is part of another event."))
    return session, registration


def _record(actor: User, registration: Registration, session: Session, verb: str) -> None:
    audit.record(
        actor=actor,
        action=f"registration.{verb}",
        obj=registration,
        scope=audit.scope_for(registration.event),
        changes={"session": session.pk},
    )
