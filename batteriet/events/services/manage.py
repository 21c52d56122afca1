"""Staff create and edit events, their programme, questions and partner organisations.

Each function is one use case in one durable transaction with its audit entry, and raises
`RuleViolation` (with a stable code, and the form field it belongs to) when a rule says no.

A centre room is booked through the bookings service (`booking_block`), which is durable
itself: it runs before the event is saved, and is cancelled again if saving fails. When
the event moves or changes room, the new time is booked first and the old one then let
go; if the new time clashes, the old booking stays. A change of the number of places is
made in the same transaction as the rest of the change (`_capacity_change_locked`), and
offers freed places to those waiting.
"""

import contextlib
import dataclasses
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.bookings import rules as booking_rules
from batteriet.bookings import selectors as booking_selectors
from batteriet.bookings import services as booking_services
from batteriet.bookings.models import Booking, Resource
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import notices, permissions, permissions_manage, rules
from batteriet.events.models import (
    Event,
    Language,
    Partner,
    PlaceKind,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    Session,
    SessionSeat,
)
from batteriet.events.services import _capacity_change_locked, _locked_event, _not_allowed
from batteriet.organisations.models import Organisation, OrganisationStatus

# The form field each database constraint of an event belongs to.
_CONSTRAINT_FIELDS = {
    "events_event_ends_after_start": "ends_at",
    "events_event_capacity_at_least_one": "capacity",
    "events_event_offer_hold_at_least_one_hour": "offer_hold_hours",
    "events_event_registration_closes_after_opens": "registration_closes_at",
    "events_event_external_has_venue": "venue",
    "events_event_online_has_link": "online_link",
    "events_session_ends_after_start": "ends_at",
    "events_session_capacity_at_least_one": "capacity",
    "events_question_choice_has_choices": "choices",
    "events_question_special_need_optional": "required",
    "events_partner_role_once": "organisation",
}


@dataclasses.dataclass(frozen=True)
class EventData:
    """What staff fill in for an event. Times are aware datetimes."""

    kind: str
    title: str
    centres: list[Centre]
    audience: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_kind: str
    description: str = ""
    language: str = Language.NORWEGIAN
    room: Resource | None = None
    venue: str = ""
    online_link: str = ""
    capacity: int | None = None
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None
    offer_hold_hours: int = 24
    certificate_sessions: int | None = None
    is_published: bool = False


@dataclasses.dataclass(frozen=True)
class SessionData:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    track: str = ""
    speakers: str = ""
    description: str = ""
    capacity: int | None = None


# Fields copied from EventData onto the event as they are.
_PLAIN_FIELDS = [
    "kind",
    "title",
    "description",
    "audience",
    "language",
    "starts_at",
    "ends_at",
    "place_kind",
    "room",
    "venue",
    "online_link",
    "registration_opens_at",
    "registration_closes_at",
    "offer_hold_hours",
    "certificate_sessions",
    "is_published",
]


# --- Events -------------------------------------------------------------------------------
def event_create(*, actor: User, data: EventData) -> Event:
    """Create an event with one session covering it; book its centre room first."""
    data = _normalised(data)
    _check_event(actor, data)
    booking = _block_room(actor, data) if data.room is not None else None
    try:
        with transaction.atomic(durable=True):
            event = Event(created_by=actor, capacity=data.capacity, room_booking=booking)
            for name in _PLAIN_FIELDS:
                setattr(event, name, getattr(data, name))
            _save(event)
            event.centres.set(data.centres)
            Session.objects.create(
                event=event, title=event.title, starts_at=event.starts_at, ends_at=event.ends_at
            )
            audit.record(
                actor=actor,
                action="event.created",
                obj=event,
                scope=audit.scope_for(event),
                changes=_facts(event),
            )
    except BaseException:
        if booking is not None:
            _release(actor, booking)
        raise
    return event


