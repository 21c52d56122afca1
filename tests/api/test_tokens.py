"""Personal API keys: made, shown once, stored only as a hash, withdrawn; and how requests log in."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from batteriet.api import selectors, services
from batteriet.api.models import ApiToken
from batteriet.api.rules import MAX_ACTIVE_TOKENS
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

CENTRES = reverse("api:centre_list")


# --- Services ----------------------------------------------------------------------------
def test_a_key_is_stored_only_as_its_hash():
    user = factories.UserFactory()
    token, secret = services.api_token_create(actor=user, name="  Regneark  ")
    token.refresh_from_db()
    assert len(secret) >= 40
    assert token.name == "Regneark"
    assert token.prefix == secret[:8]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in ApiToken.objects.values().get())
    assert secret not in stored
    assert AuditEntry.objects.filter(action="api_token.created", actor=user).exists()
    assert secret not in str(list(AuditEntry.objects.values()))


def test_two_keys_never_share_a_secret():
    user = factories.UserFactory()
    secrets = {services.api_token_create(actor=user, name=f"n{index}")[1] for index in range(5)}
    assert len(secrets) == 5


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "token_name_required"), ("   ", "token_name_required"), ("x" * 101, "token_name_too_long")],
)
def test_a_key_needs_a_sensible_name(name, code):
    user = factories.UserFactory()
    with pytest.raises(RuleViolation) as error:
        services.api_token_create(actor=user, name=name)
    assert error.value.code == code
    assert not ApiToken.objects.exists()


def test_names_are_unique_among_active_keys_only():
    user = factories.UserFactory()
    token, _secret = services.api_token_create(actor=user, name="Nettside")
    with pytest.raises(RuleViolation) as error:
        services.api_token_create(actor=user, name="Nettside")
    assert error.value.code == "token_name_taken"
    services.api_token_revoke(actor=user, token=token)
    services.api_token_create(actor=user, name="Nettside")
    services.api_token_create(actor=factories.UserFactory(), name="Nettside")
    assert ApiToken.objects.count() == 3


def test_a_person_has_a_limited_number_of_keys():
    user = factories.UserFactory()
    for index in range(MAX_ACTIVE_TOKENS):
        services.api_token_create(actor=user, name=f"Nøkkel {index}")
    with pytest.raises(RuleViolation) as error:
        services.api_token_create(actor=user, name="En til")
    assert error.value.code == "too_many_tokens"
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_only_the_owner_revokes_and_only_once():
    owner, other = factories.UserFactory(), factories.UserFactory()
    token, secret = services.api_token_create(actor=owner, name="Skript")
    with pytest.raises(RuleViolation) as error:
        services.api_token_revoke(actor=other, token=token)
    assert error.value.code == "not_allowed"
    assert selectors.api_token_for_secret(secret) is not None
    services.api_token_revoke(actor=owner, token=token)
    assert selectors.api_token_for_secret(secret) is None
    with pytest.raises(RuleViolation) as error:
        services.api_token_revoke(actor=owner, token=token)
    assert error.value.code == "token_already_revoked"
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


# --- Logging in to the API ---------------------------------------------------------------
def test_anonymous_requests_get_401_json():
    response = Client().get(CENTRES)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_logs_in(client):
    factories.CentreFactory(slug="oslo", name="Batteriet Oslo")
    client.force_login(factories.UserFactory())
    response = client.get(CENTRES)
    assert response.status_code == 200
    assert [centre["slug"] for centre in response.json()] == ["oslo"]


def test_a_key_logs_in_and_notes_when_it_was_used():
    user = factories.UserFactory()
    token, secret = services.api_token_create(actor=user, name="Skript")
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get(CENTRES)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert clock.now() - token.last_used_at < dt.timedelta(seconds=30)


def test_last_used_is_written_at_most_once_a_minute(django_assert_num_queries):
    user = factories.UserFactory()
    token, secret = services.api_token_create(actor=user, name="Skript")
    services.api_token_mark_used(token=token)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    with django_assert_num_queries(0):
        services.api_token_mark_used(token=token)
    loaded = selectors.api_token_for_secret(secret)
    with django_assert_num_queries(0):
        services.api_token_mark_used(token=loaded)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    loaded = selectors.api_token_for_secret(secret)
    services.api_token_mark_used(token=loaded)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer feil",
        "Bearer " + "x" * 43,
        "Bearer " + "æøå" * 10,
        "bearer " + "y" * 5000,
    ],
)
def test_unknown_keys_get_401(header):
    factories.UserFactory()
    response = Client(headers={"Authorization": header}).get(CENTRES)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_withdrawn_key_gets_401_even_with_a_session(client):
    user = factories.UserFactory()
    token, secret = services.api_token_create(actor=user, name="Skript")
    services.api_token_revoke(actor=user, token=token)
    client.force_login(user)
    response = client.get(CENTRES, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_the_key_of_a_deactivated_person_gets_401():
    user = factories.UserFactory()
    _token, secret = services.api_token_create(actor=user, name="Skript")
    user.is_active = False
    user.save()
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get(CENTRES).status_code == 401


def test_staff_keys_need_two_factor():
    centre = factories.CentreFactory()
    adviser = factories.staff(centre)
    _token, secret = services.api_token_create(actor=adviser, name="Skript")
    keyed = Client(headers={"Authorization": f"Bearer {secret}"})
    assert keyed.get(CENTRES).status_code == 200
    adviser.authenticator_set.all().delete()
    assert keyed.get(CENTRES).status_code == 401


def test_the_api_answers_in_the_persons_language(centre, room, booker, day):
    organisation, contact = booker
    contact.language = "en"
    contact.save()
    _token, secret = services.api_token_create(actor=contact, name="Skript")
    keyed = Client(headers={"Authorization": f"Bearer {secret}"})
    past = clock.now() - dt.timedelta(days=1)
    payload = {
        "resource": room.pk,
        "organisation": organisation.pk,
        "starts_at": past.isoformat(),
        "ends_at": (past + dt.timedelta(hours=1)).isoformat(),
        "purpose": "Styremøte",
    }
    url = reverse("api:booking_create")
    body = keyed.post(url, payload, content_type="application/json").json()
    assert body["code"] == "in_the_past"
    assert body["message"].startswith("This time has already passed")
    assert keyed.get(CENTRES)["Content-Language"] == "en"
    contact.language = "nb"
    contact.save()
    body = keyed.post(url, payload, content_type="application/json", headers={"Cookie": "language=en"}).json()
    assert body["message"].startswith("Denne tiden har allerede vært")


# --- CSRF ----------------------------------------------------------------------------------
def test_session_posts_need_the_csrf_token(centre, room, booker, day):
    organisation, contact = booker
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(contact)
    payload = {
        "resource": room.pk,
        "organisation": organisation.pk,
        "starts_at": factories.at(day, 10).isoformat(),
        "ends_at": factories.at(day, 12).isoformat(),
        "purpose": "Styremøte",
    }
    url = reverse("api:booking_create")
    response = browser.post(url, payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not organisation.bookings.exists()
    browser.get(reverse("api_tokens:list"))  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, payload, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.json()
    assert organisation.bookings.count() == 1


def test_key_posts_need_no_csrf_token(centre, room, booker, day):
    organisation, contact = booker
    _token, secret = services.api_token_create(actor=contact, name="Skript")
    keyed = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    response = keyed.post(
        reverse("api:booking_create"),
        {
            "resource": room.pk,
            "organisation": organisation.pk,
            "starts_at": factories.at(day, 10).isoformat(),
            "ends_at": factories.at(day, 12).isoformat(),
            "purpose": "Styremøte",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()


# --- OpenAPI --------------------------------------------------------------------------------
def test_the_openapi_schema_is_served_and_the_docs_pages_are_off():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/bookings" in schema["paths"]
    assert "/api/v1/centres/{slug}/availability" in schema["paths"]
    assert Client().get("/api/v1/docs").status_code == 404
