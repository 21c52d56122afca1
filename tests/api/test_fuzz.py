"""Whatever a program sends, the API answers with JSON and never with a server error."""

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from batteriet.api import services
from tests import factories

pytestmark = pytest.mark.django_db

fuzz_settings = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

moments = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["2027-03-02T10:00:00+01:00", "2027-03-28T02:30:00+01:00", "24:00", "Z", ""]),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, -1, 2**31, 2**63, 2**64, 10**100]),
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(max_size=600),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
payloads = st.fixed_dictionaries(
    {},
    optional={
        "resource": st.one_of(numbers, junk),
        "organisation": st.one_of(numbers, junk),
        "starts_at": st.one_of(moments, junk),
        "ends_at": st.one_of(moments, junk),
        "purpose": st.one_of(st.text(max_size=600), junk),
        "expected_people": st.one_of(numbers, junk),
        "quantity": st.one_of(numbers, junk),
        "reason": st.one_of(st.text(max_size=2100), junk),
    },
)
bodies = st.one_of(
    payloads.map(lambda payload: json.dumps(payload).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
query_values = st.one_of(moments, st.text(max_size=30), numbers.map(str))
path_ids = st.one_of(numbers.map(str), st.text(min_size=1, max_size=12))


@pytest.fixture
def clients():
    scenario = factories.Scenario()
    keyed = {}
    for role in ("member_a1", "adviser_a", "coordinator"):
        _token, secret = services.api_token_create(actor=scenario.users()[role], name="Fuzz")
        keyed[role] = Client(headers={"Authorization": f"Bearer {secret}"})
    return scenario, keyed


def _check(response) -> None:
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.content[:500]
    if response.status_code != 405:  # a known address asked with the wrong method
        assert response["Content-Type"].startswith("application/json"), response.content[:200]


def _path(template: str, value: str) -> str:
    return "/api/v1/" + template.format(quote(value, safe=""))


@fuzz_settings
@given(body=bodies, role=st.sampled_from(["member_a1", "adviser_a", "coordinator"]), with_ids=st.booleans())
def test_creating_a_booking(clients, body, role, with_ids):
    scenario, keyed = clients
    if with_ids:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            payload.update(resource=scenario.room_a.pk, organisation=scenario.a1.pk)
            body = json.dumps(payload).encode()
    _check(keyed[role].post("/api/v1/bookings", body, content_type="application/json"))


@st.composite
def plausible_bookings(draw, scenario) -> dict:
    """Near-valid bookings, so the rules, conflicts and the database are reached too."""
    day = scenario.booking_a1.starts_at.astimezone(factories.clock.OSLO).date()
    hour = draw(st.one_of(st.integers(9, 14), st.integers(0, 23)))
    starts_at = factories.at(day, hour, draw(st.sampled_from([0, 15, 30, 59])))
    starts_at += dt.timedelta(days=draw(st.one_of(st.just(0), st.integers(-400, 400))))
    minutes = draw(st.one_of(st.sampled_from([60, 120]), st.integers(-120, 60 * 24 * 3)))
    zone = draw(st.sampled_from([factories.clock.OSLO, dt.UTC, dt.timezone(dt.timedelta(hours=14))]))
    return {
        "resource": draw(st.sampled_from([scenario.room_a.pk, scenario.room_a.pk, scenario.room_b.pk])),
        "organisation": draw(
            st.sampled_from([scenario.a1.pk, scenario.a1.pk, scenario.b1.pk, scenario.pending.pk])
        ),
        "starts_at": starts_at.astimezone(zone).isoformat(),
        "ends_at": (starts_at + dt.timedelta(minutes=minutes)).astimezone(zone).isoformat(),
        "purpose": draw(st.one_of(st.just("Styremøte"), st.text(max_size=520))),
        "expected_people": draw(st.one_of(st.none(), st.integers(-3, 40_000))),
        "quantity": draw(st.one_of(st.just(1), st.integers(-2, 40_000))),
    }


@fuzz_settings
@given(data=st.data(), role=st.sampled_from(["member_a1", "adviser_a", "coordinator"]))
def test_creating_plausible_bookings(clients, data, role):
    scenario, keyed = clients
    payload = data.draw(plausible_bookings(scenario))
    _check(keyed[role].post("/api/v1/bookings", payload, content_type="application/json"))


@fuzz_settings
@given(
    body=bodies, booking_id=st.one_of(path_ids, st.just("")), role=st.sampled_from(["member_a1", "adviser_a"])
)
def test_cancelling_a_booking(clients, body, booking_id, role):
    scenario, keyed = clients
    booking_id = booking_id or str(scenario.booking_a1.pk)
    _check(keyed[role].post(_path("bookings/{}/cancel", booking_id), body, content_type="application/json"))


@fuzz_settings
@given(
    template=st.sampled_from(
        [
            "resources/{}",
            "resources/{}/availability",
            "centres/{}/resources",
            "centres/{}/availability",
            "bookings/{}",
            "organisations/{}/bookings",
            "events/{}",
        ]
    ),
    value=path_ids,
    query=st.dictionaries(st.sampled_from(["from", "to", "limit", "offset", "x"]), query_values, max_size=4),
)
def test_reading(clients, template, value, query):
    _scenario, keyed = clients
    _check(keyed["member_a1"].get(_path(template, value), query))


@fuzz_settings
@given(
    template=st.sampled_from(
        ["resources/{}/availability", "centres/{}/availability", "organisations/{}/bookings"]
    ),
    query=st.dictionaries(st.sampled_from(["from", "to", "limit", "offset"]), query_values, max_size=4),
)
def test_reading_real_things_with_odd_queries(clients, template, query):
    scenario, keyed = clients
    value = {
        "resources/{}/availability": str(scenario.room_a.pk),
        "centres/{}/availability": scenario.centre_a.slug,
        "organisations/{}/bookings": str(scenario.a1.pk),
    }[template]
    _check(keyed["coordinator"].get(_path(template, value), query))


@fuzz_settings
@given(
    query=st.dictionaries(
        st.sampled_from(["centre", "kind", "audience", "language", "from", "to", "limit", "offset", "x"]),
        st.one_of(query_values, st.sampled_from(["senter-a", "course", "staff", "nb_en", "en"])),
        max_size=5,
    ),
    role=st.sampled_from(["anonymous", "member_a1", "coordinator"]),
)
def test_reading_events_with_odd_queries(clients, query, role):
    scenario, keyed = clients
    factories.EventFactory(centres=[scenario.centre_a])
    client = Client() if role == "anonymous" else keyed[role]
    _check(client.get("/api/v1/events", query))


@fuzz_settings
@given(header=st.text(max_size=80), method=st.sampled_from(["get", "post"]))
def test_odd_authorization_headers(clients, header, method):
    try:
        header.encode("latin-1")
    except UnicodeEncodeError:
        header = header.encode("utf-8", "surrogatepass").decode("latin-1")
    client = Client(headers={"Authorization": header})
    _check(getattr(client, method)("/api/v1/centres"))
