from batteriet.privacy.models import PrivacyNotice


def current_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-version").first()
