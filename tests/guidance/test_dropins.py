"""Drop-ins: one click by staff of the centre, no personal data, bad input refused."""

import datetime as dt

import pytest

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.guidance.models import DropIn
from batteriet.guidance.services import dropins
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db


class World:
    def __init__(self) -> None:
        self.centre_a = factories.CentreFactory(slug="senter-a", name="Batteriet A")
        self.centre_b = factories.CentreFactory(slug="senter-b", name="Batteriet B")
        self.a1 = factories.OrganisationFactory(home_centre=self.centre_a)
        self.contact = factories.member(self.a1, MembershipRole.CONTACT)
        self.person = factories.UserFactory()
        self.adviser_a = factories.staff(self.centre_a)
        self.lead_a = factories.staff(self.centre_a, StaffRole.LEAD)
        self.adviser_b = factories.staff(self.centre_b)
        self.coordinator = factories.national_coordinator()


@pytest.fixture
def w() -> World:
    return World()


def log(w: World, **overrides) -> DropIn:
    fields = {"actor": w.adviser_a, "centre": w.centre_a, "topic": "funding", "mode": "phone", "minutes": 15}
    fields.update(overrides)
    return dropins.dropin_log(**fields)


@pytest.mark.parametrize("who", ["adviser_a", "lead_a", "coordinator"])
def test_staff_of_the_centre_log_a_drop_in_for_today(w, who):
    dropin = log(w, actor=getattr(w, who))
    assert (dropin.centre, dropin.held_on, dropin.topic, dropin.mode, dropin.minutes) == (
        w.centre_a,
        clock.local_today(),
        "funding",
        "phone",
        15,
    )
    entry = AuditEntry.objects.get(action="guidance.dropin_logged")
    assert entry.actor == getattr(w, who)
    assert entry.scope == f"centre:{w.centre_a.pk}"


def test_a_drop_in_holds_no_personal_data():
    names = {field.name for field in DropIn._meta.get_fields()}
    assert names == {"id", "centre", "held_on", "topic", "mode", "minutes"}


def test_a_drop_in_can_be_logged_for_an_earlier_day(w):
    day = clock.local_today() - dt.timedelta(days=30)
    assert log(w, held_on=day).held_on == day


@pytest.mark.parametrize("who", ["adviser_b", "contact", "person"])
def test_others_cannot_log_drop_ins_at_the_centre(w, who):
    with pytest.raises(RuleViolation) as refused:
        log(w, actor=getattr(w, who))
    assert refused.value.code == "not_allowed"
    assert DropIn.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"topic": "x" * 20_000}, "invalid_topic", "topic"),
        ({"topic": "<script>alert(1)</script>"}, "invalid_topic", "topic"),
        ({"topic": "fund\x00ing"}, "invalid_topic", "topic"),
        ({"topic": None}, "invalid_topic", "topic"),
        ({"mode": "letter"}, "invalid_mode", "mode"),
        ({"minutes": 0}, "minutes_out_of_range", "minutes"),
        ({"minutes": 601}, "minutes_out_of_range", "minutes"),
        ({"minutes": -1}, "minutes_out_of_range", "minutes"),
        ({"minutes": 99_999_999_999}, "minutes_out_of_range", "minutes"),
        ({"minutes": "15"}, "minutes_out_of_range", "minutes"),
        ({"minutes": 1.5}, "minutes_out_of_range", "minutes"),
        ({"minutes": False}, "minutes_out_of_range", "minutes"),
        ({"held_on": clock.local_today() + dt.timedelta(days=1)}, "held_on_in_future", "held_on"),
        ({"held_on": clock.local_today() - dt.timedelta(days=400)}, "held_on_too_old", "held_on"),
        ({"held_on": "2026-02-30"}, "held_on_invalid", "held_on"),
        ({"held_on": clock.now()}, "held_on_invalid", "held_on"),
    ],
)
def test_bad_input_is_refused_by_the_field_and_nothing_is_stored(w, overrides, code, field):
    with pytest.raises(RuleViolation) as refused:
        log(w, **overrides)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert str(refused.value.message)
    assert DropIn.objects.count() == 0
    assert not AuditEntry.objects.filter(action="guidance.dropin_logged").exists()


def test_the_longest_drop_in_is_ten_hours(w):
    assert log(w, minutes=600).minutes == 600
    assert log(w, minutes=1).minutes == 1
