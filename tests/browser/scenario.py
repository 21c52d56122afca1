"""The data every browser test looks at, built with the factories."""

from dataclasses import dataclass

from batteriet.centres.models import StaffRole
from batteriet.organisations.models import AgreementStatus, Membership, MembershipRole, PartnerType
from tests import factories


@dataclass
class Site:
    """Two centres, an approved organisation with contact, board member and member, a
    pending organisation, a partner, an initiator, staff of every kind and agreements
    in the states requested, signed and active."""

    centre: object
    other_centre: object
    organisation: object
    pending: object
    partner: object
    contact: object
    board: object
    member: object
    initiator: object
    partner_contact: object
    newcomer: object
    adviser: object
    lead: object
    coordinator: object
    admin: object
    agreement_requested: object
    agreement_signed: object
    agreement_active: object
    invitation_token: str
    room: object
    booking: object


def build_site() -> Site:
    factories.reference_data()
    oslo = factories.CentreFactory(slug="oslo", name="Batteriet Oslo", city="Oslo")
    bergen = factories.CentreFactory(
        slug="vest", name="Batteriet Vest", city="Bergen", postcode="5003", post_town="Bergen"
    )
    organisation = factories.OrganisationFactory(
        name="Foreningen Fattighuset",
        home_centre=oslo,
        orgnr="923609016",
        phone="+4791234567",
        website="https://fattighuset.example",
        street_address="Storgata 2",
        postcode="0155",
        post_town="Oslo",
        target_groups=["housing", "single_parents"],
    )
    pending = factories.pending_organisation(oslo, name="Likepersonsgruppa Grünerløkka")
    partner = factories.partner_organisation(
        oslo, name="Institutt for velferdsforskning", partner_type=PartnerType.RESEARCH
    )

    contact = factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt")
    # The contact person also started a second group that waits for approval.
    Membership.objects.create(user=contact, organisation=pending, role=MembershipRole.CONTACT)
    board = factories.member(organisation, MembershipRole.BOARD, full_name="Per Styre")
    member = factories.member(organisation, MembershipRole.MEMBER, full_name="Ola Medlem")
    partner_contact = factories.member(partner, MembershipRole.CONTACT, full_name="Paal Partner")
    initiator = factories.initiator(oslo, full_name="Ida Initiativ")
    newcomer = factories.UserFactory(full_name="Nils Nykommer")
    adviser = factories.staff(oslo, StaffRole.ADVISER, full_name="Anne Rådgiver")
    lead = factories.staff(oslo, StaffRole.LEAD, full_name="Lars Leder")
    coordinator = factories.national_coordinator(full_name="Nora Nasjonal")
    admin = factories.site_admin(full_name="Siri Admin")

    active = factories.agreement(organisation, oslo, status=AgreementStatus.ACTIVE)
    signed = factories.agreement(organisation, oslo, status=AgreementStatus.SIGNED)
    requested = factories.agreement(organisation, bergen, status=AgreementStatus.REQUESTED)
    _invitation, token = factories.invitation(organisation, "ny@example.org", invited_by=contact)
    room = factories.ResourceFactory(
        centre=oslo,
        name="Møterom Tinde",
        capacity=10,
        step_free=True,
        hearing_loop=True,
        requires_approval=True,
    )
    factories.ResourceFactory.equipment(centre=oslo, name="Prosjektor", stock=2)
    day = factories.bookable_day()
    booking = factories.booking_row(
        room, organisation, factories.at(day, 10), factories.at(day, 12), booked_by=contact, expected_people=8
    )
    return Site(
        centre=oslo,
        other_centre=bergen,
        organisation=organisation,
        pending=pending,
        partner=partner,
        contact=contact,
        board=board,
        member=member,
        initiator=initiator,
        partner_contact=partner_contact,
        newcomer=newcomer,
        adviser=adviser,
        lead=lead,
        coordinator=coordinator,
        admin=admin,
        agreement_requested=requested,
        agreement_signed=signed,
        agreement_active=active,
        invitation_token=token,
        room=room,
        booking=booking,
    )
