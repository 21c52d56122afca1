import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from batteriet.core import personal_data as pd


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who logs in with an e-mail address (no user name).

    `is_staff` only opens Django admin for site administrators; centre staff roles
    live in `centres.StaffAssignment`.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language for e-mails"), max_length=5, choices=settings.LANGUAGES, default="nb"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """The site's own permissions (predicates in `rules`) hold for superusers too.

        Being a site administrator opens Django admin; it does not make a person
        centre staff or a member of every organisation.
        """
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


pd.declare(
    User,
    email=pd.Declaration(
        purpose="Log-in, receipts and messages about the person's organisations.",
        legal_basis=pd.LegalBasis.CONTRACT,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
    full_name=pd.Declaration(
        purpose="Shown to the person's organisations and centre staff; signs agreements.",
        legal_basis=pd.LegalBasis.CONTRACT,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
    password=pd.Declaration(
        purpose="Optional log-in by password (stored only as a salted hash).",
        legal_basis=pd.LegalBasis.CONTRACT,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
    language=pd.Declaration(
        purpose="Writes e-mails to the person in the language they chose.",
        legal_basis=pd.LegalBasis.CONTRACT,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
    last_login=pd.Declaration(
        purpose="Security: spotting accounts that are misused or no longer used.",
        legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
    date_joined=pd.Declaration(
        purpose="Security and retention: when the account was created.",
        legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
        retention=pd.WHILE_ACCOUNT_EXISTS,
    ),
)