def event_update(*, actor: User, event: Event, data: EventData) -> Event:
    """Change an event. A single session that covered the whole event moves with it; other
    sessions must still fit the event's days. The room is booked anew when the time or the
    room changes.

    Every check runs first. Then the room is booked (the bookings service commits on its
    own), and everything else, the number of places with the offers it makes included, is
    one durable transaction with the event locked: if any of it fails, nothing of the
    change stays and the new booking is let go again. When the time or the place changes,
    everyone with a place or an offer is told (`Notice.CHANGED`, after commit) and their
    reminders are due again."""
    data = _normalised(data)
    event = Event.objects.select_related("room_booking").get(pk=event.pk)
    if not permissions.is_organiser(actor, event):
        raise _not_allowed()
    # Centres the actor does not work at stay organisers: they can only be removed by their staff.
    kept = [centre for centre in event.centres.all() if not centre_permissions.is_staff_at(actor, centre)]
    chosen = list(data.centres)
    data = dataclasses.replace(data, centres=chosen + [c for c in kept if c not in chosen])
    _check_event(actor, data, chosen=chosen)
    _check_programme(event, data)
    if data.capacity != event.capacity:
        _check_capacity(event, data.capacity)

    old = event.room_booking if event.room_booking is not None and event.room_booking.is_blocking else None
    keeps_booking = (
        old is not None
        and data.room is not None
        and old.resource_id == data.room.pk
        and (old.starts_at, old.ends_at) == (data.starts_at, data.ends_at)
    )
    new, old_released = None, False
    if data.room is not None and not keeps_booking:
        if old is not None and old.resource_id == data.room.pk and _overlaps(old, data):
            # The same room at an overlapping time would clash with its own old booking:
            # look for other clashes first, then let the old time go and book the new one
            # (taking the old time back if someone was quicker).
            _check_room_free(data, old)
            _release(actor, old)
            old_released = True
            try:
                new = _block_room(actor, data)
            except RuleViolation:
                _restore(actor, event, old)
                raise
        else:
            new = _block_room(actor, data)
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
            locked = _locked_event(event.pk)
            if not permissions.is_organiser(actor, locked):
                raise _not_allowed()
            before = _facts(locked)
            moved = _time_or_place_changes(locked, data)
            # Those to tell, counted before the new places are offered: people offered a
            # place by this change get the offer, which already says the new time and place.
            to_tell = (
                list(
                    Registration.objects.filter(
                        event=locked,
                        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED],
                    ).order_by("position_at", "pk")
                )
                if moved and data.ends_at > now
                else []
            )
            _check_programme(locked, data)
            _move_single_session(locked, data)
            for name in _PLAIN_FIELDS:
                setattr(locked, name, getattr(data, name))
            if data.room is None:
                locked.room_booking = None
            elif not keeps_booking:
                locked.room_booking = new
            _save(locked)
            locked.centres.set(data.centres)
            if data.capacity != locked.capacity:
                _capacity_change_locked(actor, locked, data.capacity, now)
            if moved:
                Registration.objects.filter(event=locked, reminder_sent_at__isnull=False).update(
                    reminder_sent_at=None
                )
            after = _facts(locked)
            audit.record(
                actor=actor,
                action="event.changed",
                obj=locked,
                scope=audit.scope_for(locked),
                changes={key: [before[key], after[key]] for key in after if before.get(key) != after[key]},
            )
            if to_tell:
                notices.send_on_commit(to_tell[0], notices.Notice.CHANGED, also=to_tell[1:])
    except BaseException:
        if new is not None:
            _release(actor, new)
        if old_released:
            _restore(actor, event, old)
        raise
    if old is not None and not keeps_booking and not old_released:
        _release(actor, old)
    return locked


# What people registered are told about when it changes: the time and the place.
_TIME_AND_PLACE = ["starts_at", "ends_at", "place_kind", "venue", "online_link"]


