from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from batteriet.core import personal_data as pd

postcode_validator = RegexValidator(
    r"^\d{4}\Z", _("A Norwegian postcode has exactly four digits, for example 0150.")
)


class BilingualText:
    """Mixin: `self.localised("intro")` returns intro_nb or intro_en for the active language."""

    def localised(self, field: str) -> str:
        language = (get_language() or "nb")[:2]
        value = getattr(self, f"{field}_en" if language == "en" else f"{field}_nb")
        return value or getattr(self, f"{field}_nb")


class Centre(BilingualText, models.Model):
    slug = models.SlugField(_("short name in addresses"), unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=60)
    region_nb = models.CharField(_("region (Bokmål)"), max_length=100, blank=True)
    region_en = models.CharField(_("region (English)"), max_length=100, blank=True)
    intro_nb = models.TextField(_("introduction (Bokmål)"))
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    funding_nb = models.CharField(_("funding (Bokmål)"), max_length=300, blank=True)
    funding_en = models.CharField(_("funding (English)"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    street_address = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    post_town = models.CharField(_("post town"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{4}$"), name="centres_centre_postcode_four_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> str:
        return self.localised("region")

    @property
    def intro(self) -> str:
        return self.localised("intro")

    @property
    def funding(self) -> str:
        return self.localised("funding")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """Staffed hours in a normal week, Europe/Oslo local time."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["centre", "weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="centres_openinghours_closes_after_opening",
                violation_error_message=_("Closing time must be after opening time."),
            ),
            models.UniqueConstraint(
                fields=["centre", "weekday", "opens_at"], name="centres_openinghours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre}: {self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class StaffRole(models.TextChoices):
    ADVISER = "adviser", _("Adviser")
    LEAD = "lead", _("Centre lead")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")


class StaffAssignment(models.Model):
    """A person works for a centre (adviser or lead), or nationally (centre empty)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_assignments"
    )
    centre = models.ForeignKey(Centre, null=True, blank=True, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("role"), max_length=30, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=StaffRole.NATIONAL_COORDINATOR, centre__isnull=True)
                    | (~Q(role=StaffRole.NATIONAL_COORDINATOR) & Q(centre__isnull=False))
                ),
                name="centres_staffassignment_centre_matches_role",
                violation_error_message=_(
                    "A national coordinator has no centre; advisers and leads have one."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "centre"], name="centres_staffassignment_one_role_per_centre"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(centre__isnull=True),
                name="centres_staffassignment_one_national_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} {self.centre or ''}".strip()


class AgreementText(BilingualText, models.Model):
    """A version of a centre's user agreement text (house rules). Never edited, only superseded."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="agreement_texts")
    version = models.PositiveIntegerField(_("version"))
    body_nb = models.TextField(_("agreement text (Bokmål)"), max_length=20_000)
    body_en = models.TextField(_("agreement text (English)"), max_length=20_000)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=12,
        help_text=_("How long a signed agreement lasts before it must be renewed."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["centre", "-version"]
        get_latest_by = "version"
        verbose_name = _("agreement text")
        verbose_name_plural = _("agreement texts")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "version"], name="centres_agreementtext_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(validity_months__gte=1, validity_months__lte=36),
                name="centres_agreementtext_validity_1_to_36_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} v{self.version}"

    @property
    def body(self) -> str:
        return self.localised("body")


pd.declare(
    StaffAssignment,
    user=pd.Declaration(
        purpose="Which person works at which centre, to give staff access to their centre.",
        legal_basis=pd.LegalBasis.CONTRACT,
        retention="While the person works for the centre.",
    ),
)
pd.declare(
    AgreementText,
    created_by=pd.Declaration(
        purpose="Who published a version of the agreement text.",
        legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
        retention=pd.AUDIT_RETENTION,
    ),
)
pd.not_personal(
    Centre, "name", "email", "phone", "street_address", reason="The centre's public contact details."
)
