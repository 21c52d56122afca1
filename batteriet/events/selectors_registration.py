"""Reads for the registration pages: my registrations, place in line, answers and sessions."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from batteriet.accounts.models import User
from batteriet.core import time as clock
from batteriet.events.models import Answer, Registration, RegistrationStatus, Session, SessionSeat

S = RegistrationStatus


def _with_line_number(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate `ahead`: how many wait before each registration (number in line = ahead + 1)."""
    ahead = (
        Registration.objects.filter(
            event_id=OuterRef("event_id"), status=S.WAITING, position_at__lt=OuterRef("position_at")
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.annotate(ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))


@dataclass(frozen=True)
class MyRegistrations:
    coming: list[Registration]
    past: list[Registration]
    registered_for_others: list[Registration]


def my_registrations(user: User) -> MyRegistrations:
    """The user's own registrations (coming and past) and those they made for others.

    Three queries, however many registrations there are.
    """
    now = clock.now()
    base = _with_line_number(
        Registration.objects.select_related("event", "organisation", "person").order_by(
            "event__starts_at", "id"
        )
    )
    own = base.filter(person=user)
    coming = list(own.filter(event__ends_at__gt=now, status__in=S.active()))
    past = list(own.filter(event__ends_at__lte=now).order_by("-event__starts_at", "id")[:50])
    others = list(
        base.filter(registered_by=user, event__ends_at__gt=now, status__in=S.active()).exclude(
            person_id=user.pk
        )
    )
    return MyRegistrations(coming=coming, past=past, registered_for_others=others)


def line_number(registration: Registration) -> int | None:
    """The registration's number in the waiting line (1 is next), or None when not waiting."""
    if registration.status != S.WAITING:
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id, status=S.WAITING, position_at__lt=registration.position_at
        ).count()
        + 1
    )


def answers_of(registration: Registration, *, with_special_needs: bool) -> list[Answer]:
    answers = registration.answers.select_related("question")
    if not with_special_needs:
        answers = answers.exclude(question__is_special_need=True)
    return list(answers)


def sessions_to_choose(registration: Registration) -> list[Session]:
    """Sessions of the event with their own number of places, each annotated with `taken`
    (seats held) and `is_mine` (this registration has a seat)."""
    return list(
        Session.objects.filter(event_id=registration.event_id, capacity__isnull=False)
        .annotate(
            taken=Count("seats", filter=Q(seats__registration__status__in=S.holding_a_place())),
            is_mine=Exists(SessionSeat.objects.filter(session=OuterRef("pk"), registration=registration)),
        )
        .order_by("starts_at", "track", "id")
    )
