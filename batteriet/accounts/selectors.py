from allauth.mfa.models import Authenticator

from batteriet.accounts.models import User
from batteriet.centres import permissions as centre_permissions


def needs_two_factor(user: User) -> bool:
    """Staff and site administrators must use two-factor authentication."""
    return bool(user.is_superuser or centre_permissions.is_staff_member(user))


def has_two_factor(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
