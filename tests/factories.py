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
        skip_postgeneration_save = True

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
    return Agreement.objects.create(
        organisation=organisation, centre=centre, text=text, status=status, **fields
    )


# --- Helpers added for the service, view and matrix tests -----------------------------
# They only add to what is above; nothing above is renamed.


def reference_data() -> None:
    """Make sure the rows data migrations seed exist (a transactional test may have
    flushed them): every target group and a first privacy notice."""
    from batteriet.organisations.models import TargetGroupCode
    from batteriet.privacy.models import PrivacyNotice

    for code in TargetGroupCode.values:
        TargetGroup.objects.get_or_create(code=code)
    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(
            version=1,
            published_on=dt.date(2026, 1, 1),
            body_nb="Slik tar vi vare på personopplysningene dine.",
            body_en="How we look after your personal data.",
        )


def lead(centre: Centre, **kwargs) -> User:
    return staff(centre, StaffRole.LEAD, **kwargs)


def pending_organisation(centre: Centre | None = None, **kwargs) -> Organisation:
    if centre is not None:
        kwargs["home_centre"] = centre
    return OrganisationFactory(status=OrganisationStatus.PENDING, **kwargs)


def partner_organisation(centre: Centre | None = None, **kwargs) -> Organisation:
    from batteriet.organisations.models import PartnerType

    if centre is not None:
        kwargs["home_centre"] = centre
    kwargs.setdefault("partner_type", PartnerType.RESEARCH)
    return OrganisationFactory(kind=OrganisationKind.PARTNER, is_user_led=False, **kwargs)


def initiator(centre: Centre, **kwargs):
    from batteriet.organisations.models import Initiator

    user = UserFactory(**kwargs)
    Initiator.objects.create(user=user, centre=centre, idea="En selvhjelpsgruppe for enslige foreldre.")
    return user


def invitation(
    organisation: Organisation,
    email: str,
    role: str = MembershipRole.MEMBER,
    invited_by: User | None = None,
    expires_in: dt.timedelta = dt.timedelta(days=14),
):
    """An invitation and its secret token (the e-mail link carries the token)."""
    import hashlib
    import secrets

    from batteriet.organisations.models import Invitation

    token = secrets.token_urlsafe(32)
    created = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        invited_by=invited_by,
        expires_at=clock.now() + expires_in,
    )
    return created, token


def organisation_data(centre: Centre, **overrides):
    """Valid input for organisation_register / organisation_update."""
    from batteriet.organisations.services import OrganisationData

    values = {
        "name": "Fattighuset Test",
        "kind": OrganisationKind.USER_LED,
        "description": "Vi hjelper folk med lite penger.",
        "email": "post@fattighuset.example",
        "home_centre": centre,
        "orgnr": "923 609 016",
        "phone": "912 34 567",
        "postcode": "0155",
        "post_town": "Oslo",
        "street_address": "Storgata 2",
        "target_groups": list(TargetGroup.objects.filter(code__in=["housing", "single_parents"])),
        "is_user_led": True,
    }
    values.update(overrides)
    return OrganisationData(**values)


