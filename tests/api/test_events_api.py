"""The public events API: the calendar as JSON, with filters, paging, one event with its
programme and places left; never who comes, never the link to join online."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from batteriet.api import services as api_services
from batteriet.core import time as clock
from batteriet.events.models import Partner, Session, SessionSeat
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("api:event_list")


def detail(event_id) -> str:
    return reverse("api:event_detail", args=[event_id])


def keyed(user) -> Client:
    _token, secret = api_services.api_token_create(actor=user, name="Nettsiden")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def oslo(db):
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def bergen(db):
    return factories.CentreFactory(slug="bergen", name="Batteriet Bergen")


def days_ahead(days: int, hour: int = 18) -> dt.datetime:
    return dt.datetime.combine(
        clock.local_today() + dt.timedelta(days=days), dt.time(hour), tzinfo=clock.OSLO
    )


def test_the_schema_describes_both_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/events", "/api/v1/events/{event_id}"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert parameters == {"centre", "kind", "audience", "language", "from", "to", "limit", "offset"}
    detail_schema = schema["components"]["schemas"]["EventDetailOut"]["properties"]
    assert {"sessions", "places_left", "partners"} <= set(detail_schema)
    assert "online_link" not in json.dumps(schema)
    assert "registrations" not in json.dumps(schema["components"]["schemas"]["EventDetailOut"])


def test_anyone_sees_published_events_from_today_in_time_order(client, oslo):
    factories.EventFactory(
        title="Senere", starts_at=days_ahead(20), ends_at=days_ahead(20, 21), centres=[oslo]
    )
    factories.EventFactory(title="Snart", starts_at=days_ahead(2), ends_at=days_ahead(2, 21))
    factories.EventFactory(title="Forbi", starts_at=days_ahead(-3), ends_at=days_ahead(-3, 21))
    factories.EventFactory(title="Upublisert", is_published=False)
    factories.EventFactory(title="Batterisamling", kind="staff_gathering", audience="staff")
    assert titles(client.get(LIST)) == ["Snart", "Senere"]
    assert client.get(LIST)["Content-Type"].startswith("application/json")


def test_staff_with_a_key_or_session_also_see_staff_gatherings(client, oslo):
    factories.EventFactory(title="Batterisamling", kind="staff_gathering", audience="staff")
    adviser = factories.staff(oslo)
    assert titles(keyed(adviser).get(LIST)) == ["Batterisamling"]
    client.force_login(adviser)
    assert titles(client.get(LIST)) == ["Batterisamling"]
    assert titles(keyed(factories.UserFactory()).get(LIST)) == []


def test_an_unknown_key_is_refused_even_here():
    response = Client(headers={"Authorization": "Bearer ukjent"}).get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_filters(client, oslo, bergen):
    factories.EventFactory(title="Oslo-kurs", centres=[oslo], language="nb")
    factories.EventFactory(title="Bergen-høring", kind="hearing", centres=[bergen], language="nb_en")
    factories.EventFactory(
        title="Medlemssamling", kind="member_gathering", audience="members", centres=[oslo], language="en"
    )
    factories.EventFactory(
        title="Vår", starts_at=days_ahead(60), ends_at=days_ahead(60, 21), kind="conference", centres=[]
    )
    assert titles(client.get(LIST, {"centre": "oslo"})) == ["Oslo-kurs", "Medlemssamling"]
    assert titles(client.get(LIST, {"kind": "hearing"})) == ["Bergen-høring"]
    assert titles(client.get(LIST, {"audience": "members"})) == ["Medlemssamling"]
    assert titles(client.get(LIST, {"language": "en"})) == ["Bergen-høring", "Medlemssamling"]
    far = (clock.local_today() + dt.timedelta(days=59)).isoformat()
    assert titles(client.get(LIST, {"from": far})) == ["Vår"]
    assert "Vår" not in titles(client.get(LIST, {"to": far}))
    assert titles(client.get(LIST, {"audience": "staff"})) == []


def test_paging(client):
    for day in range(1, 8):
        factories.EventFactory(title=f"Dag {day}", starts_at=days_ahead(day), ends_at=days_ahead(day, 21))
    first = client.get(LIST, {"limit": 3}).json()
    assert (first["count"], first["limit"], first["offset"]) == (7, 3, 0)
    assert [item["title"] for item in first["items"]] == ["Dag 1", "Dag 2", "Dag 3"]
    assert titles(client.get(LIST, {"limit": 3, "offset": 6})) == ["Dag 7"]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"kind": "party"}, "kind", "invalid_input"),
        ({"audience": "everyone"}, "audience", "invalid_input"),
        ({"language": "sv"}, "language", "invalid_input"),
        ({"centre": "finnes-ikke"}, "centre", "unknown_centre"),
        ({"centre": "x" * 20_000}, "centre", "invalid_input"),
        ({"centre": "<script>alert(1)</script>"}, "centre", "unknown_centre"),
        ({"kind": "course\x00"}, "kind", "invalid_input"),
        ({"from": "2026-02-30"}, "from", "invalid_input"),
        ({"from": "0000-01-01"}, "from", "invalid_input"),
        ({"to": "99999-01-01"}, "to", "invalid_input"),
        ({"from": "1999-12-31"}, "from", "invalid_input"),
        ({"from": "2030-05-02", "to": "2030-05-01"}, "to", "range_reversed"),
        ({"limit": "0"}, "limit", "invalid_input"),
        ({"limit": "201"}, "limit", "invalid_input"),
        ({"limit": "ti"}, "limit", "invalid_input"),
        ({"offset": "-1"}, "offset", "invalid_input"),
        ({"offset": str(10**30)}, "offset", "invalid_input"),
    ],
)
def test_bad_filters_get_a_clear_422_in_the_one_shape(client, oslo, query, field, code):
    response = client.get(LIST, query)
    assert response.status_code == 422, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"] and set(body) >= {"code", "message", "field", "errors"}
    if code != "invalid_input":
        assert body["errors"] == [{"field": field, "message": body["message"]}]


def test_places_left_and_the_programme(client, oslo):
    event = factories.EventFactory(title="Makt og muligheter", kind="conference", capacity=3, centres=[])
    for status in ("confirmed", "offered", "waiting", "cancelled"):
        factories.registration_row(
            event, factories.UserFactory(), status=status, offer_expires_at=clock.now()
        )
    plenary = Session.objects.create(
        event=event,
        title="Åpning",
        starts_at=event.starts_at,
        ends_at=event.starts_at + dt.timedelta(hours=1),
    )
    parallel = Session.objects.create(
        event=event,
        title="Verksted A",
        starts_at=event.starts_at + dt.timedelta(hours=1),
        ends_at=event.starts_at + dt.timedelta(hours=2),
        capacity=2,
        track="Spor 1",
        speakers="Kari Nordmann",
    )
    confirmed = event.registrations.get(status="confirmed")
    SessionSeat.objects.create(registration=confirmed, session=parallel)
    SessionSeat.objects.create(registration=event.registrations.get(status="cancelled"), session=parallel)
    Partner.objects.create(
        event=event, organisation=factories.OrganisationFactory(name="Velferdsalliansen"), role="chair"
    )

    (item,) = client.get(LIST).json()["items"]
    assert (item["capacity"], item["places_left"], item["centres"]) == (3, 1, [])
    body = client.get(detail(event.pk)).json()
    assert body["places_left"] == 1
    assert [(s["title"], s["capacity"], s["places_left"]) for s in body["sessions"]] == [
        (plenary.title, None, None),
        ("Verksted A", 2, 1),
    ]
    assert body["sessions"][1]["track"] == "Spor 1"
    (partner,) = body["partners"]
    assert (partner["organisation"], partner["role"]) == ("Velferdsalliansen", "chair")
    assert partner["role_label"]


def test_full_events_say_0_places_left_and_no_limit_says_null(client):
    full = factories.EventFactory(title="Fullt", capacity=1)
    factories.registration_row(full, factories.UserFactory())
    factories.EventFactory(title="Åpent", capacity=None)
    items = {item["title"]: item for item in client.get(LIST).json()["items"]}
    assert items["Fullt"]["places_left"] == 0
    assert items["Åpent"]["places_left"] is None


def test_never_who_comes_nor_the_online_link(client, oslo):
    event = factories.EventFactory(
        place_kind="online", venue="", online_link="https://møte.example/hemmelig-rom", centres=[oslo]
    )
    person = factories.UserFactory(full_name="Hemmelig Deltaker", email="deltaker@example.org")
    factories.registration_row(event, person)
    factories.registration_row(
        event, name="Navn Uten Konto", organisation=factories.OrganisationFactory(name="Foreningen X")
    )
    adviser = factories.staff(oslo)
    for response in (client.get(LIST), client.get(detail(event.pk)), keyed(adviser).get(detail(event.pk))):
        body = response.content.decode()
        assert response.status_code == 200
        for secret in (
            "hemmelig-rom",
            "Hemmelig Deltaker",
            "deltaker@example.org",
            "Navn Uten Konto",
            "Foreningen X",
        ):
            assert secret not in body
    assert client.get(detail(event.pk)).json()["place_kind"] == "online"


def test_hidden_events_answer_404_like_missing_ones(client, oslo, bergen):
    unpublished = factories.EventFactory(is_published=False, centres=[oslo])
    staff_only = factories.EventFactory(kind="staff_gathering", audience="staff", centres=[oslo])
    missing = client.get(detail(999_999))
    assert missing.status_code == 404
    for event in (unpublished, staff_only):
        response = client.get(detail(event.pk))
        assert (response.status_code, response.json()) == (404, missing.json())
    # Organisers read their unpublished event; staff of another centre do not.
    assert keyed(factories.staff(oslo)).get(detail(unpublished.pk)).status_code == 200
    assert keyed(factories.staff(bergen)).get(detail(unpublished.pk)).status_code == 404
    assert keyed(factories.staff(bergen)).get(detail(staff_only.pk)).status_code == 200
    assert keyed(factories.UserFactory()).get(detail(staff_only.pk)).status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/events/0", "/api/v1/events/-1", f"/api/v1/events/{2**64}", "/api/v1/events/abc"]
)
def test_odd_ids_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_only_get(client):
    event = factories.EventFactory()
    assert client.post(LIST, {}).status_code == 405
    assert client.delete(detail(event.pk)).status_code == 405


def _more(count: int, centres) -> None:
    room = factories.ResourceFactory(centre=centres[0])
    for _ in range(count):
        event = factories.EventFactory(centres=centres, place_kind="centre_room", room=room, venue="")
        factories.registration_row(event, factories.UserFactory())
        session = Session.objects.create(
            event=event, title="Økt", starts_at=event.starts_at, ends_at=event.ends_at, capacity=5
        )
        SessionSeat.objects.create(registration=event.registrations.first(), session=session)
        Partner.objects.create(event=event, organisation=factories.OrganisationFactory(), role="media")


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_the_list_runs_a_fixed_number_of_queries(client, oslo, bergen, role, django_assert_max_num_queries):
    if role == "staff":
        client.force_login(factories.staff(oslo))
    _more(1, [oslo, bergen])
    with django_assert_max_num_queries(10) as captured:
        assert len(titles(client.get(LIST))) == 1
    few = len(captured)
    _more(15, [oslo, bergen])
    with django_assert_max_num_queries(few):
        assert len(titles(client.get(LIST))) == 16


def test_one_event_runs_a_fixed_number_of_queries(client, oslo, bergen, django_assert_max_num_queries):
    _more(1, [oslo, bergen])
    event = factories.EventFactory(centres=[oslo])
    with django_assert_max_num_queries(12) as captured:
        assert client.get(detail(event.pk)).status_code == 200
    few = len(captured)
    for index in range(10):
        session = Session.objects.create(
            event=event, title=f"Økt {index}", starts_at=event.starts_at, ends_at=event.ends_at, capacity=5
        )
        registration = factories.registration_row(event, factories.UserFactory())
        SessionSeat.objects.create(registration=registration, session=session)
        Partner.objects.create(event=event, organisation=factories.OrganisationFactory(), role="speakers")
    event.centres.add(bergen)
    with django_assert_max_num_queries(few):
        body = client.get(detail(event.pk)).json()
    assert len(body["sessions"]) == 10 and len(body["partners"]) == 10
