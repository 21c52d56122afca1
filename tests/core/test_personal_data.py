"""Invariant 8: every field that holds personal data is declared where it is defined."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps

from batteriet.core import personal_data as pd

OUR_APPS = ["core", "accounts", "centres", "organisations", "privacy", "bookings", "events", "api", "demo"]
PERSONAL_NAME_PARTS = ("email", "phone", "name", "address", "signed")
FORBIDDEN_NAMES = re.compile(
    r"f(o|ø)dselsnummer|personnummer|(^|_)ssn(_|$)|national_id|identity_number|diagnos|criminal|conviction",
    re.IGNORECASE,
)


def _points_to_user(field: models.Field) -> bool:
    if not (field.many_to_one or field.one_to_one) or field.remote_field is None:
        return False
    target = field.remote_field.model
    if isinstance(target, str):
        return target.lower() == settings.AUTH_USER_MODEL.lower()
    return target._meta.label == settings.AUTH_USER_MODEL


def looks_personal(field: models.Field) -> bool:
    """A field that may hold personal data, judged from its type and name."""
    if not field.concrete:
        return False
    name = field.name.lower()
    return (
        _points_to_user(field)
        or isinstance(field, models.EmailField)
        or any(part in name for part in PERSONAL_NAME_PARTS)
        or re.search(r"(^|_)ip(_|$)", name) is not None
    )


def undeclared_personal_fields(model_classes) -> list[str]:
    """Fields that look personal but are neither declared nor marked as not personal."""
    return [
        f"{model._meta.label}.{field.name}"
        for model in model_classes
        for field in model._meta.get_fields()
        if looks_personal(field)
        and pd.declaration_for(model, field.name) is None
        and not pd.is_marked_not_personal(model, field.name)
    ]


def checked_models() -> list[type[models.Model]]:
    ours = [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]
    return [*ours, EmailAddress, Authenticator]


def test_every_personal_field_is_declared():
    assert undeclared_personal_fields(checked_models()) == []


def test_the_check_sees_the_fields_it_should():
    """Guard the heuristics: known personal fields are recognised as personal."""
    labels = {
        f"{model._meta.label}.{field.name}"
        for model in checked_models()
        for field in model._meta.get_fields()
        if looks_personal(field)
    }
    for expected in (
        "accounts.User.email",
        "accounts.User.full_name",
        "organisations.Membership.user",
        "organisations.Agreement.signed_name",
        "organisations.Invitation.email",
        "privacy.PrivacyConsent.user",
        "core.AuditEntry.actor",
        "account.EmailAddress.email",
        "mfa.Authenticator.user",
    ):
        assert expected in labels
    assert len(labels) >= 30


@pytest.mark.parametrize("key", sorted(pd.declared()))
def test_every_declaration_is_complete(key):
    declaration = pd.declared()[key]
    assert declaration.purpose.strip()
    assert declaration.retention.strip()
    assert isinstance(declaration.legal_basis, pd.LegalBasis)
    app_label, model_name, field_name = key.split(".")
    apps.get_model(app_label, model_name)._meta.get_field(field_name)


def test_declarations_exist():
    assert len(pd.declared()) >= 25


@isolate_apps("batteriet.core")
def test_an_undeclared_field_makes_the_check_fail():
    class Volunteer(models.Model):
        nickname = models.CharField(max_length=50)
        contact_email = models.EmailField()
        mobile_phone = models.CharField(max_length=20)
        home_address = models.CharField(max_length=100)
        last_ip = models.GenericIPAddressField()
        person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        shoe_size = models.PositiveSmallIntegerField()
        description = models.TextField()  # contains "ip" inside a word: not personal by name

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return self.nickname

    assert sorted(undeclared_personal_fields([Volunteer])) == [
        "core.Volunteer.contact_email",
        "core.Volunteer.home_address",
        "core.Volunteer.last_ip",
        "core.Volunteer.mobile_phone",
        "core.Volunteer.nickname",
        "core.Volunteer.person",
    ]

    keys = [
        f"core.Volunteer.{name}"
        for name in ("nickname", "contact_email", "mobile_phone", "last_ip", "person")
    ]
    try:
        pd.declare(
            Volunteer,
            **{
                key.rsplit(".", 1)[1]: pd.Declaration(
                    purpose="Test.", legal_basis=pd.LegalBasis.CONSENT, retention="Test."
                )
                for key in keys
            },
        )
        pd.not_personal(Volunteer, "home_address", reason="The address of a building.")
        assert undeclared_personal_fields([Volunteer]) == []
    finally:
        for key in keys:
            pd._registry.pop(key, None)
        pd._not_personal.pop("core.Volunteer.home_address", None)
    assert len(undeclared_personal_fields([Volunteer])) == 6


def test_declaring_a_misspelt_field_fails_at_once():
    from batteriet.accounts.models import User

    with pytest.raises(Exception, match="has no field named"):
        pd.declare(
            User, full_nmae=pd.Declaration(purpose="x", legal_basis=pd.LegalBasis.CONTRACT, retention="x")
        )


def test_no_model_stores_identity_numbers_diagnoses_or_records():
    offending = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if FORBIDDEN_NAMES.search(field.name)
    ]
    assert offending == []


@pytest.mark.parametrize(
    "name", ["fodselsnummer", "fødselsnummer", "personnummer", "ssn", "user_ssn", "diagnosis"]
)
def test_the_forbidden_names_are_recognised(name):
    assert FORBIDDEN_NAMES.search(name)


@pytest.mark.parametrize("name", ["session_key", "description", "assignment"])
def test_ordinary_names_are_not_forbidden(name):
    assert not FORBIDDEN_NAMES.search(name)


def test_target_groups_are_on_organisations_never_on_people():
    from batteriet.organisations.models import TargetGroup

    holders = {
        relation.related_model._meta.label
        for relation in TargetGroup._meta.get_fields()
        if relation.is_relation and relation.related_model is not None
    }
    assert holders == {"organisations.Organisation"}
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    assert not any(
        field.is_relation and field.related_model is TargetGroup for field in user_model._meta.get_fields()
    )
