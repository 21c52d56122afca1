"""Public pages, error pages and Django admin (for site administrators only)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ADMIN = "/" + settings.ADMIN_URL


def test_home_lists_the_centres(client):
    factories.CentreFactory(name="Batteriet Nord-Norge")
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    assert "Batteriet Nord-Norge" in page.content.decode()


def test_who_we_serve(client):
    assert client.get(reverse("core:who_we_serve")).status_code == 200


def test_unknown_address_gets_our_404_page(client):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="nb"' in body
    assert 'href="#main"' in body  # our layout, with the skip link


def test_english_after_switching(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:who_we_serve")})
    assert response.status_code == 302
    assert '<html lang="en"' in client.get(reverse("core:who_we_serve")).content.decode()
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert '<html lang="nb"' in client.get(reverse("core:home")).content.decode()


def test_pages_forbid_framing_and_outside_scripts(client):
    response = client.get(reverse("core:home"))
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


# --- Django admin ---------------------------------------------------------------------
def test_admin_is_open_to_a_site_administrator(client):
    client.force_login(factories.site_admin())
    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize("who", ["lead", "lead_with_is_staff", "person", "coordinator"])
def test_admin_is_closed_to_everyone_else(client, who):
    centre = factories.CentreFactory()
    user = {
        "lead": lambda: factories.lead(centre),
        "lead_with_is_staff": lambda: factories.lead(centre, is_staff=True),
        "person": factories.UserFactory,
        "coordinator": factories.national_coordinator,
    }[who]()
    client.force_login(user)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client.get(ADMIN + "organisations/organisation/").status_code == 302


def test_admin_for_anonymous_goes_to_login(client):
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "login" in response["Location"]
