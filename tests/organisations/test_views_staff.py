"""Staff pages: queues, decisions, agreements and the organisation register."""

import datetime as dt

import pytest
from django.contrib import messages
from django.urls import reverse

from batteriet.core import time as clock
from batteriet.organisations.models import AgreementStatus, MembershipRole, OrganisationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser(centre):
    return factories.staff(centre, full_name="Anne Rådgiver")


def test_staff_home_lists_the_queues(client, centre, adviser):
    factories.pending_organisation(centre, name="Venter på svar")
    factories.pending_organisation(factories.CentreFactory(slug="bergen"), name="Venter i Bergen")
    factories.agreement(
        factories.OrganisationFactory(home_centre=centre, name="Har signert"), status="signed"
    )
    client.force_login(adviser)
    page = client.get(reverse("centres:staff_home")).content.decode()
    assert "Venter på svar" in page
    assert "Venter i Bergen" not in page
    assert "Har signert" in page


def test_staff_list_filters(client, centre, adviser):
    factories.OrganisationFactory(home_centre=centre, name="Godkjent forening")
    factories.pending_organisation(centre, name="Ventende forening")
    client.force_login(adviser)
    page = client.get(reverse("organisations:staff_list"), {"status": "pending"}).content.decode()
    assert "Ventende forening" in page
    assert "Godkjent forening" not in page


def test_staff_list_ignores_a_bad_filter(client, centre, adviser):
    factories.OrganisationFactory(home_centre=centre, name="Godkjent forening")
    client.force_login(adviser)
    response = client.get(reverse("organisations:staff_list"), {"status": "nonsense", "centre": "nowhere"})
    assert response.status_code == 200


def test_staff_list_answers_htmx_with_the_results_only(client, centre, adviser):
    factories.OrganisationFactory(home_centre=centre, name="Godkjent forening")
    client.force_login(adviser)
    response = client.get(reverse("organisations:staff_list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Godkjent forening" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_staff_detail_shows_members_agreements_and_history(client, centre, adviser):
    organisation = factories.pending_organisation(centre, name="Historiske")
    contact = factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt")
    client.force_login(adviser)
    client.post(reverse("organisations:approve", args=[organisation.pk]), {"reason": "Velkommen"})
    page = client.get(reverse("organisations:staff_detail", args=[organisation.pk])).content.decode()
    assert "Kari Kontakt" in page
    assert contact.email in page
    assert "Anne Rådgiver" in page  # who decided, in the history


def test_approve(client, centre, adviser, django_capture_on_commit_callbacks, mailoutbox):
    organisation = factories.pending_organisation(centre)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    client.force_login(adviser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisations:approve", args=[organisation.pk]), {"reason": ""})
    assert response["Location"] == reverse("organisations:staff_detail", args=[organisation.pk])
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert [m.to for m in mailoutbox] == [[contact.email]]


def test_approving_twice_shows_a_message(client, centre, adviser):
    organisation = factories.pending_organisation(centre)
    client.force_login(adviser)
    client.post(reverse("organisations:approve", args=[organisation.pk]))
    response = client.post(reverse("organisations:approve", args=[organisation.pk]), follow=True)
    assert response.status_code == 200
    errors = [m for m in response.context["messages"] if m.level == messages.ERROR]
    assert len(errors) == 1


def test_decline(client, centre, adviser):
    organisation = factories.pending_organisation(centre)
    client.force_login(adviser)
    response = client.post(
        reverse("organisations:decline", args=[organisation.pk]), {"reason": "Utenfor Norge."}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.DECLINED
    assert organisation.decision_reason == "Utenfor Norge."


def test_decline_after_approval_shows_the_error(client, centre, adviser):
    organisation = factories.OrganisationFactory(home_centre=centre)
    client.force_login(adviser)
    response = client.post(
        reverse("organisations:decline", args=[organisation.pk]), {"reason": "Likevel ikke."}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED


def test_activate_offers_the_text_validity_and_activates(client, centre, adviser):
    agreement = factories.agreement(
        factories.OrganisationFactory(home_centre=centre), status=AgreementStatus.SIGNED
    )
    client.force_login(adviser)
    url = reverse("organisations:agreement_activate", args=[agreement.pk])
    today = clock.local_today()
    page = client.get(url).content.decode()
    assert clock.add_months(today, 12).isoformat() in page

    response = client.post(
        url, {"valid_from": today.isoformat(), "valid_until": (today + dt.timedelta(days=200)).isoformat()}
    )
    assert response["Location"] == reverse("organisations:agreement_detail", args=[agreement.pk])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.valid_until == today + dt.timedelta(days=200)


def test_terminate(client, centre, adviser):
    agreement = factories.agreement(
        factories.OrganisationFactory(home_centre=centre), status=AgreementStatus.ACTIVE
    )
    client.force_login(adviser)
    response = client.post(
        reverse("organisations:agreement_terminate", args=[agreement.pk]), {"reason": "Brudd på husreglene."}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    assert agreement.termination_reason == "Brudd på husreglene."


def test_staff_of_the_agreement_centre_see_a_visiting_organisation(client, centre):
    """An organisation from Bergen with an agreement in Oslo is visible to Oslo's staff."""
    visitor = factories.OrganisationFactory(
        home_centre=factories.CentreFactory(slug="bergen"), name="Besøkende"
    )
    agreement = factories.agreement(visitor, centre, status=AgreementStatus.SIGNED)
    oslo = factories.staff(centre)
    client.force_login(oslo)
    assert client.get(reverse("organisations:staff_detail", args=[visitor.pk])).status_code == 200
    assert client.get(reverse("organisations:agreement_activate", args=[agreement.pk])).status_code == 200
    # …but only the home centre decides about the organisation itself.
    assert client.get(reverse("organisations:decline", args=[visitor.pk])).status_code == 403
