"""The data every browser test looks at, built with the factories."""

import datetime as dt
from dataclasses import dataclass

from batteriet.bookings.models import PremisesReport, PrintCount
from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
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
    hall: object = None
    loans: object = None
    waiting: object = None


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
    # Premises for evenings, booked with a responsible person present.
    hall = factories.ResourceFactory.premises(centre=oslo, name="Festsalen", requires_approval=False)
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
        hall=hall,
        loans=LoanSite(oslo, organisation),
        waiting=WaitingSite(oslo, organisation, contact),
    )


class LoanSite:
    """After booking at Oslo: equipment to hand out and overdue, two desks (one counted
    over its allowance this month, one not counted), premises used yesterday with a key
    note, premises coming, and a closing checklist that reports damage."""

    def __init__(self, centre, organisation) -> None:
        now, day = clock.now(), dt.timedelta(days=1)
        speaker = factories.ResourceFactory.equipment(centre=centre, name="Høyttaler", stock=2)
        self.equipment = factories.loan_row(speaker, organisation, now - dt.timedelta(hours=1), now + 2 * day)
        factories.loan_row(speaker, organisation, now - 5 * day, now - day, checked_out_at=now - 5 * day)
        desk = factories.ResourceFactory.desk(
            centre=centre, name="Pult ved vinduet", printer_pages_per_month=300
        )
        self.desk = factories.loan_row(
            desk, organisation, now - 10 * day, now + 80 * day, review_on=clock.local_today() + 10 * day
        )
        PrintCount.objects.create(booking=self.desk, month=clock.local_today().replace(day=1), pages=320)
        other_desk = factories.ResourceFactory.desk(centre=centre, name="Pult ved døra")
        self.desk_not_counted = factories.loan_row(other_desk, organisation, now - 10 * day, now + 80 * day)
        hall = factories.ResourceFactory.premises(centre=centre, name="Storsalen")
        self.premises = factories.loan_row(
            hall,
            organisation,
            now - day,
            now - day + dt.timedelta(hours=4),
            handover_note="Hent nøkkelen i resepsjonen. Alarmkoden står på lappen.",
            responsible_name="Per Ansvarlig",
            responsible_phone="+4791234568",
        )
        factories.loan_row(hall, organisation, now + 2 * day, now + 2 * day + dt.timedelta(hours=4))
        small_hall = factories.ResourceFactory.premises(centre=centre, name="Lillesalen")
        self.reported = factories.loan_row(
            small_hall, organisation, now - 3 * day, now - 3 * day + dt.timedelta(hours=4)
        )
        PremisesReport.objects.create(booking=self.reported, lights_off=True, incident="Ei stol knakk.")


class WaitingSite:
    """The waiting list at Oslo: a place in line for a taken room, a room held for the
    organisation to confirm, and premises held (confirming asks for a responsible person)."""

    def __init__(self, centre, organisation, contact) -> None:
        from batteriet.bookings.models import BookingStatus, WaitlistEntry, WaitlistStatus

        day = factories.bookable_day(weekday=3)
        neighbours = factories.OrganisationFactory(name="Naboforeningen", home_centre=centre)
        room = factories.ResourceFactory(centre=centre, name="Møterom Fjell", capacity=8)
        factories.booking_row(room, neighbours, factories.at(day, 10), factories.at(day, 12))
        self.entry = WaitlistEntry.objects.create(
            resource=room,
            organisation=organisation,
            requested_by=contact,
            starts_at=factories.at(day, 10),
            ends_at=factories.at(day, 12),
            purpose="Årsmøte",
        )
        hall = factories.ResourceFactory.premises(centre=centre, name="Salen i bakgården")
        self.held, self.held_premises = (
            factories.booking_row(
                resource,
                organisation,
                factories.at(day, start),
                factories.at(day, start + 2),
                booked_by=contact,
                status=BookingStatus.HELD,
                hold_expires_at=clock.now() + dt.timedelta(hours=24),
            )
            for resource, start in ((room, 13), (hall, 18))
        )
        for held in (self.held, self.held_premises):
            WaitlistEntry.objects.create(
                resource=held.resource,
                organisation=organisation,
                requested_by=contact,
                starts_at=held.starts_at,
                ends_at=held.ends_at,
                purpose="Årsmøte",
                status=WaitlistStatus.OFFERED,
                offer=held,
            )
