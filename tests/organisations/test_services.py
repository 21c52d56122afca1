"""Services for organisations, memberships, initiators and user agreements (database)."""

import datetime as dt
import hashlib
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from batteriet.centres import services as centre_services
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.organisations import services
from batteriet.organisations.models import (
    Agreement,
    AgreementStatus,
    Initiator,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PartnerType,
)
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = (Organisation, Membership, Invitation, Initiator, Agreement, AuditEntry)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def audit_actions(organisation: Organisation) -> list[str]:
    return list(
        AuditEntry.objects.filter(scope=f"organisation:{organisation.pk}")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Registering ----------------------------------------------------------------------
def test_register_stores_a_pending_organisation_and_tells_the_centre(centre, on_commit, mailoutbox):
    adviser = factories.staff(centre)
    lead = factories.lead(centre)
    elsewhere = factories.staff(factories.CentreFactory(slug="bergen"))
    actor = factories.UserFactory()

    with on_commit():
        organisation = services.organisation_register(actor=actor, data=factories.organisation_data(centre))

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.orgnr == "923609016"
    assert organisation.phone == "+4791234567"
    assert organisation.created_by == actor
    assert organisation.home_centre == centre
    assert set(organisation.target_groups.values_list("code", flat=True)) == {"housing", "single_parents"}
    assert Membership.objects.get(organisation=organisation).user == actor
    assert Membership.objects.get(organisation=organisation).role == MembershipRole.CONTACT

    entry = AuditEntry.objects.get(scope=f"organisation:{organisation.pk}")
    assert entry.action == "organisation.registered"
    assert entry.actor == actor
    assert entry.changes["name"] == "Fattighuset Test"
    assert entry.changes["status"] == "pending"

    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([centre.email, adviser.email, lead.email])
    assert elsewhere.email not in recipients
    assert all(len(message.to) == 1 for message in mailoutbox)
    assert all("Fattighuset Test" in message.subject for message in mailoutbox)
    assert reverse("organisations:staff_detail", args=[organisation.pk]) in mailoutbox[0].body


def test_register_sends_nothing_before_commit(centre, mailoutbox):
    services.organisation_register(actor=factories.UserFactory(), data=factories.organisation_data(centre))
    assert mailoutbox == []


def test_register_without_orgnr_or_phone(centre):
    organisation = services.organisation_register(
        actor=factories.UserFactory(),
        data=factories.organisation_data(centre, orgnr="", phone="", kind=OrganisationKind.INFORMAL_GROUP),
    )
    organisation.refresh_from_db()
    assert organisation.orgnr is None
    assert organisation.phone == ""
    assert organisation.kind == OrganisationKind.INFORMAL_GROUP


def test_two_groups_without_orgnr_can_both_register(centre):
    for name in ("Gruppe en", "Gruppe to"):
        services.organisation_register(
            actor=factories.UserFactory(), data=factories.organisation_data(centre, name=name, orgnr="")
        )
    assert Organisation.objects.filter(orgnr__isnull=True).count() == 2


def test_register_duplicate_orgnr_is_refused_and_stores_nothing(centre, on_commit, mailoutbox):
    factories.OrganisationFactory(orgnr="923609016", home_centre=centre)
    before = counts()

    with on_commit(), pytest.raises(RuleViolation) as error:
        services.organisation_register(
            actor=factories.UserFactory(), data=factories.organisation_data(centre, orgnr="923 609 016")
        )

    assert error.value.code == "orgnr_taken"
    assert error.value.field == "orgnr"
    assert counts() == before
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("orgnr", "923609017", "orgnr_invalid"), ("phone", "123", "phone_invalid")],
)
def test_register_with_bad_identifiers_stores_nothing(centre, field, value, code):
    before = counts()
    with pytest.raises(RuleViolation) as error:
        services.organisation_register(
            actor=factories.UserFactory(), data=factories.organisation_data(centre, **{field: value})
        )
    assert error.value.code == code
    assert counts() == before


