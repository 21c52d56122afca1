import pytest
from django.urls import reverse

from batteriet.privacy import selectors, services
from batteriet.privacy.models import PrivacyConsent, PrivacyNotice
from tests import factories

pytestmark = pytest.mark.django_db


def test_notice_shows_the_newest_version(client):
    factories.reference_data()
    PrivacyNotice.objects.create(
        version=7, published_on="2027-01-01", body_nb="Versjon sju.", body_en="Version seven."
    )
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Versjon sju." in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Version seven." in client.get(reverse("privacy:notice")).content.decode()


def test_notice_page_works_without_any_notice(client):
    PrivacyNotice.objects.all().delete()
    assert client.get(reverse("privacy:notice")).status_code == 200


def test_current_notice_and_consent_record_once():
    factories.reference_data()
    notice = selectors.current_notice()
    user = factories.UserFactory()
    first = services.consent_record(user=user, notice=notice)
    second = services.consent_record(user=user, notice=notice)
    assert first == second
    assert PrivacyConsent.objects.filter(user=user).count() == 1
