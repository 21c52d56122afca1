"""Calendar feeds: public busy times without names, the private feed behind its token, resetting it."""

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from batteriet.bookings.models import BookingStatus, CalendarFeed
from batteriet.bookings.services import calendar_feeds
from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def _next_dst_days() -> tuple[dt.date, dt.date]:
    """The next last Sunday of March and of October, both ahead of today."""
    today = clock.local_today()
    march = _last_sunday(today.year, 3)
    if march <= today:
        march = _last_sunday(today.year + 1, 3)
    october = _last_sunday(today.year, 10)
    if october <= today:
        october = _last_sunday(today.year + 1, 10)
    return march, october


def _parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline")
    return icalendar.Calendar.from_ical(response.content)


def _by_uid(calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.events}


def _uid(booking) -> str:
    return f"booking-{booking.pk}@127.0.0.1"


@pytest.fixture
def orgs(centre):
    """Two organisations at the centre: A (contact, plain member) and B (contact)."""
    a, contact_a = factories.booker(centre)
    a.name = "Foreningen Alfa"
    a.save()
    member_a = factories.member(a, MembershipRole.MEMBER)
    b, contact_b = factories.booker(centre)
    b.name = "Foreningen Beta"
    b.save()
    return {"a": a, "contact_a": contact_a, "member_a": member_a, "b": b, "contact_b": contact_b}


# --- Public feeds -------------------------------------------------------------------------
def test_resource_feed_shows_busy_times_and_nothing_about_who_or_why(client, room, orgs, day):
    confirmed = factories.booking_row(
        room,
        orgs["a"],
        at(day, 10),
        at(day, 11),
        status=BookingStatus.CONFIRMED,
        purpose="Hemmelig møte",
        booked_by=orgs["contact_a"],
    )
    requested = factories.booking_row(room, orgs["b"], at(day, 12), at(day, 13), purpose="Skjult plan")
    block = factories.booking_row(room, None, at(day, 14), at(day, 15), status=BookingStatus.CONFIRMED)
    cancelled = factories.booking_row(
        room, orgs["a"], at(day, 15), at(day, 16), status=BookingStatus.CANCELLED
    )

    response = client.get(reverse("bookings:resource_feed", args=[room.pk]), {"lang": "en"})
    events = _by_uid(_parse(response))

    assert set(events) == {_uid(confirmed), _uid(requested), _uid(block)}
    assert events[_uid(confirmed)]["SUMMARY"] == "Booked"
    assert events[_uid(requested)]["SUMMARY"] == "Waiting for approval"
    assert events[_uid(block)]["SUMMARY"] == "Blocked"
    assert events[_uid(confirmed)].start == at(day, 10)
    assert str(events[_uid(confirmed)].start.tzinfo) == "Europe/Oslo"
    body = response.content.decode()
    for secret in ("Foreningen Alfa", "Foreningen Beta", "Hemmelig", "Skjult", orgs["contact_a"].full_name):
        assert secret not in body
    assert _uid(cancelled) not in body
    assert response["Cache-Control"] == "public, max-age=900"


def test_resource_feed_covers_a_month_back_to_the_horizon(client, centre, orgs):
    room = factories.ResourceFactory.bookable_now(centre=centre, max_horizon_days=60)
    now = clock.now()
    recent = factories.booking_row(
        room, orgs["a"], now - dt.timedelta(days=20), now - dt.timedelta(days=20, hours=-1)
    )
    old = factories.booking_row(
        room, orgs["a"], now - dt.timedelta(days=40), now - dt.timedelta(days=40, hours=-1)
    )
    far = factories.booking_row(
        room, orgs["a"], now + dt.timedelta(days=70), now + dt.timedelta(days=70, hours=1)
    )
    events = _by_uid(_parse(client.get(reverse("bookings:resource_feed", args=[room.pk]))))
    assert _uid(recent) in events
    assert _uid(old) not in events
    assert _uid(far) not in events


def test_feeds_have_the_right_oslo_times_on_the_dst_days(client, centre, orgs):
    march, october = _next_dst_days()
    room = factories.ResourceFactory.bookable_now(centre=centre, max_horizon_days=400)
    spring = factories.booking_row(
        room,
        orgs["a"],
        at(march, 1),
        at(march, 4),
        status=BookingStatus.CONFIRMED,  # two real hours
    )
    autumn = factories.booking_row(
        room,
        orgs["a"],
        at(october, 1),
        at(october, 4),
        status=BookingStatus.CONFIRMED,  # four real hours
    )
    feed = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"])
    for url in (
        reverse("bookings:resource_feed", args=[room.pk]),
        reverse("bookings:centre_feed", args=[centre.slug]),
        reverse("bookings:organisation_feed", args=[feed.token]),
    ):
        response = client.get(url)
        events = _by_uid(_parse(response))
        body = response.content.decode()
        for booking, day in ((spring, march), (autumn, october)):
            event = events[_uid(booking)]
            assert event.start.astimezone(dt.UTC) == booking.starts_at
            assert event.end.astimezone(dt.UTC) == booking.ends_at
            assert (event.start.hour, event.end.hour) == (1, 4)
            assert f"DTSTART;TZID=Europe/Oslo:{day:%Y%m%d}T010000" in body
            assert f"DTEND;TZID=Europe/Oslo:{day:%Y%m%d}T040000" in body
        assert events[_uid(spring)].end.astimezone(dt.UTC) - events[_uid(spring)].start.astimezone(
            dt.UTC
        ) == dt.timedelta(hours=2)
        assert events[_uid(autumn)].end.astimezone(dt.UTC) - events[_uid(autumn)].start.astimezone(
            dt.UTC
        ) == dt.timedelta(hours=4)
        assert "BEGIN:VTIMEZONE" in body


