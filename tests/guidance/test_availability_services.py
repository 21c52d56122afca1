"""Advisers' weekly times and absences (`services.availability`): who may set them, every
check by its field, no overlapping weekly times for one adviser (also under parallel
writers, on SQLite and PostgreSQL), and booked times never cancelled behind anyone's back."""

import datetime as dt
from collections import Counter

import pytest

from batteriet.centres.models import StaffAssignment
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.guidance.models import Absence, Appointment, AvailabilitySlot
from batteriet.guidance.services import availability as services
from tests import factories
from tests.guidance.test_concurrency import run_in_parallel

at = factories.at
TEN, TWO = dt.time(10), dt.time(14)


@pytest.fixture
def centre(db):
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def other_centre(db):
    return factories.CentreFactory(slug="vest", name="Batteriet Vest")


@pytest.fixture
def adviser(centre):
    return factories.staff(centre, full_name="Anne Rådgiver")


@pytest.fixture
def colleague(centre):
    return factories.staff(centre, full_name="Kari Kollega")


@pytest.fixture
def lead(centre):
    return factories.lead(centre, full_name="Lars Leder")


def add(actor, centre, adviser, **overrides):
    values = {
        "weekday": 1,
        "starts_at_time": TEN,
        "ends_at_time": TWO,
        "appointment_minutes": 60,
        "valid_from": clock.local_today(),
        "valid_until": None,
    }
    values.update(overrides)
    return services.slot_add(actor=actor, centre=centre, adviser=adviser, **values)


