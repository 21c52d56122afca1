"""Where personal data is declared (architecture invariant 8).

Every model field that holds personal data is declared next to its model with
`declare(Model, field=Declaration(...))`: why we keep it, on what legal basis
(GDPR art. 6) and for how long. `tests/core/test_personal_data.py` fails when a
field that looks personal is not declared; privacy features read this registry.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class LegalBasis(StrEnum):
    CONSENT = "consent"  # art. 6(1)(a)
    CONTRACT = "contract"  # art. 6(1)(b): the user agreement, the account
    LEGAL_OBLIGATION = "legal_obligation"  # art. 6(1)(c)
    LEGITIMATE_INTEREST = "legitimate_interest"  # art. 6(1)(f)


@dataclass(frozen=True)
class Declaration:
    purpose: str
    legal_basis: LegalBasis
    retention: str


_registry: dict[str, Declaration] = {}
_not_personal: dict[str, str] = {}


def declare(model: type[models.Model], **fields: Declaration) -> None:
    for name in fields:
        model._meta.get_field(name)  # fails at import time on a misspelt field
    for name, declaration in fields.items():
        _registry[f"{model._meta.label}.{name}"] = declaration


def not_personal(model: type[models.Model], *field_names: str, reason: str) -> None:
    """Mark fields that look personal (an e-mail, a phone) but belong to an organisation."""
    for name in field_names:
        model._meta.get_field(name)
        _not_personal[f"{model._meta.label}.{name}"] = reason


def is_marked_not_personal(model: type[models.Model], field_name: str) -> bool:
    return f"{model._meta.label}.{field_name}" in _not_personal


def declaration_for(model: type[models.Model], field_name: str) -> Declaration | None:
    return _registry.get(f"{model._meta.label}.{field_name}")


def declared() -> dict[str, Declaration]:
    return dict(_registry)


# Common retention periods, in words a person can read.
WHILE_ACCOUNT_EXISTS = "While the account exists; erased when the person deletes it."
WHILE_ORGANISATION_EXISTS = "While the organisation is registered; erased with it."
AUDIT_RETENTION = "Five years after the change (accountability for decisions)."
AGREEMENT_RETENTION = "Five years after the agreement ended (documentation of loans)."
