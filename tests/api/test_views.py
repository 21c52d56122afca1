"""The API key pages: list, make (the secret shown once), withdraw with a confirmation."""

import pytest
from django.test import Client
from django.urls import reverse

from batteriet.api import services
from batteriet.api.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("api_tokens:list")


def test_the_my_page_links_to_the_keys(client):
    client.force_login(factories.UserFactory())
    assert LIST in client.get(reverse("accounts:my_page")).content.decode()


def test_making_a_key_shows_the_secret_once_and_it_works(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(LIST, {"name": "Regnearket vårt"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    body = response.content.decode()
    secret = body.split('id="secret" type="text" value="')[1].split('"')[0]
    assert secret.startswith(token.prefix)
    assert f"Authorization: Bearer {secret}" in body
    assert "no-store" in response["Cache-Control"]
    listed = client.get(LIST).content.decode()
    assert "Regnearket vårt" in listed and token.prefix in listed
    assert secret not in listed
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/centres").status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "a\x00b"])
def test_a_bad_name_is_refused_and_nothing_is_stored(client, name):
    client.force_login(factories.UserFactory())
    response = client.post(LIST, {"name": name})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_taken_name_is_a_form_error(client):
    user = factories.UserFactory()
    services.api_token_create(actor=user, name="Nettside")
    client.force_login(user)
    response = client.post(LIST, {"name": "Nettside"})
    assert "error-summary" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_withdrawing_asks_first_then_withdraws(client):
    user = factories.UserFactory()
    token, secret = services.api_token_create(actor=user, name="Skript")
    client.force_login(user)
    url = reverse("api_tokens:revoke", args=[token.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Skript" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/centres").status_code == 401
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_another_persons_key_is_invisible(client):
    owner = factories.UserFactory()
    token, _secret = services.api_token_create(actor=owner, name="Skript")
    client.force_login(factories.UserFactory())
    url = reverse("api_tokens:revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert "Skript" not in client.get(LIST).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    user = factories.UserFactory()
    client.force_login(user)
    for index in range(3):
        services.api_token_create(actor=user, name=f"Nøkkel {index}")
    client.get(LIST)
    with django_assert_max_num_queries(8):
        client.get(LIST)
    for index in range(3, 15):
        token, _secret = services.api_token_create(actor=user, name=f"Nøkkel {index}")
        services.api_token_revoke(actor=user, token=token)
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200


def test_a_name_with_markup_is_shown_as_text(client):
    user = factories.UserFactory()
    client.force_login(user)
    script = "<script>alert(1)</script>"
    created = client.post(LIST, {"name": script}).content.decode()
    listed = client.get(LIST).content.decode()
    token = ApiToken.objects.get(user=user)
    confirm = client.get(reverse("api_tokens:revoke", args=[token.pk])).content.decode()
    for body in (created, listed, confirm):
        assert script not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