def violation(call, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    return caught.value


# --- Who may ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_adviser_sets_their_own_weekly_time_and_it_is_audited(centre, adviser):
    slot = add(adviser, centre, adviser)

    assert (slot.weekday, slot.starts_at_time, slot.ends_at_time, slot.appointment_minutes) == (
        1,
        TEN,
        TWO,
        60,
    )
    entry = AuditEntry.objects.get(action="guidance.slot_added")
    assert entry.actor == adviser
    assert entry.scope == f"centre:{centre.pk}"
    assert entry.changes["starts_at_time"] == "10:00"


@pytest.mark.django_db
def test_an_adviser_cannot_set_a_colleagues_times(centre, adviser, colleague):
    error = violation(add, adviser, centre, colleague)

    assert (error.code, error.field) == ("not_allowed", "adviser")
    assert AvailabilitySlot.objects.count() == 0


@pytest.mark.django_db
def test_the_lead_sets_times_for_anyone_at_the_centre_but_not_elsewhere(centre, other_centre, lead, adviser):
    assert add(lead, centre, adviser).adviser == adviser
    stranger = factories.staff(other_centre)
    assert violation(add, lead, centre, stranger).code == "not_allowed"  # does not work here
    assert violation(add, lead, other_centre, stranger, weekday=2).code == "not_allowed"


@pytest.mark.django_db
def test_a_national_coordinator_sets_times_everywhere(centre, other_centre, adviser):
    coordinator = factories.national_coordinator()
    bergen = factories.staff(other_centre)

    assert add(coordinator, centre, adviser).centre == centre
    assert add(coordinator, other_centre, bergen).centre == other_centre


@pytest.mark.django_db
def test_an_adviser_cannot_set_times_at_a_centre_they_do_not_work_at(centre, other_centre, adviser):
    assert violation(add, adviser, other_centre, adviser).code == "not_allowed"


@pytest.mark.django_db
def test_people_who_are_not_staff_cannot_set_times(centre, adviser):
    person = factories.UserFactory()
    assert violation(add, person, centre, adviser).code == "not_allowed"
    assert violation(add, person, centre, person).code == "not_allowed"


# --- Checks ------------------------------------------------------------------------------
BAD_SLOTS = [
    ({"weekday": 7}, "weekday", "weekday_invalid"),
    ({"weekday": "tirsdag"}, "weekday", "weekday_invalid"),
    ({"weekday": None}, "weekday", "weekday_invalid"),
    ({"starts_at_time": "25:99"}, "starts_at_time", "starts_at_time_invalid"),
    ({"starts_at_time": "10:00\x00"}, "starts_at_time", "starts_at_time_invalid"),
    ({"ends_at_time": None}, "ends_at_time", "ends_at_time_invalid"),
    ({"ends_at_time": TEN}, "ends_at_time", "slot_ends_before_start"),
    ({"ends_at_time": dt.time(9)}, "ends_at_time", "slot_ends_before_start"),
    ({"ends_at_time": dt.time(10, 45)}, "appointment_minutes", "slot_shorter_than_appointment"),
    ({"appointment_minutes": 14}, "appointment_minutes", "appointment_minutes_invalid"),
    ({"appointment_minutes": 241}, "appointment_minutes", "appointment_minutes_invalid"),
    ({"appointment_minutes": "x" * 20_000}, "appointment_minutes", "appointment_minutes_invalid"),
    ({"appointment_minutes": True}, "appointment_minutes", "appointment_minutes_invalid"),
    ({"valid_from": "2026-02-30"}, "valid_from", "valid_from_invalid"),
    ({"valid_from": None}, "valid_from", "valid_from_invalid"),
    ({"valid_until": "\x00"}, "valid_until", "valid_until_invalid"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field", "code"), BAD_SLOTS)
def test_bad_weekly_times_are_refused_by_the_field(centre, adviser, overrides, field, code):
    error = violation(add, adviser, centre, adviser, **overrides)

    assert (error.field, error.code) == (field, code)
    assert str(error.message)
    assert AvailabilitySlot.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_the_period_must_make_sense(centre, adviser):
    today = clock.local_today()

    error = violation(add, adviser, centre, adviser, valid_until=today - dt.timedelta(days=1))
    assert (error.field, error.code) == ("valid_until", "slot_until_before_from")
    error = violation(add, adviser, centre, adviser, valid_from=today - dt.timedelta(days=400))
    assert (error.field, error.code) == ("valid_from", "slot_starts_too_early")
    error = violation(add, adviser, centre, adviser, valid_from=today + dt.timedelta(days=800))
    assert (error.field, error.code) == ("valid_from", "slot_starts_too_late")
    # Up to a year back is fine, and the last day may be the first.
    assert add(adviser, centre, adviser, valid_from=today - dt.timedelta(days=300), valid_until=today)


@pytest.mark.django_db
def test_exactly_one_appointment_fits_and_strings_from_a_form_are_read(centre, adviser):
    slot = add(
        adviser,
        centre,
        adviser,
        weekday="3",
        starts_at_time="12:00",
        ends_at_time="13:30",
        appointment_minutes="90",
        valid_from=clock.local_today().isoformat(),
    )
    assert (slot.weekday, slot.appointment_minutes, services.appointments_per_week(slot)) == (3, 90, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [
        (dt.time(13), dt.time(15), True),
        (dt.time(9), dt.time(10, 30), True),
        (dt.time(11), dt.time(12), True),
        (dt.time(8), dt.time(16), True),
        (dt.time(14), dt.time(16), False),  # right after
        (dt.time(8), dt.time(10), False),  # right before
    ],
)
def test_one_advisers_weekly_times_never_overlap(centre, adviser, start, end, overlaps):
    add(adviser, centre, adviser)

    if overlaps:
        error = violation(add, adviser, centre, adviser, starts_at_time=start, ends_at_time=end)
        assert (error.field, error.code) == ("starts_at_time", "slot_overlap")
        assert "Batteriet Oslo" in str(error.message)
        assert AvailabilitySlot.objects.count() == 1
    else:
        add(adviser, centre, adviser, starts_at_time=start, ends_at_time=end)
        assert AvailabilitySlot.objects.count() == 2


@pytest.mark.django_db
def test_weekly_times_overlap_across_centres_but_not_across_weekdays_or_periods(
    centre, other_centre, adviser
):
    StaffAssignment.objects.create(user=adviser, centre=other_centre, role="adviser")
    today = clock.local_today()
    add(adviser, centre, adviser, valid_until=today + dt.timedelta(days=30))

    assert violation(add, adviser, other_centre, adviser).code == "slot_overlap"
    add(adviser, other_centre, adviser, weekday=2)
    add(adviser, other_centre, adviser, valid_from=today + dt.timedelta(days=31))
    error = violation(
        add, adviser, other_centre, adviser, valid_from=today - dt.timedelta(days=10), valid_until=today
    )
    assert error.code == "slot_overlap"
    # Another adviser may have the same hours.
    colleague = factories.staff(centre)
    assert add(colleague, centre, colleague).adviser == colleague


# --- Deleting a weekly time --------------------------------------------------------------
@pytest.mark.django_db
def test_deleting_a_weekly_time_keeps_booked_appointments_and_lists_them(centre, adviser):
    slot = add(adviser, centre, adviser, valid_from=clock.local_today())
    day = factories.bookable_day(weekday=1)
    request = factories.guidance_request_row(centre)
    booked = factories.appointment_row(request, adviser, at(day, 10), at(day, 11))
    other_day = factories.appointment_row(
        factories.guidance_request_row(centre), adviser, at(day, 15), at(day, 16)
    )

    still_booked = services.slot_delete(actor=adviser, slot=slot)

    assert still_booked == [booked]
    assert other_day not in still_booked
    assert AvailabilitySlot.objects.count() == 0
    assert set(Appointment.objects.values_list("status", flat=True)) == {"booked"}
    assert AuditEntry.objects.filter(action="guidance.slot_deleted", actor=adviser).count() == 1


@pytest.mark.django_db
def test_only_those_who_may_set_a_time_delete_it(centre, other_centre, adviser, colleague, lead):
    slot = add(adviser, centre, adviser)

    assert violation(services.slot_delete, actor=colleague, slot=slot).code == "not_allowed"
    assert (
        violation(services.slot_delete, actor=factories.lead(other_centre), slot=slot).code == "not_allowed"
    )
    services.slot_delete(actor=lead, slot=slot)
    assert violation(services.slot_delete, actor=lead, slot=slot).code == "slot_gone"


# --- Absences ------------------------------------------------------------------------------
def away(adviser, actor=None, **overrides):
    day = factories.bookable_day(weekday=1)
    values = {"starts_at": at(day, 8), "ends_at": at(day + dt.timedelta(days=2), 16), "reason": "Ferie"}
    values.update(overrides)
    return services.absence_add(actor=actor or adviser, adviser=adviser, **values)


@pytest.mark.django_db
def test_an_absence_blocks_nothing_already_booked_but_says_what_is_still_booked(centre, adviser):
    day = factories.bookable_day(weekday=1)
    booked = factories.appointment_row(
        factories.guidance_request_row(centre), adviser, at(day, 10), at(day, 11)
    )
    proposed = factories.appointment_row(
        factories.guidance_request_row(centre), adviser, at(day, 12), at(day, 13), status="proposed"
    )
    factories.appointment_row(
        factories.guidance_request_row(centre), adviser, at(day, 9), at(day, 10), status="cancelled"
    )
    after = factories.appointment_row(
        factories.guidance_request_row(centre),
        adviser,
        at(day + dt.timedelta(days=7), 10),
        at(day + dt.timedelta(days=7), 11),
    )

    added = away(adviser)

    assert added.still_booked == [booked, proposed]
    assert after not in added.still_booked
    assert Appointment.objects.filter(status="cancelled").count() == 1  # only the one that was
    assert services.appointments_during(added.absence) == [booked, proposed]
    entry = AuditEntry.objects.get(action="guidance.absence_added")
    assert entry.scope == f"user:{adviser.pk}"
    assert entry.changes["appointments_still_booked"] == 2
    assert "Ferie" not in str(entry.changes)


@pytest.mark.django_db
def test_who_adds_and_deletes_absences(centre, other_centre, adviser, colleague, lead):
    assert violation(away, adviser, actor=colleague).code == "not_allowed"
    assert violation(away, adviser, actor=factories.lead(other_centre)).code == "not_allowed"
    assert violation(away, factories.UserFactory()).code == "not_allowed"  # not staff
    by_lead = away(adviser, actor=lead).absence
    by_coordinator = away(adviser, actor=factories.national_coordinator()).absence

    assert violation(services.absence_delete, actor=colleague, absence=by_lead).code == "not_allowed"
    services.absence_delete(actor=adviser, absence=by_lead)
    services.absence_delete(actor=lead, absence=by_coordinator)
    assert Absence.objects.count() == 0
    assert AuditEntry.objects.filter(action="guidance.absence_deleted").count() == 2
    assert violation(services.absence_delete, actor=lead, absence=by_lead).code == "absence_gone"


@pytest.mark.django_db
def test_bad_absences_are_refused_by_the_field(adviser):
    day = factories.bookable_day(weekday=1)
    now = clock.now()
    cases = [
        ({"ends_at": at(day, 8)}, "ends_at", "absence_ends_before_start"),
        ({"ends_at": at(day, 7)}, "ends_at", "absence_ends_before_start"),
        ({"ends_at": at(day, 8) + dt.timedelta(days=800)}, "ends_at", "absence_too_long"),
        (
            {"starts_at": now - dt.timedelta(days=3), "ends_at": now - dt.timedelta(days=1)},
            "ends_at",
            "absence_over",
        ),
        ({"starts_at": dt.datetime(2026, 1, 1, 8)}, "starts_at", "starts_at_invalid"),  # noqa: DTZ001
        ({"ends_at": "2026-02-30 10:00"}, "ends_at", "ends_at_invalid"),
        ({"reason": "x" * 201}, "reason", "reason_too_long"),
        ({"reason": "x" * 20_000}, "reason", "reason_too_long"),
        ({"reason": "Fe\x00rie"}, "reason", "invalid_characters"),
        ({"reason": None}, "reason", "reason_invalid"),
    ]
    for overrides, field, code in cases:
        error = violation(away, adviser, **overrides)
        assert (error.field, error.code) == (field, code), overrides
    assert Absence.objects.count() == 0
    # Two hundred characters and a script tag are fine: stored as plain text.
    assert away(adviser, reason="<script>x</script>" + "x" * 182).absence.reason.startswith("<script>")


@pytest.mark.django_db
def test_an_absence_that_started_already_is_fine_while_it_lasts(adviser):
    now = clock.now()
    added = away(adviser, starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1))
    assert added.absence.pk


# --- Parallel writers ------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_parallel_overlapping_weekly_times_for_one_adviser_give_exactly_one():
    centre = factories.CentreFactory(slug="oslo", name="Batteriet Oslo")
    adviser = factories.staff(centre)
    lead = factories.lead(centre)
    coordinator = factories.national_coordinator()
    actors = [adviser, lead, coordinator]
    work = [
        lambda index=index: add(
            actors[index % 3],
            centre,
            adviser,
            starts_at_time=dt.time(9 + index % 4),
            ends_at_time=dt.time(13 + index % 4),
        )
        for index in range(12)
    ]

    outcomes = run_in_parallel(work)

    assert Counter(outcomes) == {"ok": 1, "slot_overlap": 11}
    assert AvailabilitySlot.objects.filter(adviser=adviser).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_absence_and_a_booking_in_parallel_never_hide_an_appointment():
    """Either the booking comes first and the absence lists it, or the absence comes first
    and the booking is refused: the adviser's row lock orders them."""
    from batteriet.guidance.services import appointments

    centre = factories.CentreFactory(slug="oslo", name="Batteriet Oslo")
    adviser = factories.staff(centre)
    factories.availability(adviser, centre, 1, TEN, TWO)
    day = factories.bookable_day(weekday=1)
    listed = []

    def absence():
        listed.extend(away(adviser, starts_at=at(day, 8), ends_at=at(day, 16)).still_booked)

    def booking(person):
        return lambda: appointments.request_create(
            actor=person,
            centre=centre,
            role="initiator",
            topic="starting",
            situation="Vi vil starte en forening.",
            mode="centre",
            starts_at=at(day, 10 + len(person.full_name) % 3),
            adviser=adviser,
        )

    people = [factories.UserFactory(full_name="x" * length) for length in range(1, 7)]
    outcomes = run_in_parallel([absence, *(booking(person) for person in people)])

    assert outcomes[0] == "ok"
    assert set(outcomes[1:]) <= {"ok", "adviser_absent", "adviser_conflict"}
    booked = set(Appointment.objects.filter(status="booked").values_list("pk", flat=True))
    assert booked == {appointment.pk for appointment in listed}
