"""A guidance appointment as an iCalendar invitation, parsed back: Oslo wall-clock times
(also on the DST days), a UID that stays, the version that grows, where it is, and nothing
of what the person wrote."""

import datetime as dt

import icalendar
import pytest
from django.utils import translation

from batteriet.bookings.ics import site_host
from batteriet.guidance import ics
from tests import factories

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SITUATION = "Styret krangler om pengene, hemmelig-situasjon"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(
        slug="oslo", name="Batteriet Oslo", street_address="Storgata 1", postcode="0155", post_town="Oslo"
    )


@pytest.fixture
def adviser(centre):
    return factories.staff(centre, full_name="Anne Rådgiver")


def _utc(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def _appointment(centre, adviser, starts_at, ends_at, mode="centre", **fields):
    request = factories.guidance_request_row(
        centre,
        situation=SITUATION,
        language_need="tolk-behov",
        accessibility_need="rullestol-behov",
        mode=mode,
    )
    return factories.appointment_row(request, adviser, starts_at, ends_at, mode=mode, **fields)


def _invitation(appointment, **kwargs) -> tuple[icalendar.Calendar, str]:
    with translation.override("en"):
        raw = ics.invitation(appointment, attendee_email="kari@example.org", attendee_name="Kari", **kwargs)
    return icalendar.Calendar.from_ical(raw), raw.decode()


def test_an_ordinary_day_parses_back_with_everything_the_calendar_needs(centre, adviser):
    appointment = _appointment(centre, adviser, _utc(2027, 6, 1, 8), _utc(2027, 6, 1, 9))
    calendar, raw = _invitation(appointment)

    assert calendar["METHOD"] == "REQUEST"
    (entry,) = calendar.events
    assert str(entry["UID"]) == f"guidance-appointment-{appointment.pk}@{site_host()}"
    assert entry["SEQUENCE"] == 0
    assert entry["STATUS"] == "CONFIRMED"
    assert str(entry["SUMMARY"]) == "Guidance at Batteriet Oslo"
    assert str(entry["LOCATION"]) == "Batteriet Oslo, Storgata 1, 0155 Oslo"
    assert f"/min-veiledning/{appointment.request_id}/" in str(entry["URL"])
    assert f"/min-veiledning/{appointment.request_id}/" in str(entry["DESCRIPTION"])
    assert entry.start == appointment.starts_at
    assert entry.end == appointment.ends_at
    assert "DTSTART;TZID=Europe/Oslo:20270601T100000" in raw
    assert "BEGIN:VTIMEZONE" in raw and "TZID:Europe/Oslo" in raw
    assert str(entry["ATTENDEE"]) == "mailto:kari@example.org"
    assert str(entry["ORGANIZER"]) == "mailto:oslo@batteriet.example"


def test_nothing_the_person_wrote_is_in_the_invitation(centre, adviser):
    appointment = _appointment(centre, adviser, _utc(2027, 6, 1, 8), _utc(2027, 6, 1, 9))
    for method in ics.Method:
        _calendar, raw = _invitation(appointment, method=method)
        unfolded = raw.replace("\r\n ", "")
        for secret in ("hemmelig-situasjon", "tolk-behov", "rullestol-behov"):
            assert secret not in unfolded


def test_spring_forward_keeps_the_wall_clock(centre, adviser):
    """28 March 2027: 02:00 becomes 03:00. 01:30–03:30 in Oslo is one real hour."""
    appointment = _appointment(centre, adviser, _utc(2027, 3, 28, 0, 30), _utc(2027, 3, 28, 1, 30))
    calendar, raw = _invitation(appointment)
    assert "DTSTART;TZID=Europe/Oslo:20270328T013000" in raw
    assert "DTEND;TZID=Europe/Oslo:20270328T033000" in raw
    (entry,) = calendar.events
    assert entry.start == appointment.starts_at
    assert entry.end == appointment.ends_at
    assert entry.end.astimezone(UTC) - entry.start.astimezone(UTC) == dt.timedelta(hours=1)


def test_fall_back_keeps_the_wall_clock_and_writes_the_second_half_past_two_in_utc(centre, adviser):
    """31 October 2027: 03:00 becomes 02:00, so 02:30 happens twice; the second is UTC."""
    appointment = _appointment(centre, adviser, _utc(2027, 10, 31, 1, 30), _utc(2027, 10, 31, 2, 30))
    calendar, raw = _invitation(appointment)
    assert "DTSTART:20271031T013000Z" in raw
    assert "DTEND;TZID=Europe/Oslo:20271031T033000" in raw
    (entry,) = calendar.events
    assert entry.start == appointment.starts_at
    assert entry.end == appointment.ends_at


def test_ten_oclock_in_summer_and_in_winter(centre, adviser):
    summer = _appointment(centre, adviser, _utc(2027, 6, 1, 8), _utc(2027, 6, 1, 9))
    winter = _appointment(centre, adviser, _utc(2027, 12, 1, 9), _utc(2027, 12, 1, 10))
    assert "DTSTART;TZID=Europe/Oslo:20270601T100000" in _invitation(summer)[1]
    assert "DTSTART;TZID=Europe/Oslo:20271201T100000" in _invitation(winter)[1]


def test_a_cancellation_keeps_the_uid_and_carries_the_version(centre, adviser):
    appointment = _appointment(
        centre, adviser, _utc(2027, 6, 1, 8), _utc(2027, 6, 1, 9), status="cancelled", ics_sequence=3
    )
    first, _raw = _invitation(appointment)
    calendar, _raw = _invitation(appointment, method=ics.Method.CANCEL)
    assert calendar["METHOD"] == "CANCEL"
    (entry,) = calendar.events
    assert entry["UID"] == first.events[0]["UID"]
    assert entry["SEQUENCE"] == 3
    assert entry["STATUS"] == "CANCELLED"


@pytest.mark.parametrize(
    ("mode", "says"),
    [("phone", "By phone: the adviser calls you"), ("video", "By video: the adviser sends you a link")],
)
def test_by_phone_or_video_the_location_says_how_and_no_address(centre, adviser, mode, says):
    appointment = _appointment(centre, adviser, _utc(2027, 6, 1, 8), _utc(2027, 6, 1, 9), mode=mode)
    calendar, raw = _invitation(appointment)
    assert str(calendar.events[0]["LOCATION"]) == says
    assert "Storgata" not in raw


def test_the_texts_follow_the_language(centre, adviser):
    appointment = _appointment(centre, adviser, _utc(2027, 6, 1, 8), _utc(2027, 6, 1, 9))
    with translation.override("nb"):
        raw = ics.invitation(appointment, attendee_email="kari@example.org").decode()
    with translation.override("en"):
        english = ics.invitation(appointment, attendee_email="kari@example.org").decode()
    assert "SUMMARY:Guidance at Batteriet Oslo" in english
    assert "SUMMARY:" in raw
