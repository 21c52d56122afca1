from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One change to one object: who did what, when, and which fields changed.

    `scope` groups entries for a history page (e.g. "organisation:12" collects the
    organisation's own changes and those of its memberships and agreements).
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    scope = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


from batteriet.core import personal_data as _pd  # noqa: E402

_pd.declare(
    AuditEntry,
    actor=_pd.Declaration(
        purpose="Accountability: who made a change to an organisation, membership or agreement.",
        legal_basis=_pd.LegalBasis.LEGITIMATE_INTEREST,
        retention=_pd.AUDIT_RETENTION,
    ),
    object_repr=_pd.Declaration(
        purpose="A readable name of the changed object, which may be a person's name.",
        legal_basis=_pd.LegalBasis.LEGITIMATE_INTEREST,
        retention=_pd.AUDIT_RETENTION,
    ),
    changes=_pd.Declaration(
        purpose="What changed, so staff can explain and undo decisions.",
        legal_basis=_pd.LegalBasis.LEGITIMATE_INTEREST,
        retention=_pd.AUDIT_RETENTION,
    ),
)
