"""Personal API keys: a person lets a program act on their behalf through the JSON API.

Only the SHA-256 hash of a key is stored; the key itself is shown once when it is made.
`prefix` (its first characters) lets the person tell their keys apart.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from batteriet.core import personal_data as pd

PREFIX_LENGTH = 8
NAME_MAX_LENGTH = 100


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    prefix = models.CharField(_("starts with"), max_length=PREFIX_LENGTH)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="api_apitoken_unique_hash"),
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_apitoken_unique_name_while_active",
                violation_error_message=_("You already have a key with this name. Choose another name."),
            ),
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 (a pattern, not a secret)
                name="api_apitoken_hash_is_sha256",
            ),
            models.CheckConstraint(
                condition=Q(prefix__regex=r"^[A-Za-z0-9_-]{8}$"),
                name="api_apitoken_prefix_shape",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="api_apitoken_name_not_empty",
                violation_error_message=_("Give the key a name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


_key_owner = pd.Declaration(
    purpose="Whose API key it is, so a program using it acts as that person and nobody else.",
    legal_basis=pd.LegalBasis.CONTRACT,
    retention=pd.WHILE_ACCOUNT_EXISTS,
)
pd.declare(
    ApiToken,
    user=_key_owner,
    name=pd.Declaration(
        purpose="The name the person gave the key, so they can tell their keys apart.",
        legal_basis=pd.LegalBasis.CONTRACT,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
    last_used_at=pd.Declaration(
        purpose="When the key was last used (to the minute), so the person can spot a key "
        "that is used without them knowing, or one they no longer need.",
        legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
)
