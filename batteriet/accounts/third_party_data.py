"""Personal data held by django-allauth's models, declared like our own."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from batteriet.core import personal_data as pd


def declare_all() -> None:
    pd.declare(
        EmailAddress,
        email=pd.Declaration(
            purpose="Verified e-mail addresses used to log in with a password or a code.",
            legal_basis=pd.LegalBasis.CONTRACT,
            retention=pd.WHILE_ACCOUNT_EXISTS,
        ),
        user=pd.Declaration(
            purpose="Links the address to its account.",
            legal_basis=pd.LegalBasis.CONTRACT,
            retention=pd.WHILE_ACCOUNT_EXISTS,
        ),
    )
    pd.declare(
        Authenticator,
        user=pd.Declaration(
            purpose="Two-factor authentication for staff accounts.",
            legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
            retention=pd.WHILE_ACCOUNT_EXISTS,
        ),
        data=pd.Declaration(
            purpose="The authenticator's secret (TOTP seed or recovery codes).",
            legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
            retention=pd.WHILE_ACCOUNT_EXISTS,
        ),
    )
