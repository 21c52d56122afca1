"""Reads for the staff side of guidance: the overview of one's centres, a centre's queue,
a request's appointments, and the advisers a request can go to.

Every list is read in a fixed number of queries, whatever its length.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from batteriet.accounts.models import User
from batteriet.centres.models import Centre, StaffAssignment, StaffRole
from batteriet.core import time as clock
from batteriet.guidance import selectors
from batteriet.guidance.models import Appointment, AppointmentStatus, GuidanceRequest, RequestStatus

# Requests waiting for an adviser to take them.
WAITING = (RequestStatus.NEW, RequestStatus.HANDED_OVER)
CLOSED = (RequestStatus.DONE, RequestStatus.REFERRED, RequestStatus.CANCELLED)
# Requests staff can still propose a time for, hand over or refer.
OPEN = (*WAITING, RequestStatus.PROPOSED, RequestStatus.SCHEDULED)
PROPOSABLE = (*WAITING, RequestStatus.PROPOSED)
CLOSED_DAYS = 30
FREE_TIME_DAYS = 14
FREE_TIMES_SHOWN = 30


@dataclass
class CentreCounts:
    centre: Centre
    waiting: int = 0
    proposed: int = 0
    coming: int = 0


@dataclass
class Queue:
    waiting: list[GuidanceRequest] = field(default_factory=list)
    proposed: list[GuidanceRequest] = field(default_factory=list)
    coming: list[Appointment] = field(default_factory=list)
    closed: list[GuidanceRequest] = field(default_factory=list)


def centre_counts(centres: QuerySet[Centre]) -> list[CentreCounts]:
    """For each centre: requests waiting for an adviser, proposed times waiting for an
    answer, and booked appointments still to come (three queries)."""
    rows = {centre.pk: CentreCounts(centre) for centre in centres.order_by("name")}
    requests = (
        GuidanceRequest.objects.filter(
            centre_id__in=list(rows), status__in=(*WAITING, RequestStatus.PROPOSED)
        )
        .values("centre_id")
        .annotate(
            waiting=Count("id", filter=Q(status__in=WAITING)),
            proposed=Count("id", filter=Q(status=RequestStatus.PROPOSED)),
        )
    )
    for row in requests:
        rows[row["centre_id"]].waiting = row["waiting"]
        rows[row["centre_id"]].proposed = row["proposed"]
    coming = (
        Appointment.objects.filter(
            centre_id__in=list(rows), status=AppointmentStatus.BOOKED, ends_at__gt=clock.now()
        )
        .values("centre_id")
        .annotate(count=Count("id"))
    )
    for row in coming:
        rows[row["centre_id"]].coming = row["count"]
    return list(rows.values())


def queue(centre: Centre, *, adviser: User | None = None) -> Queue:
    """The centre's requests: waiting for an adviser (oldest first), with a proposed time
    (the time on `proposal`), booked appointments from today on, and requests closed in
    the last 30 days. With `adviser`, only those that are theirs. Five queries."""
    requests = GuidanceRequest.objects.filter(centre=centre).select_related(
        "requested_by", "organisation", "adviser"
    )
    coming = Appointment.objects.filter(
        centre=centre,
        status=AppointmentStatus.BOOKED,
        ends_at__gt=_local_midnight(clock.local_today()),
    ).select_related("adviser", "request__requested_by", "request__organisation")
    if adviser is not None:
        requests = requests.filter(adviser=adviser)
        coming = coming.filter(adviser=adviser)
    proposals = Prefetch(
        "appointments",
        queryset=Appointment.objects.filter(status=AppointmentStatus.PROPOSED).order_by("starts_at"),
        to_attr="proposals",
    )
    proposed = list(
        requests.filter(status=RequestStatus.PROPOSED)
        .prefetch_related(proposals)
        .order_by("created_at", "id")
    )
    for request in proposed:
        request.proposal = request.proposals[0] if request.proposals else None
    since = clock.now() - dt.timedelta(days=CLOSED_DAYS)
    return Queue(
        waiting=list(requests.filter(status__in=WAITING).order_by("created_at", "id")),
        proposed=proposed,
        coming=list(coming.order_by("starts_at", "id")),
        closed=list(requests.filter(status__in=CLOSED, updated_at__gte=since).order_by("-updated_at", "-id")),
    )


def request_appointments(request: GuidanceRequest) -> list[Appointment]:
    """Every appointment of the request, the earliest first, with its adviser."""
    return list(request.appointments.select_related("adviser").order_by("starts_at", "id"))


def open_appointment(appointments: list[Appointment]) -> Appointment | None:
    """The appointment that still takes the adviser's time and has not ended, if any."""
    now = clock.now()
    return next(
        (
            appointment
            for appointment in appointments
            if appointment.status in AppointmentStatus.taking_time() and appointment.ends_at > now
        ),
        None,
    )


def movable_appointment(appointments: list[Appointment]) -> Appointment | None:
    """The booked appointment that has not started yet, if any: staff can move it."""
    now = clock.now()
    return next(
        (
            appointment
            for appointment in appointments
            if appointment.status == AppointmentStatus.BOOKED and appointment.starts_at > now
        ),
        None,
    )


def recordable_appointment(appointments: list[Appointment]) -> Appointment | None:
    """The latest booked or held appointment that has started: the one a session record
    belongs to (a session cannot be recorded before it is held)."""
    now = clock.now()
    chosen = [
        appointment
        for appointment in appointments
        if appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.DONE)
        and appointment.starts_at <= now
    ]
    return chosen[-1] if chosen else None


def advisers_at(centre: Centre) -> QuerySet[User]:
    """The people who can take guidance at the centre: its staff, and national coordinators."""
    working_here = StaffAssignment.objects.filter(
        Q(centre=centre) | Q(role=StaffRole.NATIONAL_COORDINATOR)
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=working_here).order_by("full_name", "email")


def advisers_by_centre() -> list[tuple[str | None, list[User]]]:
    """Every centre's staff, grouped by centre name; national coordinators last, under
    None: where a request can be handed over. One query."""
    groups: dict[str, list[User]] = defaultdict(list)
    national: list[User] = []
    assignments = (
        StaffAssignment.objects.filter(user__is_active=True)
        .select_related("user", "centre")
        .order_by("centre__name", "user__full_name", "user__email")
    )
    for assignment in assignments:
        if assignment.centre is None:
            national.append(assignment.user)
        else:
            groups[assignment.centre.name].append(assignment.user)
    grouped: list[tuple[str | None, list[User]]] = list(groups.items())
    if national:
        grouped.append((None, national))
    return grouped


def free_times(
    centre: Centre, *, adviser: User | None = None, exclude: Appointment | None = None
) -> list[tuple[User, dt.datetime, dt.datetime]]:
    """The centre's next free times (the first 30 of the coming 14 days), to choose from."""
    today = clock.local_today()
    times = selectors.free_times(
        centre, today, today + dt.timedelta(days=FREE_TIME_DAYS - 1), adviser, exclude=exclude
    )
    return times[:FREE_TIMES_SHOWN]


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.OSLO).astimezone(dt.UTC)
