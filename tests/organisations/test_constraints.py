"""Database constraints hold even when services and forms are bypassed."""

import contextlib

import pytest
from django.db import DataError, IntegrityError, transaction

from batteriet.core import time as clock
from batteriet.organisations.models import (
    Agreement,
    AgreementStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db

# A check constraint answers with IntegrityError; a value too long for its column
# with DataError on PostgreSQL (SQLite does not limit lengths, so there the check
# constraint answers).
REFUSED = (IntegrityError, DataError)


@contextlib.contextmanager
def refused():
    """IntegrityError, inside a savepoint so PostgreSQL can go on after it."""
    with pytest.raises(REFUSED), transaction.atomic():
        yield


def _organisation(centre, **fields):
    values = {
        "name": "Direkte",
        "kind": OrganisationKind.USER_LED,
        "description": "Lagret uten skjema.",
        "email": "d@example.org",
        "home_centre": centre,
    }
    values.update(fields)
    return Organisation.objects.create(**values)


def test_a_valid_row_is_accepted(centre):
    _organisation(centre, orgnr="923609016", postcode="0155")
    _organisation(centre, name="Partner", kind=OrganisationKind.PARTNER, partner_type="business")
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": OrganisationKind.PARTNER, "partner_type": ""},  # partner without a partner type
        {"kind": OrganisationKind.USER_LED, "partner_type": "business"},  # partner type on a non-partner
        {"orgnr": "92360901A"},  # letters
        {"orgnr": "12345678"},  # eight digits
        {"orgnr": ""},  # empty string instead of NULL
        {"postcode": "12a4"},
        {"postcode": "12345"},
        {"status": OrganisationStatus.DECLINED, "decision_reason": ""},  # declined without reason
    ],
)
def test_organisation_constraints(centre, fields):
    with refused():
        _organisation(centre, **fields)
    assert Organisation.objects.count() == 0


def test_organisation_constraints_hold_on_update(centre):
    organisation = _organisation(centre)
    with refused():
        Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.DECLINED)
    with refused():
        Organisation.objects.filter(pk=organisation.pk).update(orgnr="abcdefghi")
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.orgnr is None


def test_orgnr_is_unique(centre):
    _organisation(centre, orgnr="923609016")
    with refused():
        _organisation(centre, name="Kopi", orgnr="923609016")


def test_a_person_is_a_member_once(centre):
    organisation = _organisation(centre)
    user = factories.UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.MEMBER)
    with refused():
        Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.BOARD)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (AgreementStatus.REQUESTED, AgreementStatus.REQUESTED),
        (AgreementStatus.REQUESTED, AgreementStatus.SIGNED),
        (AgreementStatus.SIGNED, AgreementStatus.SIGNED),
        (AgreementStatus.ACTIVE, AgreementStatus.ACTIVE),
    ],
)
def test_one_open_and_one_active_agreement_per_centre(centre, first, second):
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.agreement(organisation, status=first)
    with refused():
        factories.agreement(organisation, status=second)
    assert Agreement.objects.count() == 1


def test_closed_agreements_do_not_block_new_ones(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.agreement(organisation, status=AgreementStatus.ACTIVE)
    factories.agreement(organisation, status=AgreementStatus.REQUESTED)  # a renewal
    factories.agreement(organisation, status=AgreementStatus.TERMINATED)
    factories.agreement(organisation, status=AgreementStatus.TERMINATED)
    factories.agreement(organisation, status=AgreementStatus.EXPIRED)
    factories.agreement(organisation, factories.CentreFactory(slug="annen"), status=AgreementStatus.ACTIVE)
    assert Agreement.objects.count() == 6


def _agreement(organisation, **fields):
    return Agreement.objects.create(
        organisation=organisation,
        centre=organisation.home_centre,
        text=organisation.home_centre.agreement_texts.get(),
        **fields,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"status": AgreementStatus.ACTIVE},  # active without dates or signature
        {
            "status": AgreementStatus.ACTIVE,
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },  # unsigned
        {"valid_from": "2026-02-01", "valid_until": "2026-01-31"},  # ends before it starts
        {"status": AgreementStatus.TERMINATED, "termination_reason": ""},
    ],
)
def test_agreement_constraints(centre, fields):
    organisation = factories.OrganisationFactory(home_centre=centre)
    with refused():
        _agreement(organisation, **fields)
    assert Agreement.objects.count() == 0


def test_an_active_agreement_signed_and_dated_is_accepted(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    _agreement(
        organisation,
        status=AgreementStatus.ACTIVE,
        signed_at=clock.now(),
        valid_from="2026-01-01",
        valid_until="2026-01-01",
    )
    assert Agreement.objects.count() == 1
