"""The public calendar (list and month) and an event's page: what shows, for whom, and bad input."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.events.models import Audience, Event, Partner, Session, SessionSeat
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"
CALENDAR = reverse("events:calendar")


def _month(year: int, month: int) -> str:
    return reverse("events:month", args=[year, month])


def _detail(event) -> str:
    return reverse("events:detail", args=[event.pk])


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.OSLO)


def _in(days: int) -> dt.datetime:
    return clock.now().replace(microsecond=0) + dt.timedelta(days=days)


def _fill(event, count: int) -> None:
    for _ in range(count):
        factories.registration_row(event, factories.UserFactory())


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English, so the tests read the msgids (Bokmål comes from translations)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def oslo():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def bergen():
    return factories.CentreFactory(slug="vest", name="Batteriet Vest")


# --- The list -------------------------------------------------------------------------
def test_the_list_shows_coming_events_with_their_facts(client, oslo):
    room = factories.ResourceFactory(centre=oslo, name="Store sal")
    event = factories.EventFactory(
        title="Styrearbeid",
        centres=[oslo],
        place_kind="centre_room",
        room=room,
        venue="",
        capacity=10,
        starts_at=_in(10),
    )
    _fill(event, 7)
    national = factories.EventFactory(title="Nasjonal samling", capacity=None, starts_at=_in(20))
    factories.EventFactory(title="Det var i fjor", starts_at=_in(-300))
    body = client.get(CALENDAR).content.decode()
    assert "Styrearbeid" in body and "Nasjonal samling" in body
    assert "Det var i fjor" not in body
    assert "Store sal, Batteriet Oslo" in body
    assert "3 places left" in body
    assert "National" in body
    assert reverse("events:detail", args=[national.pk]) in body
    assert body.index("Styrearbeid") < body.index("Nasjonal samling")


def test_a_full_event_says_waiting_list_and_one_without_limit_says_nothing_about_places(client):
    full = factories.EventFactory(title="Fullt kurs", capacity=2)
    _fill(full, 2)
    factories.EventFactory(title="Åpent kurs", capacity=None)
    body = client.get(CALENDAR).content.decode()
    assert "Full – waiting list" in body
    assert "places left" not in body and "place left" not in body


def test_online_events_never_show_their_link_in_the_list(client):
    factories.EventFactory(place_kind="online", venue="", online_link="https://meet.example/hemmelig")
    body = client.get(CALENDAR).content.decode()
    assert "Online" in body
    assert "meet.example" not in body


def test_the_registration_state_is_shown(client):
    factories.EventFactory(title="Snart", registration_opens_at=_in(3))
    factories.EventFactory(title="Stengt", registration_opens_at=_in(-3), registration_closes_at=_in(-1))
    body = client.get(CALENDAR).content.decode()
    assert "Registration opens" in body
    assert "Registration has closed" in body


def test_filters_by_centre_kind_audience_language_and_dates(client, oslo, bergen):
    course = factories.EventFactory(title="Kurs Oslo", centres=[oslo], starts_at=_in(5))
    hearing = factories.EventFactory(
        title="Høring Vest", centres=[bergen], kind="hearing", language="en", starts_at=_in(40)
    )
    members = factories.EventFactory(title="Medlemssamling", audience=Audience.MEMBERS, starts_at=_in(60))

    def titles(**query) -> set[str]:
        body = client.get(CALENDAR, query).content.decode()
        return {event.title for event in (course, hearing, members) if event.title in body}

    assert titles() == {"Kurs Oslo", "Høring Vest", "Medlemssamling"}
    assert titles(senter="oslo") == {"Kurs Oslo"}
    assert titles(type="hearing") == {"Høring Vest"}
    assert titles(publikum="members") == {"Medlemssamling"}
    assert titles(sprak="en") == {"Høring Vest"}
    day = hearing.starts_at.astimezone(clock.OSLO).date()
    assert titles(fra=day.isoformat(), til=day.isoformat()) == {"Høring Vest"}
    assert titles(fra=(day + dt.timedelta(days=1)).isoformat()) == {"Medlemssamling"}


def test_the_list_keeps_the_filters_in_the_month_link_and_the_pages(client, oslo):
    for n in range(55):
        factories.EventFactory(centres=[oslo], starts_at=_in(2) + dt.timedelta(hours=n))
    body = client.get(CALENDAR, {"senter": "oslo"}).content.decode()
    assert "senter=oslo&amp;side=2" in body
    today = clock.local_today()
    assert f"{_month(today.year, today.month)}?senter=oslo" in body
    second = client.get(CALENDAR, {"senter": "oslo", "side": "2"}).content.decode()
    assert "Page 2 of 2" in second


def test_staff_gatherings_and_drafts_stay_out_of_the_list_for_others(client, oslo):
    factories.EventFactory(title="Batterisamling", audience=Audience.STAFF, kind="staff_gathering")
    factories.EventFactory(title="Utkast", is_published=False, centres=[oslo])
    assert "Batterisamling" not in client.get(CALENDAR).content.decode()
    client.force_login(factories.staff(oslo, StaffRole.ADVISER))
    body = client.get(CALENDAR).content.decode()
    assert "Batterisamling" in body
    assert "Utkast" not in body


def test_only_staff_can_filter_on_staff_gatherings(client, oslo):
    factories.EventFactory(title="Batterisamling", audience=Audience.STAFF)
    response = client.get(CALENDAR, {"publikum": "staff"})
    assert "Batterisamling" not in response.content.decode()
    assert "Choose one of the choices in the list." in response.content.decode()
    client.force_login(factories.staff(oslo))
    assert "Batterisamling" in client.get(CALENDAR, {"publikum": "staff"}).content.decode()


def test_the_empty_calendar_has_a_friendly_text(client):
    assert "There are no events coming up right now" in client.get(CALENDAR).content.decode()
    assert "No events match these filters" in client.get(CALENDAR, {"type": "hearing"}).content.decode()


@pytest.mark.parametrize(
    "query, field_error",
    [
        ({"fra": "2026-02-30"}, "Write a date like 2027-01-31."),
        ({"til": "31.02.2026"}, "Write a date like 2027-01-31."),
        ({"fra": "0001-01-01"}, "Choose a date between the years"),
        ({"fra": "9999-12-31"}, "Choose a date between the years"),
        ({"fra": "2020-05-02", "til": "2020-05-01"}, "The last date must be on or after the first date."),
        ({"fra": LONG}, "Write a date like 2027-01-31."),
        ({"fra": "2027-01-01\x00"}, "Write a date like 2027-01-31."),
        ({"senter": LONG}, "Choose one of the choices in the list."),
        ({"senter": SCRIPT}, "Choose one of the choices in the list."),
        ({"type": "\x00"}, "Choose one of the choices in the list."),
        ({"publikum": "everyone"}, "Choose one of the choices in the list."),
        ({"sprak": "nb_en"}, "Choose one of the choices in the list."),
        ({"sprak": "99999"}, "Choose one of the choices in the list."),
    ],
)
def test_bad_filters_get_a_message_by_the_field_and_the_rest_still_works(client, query, field_error):
    factories.EventFactory(title="Kommer snart", starts_at=_in(3))
    before = Event.objects.count()
    response = client.get(CALENDAR, query)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    assert field_error in body
    assert "Kommer snart" in body
    assert SCRIPT not in body
    assert Event.objects.count() == before


@pytest.mark.parametrize("side", ["0", "-1", "99999", LONG, "\x00", SCRIPT])
def test_a_bad_page_number_shows_a_page(client, side):
    factories.EventFactory(title="Kommer snart")
    response = client.get(CALENDAR, {"side": side})
    assert response.status_code == 200
    assert "Kommer snart" in response.content.decode()


def test_the_list_costs_the_same_queries_for_many_events(client, django_assert_max_num_queries, oslo, bergen):
    def add(count: int) -> None:
        for n in range(count):
            room = factories.ResourceFactory(centre=oslo)
            event = factories.EventFactory(
                centres=[oslo, bergen], place_kind="centre_room", room=room, venue="", starts_at=_in(3 + n)
            )
            _fill(event, 2)

    client.force_login(factories.member(factories.OrganisationFactory(home_centre=oslo)))
    add(1)
    with django_assert_max_num_queries(9) as few:
        client.get(CALENDAR, {"senter": "oslo"})
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(CALENDAR, {"senter": "oslo"}).content.decode()
    assert "18 places left" in body


# --- The month ------------------------------------------------------------------------
def test_a_month_is_a_table_of_weeks_from_monday_with_the_events_on_their_days(client):
    event = factories.EventFactory(
        title="Makt og muligheter",
        starts_at=_at(dt.date(2026, 3, 11), 10),
        ends_at=_at(dt.date(2026, 3, 12), 16),
    )
    factories.EventFactory(title="April-kurs", starts_at=_at(dt.date(2026, 4, 2), 18))
    body = client.get(_month(2026, 3)).content.decode()
    assert body.count("<tr>") == 7  # the header and six weeks (1 March 2026 is a Sunday, 31st a Tuesday)
    assert body.count(f'href="{_detail(event)}"') == 3  # the 11th, the 12th and the list below
    assert "April-kurs" not in body
    header = body.split("<thead>")[1].split("</thead>")[0]
    assert header.index("Monday") < header.index("Tuesday") < header.index("Sunday")
    assert _month(2026, 2) in body and _month(2026, 4) in body


def test_a_month_starting_on_sunday_has_six_weeks_and_the_first_in_the_last_column(client):
    # February 2026 starts on a Sunday: 1 Feb is the seventh cell of the first row.
    factories.EventFactory(title="Søndagstreff", starts_at=_at(dt.date(2026, 2, 1), 12))
    body = client.get(_month(2026, 2)).content.decode()
    first_week = body.split("<tbody>")[1].split("</tr>")[0]
    assert first_week.count("<td></td>") == 6
    assert "Søndagstreff" in first_week
    # November 2026 also starts on a Sunday and needs six rows.
    assert client.get(_month(2026, 11)).content.decode().count("<tr>") == 7


@pytest.mark.parametrize(
    "year, month, day",
    [(2026, 3, dt.date(2026, 3, 29)), (2026, 10, dt.date(2026, 10, 25))],
    ids=["spring-forward", "fall-back"],
)
def test_events_on_the_days_the_clocks_change_land_on_that_day(client, year, month, day):
    late = factories.EventFactory(title="Kveld", starts_at=_at(day, 23), ends_at=_at(day, 23, 45))
    early = factories.EventFactory(title="Natt", starts_at=_at(day, 0, 30), ends_at=_at(day, 4))
    body = client.get(_month(year, month)).content.decode()
    cell = body.split(f'<span class="month-day">{day.day}<')[1].split("</td>")[0]
    assert "Kveld" in cell and "Natt" in cell
    assert body.count(f'href="{_detail(late)}"') == 2 and body.count(f'href="{_detail(early)}"') == 2


def test_the_month_keeps_the_filters_in_its_links(client, oslo, bergen):
    factories.EventFactory(title="Oslo-kurs", centres=[oslo], starts_at=_at(dt.date(2026, 5, 5), 18))
    factories.EventFactory(title="Vest-kurs", centres=[bergen], starts_at=_at(dt.date(2026, 5, 6), 18))
    body = client.get(_month(2026, 5), {"senter": "oslo", "type": "course"}).content.decode()
    assert "Oslo-kurs" in body and "Vest-kurs" not in body
    assert f"{_month(2026, 4)}?senter=oslo&amp;type=course" in body
    assert f"{_month(2026, 6)}?senter=oslo&amp;type=course" in body


def test_a_month_without_events_says_so(client):
    assert "There are no events this month" in client.get(_month(2031, 7)).content.decode()


@pytest.mark.parametrize("year, month", [(0, 1), (99999, 1), (2026, 0), (2026, 13), (1999, 12), (2101, 1)])
def test_months_out_of_range_are_not_found(client, year, month):
    assert client.get(_month(year, month)).status_code == 404


def test_the_first_and_last_month_have_no_link_beyond(client):
    assert _month(1999, 12) not in client.get(_month(2000, 1)).content.decode()
    assert "/2101/" not in client.get(_month(2100, 12)).content.decode()


@pytest.mark.parametrize(
    "query", [{"senter": LONG}, {"type": "\x00"}, {"sprak": SCRIPT}, {"fra": "2026-02-30"}]
)
def test_bad_filters_on_the_month_never_break_it(client, query):
    response = client.get(_month(2026, 5), query)
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


def test_the_month_costs_the_same_queries_for_many_events(client, django_assert_max_num_queries, oslo):
    def add(count: int) -> None:
        for n in range(count):
            factories.EventFactory(centres=[oslo], starts_at=_at(dt.date(2026, 9, 1 + n % 28), 10))

    add(1)
    with django_assert_max_num_queries(6) as few:
        client.get(_month(2026, 9))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_month(2026, 9))


# --- An event's page ------------------------------------------------------------------
def test_the_event_page_shows_what_when_where_who_and_a_register_button(client, oslo):
    room = factories.ResourceFactory(centre=oslo, name="Store sal")
    event = factories.EventFactory(
        title="Makt og muligheter",
        kind="conference",
        description="To dager om makt.",
        centres=[oslo],
        place_kind="centre_room",
        room=room,
        venue="",
        capacity=50,
    )
    partner = factories.OrganisationFactory(name="Samarbeidsforum")
    Partner.objects.create(event=event, organisation=partner, role="co_organiser")
    body = client.get(_detail(event)).content.decode()
    assert "Makt og muligheter" in body and "To dager om makt." in body
    assert "Store sal, Batteriet Oslo, Storgata 1, 0155 Oslo" in body
    assert "Samarbeidsforum: Co-organiser" in body
    assert "50 places left." in body
    assert f'href="{reverse("events:register", args=[event.pk])}"' in body


def test_the_event_page_never_shows_the_online_link(client):
    event = factories.EventFactory(place_kind="online", venue="", online_link="https://meet.example/hemmelig")
    body = client.get(_detail(event)).content.decode()
    assert "Online: the link is shown to registered people" in body
    assert "meet.example" not in body


def test_the_programme_is_by_day_with_tracks_speakers_and_places_in_sessions(client):
    day = clock.local_today() + dt.timedelta(days=20)
    event = factories.EventFactory(starts_at=_at(day, 9), ends_at=_at(day + dt.timedelta(days=1), 16))
    Session.objects.create(event=event, title="Åpning", starts_at=_at(day, 9), ends_at=_at(day, 10))
    parallel = Session.objects.create(
        event=event,
        title="Verksted A",
        starts_at=_at(day, 10),
        ends_at=_at(day, 12),
        track="Spor 1",
        speakers="Kari og Ola",
        capacity=3,
    )
    full = Session.objects.create(
        event=event,
        title="Verksted B",
        starts_at=_at(day, 10),
        ends_at=_at(day, 12),
        track="Spor 2",
        capacity=1,
    )
    Session.objects.create(
        event=event,
        title="Dag to",
        starts_at=_at(day + dt.timedelta(days=1), 9),
        ends_at=_at(day + dt.timedelta(days=1), 11),
    )
    first = factories.registration_row(event, factories.UserFactory())
    SessionSeat.objects.create(registration=first, session=parallel)
    SessionSeat.objects.create(registration=first, session=full)
    gone = factories.registration_row(event, factories.UserFactory(), status="cancelled")
    SessionSeat.objects.create(registration=gone, session=parallel)
    body = client.get(_detail(event)).content.decode()
    assert body.index("Åpning") < body.index("Verksted A") < body.index("Dag to")
    assert body.count('<h3 class="ds-heading" data-size="xs">') == 2
    assert "track: Spor 1" in body and "With Kari og Ola" in body
    assert "2 places left in this session" in body
    assert "This session is full" in body


def test_a_full_event_offers_the_waiting_list(client):
    event = factories.EventFactory(capacity=1)
    _fill(event, 1)
    body = client.get(_detail(event)).content.decode()
    assert "Full: you can join the waiting list" in body
    assert "Join the waiting list</a>" in body


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"registration_opens_at": "later"}, "Registration has not opened yet"),
        ({"registration_closes_at": "past"}, "Registration for this event has closed."),
        ({"starts_at": "past"}, "The event has already started"),
    ],
)
def test_the_page_says_why_one_cannot_register(client, fields, reason):
    values = {"later": _in(2), "past": _in(-1)}
    data = {key: values[value] for key, value in fields.items()}
    if "registration_closes_at" in data:
        data["registration_opens_at"] = _in(-5)
    if "starts_at" in data:
        data["ends_at"] = _in(1)
    event = factories.EventFactory(**data)
    body = client.get(_detail(event)).content.decode()
    assert reason in body
    assert 'class="ds-button"' not in body.split("register-heading")[1]


def test_members_only_events_ask_to_log_in_or_say_who_they_are_for(client, oslo):
    event = factories.EventFactory(audience=Audience.MEMBERS)
    assert "Log in to register" in client.get(_detail(event)).content.decode()
    client.force_login(factories.UserFactory())
    assert "This event is for people in member organisations." in client.get(_detail(event)).content.decode()
    client.force_login(
        factories.member(factories.OrganisationFactory(home_centre=oslo), MembershipRole.MEMBER)
    )
    body = client.get(_detail(event)).content.decode()
    assert "This event is for people in member organisations." not in body


def test_someone_registered_sees_their_status_instead_of_the_button(client):
    event = factories.EventFactory()
    person = factories.UserFactory()
    factories.registration_row(event, person, status="waiting")
    client.force_login(person)
    registration = factories.registration_row(event, factories.UserFactory())
    body = client.get(_detail(event)).content.decode()
    mine = person.event_registrations.get()
    assert "Your registration: On the waiting list." in body
    assert f'href="{reverse("events:registration", args=[mine.pk])}"' in body
    assert reverse("events:registration", args=[registration.pk]) not in body
    assert reverse("events:register", args=[event.pk]) not in body


def test_unpublished_events_are_found_only_by_their_organisers(client, oslo, bergen):
    event = factories.EventFactory(is_published=False, centres=[oslo])
    assert client.get(_detail(event)).status_code == 404
    client.force_login(factories.staff(bergen))
    assert client.get(_detail(event)).status_code == 404
    client.force_login(factories.staff(oslo))
    response = client.get(_detail(event))
    assert response.status_code == 200
    assert "Not published" in response.content.decode()
    assert reverse("events:staff_edit", args=[event.pk]) in response.content.decode()


def test_only_organisers_get_the_link_to_edit(client, oslo, bergen):
    event = factories.EventFactory(centres=[oslo])
    edit = reverse("events:staff_edit", args=[event.pk])
    assert edit not in client.get(_detail(event)).content.decode()
    client.force_login(factories.staff(bergen))
    assert edit not in client.get(_detail(event)).content.decode()
    client.force_login(factories.staff(oslo, StaffRole.LEAD))
    assert edit in client.get(_detail(event)).content.decode()


def test_staff_gatherings_are_not_found_by_others(client, oslo):
    event = factories.EventFactory(audience=Audience.STAFF, kind="staff_gathering")
    assert client.get(_detail(event)).status_code == 404
    client.force_login(factories.member(factories.OrganisationFactory(home_centre=oslo)))
    assert client.get(_detail(event)).status_code == 404
    client.force_login(factories.staff(None, StaffRole.NATIONAL_COORDINATOR))
    assert client.get(_detail(event)).status_code == 200


def test_a_missing_event_is_not_found(client):
    assert client.get(reverse("events:detail", args=[999_999])).status_code == 404


def test_user_text_is_escaped_on_the_event_page(client):
    event = factories.EventFactory(title=SCRIPT, description=SCRIPT, venue=SCRIPT)
    body = client.get(_detail(event)).content.decode()
    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


def test_the_event_page_costs_the_same_queries_with_many_sessions_and_partners(
    client, django_assert_max_num_queries, oslo
):
    day = clock.local_today() + dt.timedelta(days=20)

    def event_with(count: int):
        event = factories.EventFactory(centres=[oslo], starts_at=_at(day, 9), ends_at=_at(day, 20))
        for n in range(count):
            session = Session.objects.create(
                event=event,
                title=f"Økt {n}",
                starts_at=_at(day, 9 + n % 10),
                ends_at=_at(day, 10 + n % 10),
                capacity=5,
                track=f"Spor {n % 2}",
            )
            registration = factories.registration_row(event, factories.UserFactory())
            SessionSeat.objects.create(registration=registration, session=session)
            Partner.objects.create(event=event, organisation=factories.OrganisationFactory(), role="speakers")
        return event

    client.force_login(factories.member(factories.OrganisationFactory(home_centre=oslo)))
    one, ten = event_with(1), event_with(10)
    with django_assert_max_num_queries(12) as few:
        client.get(_detail(one))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(_detail(ten)).content.decode()
    assert "Økt 9" in body


def test_the_main_menu_links_to_the_calendar(client):
    body = client.get(reverse("core:home")).content.decode()
    assert f'href="{CALENDAR}"' in body


def test_the_calendar_links_to_the_feed_of_all_and_of_the_chosen_centre(client, oslo):
    body = client.get(CALENDAR).content.decode()
    assert reverse("events:feed_all") in body
    assert reverse("events:feed_centre", args=["oslo"]) not in body
    body = client.get(_month(2026, 5), {"senter": "oslo"}).content.decode()
    assert reverse("events:feed_centre", args=["oslo"]) in body
