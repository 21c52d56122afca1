"""Premises need someone present and responsible, with a phone the centre can call. No database."""

import pytest

from batteriet.bookings import rules
from batteriet.bookings.models import ResourceKind
from batteriet.core.errors import RuleViolation


@pytest.mark.parametrize(
    ("kind", "name", "phone", "code"),
    [
        (ResourceKind.PREMISES, "", "+4791234567", "responsible_person_required"),
        (ResourceKind.PREMISES, "   ", "+4791234567", "responsible_person_required"),
        (ResourceKind.PREMISES, "Kari Kontakt", "", "responsible_phone_required"),
        (ResourceKind.PREMISES, "x" * 201, "+4791234567", "responsible_name_too_long"),
        (ResourceKind.MEETING_ROOM, "x" * 201, "", "responsible_name_too_long"),
        (ResourceKind.PREMISES, "Kari Kontakt", "+4791234567", None),
        (ResourceKind.MEETING_ROOM, "", "", None),
        (ResourceKind.DESK, "", "", None),
        (ResourceKind.EQUIPMENT, "", "", None),
    ],
)
def test_check_responsible_person(kind, name, phone, code):
    if code is None:
        rules.check_responsible_person(kind=kind, name=name, phone=phone)
        return
    with pytest.raises(RuleViolation) as caught:
        rules.check_responsible_person(kind=kind, name=name, phone=phone)
    assert caught.value.code == code
    assert caught.value.field in {"responsible_name", "responsible_phone"}
    assert str(caught.value.message).strip()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("91234567", "+4791234567"),
        ("912 34 567", "+4791234567"),
        ("+47 912 34 567", "+4791234567"),
        ("0047 91234567", "+4791234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("", ""),
    ],
)
def test_the_phone_is_kept_in_e164(typed, stored):
    assert rules.responsible_phone_e164(typed) == stored


@pytest.mark.parametrize("typed", ["123", "ring meg", "<script>", "9" * 41, "+47 12", "+999 1234567"])
def test_a_phone_that_cannot_be_read_is_refused(typed):
    with pytest.raises(RuleViolation) as caught:
        rules.responsible_phone_e164(typed)
    assert caught.value.code == "responsible_phone_invalid"
    assert caught.value.field == "responsible_phone"
