"""A registration as an iCalendar invitation (RFC 5545/5546), attached to its e-mails.

Every registration keeps its UIDs (`event-registration-<pk>@<site host>`, and with
`-session-<pk>` added when the event has several sessions), so a calendar app updates or
removes the same entries when the registration changes. SEQUENCE is the number of audit
entries the registration has, minus the one that created it, plus the number of changes
organisers made to the event and its programme (`CALENDAR_CHANGES`): every service that
changes a registration or an event writes one, so the number only grows, and a new time
or place updates the entry already in the calendar. The reminder changes nothing and
keeps the sequence.

One VEVENT per session the person takes part in (parallel sessions with their own places
only when they have a place there), or one for the whole event when it has one session.
Times are written in Europe/Oslo with a TZID and a VTIMEZONE that covers them. The link
to join online is in the description only while the registration is confirmed.
"""

import datetime as dt
import functools
from enum import StrEnum

import icalendar
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from batteriet.bookings.ics import site_host
from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from batteriet.events.models import Event, PlaceKind, Registration, RegistrationStatus, Session

PRODID = "-//Kirkens Bymisjon//Batteriet events//NB"


class Method(StrEnum):
    REQUEST = "REQUEST"  # add or update it in the calendar
    CANCEL = "CANCEL"  # remove it


def uid(registration: Registration, session: Session | None = None) -> str:
    suffix = f"-session-{session.pk}" if session is not None else ""
    return f"event-registration-{registration.pk}{suffix}@{site_host()}"


def method_for(registration: Registration) -> Method:
    return Method.REQUEST if registration.status == RegistrationStatus.CONFIRMED else Method.CANCEL


def registration_url(registration: Registration) -> str:
    return f"{settings.SITE_URL}{reverse('events:registration', args=[registration.pk])}"


# Audit actions of changes to an event that can change what its calendar entries say.
CALENDAR_CHANGES = ["event.changed", "event.session_added", "event.session_changed", "event.session_deleted"]


def sequence(registration: Registration) -> int:
    entries = AuditEntry.objects.filter(scope=f"event:{registration.event_id}").filter(
        Q(content_type=ContentType.objects.get_for_model(Registration), object_id=str(registration.pk))
        | Q(action__in=CALENDAR_CHANGES)
    )
    return max(entries.count() - 1, 0)


def sessions_for(registration: Registration) -> list[Session]:
    """The sessions the person takes part in; empty means one entry for the whole event."""
    sessions = list(registration.event.sessions.all())
    if len(sessions) <= 1:
        return []
    seats = set(registration.seats.values_list("session_id", flat=True))
    return [session for session in sessions if session.capacity is None or session.pk in seats]


def location(event: Event) -> str:
    if event.place_kind == PlaceKind.ONLINE:
        return _("Online")
    if event.place_kind == PlaceKind.CENTRE_ROOM and event.room_id is not None:
        centre = event.room.centre
        return (
            f"{event.room.name}, {centre.name}, {centre.street_address}, {centre.postcode} {centre.post_town}"
        )
    return event.venue


def invitation(
    registration: Registration,
    *,
    attendee_email: str,
    method: Method | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The `invite.ics` for one e-mail about `registration`. Texts are in the active language."""
    now = now or clock.now()
    method = method or method_for(registration)
    event = registration.event
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", str(method))
    revision = sequence(registration)
    sessions = sessions_for(registration)
    parts = [(session, session.starts_at, session.ends_at) for session in sessions] or [
        (None, event.starts_at, event.ends_at)
    ]
    for session, starts_at, ends_at in parts:
        entry = icalendar.Event()
        entry.add("uid", uid(registration, session))
        entry.add("dtstamp", now.astimezone(dt.UTC))
        entry.add("dtstart", _wall_clock(starts_at))
        entry.add("dtend", _wall_clock(ends_at))
        entry.add("sequence", revision)
        entry.add("status", "CONFIRMED" if method == Method.REQUEST else "CANCELLED")
        entry.add(
            "summary",
            f"{event.title}: {session.title}" if session and session.title != event.title else event.title,
        )
        entry.add("location", location(event))
        entry.add("description", _description(registration, method))
        entry.add("url", registration_url(registration))
        entry.add("class", "PRIVATE")
        entry.add("transp", "OPAQUE" if method == Method.REQUEST else "TRANSPARENT")
        organiser = _organiser_email(event)
        entry.add("organizer", f"mailto:{organiser}", parameters={"CN": _organiser_name(event)})
        entry.add(
            "attendee",
            f"mailto:{attendee_email}",
            parameters={
                "CN": registration.display_name,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "ACCEPTED" if method == Method.REQUEST else "DECLINED",
                "RSVP": "FALSE",
            },
        )
        calendar.add_component(entry)
    years = [moment.year for _session, start, end in parts for moment in (start, end)]
    calendar.subcomponents.insert(0, _oslo_timezone(min(years) - 1, max(years) + 1))
    return calendar.to_ical()


def _description(registration: Registration, method: Method) -> str:
    lines = []
    if method == Method.REQUEST and registration.event.online_link:
        lines.append(_("Join online: %(link)s") % {"link": registration.event.online_link})
    lines.append(_("See your registration: %(url)s") % {"url": registration_url(registration)})
    return "\n".join(lines)


def _organiser_email(event: Event) -> str:
    centre = next(iter(event.centres.all()), None)
    return centre.email if centre is not None and centre.email else settings.DEFAULT_FROM_EMAIL


def _organiser_name(event: Event) -> str:
    names = [centre.name for centre in event.centres.all()]
    return ", ".join(names) or "Batteriet"


def _wall_clock(moment: dt.datetime) -> dt.datetime:
    """Oslo time with its TZID; UTC for the second 02:00–03:00 of the night the clocks go
    back, which a TZID cannot express (RFC 5545 reads it as the first one)."""
    local = moment.astimezone(clock.OSLO)
    return moment.astimezone(dt.UTC) if local.fold else local


@functools.lru_cache(maxsize=16)
def _oslo_timezone(first_year: int, last_year: int) -> icalendar.Timezone:
    return icalendar.Timezone.from_tzid(
        "Europe/Oslo", first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
    )
