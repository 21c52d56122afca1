"""Reads for the pages where people ask for guidance: the free times to choose from,
grouped by day, and a person's own requests with their appointments.

A free time travels through a form as one value, "<adviser id>|<start in UTC, ISO>", so
`time_value` and `parse_time_value` are the only places that know its shape.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from batteriet.accounts.models import User
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.guidance import rules, selectors
from batteriet.guidance.models import Appointment, AppointmentStatus, GuidanceRequest, RequestStatus

PAGE_DAYS = 14
NO_TIME = "none"  # "None of these suit me": staff propose a time
_TIME_VALUE = re.compile(
    r"^([1-9][0-9]{0,9})\|([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00)$"
)


# --- Free times -------------------------------------------------------------------------
@dataclass(frozen=True)
class TimeChoice:
    value: str
    adviser: User
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def adviser_name(self) -> str:
        return first_name(self.adviser)


@dataclass
class TimeDay:
    day: dt.date
    times: list[TimeChoice] = field(default_factory=list)


@dataclass
class TimePage:
    """Free times from `first_day` for `PAGE_DAYS` days, with the days of the pages before
    and after (None where there is none)."""

    first_day: dt.date
    last_day: dt.date
    days: list[TimeDay]
    earlier: dt.date | None
    later: dt.date | None

    @property
    def count(self) -> int:
        return sum(len(day.times) for day in self.days)


def time_value(adviser_id: int, starts_at: dt.datetime) -> str:
    return f"{adviser_id}|{starts_at.astimezone(dt.UTC).replace(microsecond=0).isoformat()}"


def parse_time_value(value: str) -> tuple[int, dt.datetime] | None:
    """(adviser id, start in UTC) from a posted value, or None for anything else."""
    match = _TIME_VALUE.match(value or "")
    if match is None:
        return None
    try:
        starts_at = dt.datetime.fromisoformat(match.group(2))
    except ValueError:
        return None
    if not 2000 <= starts_at.year <= 2999:  # far from any bookable time, and from the ends of the calendar
        return None
    return int(match.group(1)), starts_at.astimezone(dt.UTC)


def page_start(value: str | None) -> dt.date:
    """The first day of the page asked for (`?fra=YYYY-MM-DD`), kept from today to the last
    page within the 90 days; anything odd gives today."""
    today = clock.local_today()
    try:
        day = dt.date.fromisoformat(value) if value and len(value) == 10 else today
    except ValueError:
        day = today
    last_start = today + dt.timedelta(days=rules.HORIZON_DAYS)
    return min(max(day, today), last_start)


def time_page(
    centre: Centre,
    first_day: dt.date,
    *,
    adviser: User | None = None,
    exclude: Appointment | None = None,
) -> TimePage:
    """The free times of the centre's advisers (or one adviser) on one page of days (3 queries).
    With `exclude`, the appointment being moved neither blocks nor offers its own time."""
    today = clock.local_today()
    horizon = today + dt.timedelta(days=rules.HORIZON_DAYS)
    last_day = min(first_day + dt.timedelta(days=PAGE_DAYS - 1), horizon)
    days: dict[dt.date, TimeDay] = {}
    for time_adviser, starts_at, ends_at in selectors.free_times(
        centre, first_day, last_day, adviser, exclude=exclude
    ):
        if exclude is not None and (time_adviser.pk, starts_at) == (exclude.adviser_id, exclude.starts_at):
            continue  # the time the appointment has now
        day = timezone.localtime(starts_at, clock.OSLO).date()
        days.setdefault(day, TimeDay(day)).times.append(
            TimeChoice(time_value(time_adviser.pk, starts_at), time_adviser, starts_at, ends_at)
        )
    earlier = max(today, first_day - dt.timedelta(days=PAGE_DAYS)) if first_day > today else None
    later = last_day + dt.timedelta(days=1) if last_day < horizon else None
    return TimePage(first_day, last_day, list(days.values()), earlier, later)


def has_free_times(centre: Centre) -> bool:
    """Whether the centre has any free time to book within the 90 days (3 queries)."""
    today = clock.local_today()
    return bool(selectors.free_times(centre, today, today + dt.timedelta(days=rules.HORIZON_DAYS)))


def first_name(user: User | None) -> str:
    """An adviser's first name as people see it (never the e-mail address)."""
    if user is None or not user.full_name.strip():
        return ""
    return user.full_name.split()[0]


# --- My requests ------------------------------------------------------------------------
def current_appointment(request: GuidanceRequest) -> Appointment | None:
    """The appointment that matters now: the proposed or booked one, else the latest.
    Reads `request.appointments.all()` (prefetched on lists)."""
    appointments = list(request.appointments.all())
    active = [a for a in appointments if a.status in AppointmentStatus.taking_time()]
    if active:
        return min(active, key=lambda a: a.starts_at)
    if appointments:
        return max(appointments, key=lambda a: (a.created_at, a.pk))
    return None


def request_with_appointments(request: GuidanceRequest) -> GuidanceRequest:
    """The request with its appointments and their advisers, for the request page."""
    request._prefetched_objects_cache = {}
    appointments = list(Appointment.objects.filter(request=request).select_related("adviser", "centre"))
    request._prefetched_objects_cache["appointments"] = appointments
    request.current = current_appointment(request)
    return request


@dataclass
class MyRequests:
    coming: list[GuidanceRequest]
    waiting: list[GuidanceRequest]
    closed: list[GuidanceRequest]


def my_requests(user: User) -> MyRequests:
    """The person's own requests: coming appointments first (soonest first), then those
    waiting for a time, then closed ones (newest first). Two queries, whatever the number."""
    now = clock.now()
    requests = list(
        GuidanceRequest.objects.filter(requested_by=user)
        .select_related("centre")
        .prefetch_related(
            Prefetch(
                "appointments", queryset=Appointment.objects.select_related("adviser").order_by("starts_at")
            )
        )
        .order_by("-created_at", "-id")
    )
    coming, waiting, closed = [], [], []
    for request in requests:
        request.current = current_appointment(request)
        appointment = request.current
        taking_time = appointment is not None and appointment.status in AppointmentStatus.taking_time()
        if taking_time and appointment.ends_at > now:
            coming.append(request)
        elif request.status in (RequestStatus.NEW, RequestStatus.HANDED_OVER) or (
            request.status == RequestStatus.PROPOSED and not taking_time
        ):
            waiting.append(request)
        else:
            closed.append(request)
    coming.sort(key=lambda r: r.current.starts_at)
    return MyRequests(coming, waiting, closed)
