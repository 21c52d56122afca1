from django.db import transaction

from batteriet.accounts.models import User
from batteriet.privacy.models import PrivacyConsent, PrivacyNotice


def consent_record(*, user: User, notice: PrivacyNotice) -> PrivacyConsent:
    with transaction.atomic():
        consent, _ = PrivacyConsent.objects.get_or_create(user=user, notice=notice)
    return consent
