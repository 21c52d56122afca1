"""Profile updates and who must use two-factor authentication."""

import pytest
from django.core.exceptions import ValidationError

from batteriet.accounts import selectors, services
from batteriet.accounts.models import User
from batteriet.centres.models import StaffAssignment, StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def test_profile_update():
    person = factories.UserFactory(full_name="Gammelt Navn")
    services.profile_update(actor=person, full_name="Nytt Navn", language="en")
    person.refresh_from_db()
    assert (person.full_name, person.language) == ("Nytt Navn", "en")


def test_profile_update_refuses_an_unknown_language():
    person = factories.UserFactory(full_name="Gammelt Navn")
    with pytest.raises(ValidationError):
        services.profile_update(actor=person, full_name="Nytt Navn", language="xx")
    person.refresh_from_db()
    assert (person.full_name, person.language) == ("Gammelt Navn", "nb")


def test_create_user_normalises_the_email_and_allows_no_password():
    user = User.objects.create_user("Kari@Example.ORG", full_name="Kari")
    assert user.email == "kari@example.org"
    assert not user.has_usable_password()
    assert str(user) == "Kari"
    assert user.get_short_name() == "Kari"


def test_create_superuser():
    admin = User.objects.create_superuser("admin@example.org", "hemmelig-passord", full_name="Admin")
    assert admin.is_staff and admin.is_superuser
    assert admin.check_password("hemmelig-passord")


@pytest.mark.parametrize(
    ("kind", "needs"),
    [
        ("person", False),
        ("member", False),
        ("adviser", True),
        ("lead", True),
        ("coordinator", True),
        ("admin", True),
    ],
)
def test_who_needs_two_factor(kind, needs):
    centre = factories.CentreFactory()
    if kind == "admin":
        user = factories.UserFactory(is_superuser=True, is_staff=True)
    else:
        user = factories.UserFactory()
    if kind == "member":
        factories.Membership.objects.create(
            user=user, organisation=factories.OrganisationFactory(home_centre=centre), role="contact"
        )
    role = {
        "adviser": StaffRole.ADVISER,
        "lead": StaffRole.LEAD,
        "coordinator": StaffRole.NATIONAL_COORDINATOR,
    }
    if kind in role:
        StaffAssignment.objects.create(
            user=user, centre=None if kind == "coordinator" else centre, role=role[kind]
        )
    assert selectors.needs_two_factor(user) is needs
    assert selectors.has_two_factor(user) is False


def test_has_two_factor():
    assert selectors.has_two_factor(factories.staff(factories.CentreFactory())) is True


def test_superusers_get_no_centre_rights_from_being_superusers():
    """Site administrators configure the site in Django admin; they are not centre staff."""
    centre = factories.CentreFactory()
    organisation = factories.pending_organisation(centre)
    admin = factories.site_admin()
    assert not admin.has_perm("centres.view_staff_pages")
    assert not admin.has_perm("organisations.decide_organisation", organisation)
    assert not admin.has_perm("organisations.view_organisation", organisation)
    # Django's own model permissions (used by the admin) still hold.
    assert admin.has_perm("organisations.change_organisation")
