"""Session records, follow-ups and the organisation's journey: who may write them, what
they change, bad input refused with nothing stored, and who may see the journey."""

import datetime as dt

import pytest
from django.http import Http404

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.guidance import permissions_notes, rules, selectors_figures
from batteriet.guidance.models import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    GuidanceRequest,
    JourneyProgress,
    JourneyStep,
    Mode,
    RequestStatus,
    SessionRecord,
    Topic,
)
from batteriet.guidance.services import records
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db


class World:
    def __init__(self) -> None:
        self.centre_a = factories.CentreFactory(slug="senter-a", name="Batteriet A")
        self.centre_b = factories.CentreFactory(slug="senter-b", name="Batteriet B")
        self.a1 = factories.OrganisationFactory(name="Organisasjon A1", home_centre=self.centre_a)
        self.contact = factories.member(self.a1, MembershipRole.CONTACT)
        self.board = factories.member(self.a1, MembershipRole.BOARD)
        self.member = factories.member(self.a1, MembershipRole.MEMBER)
        self.person = factories.UserFactory()
        self.adviser_a = factories.staff(self.centre_a)
        self.lead_a = factories.staff(self.centre_a, StaffRole.LEAD)
        self.adviser_b = factories.staff(self.centre_b)
        self.coordinator = factories.national_coordinator()


@pytest.fixture
def w() -> World:
    return World()


def appointment_row(
    w: World, *, centre=None, status=AppointmentStatus.BOOKED, hours_ago: int = 2
) -> Appointment:
    centre = centre or w.centre_a
    request = GuidanceRequest.objects.create(
        requested_by=w.contact,
        organisation=w.a1,
        role="representative",
        centre=centre,
        topic="statutes",
        situation="Vi trenger hjelp med vedtektene.",
        mode="centre",
        status=RequestStatus.SCHEDULED,
    )
    starts_at = clock.now() - dt.timedelta(hours=hours_ago)
    return Appointment.objects.create(
        request=request,
        adviser=w.adviser_a,
        centre=centre,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        mode="centre",
        status=status,
    )


def create(w: World, **overrides) -> SessionRecord:
    fields = {
        "actor": w.adviser_a,
        "centre": w.centre_a,
        "held_at": clock.now() - dt.timedelta(hours=1),
        "minutes": 60,
        "mode": "centre",
        "topics": ["statutes"],
        "outcomes": ["statutes_adopted"],
        "organisation": w.a1,
    }
    fields.update(overrides)
    return records.record_create(**fields)


# --- record_create ----------------------------------------------------------------------------
def test_a_record_marks_the_appointment_held_and_moves_the_journey(w):
    appointment = appointment_row(w)
    due = clock.local_today() + dt.timedelta(days=7)

    record = create(
        w,
        organisation=None,
        appointment=appointment,
        people=3,
        topics=["statutes", "board", "statutes"],
        outcomes=["statutes_adopted", "board_elected"],
        follow_ups=[
            ("Send vedtektene til Brønnøysund", w.adviser_a, due),
            ("Kall inn til årsmøte", w.contact, due),
        ],
        journey_steps=[JourneyStep.STATUTES, JourneyStep.BOARD],
    )

    record.refresh_from_db()
    assert record.organisation == w.a1  # from the appointment's request
    assert record.adviser == w.adviser_a
    assert record.topics == ["statutes", "board"]  # distinct, in the order of the choices
    assert record.people == 3
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
    assert appointment.request.status == RequestStatus.DONE
    assert sorted(FollowUp.objects.filter(record=record).values_list("owner_id", flat=True)) == sorted(
        [w.adviser_a.pk, w.contact.pk]
    )
    steps = {progress.step: progress for progress in JourneyProgress.objects.filter(organisation=w.a1)}
    assert set(steps) == {JourneyStep.STATUTES, JourneyStep.BOARD}
    assert all(progress.record == record for progress in steps.values())
    entry = AuditEntry.objects.get(action="guidance.record_created")
    assert entry.changes["journey_steps"] == ["statutes", "board"]
    assert entry.changes["follow_ups"] == 2


