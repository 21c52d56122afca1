"""Sign-up, login by code, two-factor for staff, my page and the profile."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from batteriet.accounts.forms import SignupDetailsForm
from batteriet.accounts.models import User
from batteriet.centres.models import StaffAssignment, StaffRole
from batteriet.organisations.models import AgreementStatus, MembershipRole
from batteriet.privacy.models import PrivacyConsent, PrivacyNotice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    factories.reference_data()


def signup(client, **overrides):
    data = {
        "full_name": "  Ny   Person ",
        "email": "ny.person@example.org",
        "password1": "",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), {k: v for k, v in data.items() if v is not None})


def test_signup_without_password_records_consent_and_sends_a_verification(client):
    response = signup(client)

    assert response.status_code == 302
    user = User.objects.get(email="ny.person@example.org")
    assert user.full_name == "Ny Person"
    assert not user.has_usable_password()
    assert user.language == "nb"
    notice = PrivacyNotice.objects.order_by("-version").first()
    consent = PrivacyConsent.objects.get(user=user)
    assert consent.notice == notice
    assert [m.to for m in mail.outbox] == [["ny.person@example.org"]]


def test_signup_with_a_password(client):
    response = signup(client, password1="Et-langt-passord-42")
    assert response.status_code == 302
    user = User.objects.get(email="ny.person@example.org")
    assert user.check_password("Et-langt-passord-42")


def test_signup_records_the_newest_notice(client):
    PrivacyNotice.objects.create(version=2, published_on="2026-06-01", body_nb="Ny", body_en="New")
    signup(client)
    assert PrivacyConsent.objects.get().notice.version == 2


def test_signup_in_english_remembers_the_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    signup(client)
    assert User.objects.get().language == "en"


def test_signup_without_accepting_the_privacy_notice_fails_with_a_message(client):
    response = signup(client, accept_privacy=None)

    assert response.status_code == 200
    assert not User.objects.exists()
    assert PrivacyConsent.objects.count() == 0
    assert mail.outbox == []
    with translation.override("nb"):
        message = str(SignupDetailsForm.base_fields["accept_privacy"].error_messages["required"])
    body = response.content.decode()
    assert escape(message) in body
    assert 'id="id_accept_privacy_error"' in body


def test_signup_without_a_name_fails(client):
    response = signup(client, full_name="   ")
    assert response.status_code == 200
    assert not User.objects.exists()
    assert 'id="id_full_name_error"' in response.content.decode()


def test_login_by_code_sends_a_code(client):
    user = factories.UserFactory(email="kode@example.org")
    response = client.post(reverse("account_request_login_code"), {"email": "kode@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[0].body)


def test_login_by_code_logs_in(client):
    factories.UserFactory(email="kode@example.org")
    response = client.post(reverse("account_request_login_code"), {"email": "kode@example.org"})
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[0].body).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("accounts:my_page")).status_code == 200


def test_login_with_password(client):
    factories.UserFactory(email="pw@example.org")
    response = client.post(
        reverse("account_login"), {"login": "pw@example.org", "password": "Passord-for-test-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my_page")


def test_login_with_a_wrong_password_fails(client):
    factories.UserFactory(email="pw@example.org")
    response = client.post(reverse("account_login"), {"login": "pw@example.org", "password": "feil"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Two-factor for staff -------------------------------------------------------------
@pytest.mark.parametrize("kind", ["adviser", "lead", "coordinator", "superuser"])
@pytest.mark.parametrize("url_name", ["centres:staff_home", "accounts:my_page", "core:home"])
def test_staff_without_an_authenticator_must_set_one_up(client, kind, url_name):
    user = factories.UserFactory(is_superuser=kind == "superuser", is_staff=kind == "superuser")
    if kind != "superuser":
        centre = None if kind == "coordinator" else factories.CentreFactory()
        role = {
            "adviser": StaffRole.ADVISER,
            "lead": StaffRole.LEAD,
            "coordinator": StaffRole.NATIONAL_COORDINATOR,
        }
        StaffAssignment.objects.create(user=user, centre=centre, role=role[kind])
    client.force_login(user)

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_setup_page_itself_is_reachable(client):
    user = factories.UserFactory()
    StaffAssignment.objects.create(user=user, centre=factories.CentreFactory(), role=StaffRole.ADVISER)
    client.force_login(user)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code in {200, 302}
    assert response.get("Location") != reverse("mfa_activate_totp")


def test_staff_with_an_authenticator_get_in(client):
    adviser = factories.staff(factories.CentreFactory())
    assert Authenticator.objects.filter(user=adviser).exists()
    client.force_login(adviser)
    assert client.get(reverse("centres:staff_home")).status_code == 200


def test_people_who_are_not_staff_need_no_authenticator(client):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("accounts:my_page")).status_code == 200


# --- My page and profile --------------------------------------------------------------
def test_my_page_shows_organisations_and_what_to_do_next(client):
    centre = factories.CentreFactory()
    person = factories.UserFactory(full_name="Kari Nordmann")
    approved = factories.OrganisationFactory(home_centre=centre, name="Uten avtale")
    pending = factories.pending_organisation(centre, name="Venter")
    active = factories.OrganisationFactory(home_centre=centre, name="Med avtale")
    factories.agreement(active, status=AgreementStatus.ACTIVE)
    for organisation in (approved, pending, active):
        factories.Membership.objects.create(
            user=person, organisation=organisation, role=MembershipRole.CONTACT
        )
    factories.OrganisationFactory(home_centre=centre, name="Andres forening")
    client.force_login(person)

    page = client.get(reverse("accounts:my_page")).content.decode()

    assert "Kari" in page
    for name in ("Uten avtale", "Venter", "Med avtale"):
        assert name in page
    assert "Andres forening" not in page
    for organisation in (approved, pending, active):
        assert reverse("organisations:detail", args=[organisation.pk]) in page


def test_my_page_for_an_initiator(client):
    person = factories.initiator(factories.CentreFactory(name="Batteriet Sør"))
    client.force_login(person)
    page = client.get(reverse("accounts:my_page")).content.decode()
    assert "Batteriet Sør" in page
    assert reverse("organisations:register_organisation") in page


def test_profile_edit(client):
    person = factories.UserFactory(full_name="Gammelt Navn")
    client.force_login(person)
    assert 'value="Gammelt Navn"' in client.get(reverse("accounts:profile_edit")).content.decode()
    response = client.post(reverse("accounts:profile_edit"), {"full_name": " Nytt  Navn ", "language": "en"})
    assert response["Location"] == reverse("accounts:my_page")
    person.refresh_from_db()
    assert (person.full_name, person.language) == ("Nytt Navn", "en")


@pytest.mark.parametrize(
    "data",
    [{"full_name": "", "language": "en"}, {"full_name": "Navn", "language": "sv"}, {"full_name": "   "}],
)
def test_profile_edit_refuses_bad_input(client, data):
    person = factories.UserFactory(full_name="Gammelt Navn")
    client.force_login(person)
    response = client.post(reverse("accounts:profile_edit"), data)
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.full_name, person.language) == ("Gammelt Navn", "nb")