def test_a_part_of_a_hall_is_busy_when_the_hall_is_booked(client, centre, orgs, day):
    hall, (part, other_part) = factories.ResourceFactory.hall_with_parts(centre=centre)
    whole = factories.booking_row(hall, orgs["a"], at(day, 10), at(day, 12), status=BookingStatus.CONFIRMED)
    sibling = factories.booking_row(other_part, orgs["b"], at(day, 13), at(day, 14))
    events = _by_uid(_parse(client.get(reverse("bookings:resource_feed", args=[part.pk]))))
    assert _uid(whole) in events
    assert _uid(sibling) not in events


def test_inactive_and_unknown_resources_have_no_feed(client, centre):
    closed = factories.ResourceFactory(centre=centre, is_active=False)
    assert client.get(reverse("bookings:resource_feed", args=[closed.pk])).status_code == 404
    assert client.get(reverse("bookings:resource_feed", args=[999_999])).status_code == 404
    assert client.get(reverse("bookings:centre_feed", args=["finnes-ikke"])).status_code == 404


def test_centre_feed_names_the_resources_but_not_the_organisations(client, centre, room, orgs, day):
    projector = factories.ResourceFactory.equipment(centre=centre, name="Prosjektor Epson")
    closed = factories.ResourceFactory(centre=centre, is_active=False, name="Gamle salen")
    in_room = factories.booking_row(room, orgs["a"], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)
    loan = factories.booking_row(
        projector, orgs["b"], at(day, 9), at(day, 15), status=BookingStatus.CONFIRMED, quantity=2
    )
    hidden = factories.booking_row(
        closed, orgs["a"], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED
    )
    other_centre_booking = factories.booking_row(
        factories.ResourceFactory(), orgs["a"], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED
    )
    response = client.get(reverse("bookings:centre_feed", args=[centre.slug]), {"lang": "en"})
    events = _by_uid(_parse(response))
    assert set(events) == {_uid(in_room), _uid(loan)}
    assert events[_uid(in_room)]["SUMMARY"] == f"{room.name}: Booked"
    assert events[_uid(loan)]["SUMMARY"] == "Prosjektor Epson: Booked (2 lent)"
    body = response.content.decode()
    assert "Foreningen" not in body and "Styremøte" not in body
    assert _uid(hidden) not in body and _uid(other_centre_booking) not in body


def test_unknown_language_falls_back_to_bokmal(client, room):
    response = client.get(reverse("bookings:resource_feed", args=[room.pk]), {"lang": "<script>"})
    assert _parse(response)["X-WR-CALNAME"] == f"{room.name}, {room.centre.name}"


# --- The private feed ---------------------------------------------------------------------
def test_private_feed_has_every_detail_of_its_own_bookings_only(client, room, orgs, day):
    own = factories.booking_row(
        room, orgs["a"], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED, purpose="Årsmøte i Alfa"
    )
    own_cancelled = factories.booking_row(
        room, orgs["a"], at(day, 12), at(day, 13), status=BookingStatus.CANCELLED, cancel_reason="Syk"
    )
    theirs = factories.booking_row(
        room, orgs["b"], at(day, 14), at(day, 15), status=BookingStatus.CONFIRMED, purpose="Betas møte"
    )
    feed_a = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"])
    feed_b = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["b"])

    response = client.get(reverse("bookings:organisation_feed", args=[feed_a.token]))
    events = _by_uid(_parse(response))
    assert set(events) == {_uid(own), _uid(own_cancelled)}
    assert events[_uid(own)]["STATUS"] == "CONFIRMED"
    assert events[_uid(own_cancelled)]["STATUS"] == "CANCELLED"
    assert "Årsmøte i Alfa" in events[_uid(own)]["DESCRIPTION"]
    assert events[_uid(own)]["SUMMARY"] == f"{room.name}, {room.centre.name}"
    assert "Betas møte" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"

    other = _by_uid(_parse(client.get(reverse("bookings:organisation_feed", args=[feed_b.token]))))
    assert set(other) == {_uid(theirs)}


def test_unknown_token_is_404(client):
    assert client.get(reverse("bookings:organisation_feed", args=["ukjent"])).status_code == 404


