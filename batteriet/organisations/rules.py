"""Pure policy for organisations: eligibility screening, identifiers, agreement states.

No database here: each function takes plain values and either returns a value or
raises `RuleViolation` with a stable code and a message a person can act on.
"""

import datetime as dt
from enum import StrEnum

import phonenumbers
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr as stdnum_orgnr

from batteriet.core.errors import RuleViolation
from batteriet.organisations.models import AgreementStatus, MembershipRole


# --- Eligibility screening ------------------------------------------------------------
class Applicant(StrEnum):
    GROUP = "group"  # a group or organisation
    STARTER = "starter"  # a person who wants to start a group
    INDIVIDUAL = "individual"  # a person who needs help with their own situation
    BUSINESS = "business"  # a company or another actor who wants to cooperate


class WorkArea(StrEnum):
    NORWAY = "norway"
    ABROAD = "abroad"


class Route(StrEnum):
    REGISTER_ORGANISATION = "register_organisation"
    REGISTER_INITIATOR = "register_initiator"
    REGISTER_PARTNER = "register_partner"
    REFER_INDIVIDUAL = "refer_individual"
    EXPLAIN_ABROAD = "explain_abroad"
    ASK_WORK_AREA = "ask_work_area"


def screening_route(applicant: Applicant, work_area: WorkArea | None = None) -> Route:
    """Where the registration wizard sends someone, from their answers so far."""
    if applicant == Applicant.INDIVIDUAL:
        return Route.REFER_INDIVIDUAL
    if applicant == Applicant.STARTER:
        return Route.REGISTER_INITIATOR
    if applicant == Applicant.BUSINESS:
        return Route.REGISTER_PARTNER
    if work_area is None:
        return Route.ASK_WORK_AREA
    if work_area == WorkArea.ABROAD:
        return Route.EXPLAIN_ABROAD
    return Route.REGISTER_ORGANISATION


# --- Identifiers ----------------------------------------------------------------------
def normalise_orgnr(value: str) -> str | None:
    """A valid organisasjonsnummer as nine digits, or None when left empty."""
    cleaned = "".join(value.split())
    if not cleaned:
        return None
    try:
        return stdnum_orgnr.validate(cleaned)
    except StdnumError as error:
        raise RuleViolation(
            code="orgnr_invalid",
            field="orgnr",
            message=_(
                "This is not a valid organisation number. It has nine digits, for example "
                "923 609 016. Leave the field empty if your group has none."
            ),
        ) from error


def normalise_phone(value: str) -> str:
    """A phone number in E.164 (+4791234567). Norwegian by default, foreign with +."""
    if not value.strip():
        return ""
    invalid = RuleViolation(
        code="phone_invalid",
        field="phone",
        message=_(
            "We could not read this phone number. Write eight digits for a Norwegian "
            "number, or start with + and the country code."
        ),
    )
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException as error:
        raise invalid from error
    if not phonenumbers.is_valid_number(number):
        raise invalid
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Organisation decisions -----------------------------------------------------------
def check_decline_reason(reason: str) -> None:
    if not reason.strip():
        raise RuleViolation(
            code="reason_required",
            field="reason",
            message=_("Write a short reason. The organisation will see it."),
        )


# --- Memberships ----------------------------------------------------------------------
def check_not_last_contact(*, contacts_left: int) -> None:
    """An organisation must keep at least one contact person."""
    if contacts_left < 1:
        raise RuleViolation(
            code="last_contact",
            message=_(
                "The organisation must have at least one contact person. "
                "Make someone else contact person first."
            ),
        )


def can_sign_agreement(role: str | None) -> bool:
    return role in {MembershipRole.CONTACT, MembershipRole.BOARD}


# --- User agreements ------------------------------------------------------------------
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    AgreementStatus.REQUESTED: {AgreementStatus.SIGNED, AgreementStatus.TERMINATED},
    AgreementStatus.SIGNED: {AgreementStatus.ACTIVE, AgreementStatus.TERMINATED},
    AgreementStatus.ACTIVE: {AgreementStatus.EXPIRED, AgreementStatus.TERMINATED},
    AgreementStatus.EXPIRED: set(),
    AgreementStatus.TERMINATED: set(),
}


def can_move_to(current: str, new: str) -> bool:
    return new in ALLOWED_TRANSITIONS.get(current, set())


def check_agreement_transition(current: str, new: str) -> None:
    if not can_move_to(current, new):
        raise RuleViolation(
            code="agreement_wrong_state",
            message=_("This agreement can no longer be changed that way. Reload the page."),
        )


def check_can_request_agreement(*, is_approved: bool, is_partner: bool, has_open_request: bool) -> None:
    if is_partner:
        raise RuleViolation(
            code="partner_cannot_borrow",
            message=_("Partners cannot borrow rooms or equipment, so they need no user agreement."),
        )
    if not is_approved:
        raise RuleViolation(
            code="organisation_not_approved",
            message=_("The centre must approve your organisation before you can ask for an agreement."),
        )
    if has_open_request:
        raise RuleViolation(
            code="agreement_already_requested",
            message=_("You have already asked this centre for an agreement. It is on its way."),
        )


def check_signature_name(*, typed_name: str, account_name: str) -> None:
    """The signer types their own name, as on paper."""
    if " ".join(typed_name.split()).casefold() != " ".join(account_name.split()).casefold():
        raise RuleViolation(
            code="signature_name_mismatch",
            field="name",
            message=_("Type your full name exactly as it is on your account: %(name)s")
            % {"name": account_name},
        )


def check_validity_period(*, valid_from: dt.date, valid_until: dt.date, today: dt.date | None = None) -> None:
    """A sensible period: not over before it is given, not backwards, at most three years."""
    if today is not None and valid_until < today:
        raise RuleViolation(
            code="validity_already_ended",
            field="valid_until",
            message=_("The end date has already passed. Choose a date from today on."),
        )
    if valid_until < valid_from:
        raise RuleViolation(
            code="validity_end_before_start",
            field="valid_until",
            message=_("The end date must be on or after the start date."),
        )
    if (valid_until - valid_from).days > 3 * 366:
        raise RuleViolation(
            code="validity_too_long",
            field="valid_until",
            message=_("An agreement can last at most three years."),
        )


def is_agreement_in_force(
    *, status: str, valid_from: dt.date | None, valid_until: dt.date | None, on: dt.date
) -> bool:
    return (
        status == AgreementStatus.ACTIVE
        and valid_from is not None
        and valid_until is not None
        and valid_from <= on <= valid_until
    )


def renewal_reminder_due(*, valid_until: dt.date, today: dt.date, days_before: int = 30) -> bool:
    return today <= valid_until <= today + dt.timedelta(days=days_before)
