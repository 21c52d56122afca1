"""Reads for organisations and agreements."""

import datetime as dt
from unittest import mock

import pytest

from batteriet.organisations import selectors
from batteriet.organisations.models import (
    AgreementStatus,
    Membership,
    MembershipRole,
    OrganisationKind,
    OrganisationStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db

D = dt.date
FROM, UNTIL = D(2026, 1, 1), D(2026, 12, 31)


@pytest.mark.parametrize(
    ("situation", "on", "expected"),
    [
        ("none", D(2026, 6, 1), False),
        ("active", D(2026, 6, 1), True),
        ("active", FROM, True),  # first day
        ("active", UNTIL, True),  # last day
        ("active", D(2025, 12, 31), False),  # before valid_from
        ("active", D(2027, 1, 1), False),  # after valid_until, even before the nightly expiry
        ("other_centre", D(2026, 6, 1), False),
        ("terminated", D(2026, 6, 1), False),
        ("expired", D(2026, 6, 1), False),
        ("signed", D(2026, 6, 1), False),
        ("requested", D(2026, 6, 1), False),
    ],
)
def test_has_active_agreement(centre, situation, on, expected):
    organisation = factories.OrganisationFactory(home_centre=centre)
    other = factories.CentreFactory(slug="annet")
    if situation == "active":
        factories.agreement(organisation, status=AgreementStatus.ACTIVE, valid_from=FROM, valid_until=UNTIL)
    elif situation == "other_centre":
        factories.agreement(
            organisation, other, status=AgreementStatus.ACTIVE, valid_from=FROM, valid_until=UNTIL
        )
    elif situation in {"terminated", "signed", "requested"}:
        factories.agreement(organisation, status=situation)
    elif situation == "expired":
        factories.agreement(organisation, status=AgreementStatus.EXPIRED, valid_from=FROM, valid_until=UNTIL)

    assert selectors.has_active_agreement(organisation, centre, on=on) is expected


def test_has_active_agreement_defaults_to_today_in_oslo(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.agreement(organisation, status=AgreementStatus.ACTIVE, valid_from=FROM, valid_until=UNTIL)
    # 23:30 UTC on 31 December is already 1 January in Oslo: the agreement has ended.
    with mock.patch(
        "django.utils.timezone.now", return_value=dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    ):
        assert selectors.has_active_agreement(organisation, centre) is False
    with mock.patch(
        "django.utils.timezone.now", return_value=dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC)
    ):
        assert selectors.has_active_agreement(organisation, centre) is True


def test_has_active_agreement_is_per_organisation(centre):
    holder = factories.OrganisationFactory(home_centre=centre)
    neighbour = factories.OrganisationFactory(home_centre=centre)
    factories.agreement(holder, status=AgreementStatus.ACTIVE, valid_from=FROM, valid_until=UNTIL)
    assert selectors.has_active_agreement(holder, centre, on=D(2026, 6, 1))
    assert not selectors.has_active_agreement(neighbour, centre, on=D(2026, 6, 1))


def test_memberships_for_user_lists_only_their_own(centre):
    person = factories.UserFactory()
    first = factories.OrganisationFactory(home_centre=centre, name="Bestemor-gruppa")
    second = factories.OrganisationFactory(home_centre=centre, name="Aksjonen")
    for organisation in (first, second):
        Membership.objects.create(user=person, organisation=organisation, role=MembershipRole.MEMBER)
    factories.member(factories.OrganisationFactory(home_centre=centre))

    names = [m.organisation.name for m in selectors.memberships_for_user(person)]
    assert names == ["Aksjonen", "Bestemor-gruppa"]


def test_contact_emails_fall_back_to_the_organisation(centre):
    organisation = factories.OrganisationFactory(home_centre=centre, email="post@forening.example")
    assert selectors.contact_emails(organisation) == ["post@forening.example"]
    contact = factories.member(organisation, MembershipRole.CONTACT)
    factories.member(organisation, MembershipRole.BOARD)
    assert selectors.contact_emails(organisation) == [contact.email]


def test_open_invitations_leave_out_used_and_expired(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    open_one, _ = factories.invitation(organisation, "open@example.org")
    factories.invitation(organisation, "old@example.org", expires_in=dt.timedelta(seconds=-1))
    used, _ = factories.invitation(organisation, "used@example.org")
    used.accepted_at = used.created_at
    used.save()
    assert list(selectors.open_invitations(organisation)) == [open_one]


def _filters(**kwargs):
    return selectors.OrganisationFilters(**kwargs)


def test_staff_see_their_own_centre_only(centre):
    other = factories.CentreFactory(slug="bergen")
    factories.OrganisationFactory(home_centre=centre, name="Hjemme")
    away = factories.OrganisationFactory(home_centre=other, name="Borte")
    visiting = factories.OrganisationFactory(home_centre=other, name="Besøker")
    factories.agreement(visiting, centre, status=AgreementStatus.REQUESTED)
    adviser = factories.staff(centre)

    names = {o.name for o in selectors.organisations_for_staff(adviser, _filters())}
    assert names == {"Hjemme", "Besøker"}
    assert away.name not in names
    all_names = {
        o.name for o in selectors.organisations_for_staff(factories.national_coordinator(), _filters())
    }
    assert all_names == {"Hjemme", "Borte", "Besøker"}


def test_staff_filters(centre):
    coordinator = factories.national_coordinator()
    other = factories.CentreFactory(slug="bergen")
    approved = factories.OrganisationFactory(
        home_centre=centre, name="Godkjent", target_groups=["immigrants"]
    )
    factories.agreement(approved, status=AgreementStatus.ACTIVE)
    factories.pending_organisation(centre, name="Venter", target_groups=["housing"])
    factories.partner_organisation(other, name="Partner", orgnr="923609016")

    def names(**kwargs):
        return {o.name for o in selectors.organisations_for_staff(coordinator, _filters(**kwargs))}

    assert names(status=OrganisationStatus.PENDING) == {"Venter"}
    assert names(kind=OrganisationKind.PARTNER) == {"Partner"}
    assert names(target_group="immigrants") == {"Godkjent"}
    assert names(agreement=AgreementStatus.ACTIVE) == {"Godkjent"}
    assert names(agreement="none") == {"Venter", "Partner"}
    assert names(centre="bergen") == {"Partner"}
    assert names(q="godk") == {"Godkjent"}
    assert names(q="923609016") == {"Partner"}


def test_queues_are_scoped_to_the_staff_members_centre(centre):
    other = factories.CentreFactory(slug="bergen")
    here = factories.pending_organisation(centre, name="Her")
    factories.pending_organisation(other, name="Der")
    signed_here = factories.agreement(
        factories.OrganisationFactory(home_centre=centre), status=AgreementStatus.SIGNED
    )
    factories.agreement(factories.OrganisationFactory(home_centre=other), status=AgreementStatus.REQUESTED)
    factories.agreement(factories.OrganisationFactory(home_centre=centre), status=AgreementStatus.ACTIVE)
    adviser = factories.staff(centre)

    assert list(selectors.pending_organisations(adviser)) == [here]
    assert list(selectors.agreements_waiting(adviser)) == [signed_here]
    coordinator = factories.national_coordinator()
    assert selectors.pending_organisations(coordinator).count() == 2
    assert selectors.agreements_waiting(coordinator).count() == 2