def test_each_journey_step_is_reached_once_and_keeps_the_session_that_moved_it(w):
    first = create(w, journey_steps=[JourneyStep.FOUNDED])
    second = create(w, journey_steps=[JourneyStep.FOUNDED, JourneyStep.STATUTES])

    founded = JourneyProgress.objects.get(organisation=w.a1, step=JourneyStep.FOUNDED)
    assert founded.record == first
    assert JourneyProgress.objects.get(organisation=w.a1, step=JourneyStep.STATUTES).record == second
    assert JourneyProgress.objects.filter(organisation=w.a1).count() == 2


@pytest.mark.parametrize("who", ["adviser_a", "lead_a", "coordinator"])
def test_staff_of_the_centre_and_national_coordinators_record_sessions(w, who):
    record = create(w, actor=getattr(w, who))
    assert record.adviser == getattr(w, who)


@pytest.mark.parametrize("who", ["adviser_b", "contact", "member", "person"])
def test_others_cannot_record_a_session_at_the_centre(w, who):
    with pytest.raises(RuleViolation) as refused:
        create(w, actor=getattr(w, who))
    assert refused.value.code == "not_allowed"
    assert SessionRecord.objects.count() == 0


def test_only_a_booked_appointment_of_the_centre_is_recorded_once(w):
    other_centre = appointment_row(w, centre=w.centre_b)
    with pytest.raises(RuleViolation) as refused:
        create(w, appointment=other_centre)
    assert refused.value.code == "appointment_other_centre"

    cancelled = appointment_row(w, status=AppointmentStatus.CANCELLED, hours_ago=5)
    with pytest.raises(RuleViolation) as refused:
        create(w, appointment=cancelled)
    assert refused.value.code == "appointment_not_booked"

    booked = appointment_row(w, hours_ago=8)
    create(w, appointment=booked)
    with pytest.raises(RuleViolation) as refused:
        create(w, appointment=booked)
    assert refused.value.code == "appointment_not_booked"
    assert SessionRecord.objects.count() == 1


def test_the_appointment_must_be_with_the_organisation_given(w):
    other = factories.OrganisationFactory(home_centre=w.centre_a)
    with pytest.raises(RuleViolation) as refused:
        create(w, organisation=other, appointment=appointment_row(w))
    assert refused.value.code == "organisation_mismatch"


LONG = "x" * 20_000


# --- The shared checks (rules.py): every kind of value refused by the field, never a crash --
@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda: rules.check_text(None, field="text", max_length=10), "invalid_text", "text"),
        (lambda: rules.check_text(42, field="text", max_length=10), "invalid_text", "text"),
        (lambda: rules.check_text(b"bytes", field="text", max_length=10), "invalid_text", "text"),
        (lambda: rules.check_text("a\x00b", field="text", max_length=10), "invalid_characters", "text"),
        (lambda: rules.check_text(" ", field="text", max_length=10, required=True), "text_required", "text"),
        (lambda: rules.check_text(LONG, field="text", max_length=10), "text_too_long", "text"),
        (lambda: rules.check_choice(None, Mode.values, field="mode"), "invalid_mode", "mode"),
        (lambda: rules.check_choice(3, Mode.values, field="mode"), "invalid_mode", "mode"),
        (lambda: rules.check_choice(["phone"], Mode.values, field="mode"), "invalid_mode", "mode"),
        (lambda: rules.check_choices(None, Topic.values, field="topics"), "invalid_topics", "topics"),
        (lambda: rules.check_choices(7, Topic.values, field="topics"), "invalid_topics", "topics"),
        (lambda: rules.check_choices(b"board", Topic.values, field="topics"), "invalid_topics", "topics"),
        (lambda: rules.check_choices([None], Topic.values, field="topics"), "invalid_topics", "topics"),
        (lambda: rules.check_choices([["board"]], Topic.values, field="topics"), "invalid_topics", "topics"),
        (
            lambda: rules.check_choices([], Topic.values, field="topics", required=True),
            "topics_required",
            "topics",
        ),
        (lambda: rules.check_request_texts(situation=None), "invalid_situation", "situation"),
        (lambda: rules.check_message(None), "invalid_message", "message"),
        (lambda: rules.check_minutes(None), "minutes_out_of_range", "minutes"),
        (lambda: rules.check_minutes("abc"), "minutes_out_of_range", "minutes"),
        (lambda: rules.check_minutes(60.0), "minutes_out_of_range", "minutes"),
    ],
)
def test_the_shared_checks_refuse_any_value_by_the_field(call, code, field):
    with pytest.raises(RuleViolation) as refused:
        call()
    assert (refused.value.code, refused.value.field) == (code, field)
    assert str(refused.value.message)