def test_register_partner(centre):
    organisation = services.organisation_register(
        actor=factories.UserFactory(),
        data=factories.organisation_data(
            centre, kind=OrganisationKind.PARTNER, partner_type=PartnerType.BUSINESS, is_user_led=True
        ),
    )
    organisation.refresh_from_db()
    assert organisation.is_partner
    assert organisation.partner_type == PartnerType.BUSINESS
    assert organisation.is_user_led is False  # a partner is never user-led


def test_partner_type_is_dropped_for_other_kinds(centre):
    organisation = services.organisation_register(
        actor=factories.UserFactory(),
        data=factories.organisation_data(centre, partner_type=PartnerType.BUSINESS),
    )
    organisation.refresh_from_db()
    assert organisation.partner_type == ""


# --- Editing --------------------------------------------------------------------------
def test_update_records_what_changed(centre):
    actor = factories.UserFactory()
    organisation = services.organisation_register(actor=actor, data=factories.organisation_data(centre))

    services.organisation_update(
        actor=actor,
        organisation=organisation,
        data=factories.organisation_data(centre, name="Fattighuset Ny", phone="+46 70 123 45 67"),
    )

    organisation.refresh_from_db()
    assert organisation.name == "Fattighuset Ny"
    assert organisation.phone == "+46701234567"
    entry = AuditEntry.objects.filter(action="organisation.updated").get()
    assert entry.changes == {
        "name": ["Fattighuset Test", "Fattighuset Ny"],
        "phone": ["+4791234567", "+46701234567"],
    }


def test_update_without_changes_writes_no_audit_entry(centre):
    actor = factories.UserFactory()
    organisation = services.organisation_register(actor=actor, data=factories.organisation_data(centre))
    services.organisation_update(
        actor=actor, organisation=organisation, data=factories.organisation_data(centre)
    )
    assert audit_actions(organisation) == ["organisation.registered"]


def test_update_to_an_orgnr_that_is_taken_changes_nothing(centre):
    factories.OrganisationFactory(orgnr="974760673", home_centre=centre)
    actor = factories.UserFactory()
    organisation = services.organisation_register(actor=actor, data=factories.organisation_data(centre))

    with pytest.raises(RuleViolation) as error:
        services.organisation_update(
            actor=actor,
            organisation=organisation,
            data=factories.organisation_data(centre, name="Nytt navn", orgnr="974760673"),
        )

    assert error.value.code == "orgnr_taken"
    organisation.refresh_from_db()
    assert organisation.name == "Fattighuset Test"
    assert organisation.orgnr == "923609016"
    assert audit_actions(organisation) == ["organisation.registered"]


# --- Decisions ------------------------------------------------------------------------
def test_approve(centre, on_commit, mailoutbox):
    organisation = factories.pending_organisation(centre)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    factories.member(organisation, MembershipRole.MEMBER)  # plain members get no mail
    adviser = factories.staff(centre)

    with on_commit():
        services.organisation_approve(actor=adviser, organisation=organisation, reason="Velkommen!")

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert organisation.decided_by == adviser
    assert organisation.decided_at is not None
    assert organisation.decision_reason == "Velkommen!"
    assert audit_actions(organisation) == ["organisation.approved"]
    assert [message.to for message in mailoutbox] == [[contact.email]]
    assert "Velkommen!" in mailoutbox[0].body


def test_decline_needs_a_reason_and_changes_nothing_without_one(centre, on_commit, mailoutbox):
    organisation = factories.pending_organisation(centre)
    adviser = factories.staff(centre)

    with on_commit(), pytest.raises(RuleViolation) as error:
        services.organisation_decline(actor=adviser, organisation=organisation, reason="  ")

    assert error.value.code == "reason_required"
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.decided_at is None
    assert audit_actions(organisation) == []
    assert mailoutbox == []


