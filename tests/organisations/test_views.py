"""Pages for registering and for members of organisations: happy paths and edges."""

import pytest
from django.apps import apps
from django.contrib import messages
from django.urls import reverse

from batteriet.core.models import AuditEntry
from batteriet.organisations.models import (
    Agreement,
    AgreementStatus,
    Initiator,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db


def all_row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# --- Registration wizard --------------------------------------------------------------
@pytest.mark.parametrize(
    ("applicant", "target"),
    [
        ("group", "organisations:register_work_area"),
        ("starter", "organisations:register_initiator"),
        ("individual", "organisations:register_individual"),
        ("business", "organisations:register_partner"),
    ],
)
def test_first_question_routes_each_answer(client, applicant, target):
    response = client.post(reverse("organisations:register_start"), {"applicant": applicant})
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


@pytest.mark.parametrize(
    ("work_area", "target"),
    [("norway", "organisations:register_organisation"), ("abroad", "organisations:register_abroad")],
)
def test_work_area_routes_each_answer(client, work_area, target):
    response = client.post(reverse("organisations:register_work_area"), {"work_area": work_area})
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


@pytest.mark.parametrize("url_name", ["organisations:register_start", "organisations:register_work_area"])
@pytest.mark.parametrize("answer", [{}, {"applicant": "alien", "work_area": "moon"}])
def test_wizard_without_a_valid_answer_asks_again(client, url_name, answer):
    # A browser always sends the CSRF token, even when no answer is ticked.
    response = client.post(reverse(url_name), {"csrfmiddlewaretoken": "x", **answer})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()


@pytest.mark.parametrize("logged_in", [False, True])
@pytest.mark.parametrize(
    ("first", "answer", "page"),
    [
        ("organisations:register_start", {"applicant": "individual"}, "organisations:register_individual"),
        ("organisations:register_work_area", {"work_area": "abroad"}, "organisations:register_abroad"),
    ],
)
def test_referral_pages_store_nothing(client, logged_in, first, answer, page):
    factories.CentreFactory()
    if logged_in:
        client.force_login(factories.UserFactory())
    before = all_row_counts()

    response = client.post(reverse(first), answer, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse(page), 302)]
    assert all_row_counts() == before


def test_register_organisation_needs_login(client):
    response = client.get(reverse("organisations:register_organisation"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_register_organisation(client, centre, django_capture_on_commit_callbacks, mailoutbox):
    user = factories.UserFactory()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:register_organisation"),
            factories.organisation_post(centre, orgnr="923 609 016"),
        )

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.orgnr == "923609016"
    assert organisation.phone == "+4791234567"
    assert Membership.objects.get().user == user
    assert mailoutbox[0].to == [centre.email]
    page = client.get(response["Location"])
    assert "Fattighuset Test" in page.content.decode()


def test_register_organisation_with_a_taken_orgnr_shows_the_error_by_the_field(client, centre):
    factories.OrganisationFactory(home_centre=centre, orgnr="923609016")
    client.force_login(factories.UserFactory())
    before = all_row_counts()

    response = client.post(
        reverse("organisations:register_organisation"), factories.organisation_post(centre, orgnr="923609016")
    )

    assert response.status_code == 200
    assert 'id="id_orgnr_error"' in response.content.decode()
    assert {k: v for k, v in all_row_counts().items() if k != "sessions.Session"} == {
        k: v for k, v in before.items() if k != "sessions.Session"
    }


def test_register_partner(client, centre):
    client.force_login(factories.UserFactory())
    response = client.post(reverse("organisations:register_partner"), factories.partner_post(centre))
    partner = Organisation.objects.get()
    assert response.status_code == 302
    assert partner.kind == OrganisationKind.PARTNER
    assert partner.partner_type == "research"
    assert partner.status == OrganisationStatus.PENDING


def test_register_initiator(client, centre, django_capture_on_commit_callbacks, mailoutbox):
    user = factories.UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:register_initiator"), {"centre": centre.pk, "idea": "En gruppe for unge."}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my_page")
    assert Initiator.objects.get().user == user
    assert Organisation.objects.count() == 0
    assert [m.to for m in mailoutbox] == [[centre.email]]
    page = client.get(reverse("organisations:register_initiator"))
    assert "En gruppe for unge." in page.content.decode()  # the form remembers the idea


# --- An organisation's pages ----------------------------------------------------------
@pytest.fixture
def org(centre):
    organisation = factories.OrganisationFactory(home_centre=centre, name="Velferdsalliansen Test")
    return {
        "organisation": organisation,
        "contact": factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt"),
        "board": factories.member(organisation, MembershipRole.BOARD, full_name="Per Styre"),
        "member": factories.member(organisation, MembershipRole.MEMBER, full_name="Ola Medlem"),
    }


def test_detail_shows_members_and_agreements(client, org):
    factories.agreement(org["organisation"], status=AgreementStatus.ACTIVE)
    client.force_login(org["member"])
    page = client.get(reverse("organisations:detail", args=[org["organisation"].pk])).content.decode()
    assert "Velferdsalliansen Test" in page
    assert "Kari Kontakt" in page and "Ola Medlem" in page
    assert reverse("organisations:agreement_detail", args=[Agreement.objects.get().pk]) in page
    assert reverse("organisations:edit", args=[org["organisation"].pk]) not in page  # a member cannot edit
    assert reverse("organisations:members", args=[org["organisation"].pk]) not in page