def test_the_shared_checks_give_back_clean_values():
    assert rules.check_text("  hei  ", field="text", max_length=3, required=True) == "hei"
    assert rules.check_choice("phone", Mode.values, field="mode") == "phone"
    assert rules.check_choices(("board", "starting", "board"), Topic.values, field="topics") == [
        "starting",
        "board",
    ]
    assert rules.check_minutes(1) == 1
    assert rules.check_minutes(600) == 600


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"minutes": 0}, "minutes_out_of_range", "minutes"),
        ({"minutes": 601}, "minutes_out_of_range", "minutes"),
        ({"minutes": -5}, "minutes_out_of_range", "minutes"),
        ({"minutes": "60"}, "minutes_out_of_range", "minutes"),
        ({"minutes": True}, "minutes_out_of_range", "minutes"),
        ({"minutes": 10**9}, "minutes_out_of_range", "minutes"),
        ({"mode": "<script>alert(1)</script>"}, "invalid_mode", "mode"),
        ({"mode": None}, "invalid_mode", "mode"),
        ({"topics": []}, "topics_required", "topics"),
        ({"topics": ["statutes", "nope"]}, "invalid_topics", "topics"),
        ({"topics": "statutes"}, "invalid_topics", "topics"),
        ({"topics": [LONG]}, "invalid_topics", "topics"),
        ({"outcomes": ["\x00"]}, "invalid_outcomes", "outcomes"),
        ({"outcomes": None}, "invalid_outcomes", "outcomes"),
        ({"people": 0}, "people_out_of_range", "people"),
        ({"people": 100_000}, "people_out_of_range", "people"),
        ({"people": "3"}, "people_out_of_range", "people"),
        ({"held_at": clock.now() + dt.timedelta(days=1)}, "held_at_in_future", "held_at"),
        ({"held_at": dt.datetime(2026, 1, 1, 10)}, "held_at_invalid", "held_at"),  # noqa: DTZ001
        ({"held_at": "2026-01-01"}, "held_at_invalid", "held_at"),
        ({"journey_steps": ["grant_ready"]}, "invalid_journey_steps", "journey_steps"),
        ({"journey_steps": ["founded"], "organisation": None}, "journey_needs_organisation", "journey_steps"),
        ({"follow_ups": "Ring dem"}, "follow_ups_invalid", "follow_ups"),
        ({"follow_ups": [("Ring dem",)]}, "follow_ups_invalid", "follow_ups"),
    ],
)
def test_bad_input_is_refused_by_the_field_and_nothing_is_stored(w, overrides, code, field):
    with pytest.raises(RuleViolation) as refused:
        create(w, **overrides)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert str(refused.value.message)
    assert SessionRecord.objects.count() == 0
    assert AuditEntry.objects.filter(action="guidance.record_created").count() == 0


