"""The public calendar of events as iCalendar (RFC 5545): one VEVENT per event.

The feeds show what the public calendar shows to a visitor who is not logged in
(`selectors_calendar.calendar` for `AnonymousUser`): published events, never staff
gatherings. Each event says what, when and where, with a link to its page, and nothing
more: never the link to join an online event (only registered people get it) and never
who comes.

Every event keeps one UID (`event-<pk>@<site host>`), so a calendar app updates the same
entry when the event is moved or changed. Times are written in Europe/Oslo with a TZID
and a VTIMEZONE that covers the events, like the booking feeds (`bookings/ics.py`).
"""

import datetime as dt
import functools
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from batteriet.bookings import ics as booking_ics
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.events.models import Event, PlaceKind
from batteriet.events.selectors_calendar import CalendarFilters, calendar

PAST_DAYS = 30  # the feeds keep events that ended within the last 30 days


def feed_events(*, centre: Centre | None = None, today: dt.date | None = None) -> QuerySet[Event]:
    """Coming events and those of the last 30 days, as the calendar shows them to anyone."""
    today = today or clock.local_today()
    filters = CalendarFilters(
        centre_slug=centre.slug if centre is not None else "",
        starts_on=today - dt.timedelta(days=PAST_DAYS),
    )
    return calendar(AnonymousUser(), filters).select_related("room__centre")


def uid(event: Event) -> str:
    return f"event-{event.pk}@{booking_ics.site_host()}"


def event_url(event: Event) -> str:
    """The absolute address of the event's public page."""
    try:
        path = reverse("events:detail", args=[event.pk])
    except NoReverseMatch:  # the public pages are not mounted (e.g. in a trimmed URLconf)
        path = f"/arrangementer/{event.pk}/"
    return f"{settings.SITE_URL}{path}"


def location(event: Event) -> str:
    """Where, as one line of text. An online event says so, never its link."""
    if event.place_kind == PlaceKind.ONLINE:
        return _("Online")
    if event.place_kind == PlaceKind.CENTRE_ROOM and event.room is not None:
        centre = event.room.centre
        return (
            f"{event.room.name}, {centre.name}, {centre.street_address}, {centre.postcode} {centre.post_town}"
        )
    return event.venue


def feed(events: Iterable[Event], *, name: str) -> bytes:
    """A calendar named `name` with one VEVENT per event. Texts in the active language."""
    events = list(events)
    cal = icalendar.Calendar()
    cal.add("prodid", booking_ics.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for event in events:
        cal.add_component(_vevent(event))
    years = [moment.year for event in events for moment in (event.starts_at, event.ends_at)]
    first_year = min(years, default=clock.local_today().year) - 1
    last_year = max(years, default=clock.local_today().year) + 1
    cal.subcomponents.insert(0, _oslo_timezone(first_year, last_year))
    return cal.to_ical()


def _vevent(event: Event) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid(event))
    vevent.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    vevent.add("last-modified", event.updated_at.astimezone(dt.UTC))
    vevent.add("dtstart", _wall_clock(event.starts_at))
    vevent.add("dtend", _wall_clock(event.ends_at))
    vevent.add("summary", event.title)
    where = location(event)
    if where:
        vevent.add("location", where)
    vevent.add("description", _description(event))
    vevent.add("url", event_url(event))
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    vevent.add("class", "PUBLIC")
    vevent.add("categories", [event.get_kind_display()])
    return vevent


def _wall_clock(moment: dt.datetime) -> dt.datetime:
    """Oslo time with its TZID; UTC for the repeated hour of the night the clocks go back."""
    local = moment.astimezone(clock.OSLO)
    return moment.astimezone(dt.UTC) if local.fold else local


def _description(event: Event) -> str:
    lines = []
    if event.description:
        lines.append(event.description)
    organisers = ", ".join(centre.name for centre in event.centres.all()) or pgettext(
        "event organisers", "National"
    )
    lines.append(_("Organised by: %(organisers)s") % {"organisers": organisers})
    if event.place_kind == PlaceKind.ONLINE:
        lines.append(_("The link to join is sent to those who register."))
    lines.append(_("Read more and register: %(url)s") % {"url": event_url(event)})
    return "\n\n".join(lines)


@functools.lru_cache(maxsize=16)
def _oslo_timezone(first_year: int, last_year: int) -> icalendar.Timezone:
    """Building a VTIMEZONE from the tz database is slow, so each span is built once."""
    return icalendar.Timezone.from_tzid(
        "Europe/Oslo", first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
    )