def organisation_post(centre: Centre, **overrides) -> dict:
    """A valid POST body for the organisation registration and edit forms."""
    body = {
        "name": "Fattighuset Test",
        "kind": OrganisationKind.USER_LED,
        "orgnr": "",
        "target_groups": [str(TargetGroup.objects.get(code="housing").pk)],
        "is_user_led": "on",
        "description": "Vi hjelper folk med lite penger.",
        "website": "",
        "email": "post@fattighuset.example",
        "phone": "91234567",
        "street_address": "Storgata 2",
        "postcode": "0155",
        "post_town": "Oslo",
        "home_centre": str(centre.pk),
        "confirm_focus": "on",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def partner_post(centre: Centre, **overrides) -> dict:
    body = {
        "name": "Forskningsinstituttet Test",
        "partner_type": "research",
        "orgnr": "",
        "description": "Vi vil samarbeide om forskning på fattigdom.",
        "website": "",
        "email": "post@institutt.example",
        "phone": "",
        "street_address": "",
        "postcode": "",
        "post_town": "",
        "home_centre": str(centre.pk),
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


class Scenario:
    """Two centres and everyone who acts on them, for the permission matrix.

    Centre A: organisation A1 (contact, board member, plain member), a pending
    organisation, a partner, an initiator, an adviser and a lead. Centre B:
    organisation B1 with its own contact, an adviser and a lead. Plus a national
    coordinator, a site administrator and a logged-in person with no ties.
    """

    def __init__(self) -> None:
        reference_data()
        self.centre_a = CentreFactory(slug="senter-a", name="Batteriet A")
        self.centre_b = CentreFactory(slug="senter-b", name="Batteriet B")
        self.a1 = OrganisationFactory(name="Organisasjon A1", home_centre=self.centre_a)
        self.b1 = OrganisationFactory(name="Organisasjon B1", home_centre=self.centre_b)
        self.pending = pending_organisation(self.centre_a, name="Venter A")
        self.partner_org = partner_organisation(self.centre_a, name="Partner A")

        self.contact_a1 = member(self.a1, MembershipRole.CONTACT, full_name="Kari Kontakt")
        self.board_a1 = member(self.a1, MembershipRole.BOARD, full_name="Per Styre")
        self.member_a1 = member(self.a1, MembershipRole.MEMBER, full_name="Ola Medlem")
        self.contact_b1 = member(self.b1, MembershipRole.CONTACT, full_name="Berit Kontakt")
        self.contact_pending = member(self.pending, MembershipRole.CONTACT, full_name="Vera Venter")
        self.contact_partner = member(self.partner_org, MembershipRole.CONTACT, full_name="Paal Partner")
        self.initiator = initiator(self.centre_a, full_name="Ida Initiativ")
        self.person = UserFactory(full_name="Nils Nykommer")

        self.adviser_a = staff(self.centre_a, StaffRole.ADVISER, full_name="Anne Rådgiver")
        self.lead_a = staff(self.centre_a, StaffRole.LEAD, full_name="Lars Leder")
        self.adviser_b = staff(self.centre_b, StaffRole.ADVISER, full_name="Bjørn Rådgiver")
        self.lead_b = staff(self.centre_b, StaffRole.LEAD, full_name="Bodil Leder")
        self.coordinator = national_coordinator(full_name="Nora Nasjonal")
        self.admin = site_admin(full_name="Siri Admin")

        # A1: an active agreement at centre A and a signed renewal waiting there;
        # B1: a signed agreement waiting at centre B.
        self.agreement_a1_active = agreement(self.a1, status=AgreementStatus.ACTIVE)
        self.agreement_a1_signed = agreement(self.a1, status=AgreementStatus.SIGNED)
        self.agreement_b1_signed = agreement(self.b1, status=AgreementStatus.SIGNED)
        self.membership_member_a1 = Membership.objects.get(user=self.member_a1, organisation=self.a1)
        self.membership_contact_b1 = Membership.objects.get(user=self.contact_b1, organisation=self.b1)
        self.invitation_a1, self.invitation_token = invitation(
            self.a1, "ny@example.org", invited_by=self.contact_a1
        )
        # A room at each centre that needs approval, and a request from A1 and from B1.
        self.room_a = ResourceFactory(centre=self.centre_a, name="Møterom A", requires_approval=True)
        self.room_b = ResourceFactory(centre=self.centre_b, name="Møterom B", requires_approval=True)
        day = bookable_day()
        self.booking_a1 = booking_row(
            self.room_a, self.a1, at(day, 10), at(day, 11), booked_by=self.contact_a1
        )
        self.booking_b1 = booking_row(
            self.room_b, self.b1, at(day, 10), at(day, 11), booked_by=self.contact_b1
        )

    def users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "person": self.person,
            "initiator": self.initiator,
            "contact_a1": self.contact_a1,
            "board_a1": self.board_a1,
            "member_a1": self.member_a1,
            "contact_b1": self.contact_b1,
            "contact_pending": self.contact_pending,
            "partner": self.contact_partner,
            "adviser_a": self.adviser_a,
            "lead_a": self.lead_a,
            "adviser_b": self.adviser_b,
            "lead_b": self.lead_b,
            "coordinator": self.coordinator,
            "site_admin": self.admin,
        }


# --- Bookings -------------------------------------------------------------------------
# Booking times in tests are relative to today: `bookable_day()` finds an ordinary
# weekday ahead (no public holiday), `at()` makes an aware Europe/Oslo moment on it.


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.OSLO)


def bookable_day(weekday: int = 1, weeks_ahead: int = 1, after: dt.date | None = None) -> dt.date:
    """The first `weekday` (0 = Monday) at least `weeks_ahead` weeks from today (and later
    than `after`) in a week with no Norwegian public holiday, so the whole week is ordinary."""
    import holidays

    day = clock.local_today() + dt.timedelta(weeks=weeks_ahead)
    if after is not None:
        day = max(day, after + dt.timedelta(days=1))
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    calendar = holidays.country_holidays("NO", years=range(day.year, day.year + 3))
    while any(day + dt.timedelta(days=offset - day.weekday()) in calendar for offset in range(7)):
        day += dt.timedelta(weeks=1)
    return day


