"""A guidance appointment as an iCalendar invitation (RFC 5545/5546), attached to its e-mails.

Every appointment keeps its UID (`guidance-appointment-<pk>@<site host>`), so a calendar
app updates or removes the same entry when the time moves or is cancelled. SEQUENCE is
`Appointment.ics_sequence`, one more for each move or cancellation (see `notices.py`).

Times are written in Europe/Oslo with a TZID and a VTIMEZONE that covers them. The entry
says where (the centre's address, or how the adviser gets in touch) and links to the
person's page; never the situation, the needs or anything from the notes.
"""

import datetime as dt
import functools
from enum import StrEnum

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from batteriet.bookings.ics import site_host
from batteriet.core import time as clock
from batteriet.guidance.models import Appointment, Mode

PRODID = "-//Kirkens Bymisjon//Batteriet guidance//NB"


class Method(StrEnum):
    REQUEST = "REQUEST"  # add or update it in the calendar
    CANCEL = "CANCEL"  # remove it


def uid(appointment: Appointment) -> str:
    return f"guidance-appointment-{appointment.pk}@{site_host()}"


def request_url(appointment: Appointment) -> str:
    return f"{settings.SITE_URL}{reverse('guidance:request', args=[appointment.request_id])}"


def summary(appointment: Appointment) -> str:
    return _("Guidance at %(centre)s") % {"centre": appointment.centre.name}


def location(appointment: Appointment) -> str:
    """The centre's address for a meeting there; otherwise how the adviser gets in touch."""
    if appointment.mode == Mode.PHONE:
        return _("By phone: the adviser calls you")
    if appointment.mode == Mode.VIDEO:
        return _("By video: the adviser sends you a link")
    centre = appointment.centre
    return f"{centre.name}, {centre.street_address}, {centre.postcode} {centre.post_town}"


def invitation(
    appointment: Appointment,
    *,
    attendee_email: str,
    attendee_name: str = "",
    method: Method = Method.REQUEST,
    now: dt.datetime | None = None,
) -> bytes:
    """The `invite.ics` for one e-mail about `appointment`. Texts are in the active language."""
    now = now or clock.now()
    centre = appointment.centre
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", str(method))
    entry = icalendar.Event()
    entry.add("uid", uid(appointment))
    entry.add("dtstamp", now.astimezone(dt.UTC))
    entry.add("dtstart", _wall_clock(appointment.starts_at))
    entry.add("dtend", _wall_clock(appointment.ends_at))
    entry.add("sequence", appointment.ics_sequence)
    entry.add("status", "CONFIRMED" if method == Method.REQUEST else "CANCELLED")
    entry.add("summary", summary(appointment))
    entry.add("location", location(appointment))
    entry.add("description", _("Move or cancel the time here: %(url)s") % {"url": request_url(appointment)})
    entry.add("url", request_url(appointment))
    entry.add("class", "PRIVATE")
    entry.add("transp", "OPAQUE" if method == Method.REQUEST else "TRANSPARENT")
    entry.add(
        "organizer",
        f"mailto:{centre.email or settings.DEFAULT_FROM_EMAIL}",
        parameters={"CN": centre.name},
    )
    entry.add(
        "attendee",
        f"mailto:{attendee_email}",
        parameters={
            "CN": attendee_name or attendee_email,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "ACCEPTED" if method == Method.REQUEST else "DECLINED",
            "RSVP": "FALSE",
        },
    )
    calendar.add_component(entry)
    years = (appointment.starts_at.year, appointment.ends_at.year)
    calendar.subcomponents.insert(0, _oslo_timezone(min(years) - 1, max(years) + 1))
    return calendar.to_ical()


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
