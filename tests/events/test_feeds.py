"""The public iCal feeds of events: what the calendar shows anyone, as RFC 5545."""

import datetime as dt

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse

from batteriet.core import time as clock
from batteriet.events import ics_feeds
from tests import factories

pytestmark = pytest.mark.django_db

FEED_ALL = reverse("events:feed_all")


def feed_url(centre) -> str:
    return reverse("events:feed_centre", args=[centre.slug])


def vevents(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def oslo(db):
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def bergen(db):
    return factories.CentreFactory(slug="bergen", name="Batteriet Bergen")


def test_the_feed_lists_published_coming_and_recent_events_only(client, oslo):
    now = clock.now()
    factories.EventFactory(title="Kurs", centres=[oslo])
    factories.EventFactory(
        title="Nylig", starts_at=now - dt.timedelta(days=10), ends_at=now - dt.timedelta(days=10, hours=-2)
    )
    factories.EventFactory(
        title="Gammelt", starts_at=now - dt.timedelta(days=40), ends_at=now - dt.timedelta(days=40, hours=-2)
    )
    factories.EventFactory(title="Upublisert", is_published=False)
    factories.EventFactory(title="Batterisamling", kind="staff_gathering", audience="staff")
    factories.EventFactory(title="Medlemssamling", kind="member_gathering", audience="members")
    assert set(vevents(client.get(FEED_ALL))) == {"Kurs", "Nylig", "Medlemssamling"}


def test_staff_see_the_same_feed_as_everyone(client, oslo):
    factories.EventFactory(title="Batterisamling", kind="staff_gathering", audience="staff", centres=[oslo])
    client.force_login(factories.staff(oslo))
    assert vevents(client.get(FEED_ALL)) == {}
    assert vevents(client.get(feed_url(oslo))) == {}


def test_a_centres_feed_has_only_its_events(client, oslo, bergen):
    factories.EventFactory(title="Oslo-kurs", centres=[oslo])
    factories.EventFactory(title="Felles", centres=[oslo, bergen])
    factories.EventFactory(title="Bergen-høring", kind="hearing", centres=[bergen])
    factories.EventFactory(title="Nasjonal konferanse", kind="conference")
    assert set(vevents(client.get(feed_url(oslo)))) == {"Oslo-kurs", "Felles"}
    assert set(vevents(client.get(feed_url(bergen)))) == {"Felles", "Bergen-høring"}
    assert set(vevents(client.get(FEED_ALL))) == {
        "Oslo-kurs",
        "Felles",
        "Bergen-høring",
        "Nasjonal konferanse",
    }


@pytest.mark.parametrize("slug", ["finnes-ikke", "x" * 20_000, "oslo-"])
def test_an_unknown_centre_is_404(client, oslo, slug):
    assert client.get(reverse("events:feed_centre", args=[slug])).status_code == 404


@pytest.mark.parametrize(
    "path", ["/arrangementer/%3Cscript%3E/kalender.ics", "/arrangementer/oslo%00/kalender.ics"]
)
def test_odd_addresses_are_404(client, oslo, path):
    assert client.get(path).status_code == 404


def test_each_event_says_what_when_and_where_with_a_link(client, oslo):
    starts_at = dt.datetime(2030, 3, 5, 18, 0, tzinfo=clock.OSLO)
    event = factories.EventFactory(
        title="Styrearbeid",
        description="Tre kvelder om styrearbeid.",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        centres=[oslo],
    )
    (vevent,) = vevents(client.get(FEED_ALL)).values()
    assert str(vevent["uid"]) == f"event-{event.pk}@{ics_feeds.booking_ics.site_host()}"
    assert vevent["dtstart"].params["TZID"] == "Europe/Oslo"
    assert vevent.decoded("dtstart") == starts_at
    assert vevent.decoded("dtend") == starts_at + dt.timedelta(hours=3)
    assert str(vevent["location"]) == "Folkets hus, Oslo"
    assert str(vevent["url"]) == settings.SITE_URL + ics_feeds.event_url(event).removeprefix(
        settings.SITE_URL
    )
    assert str(vevent["url"]).startswith(settings.SITE_URL + "/arrangementer/")
    assert "Tre kvelder om styrearbeid." in str(vevent["description"])
    assert "Batteriet Oslo" in str(vevent["description"])
    calendar = icalendar.Calendar.from_ical(client.get(FEED_ALL).content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]


def test_the_uid_is_stable_when_the_event_changes(client, oslo):
    event = factories.EventFactory(title="Kurs", centres=[oslo])
    first = vevents(client.get(FEED_ALL))["Kurs"]["uid"]
    event.title = "Kurs (flyttet)"
    event.starts_at += dt.timedelta(days=1)
    event.ends_at += dt.timedelta(days=1)
    event.save()
    assert vevents(client.get(FEED_ALL))["Kurs (flyttet)"]["uid"] == first


def test_a_room_at_a_centre_gives_the_address(client, oslo):
    room = factories.ResourceFactory(centre=oslo, name="Storsalen")
    factories.EventFactory(title="Høring", place_kind="centre_room", room=room, venue="", centres=[oslo])
    (vevent,) = vevents(client.get(FEED_ALL)).values()
    assert str(vevent["location"]).startswith("Storsalen, Batteriet Oslo, ")


def test_never_the_online_link_nor_who_comes(client, oslo):
    event = factories.EventFactory(
        title="Nettseminar",
        place_kind="online",
        venue="",
        online_link="https://møte.example/hemmelig-rom",
        centres=[oslo],
    )
    person = factories.UserFactory(full_name="Hemmelig Deltaker", email="deltaker@example.org")
    factories.registration_row(event, person)
    factories.registration_row(event, name="Navn Uten Konto")
    body = client.get(FEED_ALL).content.decode()
    for secret in ("hemmelig-rom", "Hemmelig Deltaker", "deltaker@example.org", "Navn Uten Konto"):
        assert secret not in body
    (vevent,) = vevents(client.get(FEED_ALL, {"lang": "en"})).values()
    assert str(vevent["location"]) == "Online"


def test_english_with_lang_en(client, oslo):
    factories.EventFactory(title="Kurs", centres=[oslo])
    response = client.get(FEED_ALL, {"lang": "en"})
    calendar = icalendar.Calendar.from_ical(response.content)
    assert "courses and events" in str(calendar["x-wr-calname"])
    assert client.get(FEED_ALL, {"lang": "<script>\x00"}).status_code == 200


def test_the_night_the_clocks_go_back(client):
    # 02:30 happens twice on 27 October 2030; the second one is written in UTC.
    second = dt.datetime(2030, 10, 27, 2, 30, tzinfo=clock.OSLO).replace(fold=1)
    factories.EventFactory(title="Natt", starts_at=second, ends_at=second + dt.timedelta(hours=1))
    (vevent,) = vevents(client.get(FEED_ALL)).values()
    assert vevent.decoded("dtstart") == dt.datetime(2030, 10, 27, 1, 30, tzinfo=dt.UTC)
    assert second.timestamp() == vevent.decoded("dtstart").timestamp()


def test_only_get_and_head(client):
    assert client.post(FEED_ALL).status_code == 405
    assert client.head(FEED_ALL).status_code == 200


@pytest.mark.parametrize("url", [FEED_ALL, "oslo"])
def test_a_fixed_number_of_queries(client, oslo, bergen, url, django_assert_max_num_queries):
    url = feed_url(oslo) if url == "oslo" else url
    room = factories.ResourceFactory(centre=oslo)

    def more(count: int) -> None:
        for _ in range(count):
            event = factories.EventFactory(centres=[oslo, bergen], place_kind="centre_room", room=room)
            factories.registration_row(event, factories.UserFactory())

    more(1)
    with django_assert_max_num_queries(6) as captured:
        vevents(client.get(url))
    few = len(captured)
    more(15)
    with django_assert_max_num_queries(few):
        assert len(vevents(client.get(url))) == 16