def test_decline_with_reason(centre, on_commit, mailoutbox):
    organisation = factories.pending_organisation(centre)
    factories.member(organisation, MembershipRole.CONTACT)
    adviser = factories.staff(centre)

    with on_commit():
        services.organisation_decline(
            actor=adviser, organisation=organisation, reason=" Gruppen jobber mest i utlandet. "
        )

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.DECLINED
    assert organisation.decision_reason == "Gruppen jobber mest i utlandet."
    assert audit_actions(organisation) == ["organisation.declined"]
    assert len(mailoutbox) == 1
    assert "Gruppen jobber mest i utlandet." in mailoutbox[0].body


@pytest.mark.parametrize(
    ("first", "second"),
    [("approve", "approve"), ("approve", "decline"), ("decline", "approve"), ("decline", "decline")],
)
def test_deciding_twice_is_refused(centre, first, second):
    organisation = factories.pending_organisation(centre)
    adviser = factories.staff(centre)
    decide = {
        "approve": lambda: services.organisation_approve(actor=adviser, organisation=organisation),
        "decline": lambda: services.organisation_decline(
            actor=adviser, organisation=organisation, reason="Nei."
        ),
    }
    decide[first]()
    organisation.refresh_from_db()
    status_after_first = organisation.status

    with pytest.raises(RuleViolation) as error:
        decide[second]()

    assert error.value.code == "organisation_already_decided"
    organisation.refresh_from_db()
    assert organisation.status == status_after_first
    assert len(audit_actions(organisation)) == 1


def test_decision_mail_goes_to_each_contact_in_their_language(centre, on_commit, mailoutbox):
    organisation = factories.pending_organisation(centre, name="Språkforeningen")
    english = factories.member(organisation, MembershipRole.CONTACT, language="en")
    norwegian = factories.member(organisation, MembershipRole.CONTACT, language="nb")

    with on_commit():
        services.organisation_approve(actor=factories.staff(centre), organisation=organisation)

    organisation.refresh_from_db()
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {english.email, norwegian.email}
    for user in (english, norwegian):
        with translation.override(user.language):
            expected = render_to_string(
                "organisations/email/decision_subject.txt", {"organisation": organisation}
            ).strip()
        assert by_recipient[user.email].subject == expected
        assert "Språkforeningen" in by_recipient[user.email].subject


def test_decision_mail_without_contacts_goes_to_the_organisation(centre, on_commit, mailoutbox):
    organisation = factories.pending_organisation(centre, email="styret@forening.example")
    with on_commit():
        services.organisation_decline(actor=factories.staff(centre), organisation=organisation, reason="Nei.")
    assert [message.to for message in mailoutbox] == [["styret@forening.example"]]


# --- Initiators -----------------------------------------------------------------------
def test_initiator_register_tells_the_centre_once(centre, on_commit, mailoutbox):
    adviser = factories.staff(centre)
    actor = factories.UserFactory(full_name="Ida Initiativ")

    with on_commit():
        initiator = services.initiator_register(actor=actor, centre=centre, idea=" En gruppe for unge. ")
    assert initiator.user == actor
    assert initiator.idea == "En gruppe for unge."
    assert sorted(m.to[0] for m in mailoutbox) == sorted([centre.email, adviser.email])
    assert "Ida Initiativ" in mailoutbox[0].subject
    assert Organisation.objects.count() == 0  # no organisation yet

    mailoutbox.clear()
    other = factories.CentreFactory(slug="trondheim")
    with on_commit():
        services.initiator_register(actor=actor, centre=other, idea="En gruppe for foreldre.")
    initiator = Initiator.objects.get()
    assert (initiator.centre, initiator.idea) == (other, "En gruppe for foreldre.")
    assert mailoutbox == []


