"""Centre pages and the agreement text a centre lead publishes."""

import pytest
from django.urls import reverse

from batteriet.centres.models import AgreementText
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo", intro_en="An English introduction.")


def test_list_and_detail(client, centre):
    assert "Batteriet Oslo" in client.get(reverse("centres:list")).content.decode()
    page = client.get(reverse("centres:detail", args=["oslo"])).content.decode()
    assert "Batteriet Oslo" in page
    assert "09:00–16:00" in page
    assert centre.email in page


def test_detail_in_english(client, centre):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "An English introduction." in client.get(reverse("centres:detail", args=["oslo"])).content.decode()


def test_unknown_centre(client, centre):
    assert client.get(reverse("centres:detail", args=["atlantis"])).status_code == 404


def test_lead_publishes_a_new_version(client, centre):
    lead = factories.lead(centre)
    client.force_login(lead)
    url = reverse("centres:agreement_text_edit", args=["oslo"])
    assert "Ingen rus i lokalene" in client.get(url).content.decode()  # the current text to start from

    response = client.post(
        url, {"body_nb": " Nye regler. ", "body_en": "New rules.", "validity_months": "24"}
    )

    assert response["Location"] == reverse("centres:staff_home")
    newest = AgreementText.objects.filter(centre=centre).order_by("-version").first()
    assert (newest.version, newest.body_nb, newest.validity_months, newest.created_by) == (
        2,
        "Nye regler.",
        24,
        lead,
    )
    assert AgreementText.objects.filter(centre=centre).count() == 2


def test_staff_home_offers_text_editing_to_leads_only(client, centre):
    adviser = factories.staff(centre)
    client.force_login(adviser)
    url = reverse("centres:agreement_text_edit", args=["oslo"])
    assert url not in client.get(reverse("centres:staff_home")).content.decode()
    client.force_login(factories.lead(centre))
    assert url in client.get(reverse("centres:staff_home")).content.decode()
