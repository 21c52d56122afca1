"""Reads for the organisers' pages: who is registered, who came, who gets a certificate.

Each list is read in a fixed number of queries, whatever the number of registrations.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from batteriet.events import rules
from batteriet.events.models import (
    Answer,
    Attendance,
    Event,
    EventKind,
    Registration,
    RegistrationStatus,
    Session,
)


@dataclass
class RegistrationLists:
    """An event's registrations, split the way the organisers read them."""

    registered: list[Registration] = field(default_factory=list)
    offered: list[Registration] = field(default_factory=list)
    waiting: list[Registration] = field(default_factory=list)
    ended: list[Registration] = field(default_factory=list)

    @property
    def held(self) -> int:
        return len(self.registered) + len(self.offered)


def _with_details(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    return registrations.select_related("person", "organisation", "registered_by").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question"))
    )


def registration_lists(event: Event) -> RegistrationLists:
    """Every registration of the event with its answers, in line order (two queries)."""
    lists = RegistrationLists()
    buckets = {
        RegistrationStatus.CONFIRMED: lists.registered,
        RegistrationStatus.OFFERED: lists.offered,
        RegistrationStatus.WAITING: lists.waiting,
    }
    for registration in _with_details(Registration.objects.filter(event=event).order_by("position_at", "id")):
        buckets.get(registration.status, lists.ended).append(registration)
    return lists


def waiting_ids(event: Event) -> list[int]:
    return list(
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).values_list(
            "pk", flat=True
        )
    )


def count_offered(ids: Iterable[int]) -> int:
    """How many of these registrations now hold an offer."""
    return Registration.objects.filter(pk__in=list(ids), status=RegistrationStatus.OFFERED).count()


def attendance_registrations(session: Session) -> QuerySet[Registration]:
    """Who is expected at a session: the confirmed registrations of its event; for a
    session with places of its own (a parallel session), those with a place in it."""
    registrations = Registration.objects.filter(
        event_id=session.event_id, status=RegistrationStatus.CONFIRMED
    )
    if session.capacity is not None:
        registrations = registrations.filter(seats__session=session)
    return _with_details(registrations).order_by("person__full_name", "name", "id")


def attendance_marks(session: Session) -> dict[int, bool]:
    """registration id → came (True) or did not come (False), for those already marked."""
    return dict(Attendance.objects.filter(session=session).values_list("registration_id", "attended"))


@dataclass(frozen=True)
class Qualifier:
    registration: Registration
    attended: int


def certificate_qualifiers(event: Event) -> list[Qualifier]:
    """Confirmed participants of a course who attended enough sessions for a certificate."""
    if event.kind != EventKind.COURSE:
        return []
    sessions = event.sessions.count()
    registrations = (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("person", "organisation")
        .annotate(attended=Count("attendance", filter=Q(attendance__attended=True), distinct=True))
        .order_by("person__full_name", "name", "id")
    )
    return [
        Qualifier(registration, registration.attended)
        for registration in registrations
        if rules.qualifies_for_certificate(registration.attended, sessions, event.certificate_sessions)
    ]


def sessions_attended(registration: Registration) -> list[Session]:
    return list(
        Session.objects.filter(
            event_id=registration.event_id, attendance__registration=registration, attendance__attended=True
        ).order_by("starts_at", "id")
    )
