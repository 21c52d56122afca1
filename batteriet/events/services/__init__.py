"""Writes for events: register, cancel, offers from the waiting list, capacity changes.

Each function is one use case in one durable transaction, writes its audit entries and
raises `RuleViolation` (with a stable code) when a rule says no. E-mails about each change
go out after commit (`notices.send_on_commit`).

Locking discipline (lock, recount, write), the same on SQLite and PostgreSQL:
- Every write that can change how many places are held first locks the event row
  (`select_for_update`; on SQLite every transaction is BEGIN IMMEDIATE, so writers queue
  for the whole transaction). Then it counts the places held (confirmed + offered),
  then it writes. So parallel writers for one event count one after another and
  capacity is never exceeded.
- Locks are taken in the order event, then its registrations.
- `position_at` is given under the event lock and always later than every earlier one,
  so the waiting line follows the order in which registrations were committed.
"""

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres import permissions as centre_permissions
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import notices, permissions, rules, selectors
from batteriet.events.models import Audience, Event, Registration, RegistrationStatus
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Membership, Organisation, OrganisationStatus

TICK = dt.timedelta(microseconds=1)


def registration_create(
    *,
    actor: User,
    event: Event,
    people: list[User] | None = None,
    organisation: Organisation | None = None,
    names: list[str] | None = None,
    accept_partial: bool = False,
) -> list[Registration]:
    """Register the actor, several members of an organisation, or (staff) people by name.

    Without `people` and `names` the actor registers themself. A contact person of
    `organisation` may register its members. Organisers may register anyone, also by
    name for someone without an account, and outside the registration window.

    The group gets places only if all fit; otherwise all wait together, or with
    `accept_partial` the first ones get the places left and the rest wait. Nobody
    jumps the line: while anyone waits, newcomers wait too.
    """
    names = [name.strip() for name in names or []]
    if any(not name for name in names):
        raise _name_missing()
    people = list(people or [])
    if not people and not names:
        people = [actor]
    rules.check_group_size(len(people) + len(names))
    if len({person.pk for person in people}) != len(people):
        raise _duplicate()
    now = clock.now()
    with transaction.atomic(durable=True):
        event = _locked_event(event.pk)
        is_organiser = permissions.is_organiser(actor, event)
        _check_may_register(actor, event, people, organisation, names, is_organiser=is_organiser)
        if is_organiser:
            rules.check_not_started(starts_at=event.starts_at, now=now)
        else:
            rules.check_registration_open(
                opens_at=event.registration_opens_at,
                closes_at=event.registration_closes_at,
                starts_at=event.starts_at,
                now=now,
            )
        if Registration.objects.filter(
            event=event, person__in=people, status__in=RegistrationStatus.active()
        ).exists():
            raise _duplicate()
        taken = selectors.places_held(event)
        if selectors.waiting_list(event).exists():
            taken = max(taken, event.capacity or 0)
        confirmed, _waiting = rules.split_group(
            group_size=len(people) + len(names),
            capacity=event.capacity,
            taken=taken,
            accept_partial=accept_partial,
        )
        position = _next_position(event, now)
        group_key = uuid.uuid4()
        entrants: list[dict[str, Any]] = [{"person": person} for person in people]
        entrants += [{"name": name} for name in names]
        registrations = []
        for index, entrant in enumerate(entrants):
            registrations.append(
                Registration(
                    event=event,
                    registered_by=actor,
                    organisation=organisation,
                    status=RegistrationStatus.CONFIRMED if index < confirmed else RegistrationStatus.WAITING,
                    position_at=position + index * TICK,
                    group_key=group_key,
                    **entrant,
                )
            )
        try:
            with transaction.atomic():
                for registration in registrations:
                    registration.save()
        except IntegrityError as error:
            # The partial unique constraint: one active registration per person and event.
            raise _duplicate() from error
        for registration in registrations:
            _record(actor, registration, "created")
        placed = [each for each in registrations if each.status == RegistrationStatus.CONFIRMED]
        waiting = [each for each in registrations if each.status == RegistrationStatus.WAITING]
        if placed:
            notices.send_on_commit(placed[0], notices.Notice.REGISTERED, also=placed[1:])
        if waiting:
            notices.send_on_commit(waiting[0], notices.Notice.WAITING, also=waiting[1:])
    return registrations


def registration_cancel(*, actor: User, registration: Registration) -> Registration:
    """Cancel a registration or leave the waiting list. A freed place is offered to the next."""
    now = clock.now()
    with transaction.atomic(durable=True):
        event = _locked_event(registration.event_id)
        registration = _locked_registration(registration.pk)
        _check_may_act(actor, registration)
        rules.check_cancel_allowed(starts_at=event.starts_at, now=now)
        if registration.status not in RegistrationStatus.active():
            raise _wrong_state()
        _set_status(actor, registration, RegistrationStatus.CANCELLED, "cancelled", now=now)
        notices.send_on_commit(registration, notices.Notice.CANCELLED)
        # Also when someone leaves the line: a waiting group that was too big may fit now.
        _offer_next(event, now=now)
    return registration