def test_old_address_stops_working_after_a_reset(client, orgs):
    old = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"]).token
    client.force_login(orgs["contact_a"])
    response = client.post(reverse("bookings:calendar_feed_reset", args=[orgs["a"].pk]), follow=True)
    new = CalendarFeed.objects.get(organisation=orgs["a"]).token
    assert new != old and len(new) >= 43
    assert "Den gamle adressen virker ikke lenger" in response.content.decode()
    client.logout()
    assert client.get(reverse("bookings:organisation_feed", args=[old])).status_code == 404
    assert client.get(reverse("bookings:organisation_feed", args=[new])).status_code == 200
    assert AuditEntry.objects.filter(action="calendar_feed.reset", actor=orgs["contact_a"]).count() == 1
    assert old not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


# --- The page with the private address -----------------------------------------------------
def test_members_see_their_address_and_only_contacts_can_reset(client, orgs):
    client.force_login(orgs["member_a"])
    page = client.get(reverse("bookings:calendar_feeds")).content.decode()
    token = CalendarFeed.objects.get(organisation=orgs["a"]).token
    assert f"/kalender/{token}.ics" in page
    assert reverse("bookings:calendar_feed_reset", args=[orgs["a"].pk]) not in page
    assert "Foreningen Beta" not in page
    assert not CalendarFeed.objects.filter(organisation=orgs["b"]).exists()

    client.force_login(orgs["contact_a"])
    page = client.get(reverse("bookings:calendar_feeds")).content.decode()
    assert reverse("bookings:calendar_feed_reset", args=[orgs["a"].pk]) in page
    assert f"/kalender/{token}.ics" in page  # the same address every time


def test_the_address_is_made_once(orgs):
    first = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"])
    again = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"])
    assert first.pk == again.pk and first.token == again.token


@pytest.mark.parametrize(("who", "status"), [("member_a", 403), ("contact_b", 404)])
def test_reset_by_others_changes_nothing(client, orgs, who, status):
    token = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"]).token
    audit_before = AuditEntry.objects.count()
    client.force_login(orgs[who])
    response = client.post(reverse("bookings:calendar_feed_reset", args=[orgs["a"].pk]))
    assert response.status_code == status
    assert CalendarFeed.objects.get(organisation=orgs["a"]).token == token
    assert AuditEntry.objects.count() == audit_before


def test_reset_of_a_missing_organisation_is_404(client, orgs):
    client.force_login(orgs["contact_a"])
    assert client.post(reverse("bookings:calendar_feed_reset", args=[999_999])).status_code == 404


def test_public_addresses_are_shown_where_people_book(client, centre, room, orgs):
    client.force_login(orgs["member_a"])
    resource_page = client.get(reverse("bookings:resource", args=[room.pk])).content.decode()
    assert reverse("bookings:resource_feed", args=[room.pk]) in resource_page
    centre_page = client.get(reverse("bookings:resources", args=[centre.slug])).content.decode()
    assert reverse("bookings:centre_feed", args=[centre.slug]) in centre_page
    mine = client.get(reverse("bookings:mine")).content.decode()
    assert reverse("bookings:calendar_feeds") in mine


# --- Bad input and the number of queries ---------------------------------------------------
@pytest.mark.parametrize("token", ["x" * 500, "æøå", "%00", "..", " ", "a.b"])
def test_any_token_that_is_not_one_is_404(client, orgs, token):
    calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"])
    assert client.get(f"/kalender/{token}.ics").status_code == 404


def test_reset_by_get_changes_nothing(client, orgs):
    token = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"]).token
    client.force_login(orgs["contact_a"])
    assert client.get(reverse("bookings:calendar_feed_reset", args=[orgs["a"].pk])).status_code == 405
    assert CalendarFeed.objects.get(organisation=orgs["a"]).token == token


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_feeds_take_the_same_number_of_queries_however_many_bookings(client, centre, room, orgs, day):
    feed = calendar_feeds.calendar_feed_get_or_create(organisation=orgs["a"])
    urls = [
        reverse("bookings:resource_feed", args=[room.pk]),
        reverse("bookings:centre_feed", args=[centre.slug]),
        reverse("bookings:organisation_feed", args=[feed.token]),
    ]
    factories.booking_row(room, orgs["a"], at(day, 9), at(day, 10), status=BookingStatus.CONFIRMED)
    few = [_count_queries(client, url) for url in urls]
    for offset in range(1, 15):
        factories.booking_row(
            room,
            orgs["a"],
            at(day + dt.timedelta(days=offset), 9),
            at(day + dt.timedelta(days=offset), 10),
            status=BookingStatus.CONFIRMED,
        )
    many = [_count_queries(client, url) for url in urls]
    assert few == many
    assert max(many) <= 5


def test_the_address_shown_in_english_gives_an_english_feed(client, orgs, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(orgs["member_a"])
    page = client.get(reverse("bookings:calendar_feeds")).content.decode()
    token = CalendarFeed.objects.get(organisation=orgs["a"]).token
    assert f"/kalender/{token}.ics?lang=en" in page
