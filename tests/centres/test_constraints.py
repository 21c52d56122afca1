"""Database constraints for centres, staff and agreement texts (services bypassed)."""

import datetime as dt

import pytest
from django.db import DataError, IntegrityError, transaction

from batteriet.centres.models import AgreementText, Centre, OpeningHours, StaffAssignment, StaffRole
from batteriet.privacy.models import PrivacyConsent
from tests import factories

pytestmark = pytest.mark.django_db

# A check constraint answers with IntegrityError; a value too long for its column
# with DataError on PostgreSQL (SQLite does not limit lengths, so there the check
# constraint answers).
REFUSED = (IntegrityError, DataError)


def assert_refused(create):
    with pytest.raises(REFUSED), transaction.atomic():
        create()


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo")


def test_a_national_coordinator_has_no_centre(centre):
    user = factories.UserFactory()
    assert_refused(
        lambda: StaffAssignment.objects.create(user=user, centre=centre, role=StaffRole.NATIONAL_COORDINATOR)
    )
    assert not StaffAssignment.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", [StaffRole.ADVISER, StaffRole.LEAD])
def test_advisers_and_leads_have_a_centre(role):
    user = factories.UserFactory()
    assert_refused(lambda: StaffAssignment.objects.create(user=user, centre=None, role=role))


def test_one_role_per_centre_and_one_national_role(centre):
    user = factories.UserFactory()
    StaffAssignment.objects.create(user=user, centre=centre, role=StaffRole.ADVISER)
    assert_refused(lambda: StaffAssignment.objects.create(user=user, centre=centre, role=StaffRole.LEAD))
    coordinator = factories.national_coordinator()
    assert_refused(
        lambda: StaffAssignment.objects.create(
            user=coordinator, centre=None, role=StaffRole.NATIONAL_COORDINATOR
        )
    )
    # Working at two centres is fine.
    StaffAssignment.objects.create(
        user=user, centre=factories.CentreFactory(slug="bergen"), role=StaffRole.LEAD
    )
    assert StaffAssignment.objects.filter(user=user).count() == 2


@pytest.mark.parametrize("postcode", ["12a4", "12345", "123", ""])
def test_centre_postcode_has_four_digits(postcode):
    assert_refused(
        lambda: Centre.objects.create(
            slug="ny",
            name="Ny",
            city="By",
            intro_nb="Intro",
            email="ny@example.org",
            street_address="Gate 1",
            postcode=postcode,
            post_town="By",
        )
    )


def test_opening_hours_close_after_they_open(centre):
    assert_refused(
        lambda: OpeningHours.objects.create(
            centre=centre, weekday=6, opens_at=dt.time(16), closes_at=dt.time(9)
        )
    )
    assert_refused(
        lambda: OpeningHours.objects.create(
            centre=centre, weekday=6, opens_at=dt.time(9), closes_at=dt.time(9)
        )
    )


@pytest.mark.parametrize("months", [0, 37])
def test_agreement_text_validity_is_1_to_36_months(centre, months):
    assert_refused(
        lambda: AgreementText.objects.create(
            centre=centre, version=9, body_nb="x", body_en="x", validity_months=months
        )
    )


def test_agreement_text_versions_are_unique_per_centre(centre):
    assert_refused(lambda: AgreementText.objects.create(centre=centre, version=1, body_nb="x", body_en="x"))
    AgreementText.objects.create(
        centre=factories.CentreFactory(slug="bergen", with_text=False), version=1, body_nb="x", body_en="x"
    )


def test_consent_is_recorded_once_per_notice():
    factories.reference_data()
    user = factories.UserFactory()
    from batteriet.privacy.models import PrivacyNotice

    notice = PrivacyNotice.objects.order_by("version").first()
    PrivacyConsent.objects.create(user=user, notice=notice)
    assert_refused(lambda: PrivacyConsent.objects.create(user=user, notice=notice))
