from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from batteriet.centres.models import AgreementText, Centre, postcode_validator
from batteriet.core import personal_data as pd


class OrganisationKind(models.TextChoices):
    USER_LED = "user_led", _("User-led organisation")
    SELF_HELP_GROUP = "self_help_group", _("Self-help group")
    INFORMAL_GROUP = "informal_group", _("Informal group")
    INTEREST_ORGANISATION = "interest_organisation", _("Interest organisation")
    PARTNER = "partner", _("Partner")


class PartnerType(models.TextChoices):
    NGO = "ngo", _("Non-profit organisation")
    EDUCATION = "education", _("College, university or folk high school")
    RESEARCH = "research", _("Research institute")
    THINK_TANK = "think_tank", _("Think tank")
    BUSINESS = "business", _("Business")
    SOCIAL_ENTREPRENEUR = "social_entrepreneur", _("Social entrepreneur")
    UMBRELLA = "umbrella", _("Umbrella organisation for voluntary work")
    PUBLIC_SECTOR = "public_sector", _("Public body")
    OTHER = "other", _("Other")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class TargetGroupCode(models.TextChoices):
    FORMER_INMATES = "former_inmates", _("Former inmates")
    IMMIGRANTS = "immigrants", _("Immigrants")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    HOUSING = "housing", _("Disadvantaged on the housing market")
    LABOUR_MARKET = "labour_market", _("Disadvantaged on the labour market")
    FORMER_DRUG_USERS = "former_drug_users", _("Former drug users")
    SINGLE_PARENTS = "single_parents", _("Single parents")
    CHILDREN_AND_YOUTH = "children_and_youth", _("Children and youth")
    OTHER = "other", _("Other")