@pytest.mark.parametrize(
    ("text", "owner", "due_in_days", "code"),
    [
        (LONG, "adviser_a", 3, "follow_ups_too_long"),
        ("Ring\x00 dem", "adviser_a", 3, "invalid_characters"),
        ("   ", "adviser_a", 3, "follow_ups_required"),
        ("<script>alert(1)</script>", "adviser_b", 3, "follow_up_owner_invalid"),  # works elsewhere
        ("Ring dem", "person", 3, "follow_up_owner_invalid"),
        ("Ring dem", None, 3, "follow_up_owner_invalid"),
        ("Ring dem", "adviser_a", -2, "follow_up_due_invalid"),
        ("Ring dem", "adviser_a", 5000, "follow_up_due_invalid"),
    ],
)
def test_bad_follow_ups_are_refused_and_nothing_is_stored(w, text, owner, due_in_days, code):
    owner = getattr(w, owner) if owner else None
    due = clock.local_today() + dt.timedelta(days=due_in_days)
    with pytest.raises(RuleViolation) as refused:
        create(w, follow_ups=[(text, owner, due)])
    assert refused.value.code == code
    assert refused.value.field == "follow_ups"
    assert SessionRecord.objects.count() == FollowUp.objects.count() == 0


def test_script_in_a_follow_up_is_stored_as_plain_text(w):
    record = create(w, follow_ups=[("<script>alert(1)</script>", w.adviser_a, clock.local_today())])
    assert record.follow_ups.get().text == "<script>alert(1)</script>"


# --- follow_up_done ------------------------------------------------------------------------
def _follow_up(w: World, owner) -> FollowUp:
    record = create(w, follow_ups=[("Send søknaden", owner, clock.local_today() + dt.timedelta(days=2))])
    return record.follow_ups.get()


@pytest.mark.parametrize("who", ["contact", "lead_a", "coordinator"])
def test_the_owner_or_staff_of_the_centre_mark_a_follow_up_done_once(w, who):
    follow_up = _follow_up(w, w.contact)
    done = records.follow_up_done(actor=getattr(w, who), follow_up=follow_up)
    assert done.done_at is not None
    with pytest.raises(RuleViolation) as refused:
        records.follow_up_done(actor=getattr(w, who), follow_up=follow_up)
    assert refused.value.code == "follow_up_already_done"


@pytest.mark.parametrize("who", ["adviser_b", "member", "person"])
def test_others_cannot_mark_a_follow_up_done(w, who):
    follow_up = _follow_up(w, w.contact)
    with pytest.raises(RuleViolation) as refused:
        records.follow_up_done(actor=getattr(w, who), follow_up=follow_up)
    assert refused.value.code == "not_allowed"
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


# --- journey_step_set / unset -------------------------------------------------------------
def test_staff_for_the_organisation_set_and_unset_a_step(w):
    progress = records.journey_step_set(actor=w.adviser_a, organisation=w.a1, step=JourneyStep.FOUNDED)
    assert progress.reached_on == clock.local_today()
    assert AuditEntry.objects.filter(action="guidance.journey_step_set", actor=w.adviser_a).count() == 1
    with pytest.raises(RuleViolation) as refused:
        records.journey_step_set(actor=w.lead_a, organisation=w.a1, step=JourneyStep.FOUNDED)
    assert refused.value.code == "journey_step_already_reached"

    records.journey_step_unset(actor=w.lead_a, organisation=w.a1, step=JourneyStep.FOUNDED)
    assert not JourneyProgress.objects.exists()
    with pytest.raises(RuleViolation) as refused:
        records.journey_step_unset(actor=w.lead_a, organisation=w.a1, step=JourneyStep.FOUNDED)
    assert refused.value.code == "journey_step_not_reached"


def test_a_step_can_be_linked_to_a_session_with_the_organisation_only(w):
    record = create(w)
    progress = records.journey_step_set(
        actor=w.adviser_a, organisation=w.a1, step=JourneyStep.ACCOUNTS, record=record
    )
    assert progress.record == record
    other = factories.OrganisationFactory(home_centre=w.centre_a)
    with pytest.raises(RuleViolation) as refused:
        records.journey_step_set(
            actor=w.adviser_a, organisation=other, step=JourneyStep.ACCOUNTS, record=record
        )
    assert refused.value.code == "record_other_organisation"


