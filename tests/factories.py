"""Factories for test data. Scenario helpers build whole situations in one call."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from factory.django import DjangoModelFactory

from batteriet.accounts.models import User
from batteriet.centres.models import AgreementText, Centre, OpeningHours, StaffAssignment, StaffRole
from batteriet.core import time as clock
from batteriet.organisations.models import (
    Agreement,
    AgreementStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    TargetGroup,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Kari Nordmann {n}")
    password = factory.PostGenerationMethodCall("set_password", "Passord-for-test-1")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"senter-{n}")
    name = factory.Sequence(lambda n: f"Batteriet Test {n}")
    city = "Oslo"
    intro_nb = "Et ressurssenter for grupper som jobber mot fattigdom."
    intro_en = "A resource centre for groups that work against poverty."
    email = factory.LazyAttribute(lambda o: f"{o.slug}@batteriet.example")
    phone = "+4722000000"
    street_address = "Storgata 1"
    postcode = "0155"
    post_town = "Oslo"

    @factory.post_generation
    def with_text(obj, create, extracted, **kwargs):
        if create and extracted is not False and not obj.agreement_texts.exists():
            AgreementText.objects.create(
                centre=obj,
                version=1,
                body_nb="Husregler: Rydd etter dere. Ingen rus i lokalene.",
                body_en="House rules: Tidy up after you. No drugs or alcohol on the premises.",
                validity_months=12,
            )
            for weekday in range(5):
                OpeningHours.objects.create(
                    centre=obj, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(16)
                )


def _with_totp(user: User) -> User:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    return user


def staff(centre: Centre | None, role: str = StaffRole.ADVISER, **kwargs) -> User:
    """A staff member with two-factor set up (staff must have it)."""
    user = UserFactory(**kwargs)
    StaffAssignment.objects.create(user=user, centre=centre, role=role)
    return _with_totp(user)


def national_coordinator(**kwargs) -> User:
    return staff(None, StaffRole.NATIONAL_COORDINATOR, **kwargs)


def site_admin(**kwargs) -> User:
    user = UserFactory(is_staff=True, is_superuser=True, **kwargs)
    return _with_totp(user)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Brukerforeningen {n}")
    kind = OrganisationKind.USER_LED
    description = "Vi samler folk med erfaring fra fattigdom."
    email = factory.Sequence(lambda n: f"post{n}@forening.example")
    home_centre = factory.SubFactory(CentreFactory)
    status = OrganisationStatus.APPROVED
    is_user_led = True

    @factory.post_generation
    def target_groups(obj, create, extracted, **kwargs):
        if create:
            codes = extracted or ["housing"]
            obj.target_groups.set(TargetGroup.objects.filter(code__in=codes))


def member(organisation: Organisation, role: str = MembershipRole.MEMBER, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def agreement(
    organisation: Organisation,
    centre: Centre | None = None,
    status: str = AgreementStatus.ACTIVE,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Agreement:
    centre = centre or organisation.home_centre
    text = centre.agreement_texts.order_by("-version").first()
    today = clock.local_today()
    fields: dict = {}
    if status in {AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.EXPIRED}:
        fields.update(signed_at=clock.now(), signed_name="Kari Nordmann", signed_role=MembershipRole.CONTACT)
    if status in {AgreementStatus.ACTIVE, AgreementStatus.EXPIRED}:
        fields.update(
            activated_at=clock.now(),
            valid_from=valid_from or today - dt.timedelta(days=30),
            valid_until=valid_until or today + dt.timedelta(days=335),
        )
    if status == AgreementStatus.TERMINATED:
        fields.update(termination_reason="Avsluttet etter avtale.")
    return Agreement.objects.create(organisation=organisation, centre=centre, text=text, status=status, **fields)
