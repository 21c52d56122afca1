"""Pure policy for organisations: no database, tables of cases."""

import datetime as dt

import pytest

from batteriet.core.errors import RuleViolation
from batteriet.organisations import rules
from batteriet.organisations.models import AgreementStatus, MembershipRole
from batteriet.organisations.rules import Applicant, Route, WorkArea

D = dt.date


# --- Eligibility screening ------------------------------------------------------------
@pytest.mark.parametrize(
    ("applicant", "work_area", "route"),
    [
        (Applicant.GROUP, None, Route.ASK_WORK_AREA),
        (Applicant.GROUP, WorkArea.NORWAY, Route.REGISTER_ORGANISATION),
        (Applicant.GROUP, WorkArea.ABROAD, Route.EXPLAIN_ABROAD),
        (Applicant.STARTER, None, Route.REGISTER_INITIATOR),
        (Applicant.STARTER, WorkArea.NORWAY, Route.REGISTER_INITIATOR),
        (Applicant.STARTER, WorkArea.ABROAD, Route.REGISTER_INITIATOR),
        (Applicant.INDIVIDUAL, None, Route.REFER_INDIVIDUAL),
        (Applicant.INDIVIDUAL, WorkArea.NORWAY, Route.REFER_INDIVIDUAL),
        (Applicant.INDIVIDUAL, WorkArea.ABROAD, Route.REFER_INDIVIDUAL),
        (Applicant.BUSINESS, None, Route.REGISTER_PARTNER),
        (Applicant.BUSINESS, WorkArea.NORWAY, Route.REGISTER_PARTNER),
        (Applicant.BUSINESS, WorkArea.ABROAD, Route.REGISTER_PARTNER),
    ],
)
def test_screening_route(applicant, work_area, route):
    assert rules.screening_route(applicant, work_area) == route


def test_screening_table_covers_every_answer():
    """A new kind of applicant or work area must get a row in the table above."""
    assert {a.value for a in Applicant} == {"group", "starter", "individual", "business"}
    assert {w.value for w in WorkArea} == {"norway", "abroad"}


# --- Organisation number --------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("923609016", "923609016"),
        ("923 609 016", "923609016"),
        (" 923609016 ", "923609016"),
        ("974760673", "974760673"),
        ("", None),
        ("   ", None),
    ],
)
def test_normalise_orgnr_valid(value, expected):
    assert rules.normalise_orgnr(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "923609017",  # wrong check digit
        "923609015",
        "92360901A",  # a letter
        "ABCDEFGHI",
        "92360901",  # eight digits
        "9236090160",  # ten digits
        "923-609-016x",
        "<script>",
    ],
)
def test_normalise_orgnr_invalid(value):
    with pytest.raises(RuleViolation) as error:
        rules.normalise_orgnr(value)
    assert error.value.code == "orgnr_invalid"
    assert error.value.field == "orgnr"
    assert "923 609 016" in str(error.value)


# --- Phone ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("91234567", "+4791234567"),
        ("912 34 567", "+4791234567"),
        ("+47 912 34 567", "+4791234567"),
        ("0047 91234567", "+4791234567"),
        ("22 00 00 00", "+4722000000"),
        ("+46 70 123 45 67", "+46701234567"),  # Swedish mobile: foreign numbers are allowed
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_phone_valid(value, expected):
    assert rules.normalise_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    ["abc", "ring meg", "123", "1234567", "9123456789012345", "+47 123", "<b>91234567</b>"],
)
def test_normalise_phone_invalid(value):
    with pytest.raises(RuleViolation) as error:
        rules.normalise_phone(value)
    assert error.value.code == "phone_invalid"
    assert error.value.field == "phone"


# --- Decisions and memberships --------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_decline_needs_a_reason(reason):
    with pytest.raises(RuleViolation) as error:
        rules.check_decline_reason(reason)
    assert error.value.code == "reason_required"


def test_decline_with_a_reason_passes():
    rules.check_decline_reason("Dere jobber ikke mot fattigdom i Norge.")


@pytest.mark.parametrize(("contacts_left", "allowed"), [(-1, False), (0, False), (1, True), (3, True)])
def test_last_contact(contacts_left, allowed):
    if allowed:
        rules.check_not_last_contact(contacts_left=contacts_left)
    else:
        with pytest.raises(RuleViolation) as error:
            rules.check_not_last_contact(contacts_left=contacts_left)
        assert error.value.code == "last_contact"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (MembershipRole.CONTACT, True),
        (MembershipRole.BOARD, True),
        (MembershipRole.MEMBER, False),
        (None, False),
    ],
)
def test_who_can_sign(role, allowed):
    assert rules.can_sign_agreement(role) is allowed


