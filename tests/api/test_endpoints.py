"""Every endpoint for every role, conflicts, error shapes, and query budgets.

Organisation A1 never sees B1's bookings: they answer 404, exactly like bookings that
do not exist.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from batteriet.api import services
from batteriet.api.models import ApiToken
from batteriet.bookings.models import Booking, BookingStatus, Occupancy
from batteriet.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "person", "member_a1", "contact_b1", "adviser_a", "adviser_b", "coordinator"]
MEMBERS_A1 = {"member_a1"}
STAFF_A = {"adviser_a", "coordinator"}
STAFF_B = {"adviser_b", "coordinator"}
LOGGED_IN = set(ROLES) - {"anonymous"}


@pytest.fixture
def scenario():
    return factories.Scenario()


def client_for(scenario, role: str, how: str = "key") -> Client:
    user = scenario.users()[role]
    if user is None:
        return Client()
    if how == "session":
        client = Client()
        client.force_login(user)
        return client
    _token, secret = services.api_token_create(actor=user, name=f"Test {role}")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def expect(ok=frozenset(), ok_status=200, rest=404) -> dict[str, int]:
    return {role: 401 if role == "anonymous" else ok_status if role in ok else rest for role in ROLES}


def _range(s) -> dict[str, str]:
    day = s.booking_a1.starts_at.date()
    return {"from": day.isoformat(), "to": (day + dt.timedelta(days=6)).isoformat()}


# (url name, label, path args, query, expected status per role)
GETS = [
    ("centre_list", "", lambda s: [], lambda s: {}, expect(LOGGED_IN)),
    ("centre_resources", "A", lambda s: [s.centre_a.slug], lambda s: {}, expect(LOGGED_IN)),
    ("centre_resources", "missing", lambda s: ["finnes-ikke"], lambda s: {}, expect()),
    ("resource_detail", "room A", lambda s: [s.room_a.pk], lambda s: {}, expect(LOGGED_IN)),
    ("resource_detail", "missing", lambda s: [999_999], lambda s: {}, expect()),
    ("resource_availability", "room A", lambda s: [s.room_a.pk], _range, expect(LOGGED_IN)),
    ("resource_availability", "missing", lambda s: [999_999], _range, expect()),
    ("centre_availability", "A", lambda s: [s.centre_a.slug], _range, expect(LOGGED_IN)),
    ("centre_availability", "missing", lambda s: ["finnes-ikke"], _range, expect()),
    ("booking_detail", "A1", lambda s: [s.booking_a1.pk], lambda s: {}, expect(MEMBERS_A1 | STAFF_A)),
    ("booking_detail", "B1", lambda s: [s.booking_b1.pk], lambda s: {}, expect({"contact_b1"} | STAFF_B)),
    ("booking_detail", "missing", lambda s: [999_999], lambda s: {}, expect()),
    ("organisation_bookings", "A1", lambda s: [s.a1.pk], lambda s: {}, expect(MEMBERS_A1 | STAFF_A)),
    ("organisation_bookings", "B1", lambda s: [s.b1.pk], lambda s: {}, expect({"contact_b1"} | STAFF_B)),
    ("organisation_bookings", "missing", lambda s: [999_999], lambda s: {}, expect()),
    # Events: public, no login needed; hidden events answer 404 like missing ones.
    ("event_list", "", lambda s: [], lambda s: {}, dict.fromkeys(ROLES, 200)),
    (
        "event_list",
        "centre A",
        lambda s: [],
        lambda s: {"centre": s.centre_a.slug},
        dict.fromkeys(ROLES, 200),
    ),
    ("event_detail", "open", lambda s: [_event(s.centre_a).pk], lambda s: {}, dict.fromkeys(ROLES, 200)),
    (
        "event_detail",
        "staff gathering",
        lambda s: [_event(s.centre_a, kind="staff_gathering", audience="staff").pk],
        lambda s: {},
        expect(STAFF_A | STAFF_B, rest=404) | {"anonymous": 404},
    ),
    (
        "event_detail",
        "unpublished at A",
        lambda s: [_event(s.centre_a, is_published=False).pk],
        lambda s: {},
        expect(STAFF_A, rest=404) | {"anonymous": 404},
    ),
    ("event_detail", "missing", lambda s: [999_999], lambda s: {}, dict.fromkeys(ROLES, 404)),
]


def _event(centre, **fields):
    return factories.EventFactory(centres=[centre], **fields)


def test_the_table_covers_every_endpoint():
    """A new endpoint fails here until it has rows in this file."""
    _prefix, resolver = get_resolver().namespace_dict["api"]
    names = {pattern.name for pattern in resolver.url_patterns} - {"openapi-json", "api-root", "not_found"}
    covered = {row[0] for row in GETS} | {"booking_create", "booking_cancel"}
    assert names == covered


@pytest.mark.parametrize("how", ["key", "session"])
@pytest.mark.parametrize("row", GETS, ids=lambda row: f"{row[0]}[{row[1]}]")
def test_get(scenario, row, how):
    name, _label, args, query, expected = row
    url = reverse(f"api:{name}", args=args(scenario))
    statuses = {}
    for role in ROLES:
        response = client_for(scenario, role, how).get(url, query(scenario))
        statuses[role] = response.status_code
        assert response["Content-Type"].startswith("application/json"), (role, url)
    assert statuses == expected


@pytest.mark.parametrize(
    "path", ["/api/v1/finnes-ikke", "/api/v1/resources/rom", "/api/v1/bookings/1/2/3", "/api/v1/resources/\n"]
)
def test_other_addresses_answer_404_in_the_same_shape(path):
    for method in ("get", "post", "delete"):
        response = getattr(Client(), method)(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_a_booking_of_another_organisation_answers_like_a_missing_one(scenario):
    client = client_for(scenario, "member_a1")
    real = client.get(reverse("api:booking_detail", args=[scenario.booking_b1.pk]))
    missing = client.get(reverse("api:booking_detail", args=[999_999]))
    assert (real.status_code, real.json()) == (missing.status_code, missing.json())
    real = client.get(reverse("api:organisation_bookings", args=[scenario.b1.pk]))
    missing = client.get(reverse("api:organisation_bookings", args=[999_999]))
    assert (real.status_code, real.json()) == (missing.status_code, missing.json())
    listed = client.get(reverse("api:organisation_bookings", args=[scenario.a1.pk])).json()
    assert [item["id"] for item in listed["items"]] == [scenario.booking_a1.pk]


def test_availability_names_no_organisation(scenario):
    body = (
        client_for(scenario, "contact_b1")
        .get(reverse("api:resource_availability", args=[scenario.room_a.pk]), _range(scenario))
        .json()
    )
    assert body["busy"] == [
        {
            "starts_at": scenario.booking_a1.starts_at.isoformat(),
            "ends_at": scenario.booking_a1.ends_at.isoformat(),
            "kind": "requested",
            "quantity": None,
        }
    ]
    text = str(body)
    assert scenario.a1.name not in text and "Styremøte" not in text


def test_staff_see_only_the_bookings_at_their_centres(scenario):
    """A1 also books at centre B: staff of B see that booking only, staff of A the rest."""
    room_b_open = factories.ResourceFactory(centre=scenario.centre_b, name="Salen B")
    day = scenario.booking_a1.starts_at.date()
    at_b = factories.booking_row(room_b_open, scenario.a1, factories.at(day, 12), factories.at(day, 13))
    factories.agreement(scenario.a1, scenario.centre_b)
    url = reverse("api:organisation_bookings", args=[scenario.a1.pk])
    ids = {
        role: [item["id"] for item in client_for(scenario, role).get(url).json()["items"]]
        for role in ("member_a1", "adviser_a", "adviser_b", "coordinator")
    }
    assert ids == {
        "member_a1": [scenario.booking_a1.pk, at_b.pk],
        "adviser_a": [scenario.booking_a1.pk],
        "adviser_b": [at_b.pk],
        "coordinator": [scenario.booking_a1.pk, at_b.pk],
    }


# --- Booking and cancelling, role by role ---------------------------------------------------
def _booking_payload(scenario, hour: int = 13, **changes) -> dict:
    day = scenario.booking_a1.starts_at.astimezone(factories.clock.OSLO).date()
    payload = {
        "resource": scenario.room_a.pk,
        "organisation": scenario.a1.pk,
        "starts_at": factories.at(day, hour).isoformat(),
        "ends_at": factories.at(day, hour + 1).isoformat(),
        "purpose": "Styremøte",
        "expected_people": 6,
    }
    payload.update(changes)
    return payload


def stored() -> dict:
    return {
        "bookings": list(Booking.objects.order_by("pk").values()),
        "occupancies": list(Occupancy.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.exclude(action__startswith="api_token.").count(),
    }


CREATE = expect(MEMBERS_A1 | STAFF_A, ok_status=201) | {"contact_b1": 404, "adviser_b": 404, "person": 404}


@pytest.mark.parametrize("role", ROLES)
def test_create_for_a1_at_centre_a(scenario, role):
    client = client_for(scenario, role)
    before = stored()
    response = client.post(
        reverse("api:booking_create"), _booking_payload(scenario), content_type="application/json"
    )
    assert response.status_code == CREATE[role], response.json()
    if response.status_code == 201:
        body = response.json()
        booking = Booking.objects.get(pk=body["id"])
        assert booking.organisation == scenario.a1
        if role in MEMBERS_A1:
            assert body["status"] == BookingStatus.REQUESTED  # room A needs approval
        assert body["organisation"] == {"id": scenario.a1.pk, "name": scenario.a1.name}
        assert body["starts_at"] == _booking_payload(scenario)["starts_at"]
    else:
        assert stored() == before


def test_staff_of_another_centre_who_can_see_the_organisation_are_refused_with_403(scenario):
    """Staff of B see A1 once it has an agreement at B, but cannot book room A for it."""
    factories.agreement(scenario.a1, scenario.centre_b)
    before = stored()
    response = client_for(scenario, "adviser_b").post(
        reverse("api:booking_create"), _booking_payload(scenario), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert stored() == before


CANCEL = expect(MEMBERS_A1 | STAFF_A)


@pytest.mark.parametrize("role", ROLES)
def test_cancel_a1s_booking(scenario, role):
    client = client_for(scenario, role)
    before = stored()
    response = client.post(
        reverse("api:booking_cancel", args=[scenario.booking_a1.pk]),
        {"reason": "Vi er syke."},
        content_type="application/json",
    )
    assert response.status_code == CANCEL[role]
    scenario.booking_a1.refresh_from_db()
    if response.status_code == 200:
        assert response.json()["status"] == BookingStatus.CANCELLED
        assert scenario.booking_a1.status == BookingStatus.CANCELLED
        assert scenario.booking_a1.cancel_reason == "Vi er syke."
    else:
        assert scenario.booking_a1.status == BookingStatus.REQUESTED
        assert stored() == before


def test_cancel_needs_no_body_and_twice_is_a_rule_violation(scenario):
    client = client_for(scenario, "member_a1")
    url = reverse("api:booking_cancel", args=[scenario.booking_a1.pk])
    assert client.post(url, content_type="application/json").status_code == 200  # curl -X POST
    response = client.post(url, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "booking_wrong_state"


# --- Conflicts and errors -------------------------------------------------------------------
def test_a_clash_is_409_with_the_clashing_interval(room, booker, day):
    organisation, contact = booker
    other, other_contact = factories.booker(room.centre)
    url = reverse("api:booking_create")
    first = {
        "resource": room.pk,
        "organisation": organisation.pk,
        "starts_at": factories.at(day, 10).isoformat(),
        "ends_at": factories.at(day, 12).isoformat(),
        "purpose": "Styremøte",
    }
    assert client_for_user(contact).post(url, first, content_type="application/json").status_code == 201
    before = stored()
    second = first | {
        "organisation": other.pk,
        "starts_at": factories.at(day, 11).isoformat(),
        "ends_at": factories.at(day, 13).isoformat(),
    }
    response = client_for_user(other_contact).post(url, second, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "booking_conflict"
    assert body["clash"] == {"starts_at": first["starts_at"], "ends_at": first["ends_at"]}
    assert body["message"]
    assert stored() == before
    touching = second | {"starts_at": factories.at(day, 12).isoformat()}
    assert (
        client_for_user(other_contact).post(url, touching, content_type="application/json").status_code == 201
    )


def client_for_user(user) -> Client:
    _token, secret = services.api_token_create(actor=user, name=f"Key {ApiToken.objects.count()}")
    return Client(headers={"Authorization": f"Bearer {secret}"})


BAD_PAYLOADS = [
    # (label, change, status, code, field)
    ("missing purpose", {"purpose": None}, 422, "invalid_input", "purpose"),
    ("empty purpose", {"purpose": "  "}, 422, "purpose_required", "purpose"),
    ("purpose too long", {"purpose": "x" * 501}, 422, "invalid_input", "purpose"),
    ("NUL in purpose", {"purpose": "Møte\x00"}, 422, "invalid_input", "purpose"),
    ("lone surrogate", {"purpose": "Møte \ud800"}, 422, "invalid_input", "purpose"),
    ("naive start", {"starts_at": "2027-03-02T10:00:00"}, 422, "invalid_input", "starts_at"),
    ("date only", {"starts_at": "2027-03-02"}, 422, "invalid_input", "starts_at"),
    ("year 1", {"starts_at": "0001-01-01T00:00:00+14:00"}, 422, "invalid_input", "starts_at"),
    ("year 9999", {"ends_at": "9999-12-31T23:59:59-12:00"}, 422, "invalid_input", "ends_at"),
    ("text as time", {"ends_at": "i morgen"}, 422, "invalid_input", "ends_at"),
    ("resource as text", {"resource": "rom"}, 422, "invalid_input", "resource"),
    ("huge resource", {"resource": 10**30}, 422, "invalid_input", "resource"),
    ("huge organisation", {"organisation": 2**63}, 422, "invalid_input", "organisation"),
    ("negative people", {"expected_people": -1}, 422, "invalid_input", "expected_people"),
    ("huge people", {"expected_people": 10**6}, 422, "invalid_input", "expected_people"),
    ("float quantity", {"quantity": 1.5}, 422, "invalid_input", "quantity"),
    ("list as people", {"expected_people": [1]}, 422, "invalid_input", "expected_people"),
    ("over capacity", {"expected_people": 500}, 422, "over_capacity", "expected_people"),
    ("ends before start", {"hour_swap": True}, 422, "ends_before_start", "ends_at"),
    ("quantity of a room", {"quantity": 2}, 422, "invalid_quantity", "quantity"),
    ("missing resource", {"resource": 999_999}, 404, "not_found", None),
]


@pytest.mark.parametrize(
    ("label", "change", "status", "code", "field"), BAD_PAYLOADS, ids=[p[0] for p in BAD_PAYLOADS]
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(scenario, label, change, status, code, field):
    payload = _booking_payload(scenario)
    change = dict(change)
    if change.pop("hour_swap", False):
        payload["starts_at"], payload["ends_at"] = payload["ends_at"], payload["starts_at"]
    for key, value in change.items():
        if value is None:
            payload.pop(key)
        else:
            payload[key] = value
    client = client_for(scenario, "member_a1")
    before = stored()
    response = client.post(reverse("api:booking_create"), payload, content_type="application/json")
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["field"] == field
    assert body["message"]
    if field:
        assert [error["field"] for error in body["errors"]] == [field]
        assert body["errors"][0]["message"]
    assert stored() == before


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"not json",
        b"[1, 2]",
        b"null",
        b"42",
        b'{"resource": NaN}',
        b"[" * 100_000,
        b'{"a": "\\ud800"}',
    ],
)
def test_a_body_that_is_not_a_booking_is_422(scenario, body):
    before = stored()
    response = client_for(scenario, "member_a1").post(
        reverse("api:booking_create"), body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] in {"invalid_json", "invalid_input"}
    assert stored() == before


def test_every_invalid_field_is_listed(scenario):
    response = client_for(scenario, "member_a1").post(
        reverse("api:booking_create"), {"resource": "x", "starts_at": "y"}, content_type="application/json"
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"resource", "organisation", "starts_at", "ends_at", "purpose"}


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({}, "invalid_input", "from"),
        ({"from": "2027-03-01"}, "invalid_input", "to"),
        ({"from": "2027-03-01", "to": "2027-05-02"}, "range_too_long", "to"),
        ({"from": "2027-03-10", "to": "2027-03-01"}, "range_reversed", "to"),
        ({"from": "1999-12-31", "to": "2000-01-02"}, "invalid_input", "from"),
        ({"from": "2027-02-30", "to": "2027-03-02"}, "invalid_input", "from"),
        ({"from": "2027-03-01", "to": "99999-01-01"}, "invalid_input", "to"),
    ],
)
def test_availability_ranges_are_checked(scenario, query, code, field):
    client = client_for(scenario, "member_a1")
    for url in (
        reverse("api:resource_availability", args=[scenario.room_a.pk]),
        reverse("api:centre_availability", args=[scenario.centre_a.slug]),
    ):
        response = client.get(url, query)
        assert response.status_code == 422, url
        assert (response.json()["code"], response.json()["field"]) == (code, field)


def test_sixty_two_days_is_the_longest_range(scenario):
    client = client_for(scenario, "member_a1")
    url = reverse("api:resource_availability", args=[scenario.room_a.pk])
    assert client.get(url, {"from": "2027-03-01", "to": "2027-05-01"}).status_code == 200


# --- Query budgets --------------------------------------------------------------------------
def _queries(client: Client, url: str, query: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query or {})
    assert response.status_code == 200, response.content
    return len(captured)


def _more_data(scenario, count: int) -> None:
    day = scenario.booking_a1.starts_at.astimezone(factories.clock.OSLO).date()
    for index in range(count):
        room = factories.ResourceFactory(centre=scenario.centre_a)
        factories.ResourceFactory.equipment(centre=scenario.centre_a)
        factories.booking_row(room, scenario.a1, factories.at(day, 9), factories.at(day, 10))
        later = day + dt.timedelta(days=1 + index % 5)
        factories.booking_row(room, scenario.a1, factories.at(later, 9), factories.at(later, 11))
        factories.CentreFactory()


@pytest.mark.parametrize(
    "target",
    [
        lambda s: (reverse("api:centre_list"), {}),
        lambda s: (reverse("api:centre_resources", args=[s.centre_a.slug]), {}),
        lambda s: (reverse("api:centre_availability", args=[s.centre_a.slug]), _range(s)),
        lambda s: (reverse("api:resource_availability", args=[s.room_a.pk]), _range(s)),
        lambda s: (reverse("api:organisation_bookings", args=[s.a1.pk]), {}),
    ],
    ids=["centres", "resources", "centre availability", "resource availability", "organisation bookings"],
)
@pytest.mark.parametrize("role", ["member_a1", "adviser_a"])
def test_list_endpoints_run_a_fixed_number_of_queries(scenario, target, role, django_assert_max_num_queries):
    client = client_for(scenario, role)
    url, query = target(scenario)
    _queries(client, url, query)  # the key's last use is written once
    few = _queries(client, url, query)
    _more_data(scenario, 12)
    with django_assert_max_num_queries(few):
        response = client.get(url, query)
    assert response.status_code == 200
    assert few <= 10


def test_premises_need_a_responsible_person_who_is_then_stored(centre, booker, day):
    premises = factories.ResourceFactory.premises(centre=centre, requires_approval=False, buffer_minutes=0)
    organisation, contact = booker
    url = reverse("api:booking_create")
    evening = {
        "resource": premises.pk,
        "organisation": organisation.pk,
        "starts_at": factories.at(day, 18).isoformat(),
        "ends_at": factories.at(day, 21).isoformat(),
        "purpose": "Medlemsmøte",
    }
    before = stored()
    missing = client_for_user(contact).post(url, evening, content_type="application/json")
    assert missing.status_code == 422
    assert (missing.json()["code"], missing.json()["field"]) == (
        "responsible_person_required",
        "responsible_name",
    )
    assert stored() == before
    named = evening | {"responsible_name": "Kari Nordmann", "responsible_phone": "912 34 567"}
    response = client_for_user(contact).post(url, named, content_type="application/json")
    assert response.status_code == 201
    booking = Booking.objects.get(pk=response.json()["id"])
    assert (booking.responsible_name, booking.responsible_phone) == ("Kari Nordmann", "+4791234567")