def _time_or_place_changes(event: Event, data: EventData) -> bool:
    room_id = data.room.pk if data.room is not None else None
    return event.room_id != room_id or any(
        getattr(event, name) != getattr(data, name) for name in _TIME_AND_PLACE
    )


def _check_capacity(event: Event, capacity: int | None) -> None:
    """Check the new number of places before booking anything (checked again under the lock)."""
    held = Registration.objects.filter(event=event)
    rules.check_capacity(
        capacity=capacity,
        confirmed=held.filter(status=RegistrationStatus.CONFIRMED).count(),
        offered=held.filter(status=RegistrationStatus.OFFERED).count(),
    )


def _normalised(data: EventData) -> EventData:
    _check_text(title=data.title, description=data.description, venue=data.venue)
    return dataclasses.replace(
        data,
        title=data.title.strip(),
        description=data.description.strip(),
        venue=data.venue.strip(),
        online_link=data.online_link.strip(),
        room=data.room if data.place_kind == PlaceKind.CENTRE_ROOM else None,
        certificate_sessions=data.certificate_sessions,
        centres=list(dict.fromkeys(data.centres)),
    )


def _check_event(actor: User, data: EventData, chosen: list[Centre] | None = None) -> None:
    """`chosen`: the centres the actor picked (on a change, others' centres are kept as they were)."""
    if not centre_permissions.is_staff_member(actor):
        raise _not_allowed()
    if not permissions_manage.may_organise_centres(actor, data.centres if chosen is None else chosen):
        raise RuleViolation(
            code="event_centres_not_allowed",
            message=_("Choose at least one of your own centres."),
            field="centres",
        )
    if not data.title:
        raise RuleViolation(code="event_title_missing", message=_("Write a title."), field="title")
    rules.check_event(
        kind=data.kind,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place_kind=data.place_kind,
        has_room=data.room is not None,
        venue=data.venue,
        online_link=data.online_link,
        registration_opens_at=data.registration_opens_at,
        registration_closes_at=data.registration_closes_at,
        offer_hold_hours=data.offer_hold_hours,
        certificate_sessions=data.certificate_sessions,
    )
    if data.room is not None and (
        data.room.kind not in permissions_manage.ROOM_KINDS
        or data.room.centre_id not in {centre.pk for centre in data.centres}
    ):
        raise RuleViolation(
            code="event_room_not_at_centre",
            message=_("Choose a room at one of the centres that organise the event."),
            field="room",
        )


def _check_programme(event: Event, data: EventData) -> None:
    """Sessions that do not move with the event must still lie within its days."""
    sessions = list(event.sessions.all())
    if _single_session_moves(event, sessions):
        return
    for session in sessions:
        try:
            _check_session_fits(
                session.starts_at,
                session.ends_at,
                session.capacity,
                data.starts_at,
                data.ends_at,
                data.capacity,
            )
        except RuleViolation as violation:
            raise RuleViolation(
                code="event_programme_outside",
                message=_(
                    "The session “%(title)s” would no longer fit the event: %(reason)s "
                    "Change the programme first."
                )
                % {"title": session.title, "reason": violation.message},
                field="capacity" if violation.field == "capacity" else "starts_day",
            ) from violation


def _single_session_moves(event: Event, sessions: list[Session]) -> bool:
    """One session covering the whole event (the one made with it) moves with the event."""
    return len(sessions) == 1 and (sessions[0].starts_at, sessions[0].ends_at) == (
        event.starts_at,
        event.ends_at,
    )


def _move_single_session(event: Event, data: EventData) -> None:
    sessions = list(event.sessions.select_for_update())
    if not _single_session_moves(event, sessions):
        return
    (session,) = sessions
    session.starts_at, session.ends_at = data.starts_at, data.ends_at
    if session.title == event.title:
        session.title = data.title
    session.save(update_fields=["starts_at", "ends_at", "title"])


