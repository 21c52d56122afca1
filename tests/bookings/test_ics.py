"""Bookings as iCalendar: Oslo wall-clock times (also on the DST days), UID, STATUS, SEQUENCE."""

import datetime as dt

import icalendar
import pytest
from django.utils import translation

from batteriet.bookings import ics, services
from batteriet.bookings.models import BookingStatus
from batteriet.core import time as clock
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
UTC = dt.UTC


def _invitation(booking) -> tuple[icalendar.Calendar, str]:
    with translation.override("en"):
        raw = ics.invitation(booking, attendee_email="kari@example.org")
    return icalendar.Calendar.from_ical(raw), raw.decode()


def _utc(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def organisation(centre):
    return factories.booker(centre)[0]


def test_spring_forward_keeps_the_wall_clock(room, organisation):
    """28 March 2027: 02:00 becomes 03:00. 01:00–04:00 in Oslo is two real hours."""
    booking = factories.booking_row(
        room, organisation, _utc(2027, 3, 28, 0), _utc(2027, 3, 28, 2), status=BookingStatus.CONFIRMED
    )
    calendar, raw = _invitation(booking)
    assert "DTSTART;TZID=Europe/Oslo:20270328T010000" in raw
    assert "DTEND;TZID=Europe/Oslo:20270328T040000" in raw
    (event,) = calendar.events
    assert event.start == booking.starts_at
    assert event.end == booking.ends_at
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == dt.timedelta(hours=2)


def test_fall_back_keeps_the_wall_clock(room, organisation):
    """31 October 2027: 03:00 becomes 02:00. 02:30 (summer time) to 03:30 (winter time)."""
    booking = factories.booking_row(
        room,
        organisation,
        _utc(2027, 10, 31, 0, 30),
        _utc(2027, 10, 31, 2, 30),
        status=BookingStatus.CONFIRMED,
    )
    calendar, raw = _invitation(booking)
    assert "DTSTART;TZID=Europe/Oslo:20271031T023000" in raw
    assert "DTEND;TZID=Europe/Oslo:20271031T033000" in raw
    (event,) = calendar.events
    assert event.start.astimezone(UTC) == booking.starts_at
    assert event.end.astimezone(UTC) == booking.ends_at


def test_the_second_half_past_two_is_written_in_utc(room, organisation):
    """02:30 happens twice that night; a TZID would mean the first, so the second is UTC."""
    booking = factories.booking_row(
        room, organisation, _utc(2027, 10, 31, 1, 30), _utc(2027, 10, 31, 3), status=BookingStatus.CONFIRMED
    )
    calendar, raw = _invitation(booking)
    assert "DTSTART:20271031T013000Z" in raw
    assert "DTEND;TZID=Europe/Oslo:20271031T040000" in raw
    (event,) = calendar.events
    assert event.start == booking.starts_at
    assert event.end == booking.ends_at


def test_the_vtimezone_itself_has_both_changes(room, organisation):
    """A calendar app that reads only the VTIMEZONE (not its own tz database) gets it right too."""
    booking = factories.booking_row(
        room, organisation, _utc(2027, 3, 28, 0), _utc(2027, 3, 28, 2), status=BookingStatus.CONFIRMED
    )
    calendar, _raw = _invitation(booking)
    (timezone,) = calendar.timezones
    assert timezone.tz_name == "Europe/Oslo"
    oslo = timezone.to_tz()
    assert dt.datetime(2027, 3, 28, 1, tzinfo=oslo).utcoffset() == dt.timedelta(hours=1)
    assert dt.datetime(2027, 3, 28, 4, tzinfo=oslo).utcoffset() == dt.timedelta(hours=2)
    assert dt.datetime(2027, 10, 31, 4, tzinfo=oslo).utcoffset() == dt.timedelta(hours=1)


def test_invitation_describes_the_booking(room, organisation, day, settings):
    settings.SITE_URL = "https://batteriet.no"
    booking = factories.booking_row(
        room, organisation, at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED, purpose="Årsmøte"
    )
    calendar, _raw = _invitation(booking)
    (event,) = calendar.events
    centre = room.centre
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["PRODID"] == ics.PRODID
    assert event["UID"] == f"booking-{booking.pk}@batteriet.no"
    assert event["SUMMARY"] == f"{room.name}, {centre.name}"
    assert centre.street_address in event["LOCATION"]
    assert "Årsmøte" in event["DESCRIPTION"]
    assert f"https://batteriet.no/mine-bestillinger/{booking.pk}/" in event["DESCRIPTION"]
    assert event["URL"] == f"https://batteriet.no/mine-bestillinger/{booking.pk}/"
    assert event["STATUS"] == "CONFIRMED"
    assert event["DTSTAMP"].dt.tzinfo is not None


@pytest.mark.parametrize(
    ("status", "expected", "method"),
    [
        (BookingStatus.CONFIRMED, "CONFIRMED", "REQUEST"),
        (BookingStatus.REQUESTED, "TENTATIVE", "REQUEST"),
        (BookingStatus.HELD, "TENTATIVE", "REQUEST"),
        (BookingStatus.DECLINED, "CANCELLED", "CANCEL"),
        (BookingStatus.CANCELLED, "CANCELLED", "CANCEL"),
        (BookingStatus.EXPIRED, "CANCELLED", "CANCEL"),
    ],
)
def test_status_and_method(room, organisation, day, status, expected, method):
    booking = factories.booking_row(
        room,
        organisation,
        at(day, 10),
        at(day, 11),
        status=status,
        decision_reason="Stengt",
        hold_expires_at=clock.now() + dt.timedelta(hours=1),
    )
    calendar, _raw = _invitation(booking)
    assert calendar["METHOD"] == method
    assert calendar.events[0]["STATUS"] == expected


def test_sequence_counts_the_changes(centre, day, adviser):
    """Requested (0), approved (1), cancelled (2): it only grows."""
    organisation, contact = factories.booker(centre)
    room = factories.ResourceFactory(centre=centre, requires_approval=True)
    booking = services.booking_create(
        actor=contact,
        resource=room,
        organisation=organisation,
        starts_at=at(day, 10),
        ends_at=at(day, 11),
        purpose="Styremøte",
    )
    sequences = [ics.revisions([booking])[booking.pk].sequence]
    booking = services.booking_approve(actor=adviser, booking=booking)
    sequences.append(ics.revisions([booking])[booking.pk].sequence)
    booking = services.booking_cancel(actor=contact, booking=booking)
    sequences.append(ics.revisions([booking])[booking.pk].sequence)
    assert sequences == [0, 1, 2]
    calendar, _raw = _invitation(booking)
    assert calendar.events[0]["SEQUENCE"] == 2


def test_revisions_of_many_bookings_take_one_query(room, organisation, day, django_assert_num_queries):
    bookings = [
        factories.booking_row(room, organisation, at(day, hour), at(day, hour + 1)) for hour in range(9, 14)
    ]
    with django_assert_num_queries(1):
        known = ics.revisions(bookings)
    assert set(known) == {booking.pk for booking in bookings}
