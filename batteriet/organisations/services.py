"""Writes for organisations, memberships, initiators and user agreements.

Each function is one use case: it runs in one transaction, writes its audit entry,
queues its e-mails after commit, and raises `RuleViolation` when a rule says no.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres import selectors as centre_selectors
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.organisations import rules, tasks
from batteriet.organisations.models import (
    OPEN_AGREEMENT_STATUSES,
    Agreement,
    AgreementStatus,
    Initiator,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    TargetGroup,
)
from batteriet.organisations.permissions import forget_cached_roles

ORGANISATION_AUDITED_FIELDS = [
    "name",
    "orgnr",
    "kind",
    "partner_type",
    "target_groups",
    "is_user_led",
    "description",
    "website",
    "email",
    "phone",
    "street_address",
    "postcode",
    "post_town",
    "home_centre",
    "is_public",
    "status",
    "decision_reason",
]
INVITATION_LIFETIME = dt.timedelta(days=14)


@dataclass(kw_only=True)
class OrganisationData:
    """What a person fills in about an organisation (already shaped by the form)."""

    name: str
    kind: str
    description: str
    email: str
    home_centre: Centre
    orgnr: str = ""
    partner_type: str = ""
    target_groups: list[TargetGroup] = field(default_factory=list)
    is_user_led: bool = False
    website: str = ""
    phone: str = ""
    street_address: str = ""
    postcode: str = ""
    post_town: str = ""
    is_public: bool = False


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    organisation.name = data.name.strip()
    organisation.orgnr = rules.normalise_orgnr(data.orgnr or "")
    organisation.kind = data.kind
    organisation.partner_type = data.partner_type if data.kind == OrganisationKind.PARTNER else ""
    organisation.is_user_led = data.is_user_led and data.kind != OrganisationKind.PARTNER
    organisation.description = data.description.strip()
    organisation.website = data.website
    organisation.email = data.email.lower()
    organisation.phone = rules.normalise_phone(data.phone or "")
    organisation.street_address = data.street_address.strip()
    organisation.postcode = data.postcode.strip()
    organisation.post_town = data.post_town.strip()
    organisation.home_centre = data.home_centre
    organisation.is_public = data.is_public


def _save_checked(organisation: Organisation) -> None:
    """Save, turning a clash on the unique organisation number into a friendly error."""
    if organisation.orgnr and (
        Organisation.objects.filter(orgnr=organisation.orgnr).exclude(pk=organisation.pk).exists()
    ):
        raise _orgnr_taken()
    try:
        with transaction.atomic():
            organisation.full_clean(exclude=["orgnr", "target_groups"])
            organisation.save()
    except IntegrityError as error:
        raise _orgnr_taken() from error


def _orgnr_taken() -> RuleViolation:
    return RuleViolation(
        code="orgnr_taken",
        field="orgnr",
        message=_(
            "An organisation with this number is already registered. Ask its contact "
            "person to invite you, or contact your centre."
        ),
    )


def organisation_register(*, actor: User, data: OrganisationData) -> Organisation:
    """Register a new organisation (or partner) as pending; the actor becomes contact person."""
    with transaction.atomic(durable=True):
        organisation = Organisation(status=OrganisationStatus.PENDING, created_by=actor)
        _apply(organisation, data)
        _save_checked(organisation)
        organisation.target_groups.set(data.target_groups)
        Membership.objects.create(user=actor, organisation=organisation, role=MembershipRole.CONTACT)
        audit.record(
            actor=actor,
            action="organisation.registered",
            obj=organisation,
            changes=audit.snapshot(organisation, ORGANISATION_AUDITED_FIELDS),
        )
        organisation_id = organisation.pk
        transaction.on_commit(
            lambda: tasks.notify_centre_of_registration.enqueue(organisation_id=organisation_id)
        )
    forget_cached_roles(actor)
    return organisation


def organisation_update(*, actor: User, organisation: Organisation, data: OrganisationData) -> Organisation:
    with transaction.atomic(durable=True):
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = audit.snapshot(organisation, ORGANISATION_AUDITED_FIELDS)
        _apply(organisation, data)
        _save_checked(organisation)
        organisation.target_groups.set(data.target_groups)
        changes = audit.diff(before, audit.snapshot(organisation, ORGANISATION_AUDITED_FIELDS))
        if changes:
            audit.record(actor=actor, action="organisation.updated", obj=organisation, changes=changes)
    return organisation


def _decide(*, actor: User, organisation: Organisation, status: str, reason: str) -> Organisation:
    with transaction.atomic(durable=True):
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.status != OrganisationStatus.PENDING:
            raise RuleViolation(
                code="organisation_already_decided",
                message=_already_decided_message(),
            )
        organisation.status = status
        organisation.decision_reason = reason.strip()
        organisation.decided_at = clock.now()
        organisation.decided_by = actor
        organisation.save()
        audit.record(
            actor=actor,
            action=f"organisation.{status}",
            obj=organisation,
            changes={"status": [OrganisationStatus.PENDING, status], "decision_reason": reason},
        )
        organisation_id = organisation.pk
        transaction.on_commit(
            lambda: tasks.notify_organisation_of_decision.enqueue(organisation_id=organisation_id)
        )
    return organisation


def _already_decided_message():
    return _("Someone has already decided on this organisation. Reload the page to see it.")


def organisation_approve(*, actor: User, organisation: Organisation, reason: str = "") -> Organisation:
    return _decide(actor=actor, organisation=organisation, status=OrganisationStatus.APPROVED, reason=reason)


def organisation_decline(*, actor: User, organisation: Organisation, reason: str) -> Organisation:
    rules.check_decline_reason(reason)
    return _decide(actor=actor, organisation=organisation, status=OrganisationStatus.DECLINED, reason=reason)


# --- Initiators -----------------------------------------------------------------------
def initiator_register(*, actor: User, centre: Centre, idea: str) -> Initiator:
    with transaction.atomic(durable=True):
        initiator, created = Initiator.objects.update_or_create(
            user=actor, defaults={"centre": centre, "idea": idea.strip()}
        )
        initiator_id = initiator.pk
        if created:
            transaction.on_commit(lambda: tasks.notify_centre_of_initiator.enqueue(initiator_id=initiator_id))
    return initiator


# --- Memberships and invitations ------------------------------------------------------
def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def membership_invite(*, actor: User, organisation: Organisation, email: str, role: str) -> Invitation:
    email = email.strip().lower()
    with transaction.atomic(durable=True):
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise RuleViolation(
                code="already_member",
                field="email",
                message=_("This person is already a member of the organisation."),
            )
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=_hash_token(token),
            invited_by=actor,
            expires_at=clock.now() + INVITATION_LIFETIME,
        )
        audit.record(
            actor=actor,
            action="membership.invited",
            obj=invitation,
            scope=audit.scope_for(organisation),
            changes={"email": email, "role": role},
        )
        invitation_id = invitation.pk
        transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation_id=invitation_id, token=token))
    return invitation


def invitation_find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_hash_token(token), accepted_at__isnull=True, expires_at__gt=clock.now())
        .first()
    )


def invitation_accept(*, actor: User, token: str) -> Membership:
    with transaction.atomic(durable=True):
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=_hash_token(token), accepted_at__isnull=True, expires_at__gt=clock.now())
            .first()
        )
        if invitation is None:
            raise RuleViolation(
                code="invitation_invalid",
                message=_("This invitation has expired or has already been used. Ask for a new one."),
            )
        membership, created = Membership.objects.get_or_create(
            user=actor, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        invitation.accepted_at = clock.now()
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            audit.record(
                actor=actor,
                action="membership.joined",
                obj=membership,
                scope=audit.scope_for(invitation.organisation),
                changes={"role": membership.role},
            )
    forget_cached_roles(actor)
    return membership


def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    with transaction.atomic(durable=True):
        # Lock the organisation so two contacts cannot demote each other at once.
        organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        old_role = membership.role
        if old_role == role:
            return membership
        if old_role == MembershipRole.CONTACT:
            contacts = organisation.memberships.filter(role=MembershipRole.CONTACT).count()
            rules.check_not_last_contact(contacts_left=contacts - 1)
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            actor=actor,
            action="membership.role_changed",
            obj=membership,
            scope=audit.scope_for(organisation),
            changes={"role": [old_role, role]},
        )
    forget_cached_roles(membership.user)
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    with transaction.atomic(durable=True):
        organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if membership.role == MembershipRole.CONTACT:
            contacts = organisation.memberships.filter(role=MembershipRole.CONTACT).count()
            rules.check_not_last_contact(contacts_left=contacts - 1)
        audit.record(
            actor=actor,
            action="membership.removed",
            obj=membership,
            scope=audit.scope_for(organisation),
            changes={"person": str(membership.user), "role": membership.role},
        )
        membership.delete()


# --- User agreements ------------------------------------------------------------------
def _agreement_audit(actor: User, agreement: Agreement, action: str, changes: dict) -> None:
    audit.record(
        actor=actor,
        action=f"agreement.{action}",
        obj=agreement,
        scope=audit.scope_for(agreement.organisation),
        changes=changes,
    )


def agreement_request(*, actor: User, organisation: Organisation, centre: Centre) -> Agreement:
    """Ask a centre for a user agreement, on its current text."""
    with transaction.atomic(durable=True):
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        has_open = organisation.agreements.filter(centre=centre, status__in=OPEN_AGREEMENT_STATUSES).exists()
        rules.check_can_request_agreement(
            is_approved=organisation.is_approved,
            is_partner=organisation.is_partner,
            has_open_request=has_open,
        )
        text = centre_selectors.current_agreement_text(centre)
        if text is None:
            raise RuleViolation(
                code="no_agreement_text",
                message=_("This centre has not published its agreement yet. Please contact the centre."),
            )
        agreement = Agreement.objects.create(
            organisation=organisation, centre=centre, text=text, requested_by=actor
        )
        _agreement_audit(actor, agreement, "requested", {"centre": str(centre), "version": text.version})
    return agreement


def agreement_sign(*, actor: User, agreement: Agreement, typed_name: str) -> Agreement:
    """A board member or contact person signs on the text version they were shown."""
    with transaction.atomic(durable=True):
        agreement = Agreement.objects.select_for_update().select_related("organisation").get(pk=agreement.pk)
        rules.check_agreement_transition(agreement.status, AgreementStatus.SIGNED)
        role = (
            Membership.objects.filter(user=actor, organisation=agreement.organisation)
            .values_list("role", flat=True)
            .first()
        )
        if not rules.can_sign_agreement(role):
            raise RuleViolation(
                code="not_allowed_to_sign",
                message=_("Only a contact person or a board member can sign for the organisation."),
            )
        rules.check_signature_name(typed_name=typed_name, account_name=actor.full_name)
        current = centre_selectors.current_agreement_text(agreement.centre)
        if current is not None:
            agreement.text = current
        agreement.status = AgreementStatus.SIGNED
        agreement.signed_at = clock.now()
        agreement.signed_by = actor
        agreement.signed_name = actor.full_name
        agreement.signed_role = role
        agreement.save()
        _agreement_audit(
            actor,
            agreement,
            "signed",
            {"signed_name": actor.full_name, "signed_role": role, "version": agreement.text.version},
        )
        agreement_id = agreement.pk
        transaction.on_commit(lambda: tasks.notify_centre_of_signature.enqueue(agreement_id=agreement_id))
    return agreement


def agreement_activate(
    *,
    actor: User,
    agreement: Agreement,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Agreement:
    """Centre staff countersign. A previous active agreement at the centre is replaced."""
    with transaction.atomic(durable=True):
        agreement = Agreement.objects.select_for_update().select_related("text").get(pk=agreement.pk)
        rules.check_agreement_transition(agreement.status, AgreementStatus.ACTIVE)
        valid_from = valid_from or clock.local_today()
        valid_until = valid_until or clock.add_months(valid_from, agreement.text.validity_months)
        rules.check_validity_period(valid_from=valid_from, valid_until=valid_until, today=clock.local_today())
        replaced = list(
            Agreement.objects.select_for_update().filter(
                organisation_id=agreement.organisation_id,
                centre_id=agreement.centre_id,
                status=AgreementStatus.ACTIVE,
            )
        )
        for old in replaced:
            old.status = AgreementStatus.EXPIRED
            old.ended_at = clock.now()
            old.save(update_fields=["status", "ended_at"])
            _agreement_audit(actor, old, "replaced", {"status": ["active", "expired"]})
        agreement.status = AgreementStatus.ACTIVE
        agreement.activated_at = clock.now()
        agreement.activated_by = actor
        agreement.valid_from = valid_from
        agreement.valid_until = valid_until
        agreement.save()
        _agreement_audit(
            actor,
            agreement,
            "activated",
            {"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()},
        )
        agreement_id = agreement.pk
        transaction.on_commit(
            lambda: tasks.notify_organisation_of_agreement.enqueue(agreement_id=agreement_id)
        )
    return agreement


def agreement_terminate(*, actor: User, agreement: Agreement, reason: str) -> Agreement:
    if not reason.strip():
        raise RuleViolation(
            code="reason_required",
            field="reason",
            message=_("Write a short reason. The organisation will see it."),
        )
    with transaction.atomic(durable=True):
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        old_status = agreement.status
        rules.check_agreement_transition(old_status, AgreementStatus.TERMINATED)
        agreement.status = AgreementStatus.TERMINATED
        agreement.termination_reason = reason.strip()
        agreement.ended_at = clock.now()
        agreement.ended_by = actor
        agreement.save()
        _agreement_audit(
            actor, agreement, "terminated", {"status": [old_status, "terminated"], "reason": reason}
        )
        agreement_id = agreement.pk
        transaction.on_commit(
            lambda: tasks.notify_organisation_of_agreement.enqueue(agreement_id=agreement_id)
        )
    return agreement


def agreements_expire_due(*, today: dt.date | None = None) -> int:
    """Mark active agreements whose end date has passed as expired. Returns how many."""
    today = today or clock.local_today()
    expired = 0
    with transaction.atomic(durable=True):
        for agreement in Agreement.objects.select_for_update().filter(
            status=AgreementStatus.ACTIVE, valid_until__lt=today
        ):
            agreement.status = AgreementStatus.EXPIRED
            agreement.ended_at = clock.now()
            agreement.save(update_fields=["status", "ended_at"])
            _agreement_audit(None, agreement, "expired", {"status": ["active", "expired"]})
            expired += 1
    return expired


def agreement_renewal_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind contact persons 30 days before an agreement ends. Each agreement once."""
    today = today or clock.local_today()
    due_ids: list[int] = []
    with transaction.atomic(durable=True):
        candidates = Agreement.objects.select_for_update().filter(
            status=AgreementStatus.ACTIVE,
            renewal_reminder_sent_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=30),
        )
        for agreement in candidates:
            if rules.renewal_reminder_due(valid_until=agreement.valid_until, today=today):
                agreement.renewal_reminder_sent_at = clock.now()
                agreement.save(update_fields=["renewal_reminder_sent_at"])
                due_ids.append(agreement.pk)
        transaction.on_commit(
            lambda: [tasks.send_renewal_reminder.enqueue(agreement_id=pk) for pk in due_ids]
        )
    return len(due_ids)