# --- Agreement states -----------------------------------------------------------------
S = AgreementStatus
ALLOWED = {
    (S.REQUESTED, S.SIGNED),
    (S.REQUESTED, S.TERMINATED),
    (S.SIGNED, S.ACTIVE),
    (S.SIGNED, S.TERMINATED),
    (S.ACTIVE, S.EXPIRED),
    (S.ACTIVE, S.TERMINATED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("new", list(S))
def test_agreement_transitions(current, new):
    if (current, new) in ALLOWED:
        rules.check_agreement_transition(current, new)
    else:
        with pytest.raises(RuleViolation) as error:
            rules.check_agreement_transition(current, new)
        assert error.value.code == "agreement_wrong_state"


def test_unknown_state_cannot_move():
    with pytest.raises(RuleViolation):
        rules.check_agreement_transition("lost", S.ACTIVE)


@pytest.mark.parametrize(
    ("is_approved", "is_partner", "has_open_request", "code"),
    [
        (True, False, False, None),
        (True, True, False, "partner_cannot_borrow"),
        (False, True, False, "partner_cannot_borrow"),
        (False, False, False, "organisation_not_approved"),
        (True, False, True, "agreement_already_requested"),
        (False, False, True, "organisation_not_approved"),
    ],
)
def test_can_request_agreement(is_approved, is_partner, has_open_request, code):
    kwargs = {"is_approved": is_approved, "is_partner": is_partner, "has_open_request": has_open_request}
    if code is None:
        rules.check_can_request_agreement(**kwargs)
    else:
        with pytest.raises(RuleViolation) as error:
            rules.check_can_request_agreement(**kwargs)
        assert error.value.code == code


@pytest.mark.parametrize(
    ("typed", "account", "ok"),
    [
        ("Kari Nordmann", "Kari Nordmann", True),
        ("kari nordmann", "Kari Nordmann", True),
        ("  Kari   Nordmann ", "Kari Nordmann", True),
        ("KARI NORDMANN", "Kari  Nordmann", True),
        ("Åse Ødegård", "åse ødegård", True),
        ("Kari", "Kari Nordmann", False),
        ("Kari Nordmann Jr", "Kari Nordmann", False),
        ("Ola Nordmann", "Kari Nordmann", False),
        ("", "Kari Nordmann", False),
    ],
)
def test_check_signature_name(typed, account, ok):
    if ok:
        rules.check_signature_name(typed_name=typed, account_name=account)
    else:
        with pytest.raises(RuleViolation) as error:
            rules.check_signature_name(typed_name=typed, account_name=account)
        assert error.value.code == "signature_name_mismatch"
        assert error.value.field == "name"
        assert account in str(error.value)


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "code"),
    [
        (D(2026, 1, 1), D(2026, 1, 1), None),  # one day is fine
        (D(2026, 1, 1), D(2026, 12, 31), None),
        (D(2026, 1, 1), D(2029, 1, 1), None),  # three years
        (D(2026, 1, 2), D(2026, 1, 1), "validity_end_before_start"),
        (D(2026, 1, 1), D(2025, 1, 1), "validity_end_before_start"),
        (D(2026, 1, 1), D(2029, 1, 5), "validity_too_long"),
        (D(2026, 1, 1), D(9999, 12, 31), "validity_too_long"),
    ],
)
def test_check_validity_period(valid_from, valid_until, code):
    if code is None:
        rules.check_validity_period(valid_from=valid_from, valid_until=valid_until)
    else:
        with pytest.raises(RuleViolation) as error:
            rules.check_validity_period(valid_from=valid_from, valid_until=valid_until)
        assert error.value.code == code
        assert error.value.field == "valid_until"


@pytest.mark.parametrize(
    ("valid_until", "code"),
    [
        (D(2026, 5, 31), "validity_already_ended"),
        (D(2026, 6, 1), None),  # ending today is fine
        (D(2026, 6, 2), None),
    ],
)
def test_validity_period_must_not_have_ended(valid_until, code):
    kwargs = {"valid_from": D(2026, 1, 1), "valid_until": valid_until, "today": D(2026, 6, 1)}
    if code is None:
        rules.check_validity_period(**kwargs)
    else:
        with pytest.raises(RuleViolation) as error:
            rules.check_validity_period(**kwargs)
        assert error.value.code == code
        assert error.value.field == "valid_until"


@pytest.mark.parametrize(
    ("status", "on", "in_force"),
    [
        (S.ACTIVE, D(2025, 12, 31), False),  # the day before
        (S.ACTIVE, D(2026, 1, 1), True),  # first day counts
        (S.ACTIVE, D(2026, 6, 15), True),
        (S.ACTIVE, D(2026, 12, 31), True),  # last day counts
        (S.ACTIVE, D(2027, 1, 1), False),  # the day after
        (S.SIGNED, D(2026, 6, 15), False),
        (S.REQUESTED, D(2026, 6, 15), False),
        (S.EXPIRED, D(2026, 6, 15), False),
        (S.TERMINATED, D(2026, 6, 15), False),
    ],
)
def test_is_agreement_in_force(status, on, in_force):
    assert (
        rules.is_agreement_in_force(
            status=status, valid_from=D(2026, 1, 1), valid_until=D(2026, 12, 31), on=on
        )
        is in_force
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_until"), [(None, D(2026, 12, 31)), (D(2026, 1, 1), None), (None, None)]
)
def test_agreement_without_dates_is_not_in_force(valid_from, valid_until):
    assert not rules.is_agreement_in_force(
        status=S.ACTIVE, valid_from=valid_from, valid_until=valid_until, on=D(2026, 6, 1)
    )


@pytest.mark.parametrize(
    ("days_left", "due"),
    [(-1, False), (0, True), (1, True), (29, True), (30, True), (31, False), (365, False)],
)
def test_renewal_reminder_due(days_left, due):
    today = D(2026, 3, 1)
    assert rules.renewal_reminder_due(valid_until=today + dt.timedelta(days=days_left), today=today) is due


def test_renewal_reminder_window_can_be_changed():
    today = D(2026, 3, 1)
    assert rules.renewal_reminder_due(valid_until=D(2026, 3, 15), today=today, days_before=14)
    assert not rules.renewal_reminder_due(valid_until=D(2026, 3, 16), today=today, days_before=14)