class ResourceFactory(DjangoModelFactory):
    """A meeting room at a centre open Monday to Friday 09–16 (CentreFactory's hours)."""

    class Meta:
        model = "bookings.Resource"

    centre = factory.SubFactory(CentreFactory)
    kind = "meeting_room"
    name = factory.Sequence(lambda n: f"Møterom {n}")
    capacity = 12
    min_notice_minutes = 60
    max_horizon_days = 180
    min_duration_minutes = 30
    max_duration_minutes = 8 * 60

    @classmethod
    def bookable_now(cls, **kwargs):
        """A room an organisation can book straight away (no approval, no buffer unless told)."""
        kwargs.setdefault("buffer_minutes", 0)
        return cls(requires_approval=False, **kwargs)

    @classmethod
    def premises(cls, **kwargs):
        kwargs.setdefault("name", factory.Sequence(lambda n: f"Storsal {n}"))
        return cls(kind="premises", capacity=80, **kwargs)

    @classmethod
    def desk(cls, **kwargs):
        return cls(kind="desk", capacity=1, max_duration_minutes=120 * 24 * 60, **kwargs)

    @classmethod
    def equipment(cls, stock: int = 3, **kwargs):
        kwargs.setdefault("name", factory.Sequence(lambda n: f"Prosjektor {n}"))
        return cls(kind="equipment", capacity=None, stock=stock, max_duration_minutes=14 * 24 * 60, **kwargs)

    @classmethod
    def hall_with_parts(cls, parts: int = 2, **kwargs):
        """A hall and its parts (booking the hall blocks the parts and the other way round)."""
        hall = cls(capacity=60, **kwargs)
        return hall, [cls(centre=hall.centre, parent=hall, capacity=20) for _ in range(parts)]


def booker(
    centre: Centre, role: str = MembershipRole.CONTACT, **agreement_dates
) -> tuple[Organisation, User]:
    """An approved organisation with an active agreement at the centre, and one of its people."""
    organisation = OrganisationFactory(home_centre=centre)
    agreement(organisation, centre, **agreement_dates)
    return organisation, member(organisation, role)


def booking_row(resource, organisation, starts_at: dt.datetime, ends_at: dt.datetime, **fields):
    """A booking written straight to the database (no rules checked), with its occupied time.

    For setting up pages and permissions; tests of the rules go through the services.
    """
    from batteriet.bookings.models import Booking, BookingStatus, Occupancy

    fields.setdefault("status", BookingStatus.REQUESTED)
    fields.setdefault("purpose", "Styremøte")
    booking = Booking.objects.create(
        resource=resource, organisation=organisation, starts_at=starts_at, ends_at=ends_at, **fields
    )
    if booking.is_blocking:
        Occupancy.objects.create(
            booking=booking, resource=resource, starts_at=starts_at, ends_at=ends_at + resource.buffer
        )
    return booking


def loan_row(resource, organisation, starts_at: dt.datetime, ends_at: dt.datetime, **fields):
    """A confirmed loan of equipment, a desk or premises, written straight to the database.

    Pass `checked_out_at` / `checked_in_at` for equipment already picked up or returned.
    Equipment is counted by quantity and holds no occupied time, as in the services.
    """
    from batteriet.bookings.models import Booking, BookingStatus

    fields.setdefault("status", BookingStatus.CONFIRMED)
    if resource.is_equipment:
        fields.setdefault("purpose", "Utlån")
        return Booking.objects.create(
            resource=resource, organisation=organisation, starts_at=starts_at, ends_at=ends_at, **fields
        )
    return booking_row(resource, organisation, starts_at, ends_at, **fields)


# Events: an open, published course two weeks ahead with 20 places, registration open now.


class EventFactory(DjangoModelFactory):
    class Meta:
        model = "events.Event"
        skip_postgeneration_save = True

    kind = "course"
    title = factory.Sequence(lambda n: f"Styrearbeid i frivillige organisasjoner {n}")
    audience = "open"
    starts_at = factory.LazyFunction(lambda: clock.now() + dt.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + dt.timedelta(hours=3))
    place_kind = "external"
    venue = "Folkets hus, Oslo"
    capacity = 20
    is_published = True

    @factory.post_generation
    def centres(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.centres.set(extracted)


def registration_row(event, person=None, **fields):
    """A registration written straight to the database (no rules checked)."""
    from batteriet.events.models import Registration

    fields.setdefault("status", "confirmed")
    fields.setdefault("position_at", clock.now())
    return Registration.objects.create(event=event, person=person, **fields)


# Guidance: an adviser's weekly slot, a request and an appointment written straight to the
# database (no rules checked).


def availability(adviser, centre, weekday: int, start: dt.time, end: dt.time, minutes: int = 60, **fields):
    from batteriet.guidance.models import AvailabilitySlot

    fields.setdefault("valid_from", clock.local_today())
    return AvailabilitySlot.objects.create(
        adviser=adviser,
        centre=centre,
        weekday=weekday,
        starts_at_time=start,
        ends_at_time=end,
        appointment_minutes=minutes,
        **fields,
    )


def guidance_request_row(centre, requested_by=None, **fields):
    from batteriet.guidance.models import GuidanceRequest

    fields.setdefault("role", "initiator")
    fields.setdefault("topic", "starting")
    fields.setdefault("mode", "centre")
    fields.setdefault("situation", "Vi vil starte en forening for enslige foreldre.")
    return GuidanceRequest.objects.create(centre=centre, requested_by=requested_by or UserFactory(), **fields)


def appointment_row(request, adviser, starts_at: dt.datetime, ends_at: dt.datetime, **fields):
    from batteriet.guidance.models import Appointment

    fields.setdefault("status", "booked")
    fields.setdefault("mode", request.mode)
    return Appointment.objects.create(
        request=request,
        adviser=adviser,
        centre=request.centre,
        starts_at=starts_at,
        ends_at=ends_at,
        **fields,
    )