class TargetGroup(models.Model):
    """Who an organisation works for. Recorded on organisations only, never on people."""

    code = models.CharField(max_length=40, unique=True, choices=TargetGroupCode.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self) -> str:
        return str(self.get_code_display())


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=150)
    orgnr = models.CharField(
        _("organisation number"),
        max_length=9,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Nine digits from the Brønnøysund Register Centre. Leave empty if you have none."),
    )
    kind = models.CharField(_("kind of organisation"), max_length=30, choices=OrganisationKind.choices)
    partner_type = models.CharField(
        _("kind of partner"), max_length=30, choices=PartnerType.choices, blank=True
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("who you work for"), blank=True, related_name="organisations"
    )
    is_user_led = models.BooleanField(
        _("user-led"),
        default=False,
        help_text=_("Run by people who have lived experience of poverty or exclusion."),
    )
    description = models.TextField(_("short description"), max_length=1000)
    website = models.URLField(_("website"), max_length=200, blank=True)
    email = models.EmailField(_("contact e-mail"))
    phone = models.CharField(_("contact phone"), max_length=16, blank=True)
    street_address = models.CharField(_("postal address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True, validators=[postcode_validator])
    post_town = models.CharField(_("post town"), max_length=60, blank=True)
    home_centre = models.ForeignKey(
        Centre, verbose_name=_("home centre"), on_delete=models.PROTECT, related_name="organisations"
    )
    is_public = models.BooleanField(
        _("show in the public directory"),
        default=False,
        help_text=_("Name, description, website and target groups become visible to everyone."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING
    )
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=OrganisationKind.PARTNER, partner_type__gt="")
                    | (~Q(kind=OrganisationKind.PARTNER) & Q(partner_type=""))
                ),
                name="organisations_organisation_partner_type_only_for_partners",
                violation_error_message=_("Choose a kind of partner (and only for partners)."),
            ),
            models.CheckConstraint(
                condition=Q(orgnr__isnull=True) | Q(orgnr__regex=r"^[0-9]{9}$"),
                name="organisations_organisation_orgnr_nine_digits",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[0-9]{4}$"),
                name="organisations_organisation_postcode_four_digits",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrganisationStatus.DECLINED) | Q(decision_reason__gt=""),
                name="organisations_organisation_declined_has_reason",
                violation_error_message=_("Give a reason when you decline."),
            ),
        ]
        indexes = [models.Index(fields=["home_centre", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind == OrganisationKind.PARTNER

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED


class MembershipRole(models.TextChoices):
    CONTACT = "contact", _("Contact person")
    BOARD = "board", _("Board member")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "role", "user__full_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="organisations_membership_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """A contact person invites someone by e-mail; the link carries a secret token."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class Initiator(models.Model):
    """A person who wants to start a group; no organisation exists yet."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiator")
    centre = models.ForeignKey(
        Centre, verbose_name=_("nearest centre"), on_delete=models.PROTECT, related_name="initiators"
    )
    idea = models.TextField(_("what kind of group you want to start"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("initiator")
        verbose_name_plural = _("initiators")

    def __str__(self) -> str:
        return str(self.user)


class AgreementStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SIGNED = "signed", _("Signed, waiting for the centre")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


OPEN_AGREEMENT_STATUSES = [AgreementStatus.REQUESTED, AgreementStatus.SIGNED]


class Agreement(models.Model):
    """A user agreement (brukeravtale) between an organisation and a centre."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="agreements")
    text = models.ForeignKey(
        AgreementText, verbose_name=_("text version"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_name = models.CharField(_("signed by (name)"), max_length=150, blank=True)
    signed_role = models.CharField(_("signed as"), max_length=20, choices=MembershipRole.choices, blank=True)
    activated_at = models.DateTimeField(_("countersigned"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    renewal_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    termination_reason = models.TextField(_("reason for termination"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("user agreement")
        verbose_name_plural = _("user agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "centre"],
                condition=Q(status__in=OPEN_AGREEMENT_STATUSES),
                name="organisations_agreement_one_open_request",
                violation_error_message=_("This organisation already has an agreement in progress here."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "centre"],
                condition=Q(status=AgreementStatus.ACTIVE),
                name="organisations_agreement_one_active",
                violation_error_message=_("This organisation already has an active agreement here."),
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.ACTIVE)
                | Q(valid_from__isnull=False, valid_until__isnull=False, signed_at__isnull=False),
                name="organisations_agreement_active_is_signed_and_dated",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="organisations_agreement_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.TERMINATED) | Q(termination_reason__gt=""),
                name="organisations_agreement_terminated_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.centre}"


_link = pd.Declaration(
    purpose="Links a person to the organisation they act for.",
    legal_basis=pd.LegalBasis.CONTRACT,
    retention=pd.WHILE_ORGANISATION_EXISTS,
)
_accountability = pd.Declaration(
    purpose="Accountability: who took a decision or action on the organisation's behalf.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention=pd.AUDIT_RETENTION,
)
_agreement_party = pd.Declaration(
    purpose="Documents who requested, signed and countersigned the user agreement.",
    legal_basis=pd.LegalBasis.CONTRACT,
    retention=pd.AGREEMENT_RETENTION,
)

pd.declare(Organisation, decided_by=_accountability, created_by=_accountability)
pd.not_personal(
    Organisation,
    "email",
    "phone",
    "street_address",
    "name",
    reason="The organisation's own contact details, given by the organisation.",
)
pd.declare(Membership, user=_link)
pd.declare(
    Invitation,
    email=pd.Declaration(
        purpose="Sends the invitation to join the organisation.",
        legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
        retention="Until accepted or 30 days after it expired.",
    ),
    invited_by=_accountability,
    accepted_by=_link,
)
pd.declare(
    Initiator,
    user=_link,
    idea=pd.Declaration(
        purpose="Lets the centre prepare guidance for starting the group.",
        legal_basis=pd.LegalBasis.CONSENT,
        retention="Until the group is registered or two years without contact.",
    ),
)
pd.declare(
    Agreement,
    requested_by=_agreement_party,
    signed_by=_agreement_party,
    signed_name=_agreement_party,
    signed_role=_agreement_party,
    signed_at=_agreement_party,
    activated_by=_agreement_party,
    ended_by=_agreement_party,
)