def registration_offer_accept(*, actor: User, registration: Registration) -> Registration:
    """Take an offered place. Offers past their deadline pass on first, so a late yes fails."""
    now = clock.now()
    with transaction.atomic(durable=True):
        event = _locked_event(registration.event_id)
        _check_may_act(actor, _locked_registration(registration.pk))
        _expire_due_offers(event, now=now)
        registration = _locked_registration(registration.pk)
        expired = registration.status == RegistrationStatus.EXPIRED
        if not expired:
            if registration.status != RegistrationStatus.OFFERED:
                raise _wrong_state()
            registration.offer_expires_at = None
            _set_status(actor, registration, RegistrationStatus.CONFIRMED, "offer_accepted", now=now)
            notices.send_on_commit(registration, notices.Notice.REGISTERED)
    if expired:
        raise _offer_expired()
    return registration


def registration_offer_decline(*, actor: User, registration: Registration) -> Registration:
    """Say no thanks to an offered place: it passes to the next in line."""
    now = clock.now()
    with transaction.atomic(durable=True):
        event = _locked_event(registration.event_id)
        registration = _locked_registration(registration.pk)
        _check_may_act(actor, registration)
        if registration.status == RegistrationStatus.EXPIRED:
            raise _offer_expired()
        if registration.status != RegistrationStatus.OFFERED:
            raise _wrong_state()
        _set_status(actor, registration, RegistrationStatus.CANCELLED, "offer_declined", now=now)
        notices.send_on_commit(registration, notices.Notice.CANCELLED)
        _offer_next(event, now=now)
    return registration


def offers_expire(now: dt.datetime | None = None) -> int:
    """Let offers not accepted in time expire, and offer each place to the next in line.

    One transaction per event, with the event locked and the offers checked again inside
    it: an offer another run has already let go is skipped, so running this again, or
    twice at once, offers each place once. Returns how many offers this run let go.
    """
    now = now or clock.now()
    due = Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
    expired = 0
    for event_id in sorted(set(due.values_list("event_id", flat=True))):
        with transaction.atomic(durable=True):
            expired += _expire_due_offers(_locked_event(event_id), now=now)
    return expired


def event_capacity_change(*, actor: User, event: Event, capacity: int | None) -> Event:
    """Organisers change the number of places. More places are offered to those waiting."""
    now = clock.now()
    with transaction.atomic(durable=True):
        event = _locked_event(event.pk)
        if not permissions.is_organiser(actor, event):
            raise _not_allowed()
        _capacity_change_locked(actor, event, capacity, now)
    return event


def _capacity_change_locked(actor: User, event: Event, capacity: int | None, now: dt.datetime) -> None:
    """Change the number of places inside a transaction that already holds the event lock
    (`event` is the locked row): recount, save, audit, and offer freed places."""
    held = Registration.objects.filter(event=event)
    rules.check_capacity(
        capacity=capacity,
        confirmed=held.filter(status=RegistrationStatus.CONFIRMED).count(),
        offered=held.filter(status=RegistrationStatus.OFFERED).count(),
    )
    before = event.capacity
    event.capacity = capacity
    event.save(update_fields=["capacity", "updated_at"])
    audit.record(
        actor=actor,
        action="event.capacity_changed",
        obj=event,
        scope=_scope(event),
        changes={"capacity": [before, capacity]},
    )
    _offer_next(event, now=now)


# --- The waiting line ---------------------------------------------------------------------
def _offer_next(event: Event, *, now: dt.datetime) -> list[Registration]:
    """Offer free places to those waiting, first in line first. Call it with the event locked.

    People registered together wait together: the waiting members of a group are offered
    places at the same time, and only when all of them fit. The line never skips ahead,
    so a group first in line is not passed by people behind it. Nothing is offered once
    the event has started.
    """
    if now >= event.starts_at:
        return []
    offered: list[Registration] = []
    while True:
        head = selectors.waiting_list(event).select_for_update().first()
        if head is None:
            return offered
        group = list(selectors.waiting_list(event).filter(group_key=head.group_key).select_for_update())
        left = rules.places_left(capacity=event.capacity, taken=selectors.places_held(event))
        if event.capacity is not None and len(group) > event.capacity:
            # Places were cut below the group's size after it joined: it can never fit whole,
            # so its first ones are offered the places there are instead of blocking the line.
            group = group[:left]
            if not group:
                return offered
        elif left is not None and len(group) > left:
            return offered
        deadline = rules.offer_deadline(now=now, hold_hours=event.offer_hold_hours, starts_at=event.starts_at)
        for registration in group:
            registration.offer_expires_at = deadline
            _set_status(None, registration, RegistrationStatus.OFFERED, "offered", now=now)
            offered.append(registration)
        notices.send_on_commit(group[0], notices.Notice.OFFERED, also=group[1:])


