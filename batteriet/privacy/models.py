from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from batteriet.centres.models import BilingualText
from batteriet.core import personal_data as pd


class PrivacyNotice(BilingualText, models.Model):
    """A published version of the privacy notice. New versions are added, never edited."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    published_on = models.DateField(_("published"))
    body_nb = models.TextField(_("text (Bokmål)"))
    body_en = models.TextField(_("text (English)"))

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return f"v{self.version} ({self.published_on:%Y-%m-%d})"

    @property
    def body(self) -> str:
        return self.localised("body")


class PrivacyConsent(models.Model):
    """A person accepted a version of the privacy notice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents"
    )
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="privacy_privacyconsent_once")]

    def __str__(self) -> str:
        return f"{self.user} – {self.notice}"


pd.declare(
    PrivacyConsent,
    user=pd.Declaration(
        purpose="Proof that the person was shown and accepted the privacy notice.",
        legal_basis=pd.LegalBasis.LEGAL_OBLIGATION,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
)
