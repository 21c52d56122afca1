"""The public side of events: the calendar as a list and as a month, and an event's page.

Anyone may see them, also without logging in. Which events show is decided by
`selectors_calendar` (the same events as the feeds and the API) and, for one event, by
`permissions.get_event_for_view`.
"""

import calendar as month_calendar
import dataclasses
import datetime as dt
from collections import defaultdict
from itertools import groupby

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import forms_public, permissions, rules, selectors, selectors_calendar
from batteriet.events.models import Audience, Event
from batteriet.organisations import selectors as organisation_selectors
from batteriet.organisations.models import OrganisationStatus

PER_PAGE = 50
# More than a month could hold in practice; keeps a month page's size bounded.
MONTH_LIMIT = 500


def registration_state(event: Event, now: dt.datetime) -> str:
    """ "open", or the code of the rule that says registration is not open
    ("registration_not_open_yet", "registration_closed" or "event_started")."""
    try:
        rules.check_registration_open(
            opens_at=event.registration_opens_at,
            closes_at=event.registration_closes_at,
            starts_at=event.starts_at,
            now=now,
        )
    except RuleViolation as violation:
        return violation.code
    return "open"


def _with_facts(event: Event, now: dt.datetime) -> Event:
    """Put what the pages show about places and registration on the event."""
    event.places_left = rules.places_left(capacity=event.capacity, taken=event.held)
    event.registration_state = registration_state(event, now)
    return event


def _filter_form(request: HttpRequest, *, with_dates: bool = True) -> forms_public.CalendarFilterForm:
    return forms_public.CalendarFilterForm(
        request.GET or None,
        is_staff=centre_permissions.is_staff_member(request.user),
        with_dates=with_dates,
    )


def _feed_centre(form: forms_public.CalendarFilterForm) -> dict[str, str]:
    """The chosen centre's slug, so the page can offer that centre's iCal feed too."""
    return {"feed_centre_slug": form.filters().centre_slug}


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """Coming events as a list, narrowed by the filter form."""
    form = _filter_form(request)
    today = clock.local_today()
    filters = form.filters(from_today=today)
    page = Paginator(selectors_calendar.calendar(request.user, filters), PER_PAGE).get_page(
        request.GET.get("side")
    )
    now = clock.now()
    events = [_with_facts(event, now) for event in page]
    month_of = filters.starts_on or today
    return render(
        request,
        "events/public_calendar.html",
        {
            "form": form,
            "events": events,
            "page": page,
            "query": form.query(),
            "month_of": month_of,
            "month_query": form.query(with_dates=False),
            **_feed_centre(form),
        },
    )


@dataclasses.dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    events: list


def _days_of(event: Event, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days (Oslo) of the month an event takes place on."""
    start = _oslo_day(event.starts_at)
    end = _oslo_day(event.ends_at - dt.timedelta(microseconds=1))
    start, end = max(start, first), min(end, last)
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _oslo_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock.OSLO).date()


def _month_step(year: int, month: int, step: int) -> dt.date | None:
    """The first day of the month `step` months away, or None outside the years the calendar shows."""
    index = year * 12 + (month - 1) + step
    year, month = divmod(index, 12)
    if not forms_public.FIRST_YEAR <= year <= forms_public.LAST_YEAR:
        return None
    return dt.date(year, month + 1, 1)


@require_safe
def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """A month as a table of weeks (Monday to Sunday) with each day's events."""
    if not (forms_public.FIRST_YEAR <= year <= forms_public.LAST_YEAR and 1 <= month <= 12):
        raise Http404
    form = _filter_form(request, with_dates=False)
    first = dt.date(year, month, 1)
    last = dt.date(year, month, month_calendar.monthrange(year, month)[1])
    filters = dataclasses.replace(form.filters(), starts_on=first, ends_on=last)
    now = clock.now()
    events = [
        _with_facts(event, now) for event in selectors_calendar.calendar(request.user, filters)[:MONTH_LIMIT]
    ]
    by_day = defaultdict(list)
    for event in events:
        for day in _days_of(event, first, last):
            by_day[day].append(event)
    weeks = [
        [Day(date=day, in_month=day.month == month, events=by_day.get(day, [])) for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    query = form.query(with_dates=False)
    return render(
        request,
        "events/public_month.html",
        {
            "form": form,
            "first": first,
            "weeks": weeks,
            "events": events,
            "previous": _month_step(year, month, -1),
            "next": _month_step(year, month, 1),
            "today": clock.local_today(),
            "this_month": clock.local_today().replace(day=1),
            "query": query,
            "list_query": form.query(),
            **_feed_centre(form),
        },
    )


def _why_not(user, event: Event, state: str) -> str:
    """Why the user cannot register: the registration state, or who the event is for."""
    if state != "open":
        return state
    if event.audience == Audience.STAFF and not centre_permissions.is_staff_member(user):
        return "staff_only"
    if event.audience == Audience.MEMBERS:
        if not getattr(user, "is_authenticated", False):
            return "members_only_log_in"
        is_member = (
            organisation_selectors.memberships_for_user(user)
            .filter(organisation__status=OrganisationStatus.APPROVED)
            .exists()
        )
        if not is_member:
            return "members_only"
    return ""


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event's page: what, when, where, who organises it, the programme and how to register."""
    event = permissions.get_event_for_view(request.user, pk)
    now = clock.now()
    event.held = selectors.places_held(event)
    _with_facts(event, now)
    sessions = list(selectors.programme(event))
    for session in sessions:
        session.places_left = rules.places_left(capacity=session.capacity, taken=session.held)
    days = [(day, list(group)) for day, group in groupby(sessions, key=lambda s: _oslo_day(s.starts_at))]
    registration = selectors.active_registration(request.user, event)
    return render(
        request,
        "events/public_detail.html",
        {
            "event": event,
            "centres": list(event.centres.all()),
            "partners": list(selectors.partners(event)),
            "days": days,
            "registration": registration,
            "why_not": "" if registration else _why_not(request.user, event, event.registration_state),
            "is_organiser": permissions.is_organiser(request.user, event),
        },
    )