# --- Invitations ----------------------------------------------------------------------
def _token_from(body: str) -> str:
    match = re.search(r"/invitasjon/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


def test_invite_and_accept(centre, on_commit, mailoutbox):
    organisation = factories.OrganisationFactory(home_centre=centre, name="Inviterende forening")
    contact = factories.member(organisation, MembershipRole.CONTACT)
    invitee = factories.UserFactory(email="ny.person@example.org")

    with on_commit():
        invitation = services.membership_invite(
            actor=contact,
            organisation=organisation,
            email=" Ny.Person@Example.org ",
            role=MembershipRole.BOARD,
        )

    assert invitation.email == "ny.person@example.org"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ny.person@example.org"]
    assert "Inviterende forening" in message.subject
    token = _token_from(message.body)
    assert hashlib.sha256(token.encode()).hexdigest() == invitation.token_hash
    assert token not in invitation.token_hash  # only the hash is stored

    membership = services.invitation_accept(actor=invitee, token=token)

    assert membership.user == invitee
    assert membership.organisation == organisation
    assert membership.role == MembershipRole.BOARD
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    assert invitation.accepted_at is not None
    assert audit_actions(organisation) == ["membership.invited", "membership.joined"]


def test_a_used_invitation_cannot_be_used_again(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    _, token = factories.invitation(organisation, "a@example.org")
    services.invitation_accept(actor=factories.UserFactory(), token=token)
    second = factories.UserFactory()

    with pytest.raises(RuleViolation) as error:
        services.invitation_accept(actor=second, token=token)

    assert error.value.code == "invitation_invalid"
    assert not Membership.objects.filter(user=second).exists()
    assert services.invitation_find(token) is None


def test_an_expired_invitation_is_refused(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    _, token = factories.invitation(organisation, "a@example.org", expires_in=dt.timedelta(seconds=-1))
    actor = factories.UserFactory()

    assert services.invitation_find(token) is None
    with pytest.raises(RuleViolation) as error:
        services.invitation_accept(actor=actor, token=token)

    assert error.value.code == "invitation_invalid"
    assert not Membership.objects.filter(user=actor).exists()


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 500])
def test_an_unknown_token_is_refused(centre, token):
    with pytest.raises(RuleViolation) as error:
        services.invitation_accept(actor=factories.UserFactory(), token=token)
    assert error.value.code == "invitation_invalid"


def test_inviting_a_member_is_refused(centre, mailoutbox):
    organisation = factories.OrganisationFactory(home_centre=centre)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    factories.member(organisation, email="med@example.org")

    with pytest.raises(RuleViolation) as error:
        services.membership_invite(
            actor=contact, organisation=organisation, email="MED@example.org", role=MembershipRole.MEMBER
        )

    assert error.value.code == "already_member"
    assert Invitation.objects.count() == 0


def test_accepting_when_already_member_keeps_the_role(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    person = factories.member(organisation, MembershipRole.BOARD)
    _, token = factories.invitation(organisation, person.email, role=MembershipRole.MEMBER)

    membership = services.invitation_accept(actor=person, token=token)

    assert membership.role == MembershipRole.BOARD
    assert Membership.objects.filter(user=person).count() == 1


# --- Roles ----------------------------------------------------------------------------
def test_the_last_contact_cannot_step_down_or_be_removed(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    membership = Membership.objects.get(user=contact)

    with pytest.raises(RuleViolation) as error:
        services.membership_change_role(actor=contact, membership=membership, role=MembershipRole.MEMBER)
    assert error.value.code == "last_contact"

    with pytest.raises(RuleViolation) as error:
        services.membership_remove(actor=contact, membership=membership)
    assert error.value.code == "last_contact"

    membership.refresh_from_db()
    assert membership.role == MembershipRole.CONTACT
    assert audit_actions(organisation) == []


def test_a_contact_can_step_down_when_another_remains(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    first = factories.member(organisation, MembershipRole.CONTACT)
    factories.member(organisation, MembershipRole.CONTACT)
    membership = Membership.objects.get(user=first)

    services.membership_change_role(actor=first, membership=membership, role=MembershipRole.BOARD)

    membership.refresh_from_db()
    assert membership.role == MembershipRole.BOARD
    entry = AuditEntry.objects.get(action="membership.role_changed")
    assert entry.changes == {"role": ["contact", "board"]}


def test_changing_to_the_same_role_writes_nothing(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    membership = Membership.objects.get(user=contact)
    services.membership_change_role(actor=contact, membership=membership, role=MembershipRole.CONTACT)
    assert audit_actions(organisation) == []


def test_remove_a_member(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    plain = factories.member(organisation, MembershipRole.MEMBER, full_name="Ola Medlem")

    services.membership_remove(actor=contact, membership=Membership.objects.get(user=plain))

    assert not Membership.objects.filter(user=plain).exists()
    entry = AuditEntry.objects.get(action="membership.removed")
    assert entry.changes == {"person": "Ola Medlem", "role": "member"}
    assert entry.scope == f"organisation:{organisation.pk}"


# --- User agreements ------------------------------------------------------------------
@pytest.fixture
def org_people(centre):
    organisation = factories.OrganisationFactory(home_centre=centre, name="Avtaleforeningen")
    return {
        "organisation": organisation,
        "contact": factories.member(
            organisation, MembershipRole.CONTACT, full_name="Kari Kontakt", language="en"
        ),
        "board": factories.member(organisation, MembershipRole.BOARD, full_name="Per Styre"),
        "member": factories.member(organisation, MembershipRole.MEMBER, full_name="Ola Medlem"),
        "adviser": factories.staff(centre, full_name="Anne Rådgiver"),
    }


def test_agreement_life_cycle(centre, org_people, on_commit, mailoutbox):
    organisation, contact, board, adviser = (
        org_people[k] for k in ("organisation", "contact", "board", "adviser")
    )

    agreement = services.agreement_request(actor=contact, organisation=organisation, centre=centre)
    assert agreement.status == AgreementStatus.REQUESTED
    assert agreement.requested_by == contact
    assert agreement.text.version == 1

    with on_commit():
        agreement = services.agreement_sign(actor=board, agreement=agreement, typed_name=" per  styre ")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert agreement.signed_by == board
    assert agreement.signed_name == "Per Styre"
    assert agreement.signed_role == MembershipRole.BOARD
    assert agreement.signed_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted([centre.email, adviser.email])
    mailoutbox.clear()

    next_year = clock.local_today().year + 1
    valid_from, valid_until = clock.local_today(), dt.date(next_year, 2, 28)
    with on_commit():
        services.agreement_activate(
            actor=adviser, agreement=agreement, valid_from=valid_from, valid_until=valid_until
        )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert (agreement.valid_from, agreement.valid_until) == (valid_from, valid_until)
    assert agreement.activated_by == adviser
    assert [m.to for m in mailoutbox] == [[contact.email]]
    assert f"Feb. 28, {next_year}" in mailoutbox[0].body  # the contact reads English, in English date style
    mailoutbox.clear()

    with on_commit():
        services.agreement_terminate(actor=adviser, agreement=agreement, reason=" Foreningen er lagt ned. ")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    assert agreement.termination_reason == "Foreningen er lagt ned."
    assert agreement.ended_by == adviser
    assert agreement.ended_at is not None
    assert [m.to for m in mailoutbox] == [[contact.email]]
    assert "Foreningen er lagt ned." in mailoutbox[0].body

    assert audit_actions(organisation) == [
        "agreement.requested",
        "agreement.signed",
        "agreement.activated",
        "agreement.terminated",
    ]


def test_agreement_mail_in_norwegian_names_the_month_in_norwegian(centre, org_people, on_commit, mailoutbox):
    organisation = org_people["organisation"]
    norwegian = factories.member(organisation, MembershipRole.CONTACT, language="nb")
    agreement = factories.agreement(organisation, status=AgreementStatus.SIGNED)
    next_year = clock.local_today().year + 1
    with on_commit():
        services.agreement_activate(
            actor=org_people["adviser"],
            agreement=agreement,
            valid_from=clock.local_today(),
            valid_until=dt.date(next_year, 3, 31),
        )
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert f"31. mars {next_year}" in by_recipient[norwegian.email].body
    assert "March" not in by_recipient[norwegian.email].body
    assert f"March 31, {next_year}" in by_recipient[org_people["contact"].email].body


def test_activation_defaults_to_today_and_the_text_validity(centre, org_people):
    agreement = factories.agreement(org_people["organisation"], status=AgreementStatus.SIGNED)
    services.agreement_activate(actor=org_people["adviser"], agreement=agreement)
    agreement.refresh_from_db()
    today = clock.local_today()
    assert agreement.valid_from == today
    assert agreement.valid_until == clock.add_months(today, 12)


def test_a_partner_cannot_ask_for_an_agreement(centre):
    partner = factories.partner_organisation(centre)
    contact = factories.member(partner, MembershipRole.CONTACT)
    with pytest.raises(RuleViolation) as error:
        services.agreement_request(actor=contact, organisation=partner, centre=centre)
    assert error.value.code == "partner_cannot_borrow"
    assert Agreement.objects.count() == 0


@pytest.mark.parametrize("status", [OrganisationStatus.PENDING, OrganisationStatus.DECLINED])
def test_an_organisation_not_approved_cannot_ask(centre, status):
    organisation = factories.OrganisationFactory(
        home_centre=centre, status=status, decision_reason="Nei." if status == "declined" else ""
    )
    contact = factories.member(organisation, MembershipRole.CONTACT)
    with pytest.raises(RuleViolation) as error:
        services.agreement_request(actor=contact, organisation=organisation, centre=centre)
    assert error.value.code == "organisation_not_approved"
    assert Agreement.objects.count() == 0


def test_a_second_open_request_is_refused(centre, org_people):
    organisation, contact = org_people["organisation"], org_people["contact"]
    services.agreement_request(actor=contact, organisation=organisation, centre=centre)
    with pytest.raises(RuleViolation) as error:
        services.agreement_request(actor=org_people["board"], organisation=organisation, centre=centre)
    assert error.value.code == "agreement_already_requested"
    assert Agreement.objects.count() == 1


def test_a_request_at_another_centre_is_separate(centre, org_people):
    organisation, contact = org_people["organisation"], org_people["contact"]
    other = factories.CentreFactory(slug="bodo")
    services.agreement_request(actor=contact, organisation=organisation, centre=centre)
    services.agreement_request(actor=contact, organisation=organisation, centre=other)
    assert Agreement.objects.filter(organisation=organisation).count() == 2


def test_a_centre_without_text_cannot_give_agreements(org_people):
    bare = factories.CentreFactory(slug="uten-tekst", with_text=False)
    with pytest.raises(RuleViolation) as error:
        services.agreement_request(
            actor=org_people["contact"], organisation=org_people["organisation"], centre=bare
        )
    assert error.value.code == "no_agreement_text"
    assert Agreement.objects.count() == 0


def test_a_plain_member_cannot_sign(centre, org_people):
    agreement = factories.agreement(org_people["organisation"], status=AgreementStatus.REQUESTED)
    with pytest.raises(RuleViolation) as error:
        services.agreement_sign(actor=org_people["member"], agreement=agreement, typed_name="Ola Medlem")
    assert error.value.code == "not_allowed_to_sign"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.REQUESTED
    assert agreement.signed_at is None


def test_someone_outside_the_organisation_cannot_sign(centre, org_people):
    agreement = factories.agreement(org_people["organisation"], status=AgreementStatus.REQUESTED)
    stranger = factories.UserFactory(full_name="Fremmed Person")
    with pytest.raises(RuleViolation) as error:
        services.agreement_sign(actor=stranger, agreement=agreement, typed_name="Fremmed Person")
    assert error.value.code == "not_allowed_to_sign"


def test_signing_with_another_name_is_refused(centre, org_people):
    agreement = factories.agreement(org_people["organisation"], status=AgreementStatus.REQUESTED)
    with pytest.raises(RuleViolation) as error:
        services.agreement_sign(actor=org_people["contact"], agreement=agreement, typed_name="Per Styre")
    assert error.value.code == "signature_name_mismatch"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.REQUESTED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (AgreementStatus.SIGNED, "sign"),
        (AgreementStatus.ACTIVE, "sign"),
        (AgreementStatus.REQUESTED, "activate"),
        (AgreementStatus.ACTIVE, "activate"),
        (AgreementStatus.TERMINATED, "activate"),
        (AgreementStatus.EXPIRED, "terminate"),
        (AgreementStatus.TERMINATED, "terminate"),
    ],
)
def test_wrong_state(centre, org_people, status, action):
    agreement = factories.agreement(org_people["organisation"], status=status)
    do = {
        "sign": lambda: services.agreement_sign(
            actor=org_people["contact"], agreement=agreement, typed_name="Kari Kontakt"
        ),
        "activate": lambda: services.agreement_activate(actor=org_people["adviser"], agreement=agreement),
        "terminate": lambda: services.agreement_terminate(
            actor=org_people["adviser"], agreement=agreement, reason="Slutt."
        ),
    }
    with pytest.raises(RuleViolation) as error:
        do[action]()
    assert error.value.code == "agreement_wrong_state"
    agreement.refresh_from_db()
    assert agreement.status == status


def test_terminate_needs_a_reason(centre, org_people):
    agreement = factories.agreement(org_people["organisation"], status=AgreementStatus.ACTIVE)
    with pytest.raises(RuleViolation) as error:
        services.agreement_terminate(actor=org_people["adviser"], agreement=agreement, reason=" ")
    assert error.value.code == "reason_required"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE


def test_activation_with_end_before_start_is_refused(centre, org_people):
    agreement = factories.agreement(org_people["organisation"], status=AgreementStatus.SIGNED)
    with pytest.raises(RuleViolation) as error:
        services.agreement_activate(
            actor=org_people["adviser"],
            agreement=agreement,
            valid_from=clock.local_today() + dt.timedelta(days=10),
            valid_until=clock.local_today() + dt.timedelta(days=9),
        )
    assert error.value.code == "validity_end_before_start"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert agreement.valid_from is None


def test_activation_that_has_already_ended_is_refused(centre, org_people):
    agreement = factories.agreement(org_people["organisation"], status=AgreementStatus.SIGNED)
    yesterday = clock.local_today() - dt.timedelta(days=1)
    with pytest.raises(RuleViolation) as error:
        services.agreement_activate(
            actor=org_people["adviser"],
            agreement=agreement,
            valid_from=yesterday - dt.timedelta(days=30),
            valid_until=yesterday,
        )
    assert error.value.code == "validity_already_ended"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED


def test_activating_a_renewal_expires_the_previous_agreement(centre, org_people):
    organisation, contact, adviser = org_people["organisation"], org_people["contact"], org_people["adviser"]
    old = factories.agreement(organisation, status=AgreementStatus.ACTIVE)
    renewal = services.agreement_request(actor=contact, organisation=organisation, centre=centre)
    services.agreement_sign(actor=contact, agreement=renewal, typed_name="Kari Kontakt")

    services.agreement_activate(actor=adviser, agreement=renewal)

    old.refresh_from_db()
    renewal.refresh_from_db()
    assert old.status == AgreementStatus.EXPIRED
    assert old.ended_at is not None
    assert renewal.status == AgreementStatus.ACTIVE
    assert Agreement.objects.filter(organisation=organisation, status=AgreementStatus.ACTIVE).get() == renewal
    assert "agreement.replaced" in audit_actions(organisation)


def test_activation_leaves_the_agreement_at_another_centre_alone(centre, org_people):
    organisation = org_people["organisation"]
    other = factories.CentreFactory(slug="kristiansand")
    elsewhere = factories.agreement(organisation, other, status=AgreementStatus.ACTIVE)
    signed = factories.agreement(organisation, status=AgreementStatus.SIGNED)
    services.agreement_activate(actor=org_people["adviser"], agreement=signed)
    elsewhere.refresh_from_db()
    assert elsewhere.status == AgreementStatus.ACTIVE


def test_signing_uses_the_current_text_and_a_new_text_leaves_signed_ones_alone(centre, org_people):
    organisation, contact = org_people["organisation"], org_people["contact"]
    lead = factories.lead(centre)
    signed_on_v1 = factories.agreement(organisation, status=AgreementStatus.ACTIVE)
    requested = services.agreement_request(actor=contact, organisation=organisation, centre=centre)
    assert requested.text.version == 1

    v2 = centre_services.agreement_text_publish(
        actor=lead, centre=centre, body_nb="Nye husregler.", body_en="New house rules.", validity_months=6
    )
    services.agreement_sign(actor=contact, agreement=requested, typed_name="Kari Kontakt")

    requested.refresh_from_db()
    signed_on_v1.refresh_from_db()
    assert requested.text == v2
    assert signed_on_v1.text.version == 1


# --- Background jobs ------------------------------------------------------------------
def test_agreements_expire_due(centre, org_people):
    organisation = org_people["organisation"]
    today = dt.date(2026, 6, 15)
    ended = factories.agreement(
        organisation,
        status=AgreementStatus.ACTIVE,
        valid_from=dt.date(2025, 6, 15),
        valid_until=dt.date(2026, 6, 14),
    )
    other = factories.OrganisationFactory(home_centre=centre)
    last_day = factories.agreement(
        other, status=AgreementStatus.ACTIVE, valid_from=dt.date(2025, 6, 16), valid_until=today
    )

    assert services.agreements_expire_due(today=today) == 1

    ended.refresh_from_db()
    last_day.refresh_from_db()
    assert ended.status == AgreementStatus.EXPIRED
    assert ended.ended_at is not None
    assert last_day.status == AgreementStatus.ACTIVE
    entry = AuditEntry.objects.get(action="agreement.expired")
    assert entry.actor is None
    assert services.agreements_expire_due(today=today) == 0


def test_renewal_reminders_are_sent_once_for_agreements_ending_within_30_days(centre, on_commit, mailoutbox):
    today = dt.date(2026, 6, 1)
    cases = {"in 30 days": 30, "in 31 days": 31, "today": 0, "yesterday": -1, "in 10 days": 10}
    agreements = {}
    contacts = {}
    for label, days in cases.items():
        organisation = factories.OrganisationFactory(home_centre=centre, name=f"Forening {label}")
        contacts[label] = factories.member(organisation, MembershipRole.CONTACT)
        agreements[label] = factories.agreement(
            organisation,
            status=AgreementStatus.ACTIVE,
            valid_from=today - dt.timedelta(days=300),
            valid_until=today + dt.timedelta(days=days),
        )
    factories.agreement(
        factories.OrganisationFactory(home_centre=centre), status=AgreementStatus.SIGNED
    )  # not active: never reminded

    with on_commit():
        assert services.agreement_renewal_reminders_send(today=today) == 3
    with on_commit():
        assert services.agreement_renewal_reminders_send(today=today) == 0

    reminded = sorted(m.to[0] for m in mailoutbox)
    assert reminded == sorted(contacts[label].email for label in ("in 30 days", "today", "in 10 days"))
    for label in ("in 30 days", "today", "in 10 days"):
        agreements[label].refresh_from_db()
        assert agreements[label].renewal_reminder_sent_at is not None
    for label in ("in 31 days", "yesterday"):
        agreements[label].refresh_from_db()
        assert agreements[label].renewal_reminder_sent_at is None


def test_a_renewal_reminder_comes_when_the_day_arrives(centre, on_commit, mailoutbox):
    organisation = factories.OrganisationFactory(home_centre=centre)
    factories.member(organisation, MembershipRole.CONTACT)
    factories.agreement(
        organisation,
        status=AgreementStatus.ACTIVE,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 7, 31),
    )
    with on_commit():
        assert services.agreement_renewal_reminders_send(today=dt.date(2026, 6, 30)) == 0
    with on_commit():
        assert services.agreement_renewal_reminders_send(today=dt.date(2026, 7, 1)) == 1
    assert len(mailoutbox) == 1
