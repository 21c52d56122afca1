"""Publishing agreement texts; who works where."""

import pytest
from django.core.exceptions import ValidationError

from batteriet.centres import permissions, selectors, services
from batteriet.centres.models import AgreementText, StaffRole
from batteriet.core.models import AuditEntry
from batteriet.organisations.models import AgreementStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo")


def test_publish_increments_the_version_and_keeps_signed_agreements_on_theirs(centre):
    lead = factories.lead(centre)
    signed = factories.agreement(
        factories.OrganisationFactory(home_centre=centre), status=AgreementStatus.SIGNED
    )

    text = services.agreement_text_publish(
        actor=lead, centre=centre, body_nb=" Nye regler ", body_en=" New rules ", validity_months=6
    )

    assert text.version == 2
    assert (text.body_nb, text.body_en) == ("Nye regler", "New rules")
    assert selectors.current_agreement_text(centre) == text
    signed.refresh_from_db()
    assert signed.text.version == 1
    entry = AuditEntry.objects.get(action="agreement_text.published")
    assert entry.scope == f"centre:{centre.pk}"
    assert entry.actor == lead
    assert (
        services.agreement_text_publish(
            actor=lead, centre=centre, body_nb="3", body_en="3", validity_months=12
        ).version
        == 3
    )


def test_versions_are_per_centre(centre):
    other = factories.CentreFactory(slug="bergen")
    services.agreement_text_publish(actor=None, centre=centre, body_nb="a", body_en="a", validity_months=12)
    assert (
        services.agreement_text_publish(
            actor=None, centre=other, body_nb="b", body_en="b", validity_months=12
        ).version
        == 2
    )


def test_a_centre_without_text_starts_at_version_one():
    bare = factories.CentreFactory(slug="ny", with_text=False)
    assert selectors.current_agreement_text(bare) is None
    assert (
        services.agreement_text_publish(
            actor=None, centre=bare, body_nb="a", body_en="a", validity_months=12
        ).version
        == 1
    )


@pytest.mark.parametrize(
    ("field", "value"), [("validity_months", 0), ("validity_months", 37), ("body_nb", "")]
)
def test_publish_refuses_bad_values_and_stores_nothing(centre, field, value):
    values = {"body_nb": "Regler", "body_en": "Rules", "validity_months": 12, field: value}
    with pytest.raises(ValidationError):
        services.agreement_text_publish(actor=None, centre=centre, **values)
    assert AgreementText.objects.filter(centre=centre).count() == 1
    assert AuditEntry.objects.count() == 0


def test_staff_emails_are_the_centre_and_its_staff(centre):
    adviser = factories.staff(centre)
    lead = factories.lead(centre)
    factories.national_coordinator()
    factories.staff(factories.CentreFactory(slug="bergen"))
    assert sorted(selectors.staff_emails(centre)) == sorted([centre.email, adviser.email, lead.email])


def test_centre_with_hours(centre):
    loaded = selectors.centre_with_hours("oslo")
    assert [h.weekday for h in loaded.opening_hours.all()] == [0, 1, 2, 3, 4]
    assert selectors.centre_with_hours("atlantis") is None


@pytest.mark.parametrize(
    ("who", "staff_at_a", "lead_at_a", "staff_at_b", "centres"),
    [
        ("person", False, False, False, []),
        ("adviser_a", True, False, False, ["a"]),
        ("lead_a", True, True, False, ["a"]),
        ("lead_b", False, False, True, ["b"]),
        ("both", True, False, True, ["a", "b"]),
        ("coordinator", True, True, True, None),
    ],
)
def test_staff_predicates(who, staff_at_a, lead_at_a, staff_at_b, centres):
    a = factories.CentreFactory(slug="a")
    b = factories.CentreFactory(slug="b")
    user = {
        "person": factories.UserFactory,
        "adviser_a": lambda: factories.staff(a),
        "lead_a": lambda: factories.lead(a),
        "lead_b": lambda: factories.lead(b),
        "coordinator": factories.national_coordinator,
    }.get(who, lambda: None)()
    if who == "both":
        user = factories.staff(a)
        factories.StaffAssignment.objects.create(user=user, centre=b, role=StaffRole.ADVISER)
    assert permissions.is_staff_at(user, a) is staff_at_a
    assert permissions.is_lead_at(user, a) is lead_at_a
    assert permissions.is_staff_at(user, b) is staff_at_b
    assert permissions.is_staff_member(user) is (who != "person")
    ids = permissions.centre_ids_for_staff(user)
    slug_of = {a.pk: "a", b.pk: "b"}
    assert (None if ids is None else sorted(slug_of[i] for i in ids)) == centres
    assert permissions.is_staff_at(user, None) is False