def _overlaps(booking: Booking, data: EventData) -> bool:
    return booking.starts_at < data.ends_at and data.starts_at < booking.ends_at


def _check_room_free(data: EventData, old: Booking) -> None:
    clash = booking_selectors.occupancy_clashes(
        data.room, data.starts_at, data.ends_at + data.room.buffer, exclude=old
    ).first()
    if clash is not None:
        raise _room_taken(
            booking_rules.BookingConflict(clash_starts_at=clash.starts_at, clash_ends_at=clash.ends_at)
        )


def _room_taken(violation: RuleViolation) -> RuleViolation:
    return RuleViolation(
        code="event_room_taken",
        message=_("The room is taken at that time: %(reason)s") % {"reason": violation.message},
        field="room",
    )


def _block_room(actor: User, data: EventData) -> Booking:
    try:
        return booking_services.booking_block(
            actor=actor, resource=data.room, starts_at=data.starts_at, ends_at=data.ends_at, reason=data.title
        )
    except RuleViolation as violation:
        if violation.code == "booking_conflict":
            raise _room_taken(violation) from violation
        field = "starts_at" if violation.field == "starts_at" else "room"
        raise RuleViolation(
            code=f"event_room_{violation.code}",
            message=_("The room cannot be booked: %(reason)s") % {"reason": violation.message},
            field=field,
        ) from violation


def _release(actor: User, booking: Booking) -> None:
    """Let a room booking go. One already over (or cancelled by staff meanwhile) stays as it is."""
    with contextlib.suppress(RuleViolation):
        booking_services.booking_cancel(
            actor=actor, booking=booking, reason=gettext("The event no longer uses the room at this time.")
        )


def _restore(actor: User, event: Event, old: Booking) -> None:
    """Book the old time again after letting it go for a change that did not happen."""
    try:
        again = booking_services.booking_block(
            actor=actor,
            resource=old.resource,
            starts_at=old.starts_at,
            ends_at=old.ends_at,
            reason=event.title,
        )
    except RuleViolation:
        Event.objects.filter(pk=event.pk).update(room_booking=None)
        return
    Event.objects.filter(pk=event.pk).update(room_booking=again)