def test_staff_of_another_centre_may_move_the_journey_once_they_have_guided_the_organisation(w):
    with pytest.raises(RuleViolation):
        records.journey_step_set(actor=w.adviser_b, organisation=w.a1, step=JourneyStep.FOUNDED)
    create(w, actor=w.adviser_b, centre=w.centre_b)
    assert records.journey_step_set(actor=w.adviser_b, organisation=w.a1, step=JourneyStep.FOUNDED)


@pytest.mark.parametrize("who", ["contact", "board", "member", "person"])
def test_organisation_members_cannot_move_the_journey(w, who):
    with pytest.raises(RuleViolation) as refused:
        records.journey_step_set(actor=getattr(w, who), organisation=w.a1, step=JourneyStep.FOUNDED)
    assert refused.value.code == "not_allowed"
    records.journey_step_set(actor=w.adviser_a, organisation=w.a1, step=JourneyStep.FOUNDED)
    with pytest.raises(RuleViolation):
        records.journey_step_unset(actor=getattr(w, who), organisation=w.a1, step=JourneyStep.FOUNDED)
    assert JourneyProgress.objects.count() == 1


@pytest.mark.parametrize(
    ("step", "reached_on", "code"),
    [
        ("grant_ready", None, "invalid_step"),
        ("<script>", None, "invalid_step"),
        (JourneyStep.FOUNDED, clock.local_today() + dt.timedelta(days=1), "reached_on_invalid"),
        (JourneyStep.FOUNDED, "2026-01-01", "reached_on_invalid"),
    ],
)
def test_bad_journey_input_is_refused(w, step, reached_on, code):
    with pytest.raises(RuleViolation) as refused:
        records.journey_step_set(actor=w.adviser_a, organisation=w.a1, step=step, reached_on=reached_on)
    assert refused.value.code == code
    assert not JourneyProgress.objects.exists()


# --- Seeing the journey ---------------------------------------------------------------------
def test_the_journey_lists_all_seven_steps_in_order_with_the_sessions_that_moved_them(
    w, django_assert_num_queries
):
    record = create(w, journey_steps=[JourneyStep.BOARD, JourneyStep.FOUNDED])
    records.journey_step_set(actor=w.adviser_a, organisation=w.a1, step=JourneyStep.ACCOUNTS)

    with django_assert_num_queries(1):
        journey = selectors_figures.organisation_journey(w.a1)

    assert [step.step for step in journey] == list(JourneyStep.values)
    assert [step.reached for step in journey] == [True, False, True, False, False, True, False]
    assert journey[0].sessions == (record,)
    assert journey[5].sessions == ()
    assert not hasattr(journey[0], "notes")


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("contact", True),
        ("adviser_a", True),
        ("lead_a", True),
        ("adviser_b", True),
        ("coordinator", True),
        ("board", False),
        ("member", False),
        ("person", False),
    ],
)
def test_the_journey_is_for_contact_persons_and_staff(w, who, sees):
    user = getattr(w, who)
    assert user.has_perm("guidance.see_journey", w.a1) is sees
    if sees:
        assert permissions_notes.get_organisation_for_journey(user, w.a1.pk) == w.a1
    else:
        with pytest.raises(Http404):
            permissions_notes.get_organisation_for_journey(user, w.a1.pk)


def test_nobody_logged_out_sees_a_journey(w):
    from django.contrib.auth.models import AnonymousUser

    assert not AnonymousUser().has_perm("guidance.see_journey", w.a1)
    assert not permissions_notes.may_see_journey(w.contact, None)


def test_a_refused_follow_up_says_which_one(w):
    due = clock.local_today() + dt.timedelta(days=3)
    with pytest.raises(records.FollowUpViolation) as refused:
        create(w, follow_ups=[("Ring dem", w.adviser_a, due), ("Skriv", w.adviser_b, due)])
    assert (refused.value.code, refused.value.field, refused.value.item) == (
        "follow_up_owner_invalid",
        "follow_ups",
        1,
    )
    with pytest.raises(records.FollowUpViolation) as refused:
        create(w, follow_ups=[("x" * 501, w.adviser_a, due)])
    assert (refused.value.code, refused.value.item) == ("follow_ups_too_long", 0)
