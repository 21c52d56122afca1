"""Reads for the pages of session records, follow-ups and the journey. Never the notes
(those are read through `services.notes`, which logs each read).

Every function answers in a fixed number of queries, however many rows there are.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from batteriet.accounts.models import User
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre, StaffRole
from batteriet.core import time as clock
from batteriet.guidance import permissions_notes
from batteriet.guidance.models import FollowUp, JourneyProgress, Outcome, SessionRecord, Topic
from batteriet.organisations.models import MembershipRole, Organisation, OrganisationStatus

DONE_DAYS = 30
SESSIONS_SHOWN = 100


@dataclass(frozen=True)
class Owners:
    """Who can own a follow-up of a session: the centre's staff and the organisation's
    contact persons (the service also accepts other members; the form offers these)."""

    staff: list[User]
    contacts: list[User]

    def by_pk(self) -> dict[int, User]:
        return {user.pk: user for user in [*self.staff, *self.contacts]}


def follow_up_owners(centre: Centre, organisation: Organisation | None) -> Owners:
    """Two queries: the advisers and the lead of the centre, and the organisation's contacts."""
    staff = list(
        User.objects.filter(
            is_active=True,
            staff_assignments__centre=centre,
            staff_assignments__role__in=[StaffRole.ADVISER, StaffRole.LEAD],
        )
        .distinct()
        .order_by("full_name", "pk")
    )
    contacts = []
    if organisation is not None:
        staff_ids = {user.pk for user in staff}
        contacts = [
            user
            for user in User.objects.filter(
                is_active=True,
                memberships__organisation=organisation,
                memberships__role=MembershipRole.CONTACT,
            )
            .distinct()
            .order_by("full_name", "pk")
            if user.pk not in staff_ids
        ]
    return Owners(staff=staff, contacts=contacts)


def record_of_appointment(appointment) -> SessionRecord | None:
    """The session recorded for an appointment, if it is recorded."""
    return SessionRecord.objects.filter(appointment=appointment).first()


def reached_steps(organisation: Organisation | None) -> dict[str, dt.date]:
    """The steps the organisation has reached, with the day."""
    if organisation is None:
        return {}
    return dict(JourneyProgress.objects.filter(organisation=organisation).values_list("step", "reached_on"))


def approved_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=OrganisationStatus.APPROVED).order_by("name", "pk")


def lead_centre_ids(user: User) -> list[int]:
    """The centres where the user is the lead (not national coordinators as such)."""
    return [
        a.centre_id for a in centre_permissions._assignments(user) if a.role == StaffRole.LEAD and a.centre_id
    ]


@dataclass(frozen=True)
class FollowUpLists:
    mine: list[FollowUp]
    centre: list[FollowUp]  # open ones of the centres the user leads, owned by others
    done: list[FollowUp]  # done in the last 30 days: mine and those of the centres I lead


def follow_up_lists(user: User) -> FollowUpLists:
    """Three queries: my open follow-ups (by due day), the open ones of the centres I lead,
    and those done in the last 30 days."""
    centre_ids = lead_centre_ids(user)
    base = FollowUp.objects.select_related("owner", "record__centre", "record__organisation")
    mine = list(base.filter(owner=user, done_at__isnull=True).order_by("due_on", "pk"))
    centre = (
        list(
            base.filter(record__centre_id__in=centre_ids, done_at__isnull=True)
            .exclude(owner=user)
            .order_by("due_on", "pk")
        )
        if centre_ids
        else []
    )
    since = clock.now() - dt.timedelta(days=DONE_DAYS)
    done = list(
        base.filter(Q(owner=user) | Q(record__centre_id__in=centre_ids), done_at__gte=since).order_by(
            "-done_at", "-pk"
        )
    )
    return FollowUpLists(mine=mine, centre=centre, done=done)


def sessions_of_organisation(organisation: Organisation) -> list[SessionRecord]:
    """The organisation's guidance sessions at every centre, newest first (the facts only),
    each with `topic_labels` and `outcome_labels` to show."""
    sessions = list(
        SessionRecord.objects.filter(organisation=organisation)
        .select_related("centre")
        .order_by("-held_at", "-pk")[:SESSIONS_SHOWN]
    )
    topics, outcomes = dict(Topic.choices), dict(Outcome.choices)
    for session in sessions:
        session.topic_labels = [str(topics[value]) for value in session.topics if value in topics]
        session.outcome_labels = [str(outcomes[value]) for value in session.outcomes if value in outcomes]
    return sessions


def note_centres(user: User) -> list[Centre]:
    """The centres whose notes the user reads and writes (adviser or lead there)."""
    ids = permissions_notes.note_centre_ids(user)
    return list(Centre.objects.filter(pk__in=ids).order_by("name")) if ids else []
