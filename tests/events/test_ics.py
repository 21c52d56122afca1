"""A registration as an iCalendar invitation: Oslo wall-clock times (also on the DST days),
a UID that stays, one entry per session, CANCEL when cancelled, the link only when placed."""

import datetime as dt

import icalendar
import pytest
from django.utils import translation

from batteriet.events import ics, services
from batteriet.events.models import RegistrationStatus, Session, SessionSeat
from tests import factories

pytestmark = pytest.mark.django_db

S = RegistrationStatus
UTC = dt.UTC


def _utc(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def _invitation(registration, **kwargs) -> tuple[icalendar.Calendar, str]:
    with translation.override("en"):
        raw = ics.invitation(registration, attendee_email="kari@example.org", **kwargs)
    return icalendar.Calendar.from_ical(raw), raw.decode()


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


def _registered(event, **fields):
    person = factories.UserFactory()
    return factories.registration_row(event, person, registered_by=person, **fields)


def test_spring_forward_keeps_the_wall_clock(centre):
    """28 March 2027: 02:00 becomes 03:00. 01:00–04:00 in Oslo is two real hours."""
    event = factories.EventFactory(
        centres=[centre], starts_at=_utc(2027, 3, 28, 0), ends_at=_utc(2027, 3, 28, 2)
    )
    calendar, raw = _invitation(_registered(event))
    assert "DTSTART;TZID=Europe/Oslo:20270328T010000" in raw
    assert "DTEND;TZID=Europe/Oslo:20270328T040000" in raw
    (entry,) = calendar.events
    assert entry.start == event.starts_at
    assert entry.end == event.ends_at
    assert "BEGIN:VTIMEZONE" in raw and "TZID:Europe/Oslo" in raw


def test_fall_back_keeps_the_wall_clock_and_writes_the_second_half_past_two_in_utc(centre):
    """31 October 2027: 03:00 becomes 02:00, so 02:30 happens twice; the second is UTC."""
    event = factories.EventFactory(
        centres=[centre], starts_at=_utc(2027, 10, 31, 1, 30), ends_at=_utc(2027, 10, 31, 3)
    )
    calendar, raw = _invitation(_registered(event))
    assert "DTSTART:20271031T013000Z" in raw
    assert "DTEND;TZID=Europe/Oslo:20271031T040000" in raw
    (entry,) = calendar.events
    assert entry.start == event.starts_at
    assert entry.end == event.ends_at


def test_an_evening_in_summer_and_in_winter_keeps_18_oclock(centre):
    summer = factories.EventFactory(
        centres=[centre], starts_at=_utc(2027, 6, 1, 16), ends_at=_utc(2027, 6, 1, 18)
    )
    winter = factories.EventFactory(
        centres=[centre], starts_at=_utc(2027, 12, 1, 17), ends_at=_utc(2027, 12, 1, 19)
    )
    assert "DTSTART;TZID=Europe/Oslo:20270601T180000" in _invitation(_registered(summer))[1]
    assert "DTSTART;TZID=Europe/Oslo:20271201T180000" in _invitation(_registered(winter))[1]


def test_one_entry_per_session_taken_part_in_each_with_its_own_uid(centre):
    event = factories.EventFactory(centres=[centre])
    evenings = [
        Session.objects.create(
            event=event,
            title=f"Kveld {number}",
            starts_at=event.starts_at + dt.timedelta(days=7 * number),
            ends_at=event.starts_at + dt.timedelta(days=7 * number, hours=2),
        )
        for number in range(3)
    ]
    parallel = [
        Session.objects.create(
            event=event,
            title=f"Verksted {letter}",
            starts_at=evenings[0].starts_at,
            ends_at=evenings[0].ends_at,
            capacity=10,
            track=letter,
        )
        for letter in "AB"
    ]
    registration = _registered(event)
    SessionSeat.objects.create(registration=registration, session=parallel[0])

    calendar, _raw = _invitation(registration)

    summaries = sorted(str(entry["SUMMARY"]) for entry in calendar.events)
    assert len(summaries) == 4
    assert any("Verksted A" in summary for summary in summaries)
    assert not any("Verksted B" in summary for summary in summaries)
    uids = {str(entry["UID"]) for entry in calendar.events}
    assert len(uids) == 4
    assert uids == {ics.uid(registration, session) for session in [*evenings, parallel[0]]}


def test_the_uid_stays_and_the_sequence_grows_until_the_cancel(centre):
    event = factories.EventFactory(centres=[centre])
    person = factories.UserFactory()
    (registration,) = services.registration_create(actor=person, event=event)
    created, _raw = _invitation(registration)
    assert created["METHOD"] == "REQUEST"

    services.registration_cancel(actor=person, registration=registration)
    registration.refresh_from_db()
    cancelled, _raw = _invitation(registration)

    assert cancelled["METHOD"] == "CANCEL"
    (before,), (after,) = created.events, cancelled.events
    assert before["UID"] == after["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["STATUS"] == "CANCELLED"


def test_the_online_link_is_only_in_a_confirmed_invitation(centre):
    event = factories.EventFactory(
        centres=[centre], place_kind="online", venue="", online_link="https://møte.example/rom-42"
    )
    confirmed, _raw = _invitation(_registered(event))
    assert "rom-42" in str(confirmed.events[0]["DESCRIPTION"])
    assert str(confirmed.events[0]["LOCATION"]) == "Online"

    cancelled, raw = _invitation(_registered(event, status=S.CANCELLED))
    assert "rom-42" not in raw
    assert cancelled["METHOD"] == "CANCEL"


def test_a_centre_room_is_written_with_the_centres_address(centre):
    room = factories.ResourceFactory(centre=centre, name="Storsalen")
    event = factories.EventFactory(centres=[centre], place_kind="centre_room", room=room, venue="")
    calendar, _raw = _invitation(_registered(event))
    location = str(calendar.events[0]["LOCATION"])
    assert location.startswith("Storsalen, Batteriet Oslo, ")
    assert centre.post_town in location
