"""Reads for personal API keys."""

import hashlib
import hmac

from django.db.models import QuerySet

from batteriet.accounts.models import User
from batteriet.api.models import ApiToken


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    """A person's keys, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")


def active_token_names(user: User) -> set[str]:
    return set(ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("name", flat=True))


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The active key with this secret, with its person, or None.

    Looked up by the hash, so the secret itself is never compared or stored; the
    final comparison is constant-time all the same.
    """
    digest = token_hash(secret)
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token
