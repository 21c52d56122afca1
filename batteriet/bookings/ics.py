"""Bookings as iCalendar (RFC 5545): the invitation in each e-mail, and the calendar feeds.

Every booking keeps one UID (`booking-<pk>@<site host>`), so a calendar app updates the
same event when the booking is approved, moved or cancelled, whether it learnt of it
from an e-mail or from a feed.

SEQUENCE is the number of audit entries the booking has, minus one (the entry that
created it). Every service that changes a booking writes exactly one audit entry in the
same transaction, and audit entries are never deleted, so the number only grows and
grows with each change, which is what RFC 5546 asks of SEQUENCE. Notices that change
nothing (the reminder, the overdue notice) write no entry and keep the sequence. A
timestamp would not do: a move records no time of its own on the booking.
The entries are counted within the booking's audit scope (indexed), so a whole feed
needs one query for all its sequences.

Times are written in Europe/Oslo with a TZID and a VTIMEZONE that covers the events,
so every calendar app shows the same wall-clock times, also across the DST changes.
"""

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from batteriet.bookings.models import Booking, BookingStatus
from batteriet.core import time as clock
from batteriet.core.models import AuditEntry

PRODID = "-//Kirkens Bymisjon//Batteriet//NB"
CONTENT_TYPE = "text/calendar; charset=utf-8"


class Method(StrEnum):
    REQUEST = "REQUEST"  # a new or changed booking: add or update it in the calendar
    CANCEL = "CANCEL"  # cancelled, declined or not confirmed in time: remove it


@dataclass(frozen=True)
class Revision:
    """How often a booking has changed (SEQUENCE) and when it last did."""

    sequence: int
    changed_at: dt.datetime


# --- Facts about a booking --------------------------------------------------------------
def uid(booking: Booking) -> str:
    return f"booking-{booking.pk}@{site_host()}"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "batteriet.no"


def ical_status(booking: Booking) -> str:
    if booking.status == BookingStatus.CONFIRMED:
        return "CONFIRMED"
    if booking.status in {BookingStatus.REQUESTED, BookingStatus.HELD}:
        return "TENTATIVE"
    return "CANCELLED"


def method_for(booking: Booking) -> Method:
    return Method.REQUEST if booking.is_blocking else Method.CANCEL


def booking_url(booking: Booking) -> str:
    return f"{settings.SITE_URL}{reverse('bookings:detail', args=[booking.pk])}"


def audit_scope(booking: Booking) -> str:
    """Where the booking services file the booking's audit entries (see `services._record`)."""
    if booking.organisation_id is not None:
        return f"organisation:{booking.organisation_id}"
    return f"resource:{booking.resource_id}"


def revisions(bookings: Iterable[Booking]) -> dict[int, Revision]:
    """The revision of each booking, from its audit entries, in one query."""
    bookings = list(bookings)
    if not bookings:
        return {}
    rows = (
        AuditEntry.objects.filter(
            scope__in=sorted({audit_scope(booking) for booking in bookings}),
            content_type=ContentType.objects.get_for_model(Booking),
            object_id__in=[str(booking.pk) for booking in bookings],
        )
        .order_by()
        .values("object_id")
        .annotate(entries=Count("id"), last_at=Max("at"))
    )
    counted = {int(row["object_id"]): row for row in rows}
    result = {}
    for booking in bookings:
        row = counted.get(booking.pk)
        if row is None:
            result[booking.pk] = Revision(sequence=0, changed_at=booking.created_at)
        else:
            result[booking.pk] = Revision(sequence=max(row["entries"] - 1, 0), changed_at=row["last_at"])
    return result


# --- Invitations ------------------------------------------------------------------------
def invitation(
    booking: Booking,
    *,
    attendee_email: str,
    now: dt.datetime | None = None,
    also: Iterable[Booking] = (),
) -> bytes:
    """The `invite.ics` for one e-mail about `booking` (METHOD:REQUEST or CANCEL).

    `also`: further bookings the same e-mail is about (the other times of a recurring
    booking), each its own event with its own UID, so a later change to one time updates
    just that event. Needs `resource.centre` and `organisation` loaded. Texts are in the
    active language.
    """
    now = now or clock.now()
    bookings = [booking, *also]
    calendar = _calendar(method=method_for(booking))
    revision_of = revisions(bookings)
    for each in bookings:
        calendar.add_component(_invited_event(each, revision_of[each.pk], attendee_email, stamp=now))
    return _finish(calendar, bookings)


def _invited_event(
    booking: Booking, revision: Revision, attendee_email: str, *, stamp: dt.datetime
) -> icalendar.Event:
    event = _detailed_event(booking, revision, stamp=stamp)
    centre = booking.resource.centre
    event.add("organizer", f"mailto:{centre.email}", parameters={"CN": centre.name})
    event.add(
        "attendee",
        f"mailto:{attendee_email}",
        parameters={
            "CN": booking.organisation.name if booking.organisation else centre.name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "ACCEPTED" if booking.status == BookingStatus.CONFIRMED else "NEEDS-ACTION",
            "RSVP": "FALSE",
        },
    )
    return event