def test_contact_sees_the_links_to_manage(client, org):
    client.force_login(org["contact"])
    page = client.get(reverse("organisations:detail", args=[org["organisation"].pk])).content.decode()
    assert reverse("organisations:edit", args=[org["organisation"].pk]) in page
    assert reverse("organisations:members", args=[org["organisation"].pk]) in page
    assert reverse("organisations:agreement_request", args=[org["organisation"].pk]) in page


def test_partner_is_not_offered_an_agreement(client, centre):
    partner = factories.partner_organisation(centre)
    contact = factories.member(partner, MembershipRole.CONTACT)
    client.force_login(contact)
    page = client.get(reverse("organisations:detail", args=[partner.pk])).content.decode()
    assert reverse("organisations:agreement_request", args=[partner.pk]) not in page


def test_edit(client, org, centre):
    organisation = org["organisation"]
    client.force_login(org["board"])
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        factories.organisation_post(centre, name="Velferdsalliansen Ny", phone="+46 70 123 45 67"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Velferdsalliansen Ny"
    assert organisation.phone == "+46701234567"
    assert organisation.status == OrganisationStatus.APPROVED  # editing does not reset the decision
    assert AuditEntry.objects.filter(action="organisation.updated", actor=org["board"]).exists()


def test_edit_form_is_filled_in(client, org):
    client.force_login(org["contact"])
    page = client.get(reverse("organisations:edit", args=[org["organisation"].pk])).content.decode()
    assert 'value="Velferdsalliansen Test"' in page


def test_invite_role_change_and_removal(client, org, django_capture_on_commit_callbacks, mailoutbox):
    organisation = org["organisation"]
    client.force_login(org["contact"])
    members_url = reverse("organisations:members", args=[organisation.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(members_url, {"email": "ny@example.org", "role": MembershipRole.MEMBER})
    assert response.status_code == 302
    assert mailoutbox[0].to == ["ny@example.org"]
    assert "ny@example.org" in client.get(members_url).content.decode()

    membership = Membership.objects.get(user=org["member"])
    response = client.post(
        reverse("organisations:member_role", args=[organisation.pk, membership.pk]),
        {f"m{membership.pk}-role": MembershipRole.BOARD},
    )
    assert response["Location"] == members_url
    membership.refresh_from_db()
    assert membership.role == MembershipRole.BOARD

    response = client.post(reverse("organisations:member_remove", args=[organisation.pk, membership.pk]))
    assert response["Location"] == members_url
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_contact_gets_a_message_instead_of_an_error(client, org):
    organisation = org["organisation"]
    client.force_login(org["contact"])
    own = Membership.objects.get(user=org["contact"])
    response = client.post(
        reverse("organisations:member_remove", args=[organisation.pk, own.pk]), follow=True
    )
    assert response.status_code == 200
    assert Membership.objects.filter(pk=own.pk).exists()
    assert [m.level for m in response.context["messages"]] == [messages.ERROR]


def test_accept_invitation(client, org):
    _, token = factories.invitation(org["organisation"], "gjest@example.org", role=MembershipRole.BOARD)
    guest = factories.UserFactory(email="gjest@example.org")
    client.force_login(guest)
    url = reverse("organisations:invitation_accept", args=[token])

    assert "Velferdsalliansen Test" in client.get(url).content.decode()
    response = client.post(url)

    assert response["Location"] == reverse("organisations:detail", args=[org["organisation"].pk])
    assert Membership.objects.get(user=guest).role == MembershipRole.BOARD
    again = client.post(url)
    assert again["Location"] == reverse("accounts:my_page")


def test_agreement_request_sign_and_print(client, org, centre):
    organisation = org["organisation"]
    client.force_login(org["contact"])
    response = client.post(
        reverse("organisations:agreement_request", args=[organisation.pk]), {"centre": centre.pk}
    )
    agreement = Agreement.objects.get()
    assert response["Location"] == reverse("organisations:agreement_detail", args=[agreement.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Husregler" in page  # the current text is shown before signing
    assert reverse("organisations:agreement_sign", args=[agreement.pk]) in page

    response = client.post(
        reverse("organisations:agreement_sign", args=[agreement.pk]),
        {"name": "kari kontakt", "confirm": "on"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert agreement.signed_name == "Kari Kontakt"

    printed = client.get(reverse("organisations:agreement_print", args=[agreement.pk]))
    assert printed.status_code == 200
    assert "Kari Kontakt" in printed.content.decode()


def test_signing_with_the_wrong_name_shows_the_error_by_the_field(client, org):
    agreement = factories.agreement(org["organisation"], status=AgreementStatus.REQUESTED)
    client.force_login(org["contact"])
    response = client.post(
        reverse("organisations:agreement_sign", args=[agreement.pk]), {"name": "Per Styre", "confirm": "on"}
    )
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.REQUESTED


def test_a_second_request_shows_a_message(client, org, centre):
    factories.agreement(org["organisation"], status=AgreementStatus.REQUESTED)
    client.force_login(org["board"])
    response = client.post(
        reverse("organisations:agreement_request", args=[org["organisation"].pk]), {"centre": centre.pk}
    )
    assert response.status_code == 200
    assert Agreement.objects.count() == 1
    assert response.context["form"].non_field_errors()