def _expire_due_offers(event: Event, *, now: dt.datetime) -> int:
    """With the event locked: offers past their deadline expire, and the places pass on."""
    due = list(
        Registration.objects.select_for_update()
        .filter(event=event, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .order_by("position_at", "id")
    )
    for registration in due:
        _set_status(None, registration, RegistrationStatus.EXPIRED, "offer_expired", now=now)
    notices.send_groups_on_commit(due, notices.Notice.OFFER_EXPIRED)
    if due:
        _offer_next(event, now=now)
    return len(due)


def _next_position(event: Event, now: dt.datetime) -> dt.datetime:
    """A place in line later than every earlier one (given under the event lock)."""
    last = (
        Registration.objects.filter(event=event)
        .order_by("-position_at")
        .values_list("position_at", flat=True)
        .first()
    )
    return now if last is None or now > last else last + TICK


def _set_status(
    actor: User | None, registration: Registration, status: str, verb: str, *, now: dt.datetime
) -> None:
    before = registration.status
    registration.status = status
    fields = ["status", "offer_expires_at", "updated_at"]
    if status == RegistrationStatus.CANCELLED:
        registration.cancelled_at = now
        fields.append("cancelled_at")
    registration.save(update_fields=fields)
    _record(actor, registration, verb, {"status": [before, status]})


# --- Checks -------------------------------------------------------------------------------
def _check_may_register(
    actor: User,
    event: Event,
    people: list[User],
    organisation: Organisation | None,
    names: list[str],
    *,
    is_organiser: bool,
) -> None:
    if not (event.is_published or is_organiser):
        raise _not_allowed()
    if names and not is_organiser:
        raise _not_allowed()
    only_themself = [person.pk for person in people] == [actor.pk] and not names
    if organisation is not None:
        # A contact registers members; any member may register themself for the organisation.
        if not (is_organiser or organisation_permissions.is_contact(actor, organisation) or only_themself):
            raise _not_allowed()
        if any(not organisation_permissions.is_member(person, organisation) for person in people):
            raise _not_a_member()
    elif not is_organiser and any(person.pk != actor.pk for person in people):
        raise _not_allowed()
    _check_audience(event, people)


def _check_audience(event: Event, people: list[User]) -> None:
    if event.audience == Audience.STAFF:
        if any(not centre_permissions.is_staff_member(person) for person in people):
            raise RuleViolation(code="event_staff_only", message=_("This event is for staff only."))
    elif event.audience == Audience.MEMBERS:
        members = set(
            Membership.objects.filter(
                user__in=people, organisation__status=OrganisationStatus.APPROVED
            ).values_list("user_id", flat=True)
        )
        if any(person.pk not in members for person in people):
            raise RuleViolation(
                code="event_members_only",
                message=_("This event is for people in member organisations."),
            )


def _check_may_act(actor: User, registration: Registration) -> None:
    if not permissions.may_act_on_registration(actor, registration):
        raise _not_allowed()


def _locked_event(event_id: int) -> Event:
    """The capacity lock: writers that count places for one event queue here."""
    return Event.objects.select_for_update().get(pk=event_id)


def _locked_registration(registration_id: int) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "organisation")
        .get(pk=registration_id)
    )


def _scope(event: Event) -> str:
    return audit.scope_for(event)


def _record(actor: User | None, registration: Registration, verb: str, changes: dict | None = None) -> None:
    audit.record(
        actor=actor,
        action=f"registration.{verb}",
        obj=registration,
        scope=_scope(registration.event),
        changes=changes
        or {
            "status": registration.status,
            "organisation": registration.organisation_id,
            "position_at": registration.position_at.isoformat(),
        },
    )


# --- Messages -----------------------------------------------------------------------------
def _not_allowed() -> RuleViolation:
    return RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))


def _not_a_member() -> RuleViolation:
    return RuleViolation(
        code="registration_not_a_member",
        message=_("You can only register people who are members of your organisation."),
    )


def _name_missing() -> RuleViolation:
    return RuleViolation(code="registration_name_missing", message=_("Write the name of each person."))


def _duplicate() -> RuleViolation:
    return RuleViolation(
        code="registration_duplicate",
        message=_("Someone in this registration is already registered or on the waiting list."),
    )


def _wrong_state() -> RuleViolation:
    return RuleViolation(
        code="registration_wrong_state",
        message=_("This registration has changed meanwhile. Reload the page to see how it stands."),
    )


def _offer_expired() -> RuleViolation:
    return RuleViolation(
        code="offer_expired",
        message=_(
            "Sorry, the place was held for you only until the deadline, and it has now been offered "
            "to the next in line."
        ),
    )