# --- Feeds ------------------------------------------------------------------------------
def organisation_feed(bookings: Iterable[Booking], *, name: str) -> bytes:
    """An organisation's own bookings with every detail; cancelled ones as STATUS:CANCELLED."""
    bookings = list(bookings)
    calendar = _calendar(name=name)
    known = revisions(bookings)
    for booking in bookings:
        revision = known[booking.pk]
        calendar.add_component(_detailed_event(booking, revision, stamp=revision.changed_at))
    return _finish(calendar, bookings)


def busy_feed(bookings: Iterable[Booking], *, name: str, with_resource_names: bool) -> bytes:
    """When a resource (or a whole centre) is taken, and nothing about by whom or why.

    `with_resource_names` puts the resource's name in each summary, for a centre's feed.
    """
    bookings = list(bookings)
    calendar = _calendar(name=name)
    known = revisions(bookings)
    for booking in bookings:
        revision = known[booking.pk]
        event = _event(booking, revision, stamp=revision.changed_at)
        summary = busy_summary(booking)
        if with_resource_names:
            summary = f"{booking.resource.name}: {summary}"
        event.add("summary", summary)
        event.add("location", _location(booking))
        event.add("class", "PUBLIC")
        calendar.add_component(event)
    return _finish(calendar, bookings)


def busy_summary(booking: Booking) -> str:
    """ "Booked", "Blocked" or "Waiting for approval", with how many for equipment."""
    if booking.is_staff_block:
        return _("Blocked")
    label = _("Waiting for approval") if booking.status == BookingStatus.REQUESTED else _("Booked")
    if booking.resource.is_equipment:
        count = ngettext("%(count)d lent", "%(count)d lent", booking.quantity) % {"count": booking.quantity}
        return f"{label} ({count})"
    return label


# --- Building blocks --------------------------------------------------------------------
def _calendar(*, method: Method | None = None, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method is not None:
        calendar.add("method", str(method))
    if name is not None:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Oslo")
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def _event(booking: Booking, revision: Revision, *, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid(booking))
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("last-modified", revision.changed_at.astimezone(dt.UTC))
    event.add("dtstart", _wall_clock(booking.starts_at))
    event.add("dtend", _wall_clock(booking.ends_at))
    event.add("sequence", revision.sequence)
    event.add("status", ical_status(booking))
    event.add("transp", "OPAQUE" if booking.is_blocking else "TRANSPARENT")
    return event


def _wall_clock(moment: dt.datetime) -> dt.datetime:
    """Oslo time with its TZID; in UTC for the second 02:00–03:00 of the night the clocks
    go back, which a TZID cannot express (RFC 5545 reads it as the first one)."""
    local = moment.astimezone(clock.OSLO)
    return moment.astimezone(dt.UTC) if local.fold else local


def _detailed_event(booking: Booking, revision: Revision, *, stamp: dt.datetime) -> icalendar.Event:
    event = _event(booking, revision, stamp=stamp)
    event.add("summary", f"{booking.resource.name}, {booking.resource.centre.name}")
    event.add("location", _location(booking))
    event.add("description", _description(booking))
    event.add("url", booking_url(booking))
    event.add("class", "PRIVATE")
    return event


def _location(booking: Booking) -> str:
    centre = booking.resource.centre
    return f"{booking.resource.name}, {centre.name}, {centre.street_address}, {centre.postcode} {centre.post_town}"


def _description(booking: Booking) -> str:
    lines = []
    if booking.purpose:
        lines.append(booking.purpose)
    if booking.resource.is_equipment:
        lines.append(_("How many: %(count)d") % {"count": booking.quantity})
    lines.append(_("Status: %(status)s") % {"status": booking.get_status_display()})
    if booking.status == BookingStatus.HELD and booking.hold_expires_at:
        held_until = booking.hold_expires_at.astimezone(clock.OSLO)
        lines.append(_("Confirm it before %(time)s.") % {"time": f"{held_until:%d.%m.%Y %H:%M}"})
    reason = booking.decision_reason if booking.status == BookingStatus.DECLINED else booking.cancel_reason
    if reason and not booking.is_blocking:
        lines.append(_("Reason: %(reason)s") % {"reason": reason})
    lines.append(_("See the booking: %(url)s") % {"url": booking_url(booking)})
    return "\n".join(lines)


def _finish(calendar: icalendar.Calendar, bookings: list[Booking]) -> bytes:
    """Add the Europe/Oslo VTIMEZONE, covering every event with a year to spare."""
    years = [moment.year for booking in bookings for moment in (booking.starts_at, booking.ends_at)]
    first_year = min(years, default=clock.local_today().year) - 1
    last_year = max(years, default=clock.local_today().year) + 1
    calendar.subcomponents.insert(0, _oslo_timezone(first_year, last_year))
    return calendar.to_ical()


@functools.lru_cache(maxsize=16)
def _oslo_timezone(first_year: int, last_year: int) -> icalendar.Timezone:
    """Building a VTIMEZONE from the tz database is slow, so each span is built once."""
    return icalendar.Timezone.from_tzid(
        "Europe/Oslo", first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
    )
