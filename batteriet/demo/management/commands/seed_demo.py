"""Fill the database with realistic demo data: five centres, their staff, organisations
in every state, and demo logins for each role. For development and demonstrations only.

    python manage.py seed_demo

Safe to run again: rows that already exist (found by slug, e-mail address or name)
are left as they are, so a second run changes nothing. Prints the demo logins.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from batteriet.accounts.models import User
from batteriet.bookings.models import Resource
from batteriet.centres.models import AgreementText, Centre, OpeningHours, StaffAssignment
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.demo import bookings as demo_bookings
from batteriet.demo import data as demo
from batteriet.demo import events as demo_events
from batteriet.demo import guidance as demo_guidance
from batteriet.organisations.models import (
    Agreement,
    AgreementStatus,
    Initiator,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    TargetGroup,
)
from batteriet.privacy import selectors as privacy_selectors
from batteriet.privacy import services as privacy_services


class Command(BaseCommand):
    help = "Create demo centres, staff, organisations and logins (idempotent). Development only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. The demo logins share a published password.",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the login table.")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Demo data has logins with a published password. Run it with DEBUG=true "
                "(development), or pass --force if you really mean it."
            )
        with transaction.atomic():
            seeder = Seeder()
            seeder.run()
        # Bookings go through the services, each in its own transaction.
        seeder.created += demo_bookings.add_demo_bookings()
        # Events too: registrations go through the events services.
        seeder.created += demo_events.add_demo_events()
        seeder.created += demo_guidance.add_demo_guidance()
        self.stdout.write(
            f"Demo data ready: {Centre.objects.count()} centres, "
            f"{Organisation.objects.count()} organisations, {User.objects.count()} people "
            f"({seeder.created} rows added this time)."
        )
        if not options["quiet_logins"]:
            self.stdout.write(login_table())


def login_table() -> str:
    code = getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None) if settings.DEBUG else None
    second_step = f"then code {code}" if code else "then a code from the authenticator app"
    rows = [
        ("Site administrator", demo.SITE_ADMIN.email, second_step),
        ("National coordinator", "koordinator@batteriet.example", second_step),
        ("Centre lead, Oslo", "leder.oslo@batteriet.example", second_step),
        ("Adviser, Oslo", "radgiver.oslo@batteriet.example", second_step),
        ("Contact person, Wayback", demo.CONTACT.email, ""),
        ("Board member, Wayback", demo.BOARD_MEMBER.email, ""),
        ("Member, Wayback", demo.MEMBER.email, ""),
        ("Initiator", demo.INITIATOR.email, ""),
        ("Partner contact, Fafo", demo.PARTNER_CONTACT.email, ""),
    ]
    role_width = max(len(row[0]) for row in rows)
    email_width = max(len(row[1]) for row in rows)
    lines = [
        "",
        "Demo logins (log in with e-mail and password; staff then give a two-factor code):",
        f"  {'Role':<{role_width}}  {'E-mail':<{email_width}}  Password",
        f"  {'-' * role_width}  {'-' * email_width}  {'-' * len(demo.DEMO_PASSWORD)}",
    ]
    for role, email, note in rows:
        lines.append(f"  {role:<{role_width}}  {email:<{email_width}}  {demo.DEMO_PASSWORD}  {note}".rstrip())
    lines.append(
        "  Other centres: leder.<centre>@batteriet.example and radgiver.<centre>@batteriet.example "
        "(vest, midt-norge, nord-norge, sor)."
    )
    return "\n".join(lines) + "\n"


class Seeder:
    """Creates what is missing. Never updates or deletes an existing row."""

    def __init__(self) -> None:
        self.created = 0
        self.today = clock.local_today()
        self.centres: dict[str, Centre] = {}
        self.leads: dict[str, User] = {}
        self.notice = privacy_selectors.current_notice()
        self.password_hash = make_password(demo.DEMO_PASSWORD)

    def run(self) -> None:
        for seed in demo.CENTRES:
            self.centres[seed.slug] = self.centre(seed)
            self.resources(self.centres[seed.slug])
        for staff in demo.STAFF:
            user = self.person(staff.person, two_factor=True)
            centre = self.centres[staff.centre_slug] if staff.centre_slug else None
            _, created = StaffAssignment.objects.get_or_create(
                user=user, centre=centre, defaults={"role": staff.role}
            )
            self.created += created
            if staff.role == "lead" and staff.centre_slug:
                self.leads[staff.centre_slug] = user
        self.person(demo.SITE_ADMIN, two_factor=True, site_admin=True)
        for seed in demo.ORGANISATIONS:
            self.organisation(seed)
        initiator = self.person(demo.INITIATOR)
        _, created = Initiator.objects.get_or_create(
            user=initiator,
            defaults={"centre": self.centres[demo.INITIATOR_CENTRE], "idea": demo.INITIATOR_IDEA},
        )
        self.created += created

    # --- Centres ----------------------------------------------------------------------
    def centre(self, seed: demo.CentreSeed) -> Centre:
        centre = Centre.objects.filter(slug=seed.slug).first()
        if centre is None:
            centre = Centre(
                slug=seed.slug,
                name=seed.name,
                city=seed.city,
                region_nb=seed.region_nb,
                region_en=seed.region_en,
                intro_nb=seed.intro_nb,
                intro_en=seed.intro_en,
                funding_nb=seed.funding_nb,
                funding_en=seed.funding_en,
                email=seed.email,
                phone=seed.phone,
                street_address=seed.street_address,
                postcode=seed.postcode,
                post_town=seed.post_town,
            )
            centre.full_clean()
            centre.save()
            self.created += 1
        if not centre.opening_hours.exists():
            for weekday, opens, closes in demo.WEEKDAY_HOURS:
                if weekday == 3:  # Thursday
                    closes = seed.thursday_closes
                OpeningHours.objects.create(
                    centre=centre,
                    weekday=weekday,
                    opens_at=dt.time.fromisoformat(opens),
                    closes_at=dt.time.fromisoformat(closes),
                )
                self.created += 1
        if not centre.agreement_texts.exists():
            AgreementText.objects.create(
                centre=centre,
                version=1,
                body_nb=demo.AGREEMENT_NB.format(
                    name=centre.name, evening_rule_nb=seed.evening_rule_nb
                ).replace("  ", " "),
                body_en=demo.AGREEMENT_EN.format(
                    name=centre.name, evening_rule_en=seed.evening_rule_en
                ).replace("  ", " "),
                validity_months=12,
            )
            self.created += 1
        return centre

    def resources(self, centre: Centre) -> None:
        """Rooms, a hall with parts (Oslo), desks and equipment; halls before their parts."""
        for seed in demo.resources_for(centre.slug):
            if Resource.objects.filter(centre=centre, name=seed.name).exists():
                continue
            resource = Resource(
                centre=centre,
                name=seed.name,
                kind=seed.kind,
                description=seed.description,
                capacity=seed.capacity,
                stock=seed.stock,
                parent=Resource.objects.get(centre=centre, name=seed.part_of) if seed.part_of else None,
                step_free=seed.step_free,
                hearing_loop=seed.hearing_loop,
                accessible_toilet=seed.accessible_toilet,
                house_rules=seed.house_rules,
                requires_approval=seed.requires_approval,
                min_notice_minutes=seed.min_notice_minutes,
                max_duration_minutes=seed.max_duration_minutes,
                printer_pages_per_month=seed.printer_pages_per_month,
            )
            resource.full_clean()
            resource.save()
            self.created += 1

    # --- People -----------------------------------------------------------------------
    def person(self, seed: demo.PersonSeed, *, two_factor: bool = False, site_admin: bool = False) -> User:
        user = User.objects.filter(email__iexact=seed.email).first()
        if user is None:
            create = User.objects.create_superuser if site_admin else User.objects.create_user
            user = create(email=seed.email, full_name=seed.full_name, language=seed.language)
            # One slow hash for everyone: the demo password is the same for all.
            user.password = self.password_hash
            user.save(update_fields=["password"])
            self.created += 1
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            self.created += 1
        if two_factor and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
            RecoveryCodes.activate(user)
            self.created += 1
        if self.notice is not None and not user.privacy_consents.filter(notice=self.notice).exists():
            privacy_services.consent_record(user=user, notice=self.notice)
            self.created += 1
        return user

    # --- Organisations and agreements --------------------------------------------------
    def organisation(self, seed: demo.OrganisationSeed) -> Organisation:
        centre = self.centres[seed.centre_slug]
        contact = self.person(seed.contact)
        organisation = Organisation.objects.filter(name=seed.name, home_centre=centre).first()
        if organisation is None:
            organisation = self._create_organisation(seed, centre, contact)
        people = [(contact, MembershipRole.CONTACT)] + [
            (self.person(person), role) for person, role in seed.others
        ]
        for user, role in people:
            _, created = Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            self.created += created
        if seed.agreement and not organisation.agreements.filter(centre=centre).exists():
            signer = next((user for user, role in people if role == MembershipRole.BOARD), contact)
            self._create_agreement(organisation, centre, seed.agreement, contact, signer)
        return organisation

    def _create_organisation(
        self, seed: demo.OrganisationSeed, centre: Centre, contact: User
    ) -> Organisation:
        decided = seed.status != OrganisationStatus.PENDING
        organisation = Organisation(
            name=seed.name,
            kind=seed.kind,
            partner_type=seed.partner_type,
            is_user_led=seed.is_user_led,
            description=seed.description,
            email=seed.email,
            post_town=centre.post_town,
            home_centre=centre,
            is_public=seed.is_public,
            status=seed.status,
            decision_reason=seed.decision_reason,
            decided_at=clock.now() if decided else None,
            decided_by=self.leads[centre.slug] if decided else None,
            created_by=contact,
        )
        organisation.full_clean(exclude=["target_groups"])
        organisation.save()
        organisation.target_groups.set(TargetGroup.objects.filter(code__in=seed.target_groups))
        self.created += 1
        audit.record(actor=contact, action="organisation.registered", obj=organisation)
        if decided:
            audit.record(
                actor=self.leads[centre.slug],
                action=f"organisation.{seed.status}",
                obj=organisation,
                changes={
                    "status": [OrganisationStatus.PENDING, seed.status],
                    "decision_reason": seed.decision_reason,
                },
            )
        return organisation

    def _create_agreement(
        self, organisation: Organisation, centre: Centre, state: str, contact: User, signer: User
    ) -> Agreement:
        text = centre.agreement_texts.order_by("-version").first()
        agreement = Agreement(organisation=organisation, centre=centre, text=text, requested_by=contact)
        if state in {"signed", "active", "active_ending_soon"}:
            agreement.status = AgreementStatus.SIGNED
            agreement.signed_at = clock.now()
            agreement.signed_by = signer
            agreement.signed_name = signer.full_name
            agreement.signed_role = (
                MembershipRole.BOARD if signer.pk != contact.pk else MembershipRole.CONTACT
            )
        if state in {"active", "active_ending_soon"}:
            # Started some months ago; one of them is due for renewal within a month.
            started = self.today - dt.timedelta(days=345 if state == "active_ending_soon" else 120)
            agreement.status = AgreementStatus.ACTIVE
            agreement.activated_at = clock.now()
            agreement.activated_by = self.leads[centre.slug]
            agreement.valid_from = started
            agreement.valid_until = clock.add_months(started, text.validity_months)
        agreement.full_clean()
        agreement.save()
        self.created += 1
        scope = audit.scope_for(organisation)
        audit.record(
            actor=contact,
            action="agreement.requested",
            obj=agreement,
            scope=scope,
            changes={"centre": str(centre), "version": text.version},
        )
        if agreement.signed_at:
            audit.record(
                actor=signer,
                action="agreement.signed",
                obj=agreement,
                scope=scope,
                changes={"signed_name": agreement.signed_name, "signed_role": agreement.signed_role},
            )
        if agreement.status == AgreementStatus.ACTIVE:
            audit.record(
                actor=agreement.activated_by,
                action="agreement.activated",
                obj=agreement,
                scope=scope,
                changes={
                    "valid_from": agreement.valid_from.isoformat(),
                    "valid_until": agreement.valid_until.isoformat(),
                },
            )
        return agreement
