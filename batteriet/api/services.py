"""Writes for personal API keys: make one, withdraw one, note when one was used."""

import datetime as dt
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.api import rules, selectors
from batteriet.api.models import PREFIX_LENGTH, ApiToken
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation

# Writing the time of use once a minute is enough to spot a forgotten key.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a key for the actor. Returns the key and its secret; only the hash is stored."""
    with transaction.atomic(durable=True):
        User.objects.select_for_update().values_list("pk", flat=True).get(pk=actor.pk)
        names_in_use = selectors.active_token_names(actor)
        rules.check_token_name(name, names_in_use=names_in_use)
        rules.check_token_count(len(names_in_use))
        secret = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor,
            name=name.strip(),
            prefix=secret[:PREFIX_LENGTH],
            token_hash=selectors.token_hash(secret),
        )
        audit.record(
            actor=actor,
            action="api_token.created",
            obj=token,
            scope=f"user:{actor.pk}",
            changes={"name": token.name, "prefix": token.prefix},
        )
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Withdraw a key: programs using it are refused from now on."""
    with transaction.atomic(durable=True):
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.user_id != actor.pk:
            raise RuleViolation(code="not_allowed", message=_("You can only withdraw your own keys."))
        if token.revoked_at is not None:
            raise RuleViolation(code="token_already_revoked", message=_("This key is already withdrawn."))
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="api_token.revoked",
            obj=token,
            scope=f"user:{actor.pk}",
            changes={"name": token.name, "prefix": token.prefix},
        )
    return token


def api_token_mark_used(*, token: ApiToken) -> None:
    """Note that the key was used, at most once a minute (no audit entry: nothing changes).

    One conditional UPDATE: parallel requests write it once, and most requests write nothing.
    """
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    stale_before = now - LAST_USED_PRECISION
    updated = (
        ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gte=stale_before).update(last_used_at=now)
    )
    if updated:
        token.last_used_at = now