def _save(obj) -> None:
    """Save, turning a database constraint into the friendly message by its field."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise _constraint_violation(obj, error) from error


def _constraint_violation(obj, error: IntegrityError) -> RuleViolation:
    for constraint in obj._meta.constraints:
        if constraint.name in str(error):
            return RuleViolation(
                code=constraint.name,
                message=constraint.violation_error_message,
                field=_CONSTRAINT_FIELDS.get(constraint.name),
            )
    return RuleViolation(
        code="not_saved", message=_("This could not be saved. Check what you wrote and try again.")
    )


def _facts(event: Event) -> dict:
    return {
        "kind": event.kind,
        "title": event.title,
        "audience": event.audience,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "place_kind": event.place_kind,
        "room": event.room_id,
        "room_booking": event.room_booking_id,
        "venue": event.venue,
        "online_link": event.online_link,
        "capacity": event.capacity,
        "is_published": event.is_published,
    }


def _check_text(**values: str) -> None:
    for field, value in values.items():
        if "\x00" in value:
            raise RuleViolation(
                code="invalid_character", message=_("Remove the hidden characters."), field=field
            )


# --- The programme ------------------------------------------------------------------------
def session_add(*, actor: User, event: Event, data: SessionData) -> Session:
    data = _session_normalised(data)
    with transaction.atomic(durable=True):
        event = _organised_event(actor, event)
        _check_session_fits(
            data.starts_at, data.ends_at, data.capacity, event.starts_at, event.ends_at, event.capacity
        )
        session = Session(event=event, **dataclasses.asdict(data))
        _save(session)
        audit.record(
            actor=actor,
            action="event.session_added",
            obj=session,
            scope=audit.scope_for(event),
            changes={"title": session.title, "starts_at": session.starts_at.isoformat()},
        )
    return session


def session_update(*, actor: User, session: Session, data: SessionData) -> Session:
    data = _session_normalised(data)
    with transaction.atomic(durable=True):
        event = _organised_event(actor, session.event)
        session = Session.objects.select_for_update().get(pk=session.pk, event=event)
        _check_session_fits(
            data.starts_at, data.ends_at, data.capacity, event.starts_at, event.ends_at, event.capacity
        )
        taken = SessionSeat.objects.filter(
            session=session, registration__status__in=RegistrationStatus.holding_a_place()
        ).count()
        if data.capacity is not None and data.capacity < taken:
            raise RuleViolation(
                code="session_capacity_below_taken",
                message=_(
                    "%(taken)s people already have a place in this session. Give at least that many places."
                )
                % {"taken": taken},
                field="capacity",
            )
        before = {
            "title": session.title,
            "starts_at": session.starts_at.isoformat(),
            "capacity": session.capacity,
        }
        for name, value in dataclasses.asdict(data).items():
            setattr(session, name, value)
        _save(session)
        audit.record(
            actor=actor,
            action="event.session_changed",
            obj=session,
            scope=audit.scope_for(event),
            changes={
                "before": before,
                "after": {
                    "title": session.title,
                    "starts_at": session.starts_at.isoformat(),
                    "capacity": session.capacity,
                },
            },
        )
    return session


def session_delete(*, actor: User, session: Session) -> None:
    with transaction.atomic(durable=True):
        event = _organised_event(actor, session.event)
        session = Session.objects.select_for_update().get(pk=session.pk, event=event)
        rules.check_session_delete(
            sessions_left=event.sessions.count(),
            attendance_marked=session.attendance.count(),
            seats_taken=SessionSeat.objects.filter(
                session=session, registration__status__in=RegistrationStatus.holding_a_place()
            ).count(),
        )
        audit.record(
            actor=actor,
            action="event.session_deleted",
            obj=session,
            scope=audit.scope_for(event),
            changes={"title": session.title, "starts_at": session.starts_at.isoformat()},
        )
        session.delete()


def _session_normalised(data: SessionData) -> SessionData:
    _check_text(title=data.title, track=data.track, speakers=data.speakers, description=data.description)
    data = dataclasses.replace(
        data,
        title=data.title.strip(),
        track=data.track.strip(),
        speakers=data.speakers.strip(),
        description=data.description.strip(),
    )
    if not data.title:
        raise RuleViolation(code="session_title_missing", message=_("Write a title."), field="title")
    return data


def _check_session_fits(starts_at, ends_at, capacity, event_starts_at, event_ends_at, event_capacity) -> None:
    rules.check_session(
        starts_at=starts_at,
        ends_at=ends_at,
        event_starts_at=event_starts_at,
        event_ends_at=event_ends_at,
        capacity=capacity,
        event_capacity=event_capacity,
        tz=clock.OSLO,
    )


def _organised_event(actor: User, event: Event) -> Event:
    """Lock the event and check that the actor organises it."""
    event = _locked_event(event.pk)
    if not permissions.is_organiser(actor, event):
        raise _not_allowed()
    return event


# --- Questions ----------------------------------------------------------------------------
# Typical questions, added with one click: (label, kind, special need).
PRESETS = {
    "dietary": (
        _("Do you have any dietary needs? For example allergies, or no meat."),
        QuestionKind.TEXT,
        True,
    ),
    "accessibility": (
        _("Do you have any accessibility needs? For example wheelchair access or a hearing loop."),
        QuestionKind.TEXT,
        True,
    ),
    "interpreter": (
        _("Do you need an interpreter, or another language? Which one?"),
        QuestionKind.TEXT,
        True,
    ),
    "travel": (_("Do you need help to pay for your travel?"), QuestionKind.YES_NO, False),
}


def question_add(
    *,
    actor: User,
    event: Event,
    label: str,
    kind: str,
    choices: str = "",
    required: bool = False,
    is_special_need: bool = False,
) -> Question:
    _check_text(label=label, choices=choices)
    label = label.strip()
    if not label:
        raise RuleViolation(code="question_label_missing", message=_("Write the question."), field="label")
    if kind not in QuestionKind.values:
        raise RuleViolation(code="question_kind", message=_("Choose a kind of answer."), field="kind")
    lines = [line.strip() for line in choices.splitlines() if line.strip()]
    rules.check_question(kind=kind, choices=lines, required=required, is_special_need=is_special_need)
    with transaction.atomic(durable=True):
        event = _organised_event(actor, event)
        last = event.questions.aggregate(last=Max("position"))["last"]
        question = Question(
            event=event,
            label=label,
            kind=kind,
            choices="\n".join(lines) if kind == QuestionKind.CHOICE else "",
            required=required,
            is_special_need=is_special_need,
            position=0 if last is None else last + 1,
        )
        _save(question)
        audit.record(
            actor=actor,
            action="event.question_added",
            obj=question,
            scope=audit.scope_for(event),
            changes={"label": question.label, "kind": kind, "special_need": is_special_need},
        )
    return question


def question_add_preset(*, actor: User, event: Event, preset: str) -> Question:
    """Add one of the typical questions (`PRESETS`), once per event."""
    if preset not in PRESETS:
        raise RuleViolation(code="question_preset_unknown", message=_("Choose one of the questions shown."))
    label, kind, special = PRESETS[preset]
    label = str(label)
    if Question.objects.filter(event=event, label=label).exists():
        raise RuleViolation(code="question_preset_twice", message=_("This question is already added."))
    return question_add(actor=actor, event=event, label=label, kind=kind, is_special_need=special)


def question_delete(*, actor: User, question: Question) -> None:
    with transaction.atomic(durable=True):
        event = _organised_event(actor, question.event)
        question = Question.objects.select_for_update().get(pk=question.pk, event=event)
        rules.check_question_delete(answers=question.answers.count())
        audit.record(
            actor=actor,
            action="event.question_deleted",
            obj=question,
            scope=audit.scope_for(event),
            changes={"label": question.label},
        )
        question.delete()


# --- Partner organisations ----------------------------------------------------------------
def partner_add(*, actor: User, event: Event, organisation: Organisation, role: str) -> Partner:
    from batteriet.events.models import PartnerRole

    if role not in PartnerRole.values:
        raise RuleViolation(code="partner_role", message=_("Choose a role."), field="role")
    with transaction.atomic(durable=True):
        event = _organised_event(actor, event)
        organisation = Organisation.objects.get(pk=organisation.pk)
        if organisation.status != OrganisationStatus.APPROVED:
            raise RuleViolation(
                code="partner_not_approved",
                message=_("Only approved organisations can take part."),
                field="organisation",
            )
        if Partner.objects.filter(event=event, organisation=organisation, role=role).exists():
            raise RuleViolation(
                code="events_partner_role_once",
                message=_("This organisation already has that role."),
                field="organisation",
            )
        partner = Partner(event=event, organisation=organisation, role=role)
        _save(partner)
        audit.record(
            actor=actor,
            action="event.partner_added",
            obj=partner,
            scope=audit.scope_for(event),
            changes={"organisation": organisation.pk, "role": role},
        )
    return partner


def partner_delete(*, actor: User, partner: Partner) -> None:
    with transaction.atomic(durable=True):
        event = _organised_event(actor, partner.event)
        partner = Partner.objects.select_for_update(of=("self",)).get(pk=partner.pk, event=event)
        audit.record(
            actor=actor,
            action="event.partner_removed",
            obj=partner,
            scope=audit.scope_for(event),
            changes={"organisation": partner.organisation_id, "role": partner.role},
        )
        partner.delete()
