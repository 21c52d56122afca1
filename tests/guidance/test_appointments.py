"""Asking for guidance and the appointments that take an adviser's time: every service
path and refusal, and who may see and act on a request."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.guidance import permissions, selectors
from batteriet.guidance.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    GuidanceRequest,
    RequestStatus,
)
from batteriet.guidance.services import appointments as services
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
A, R = AppointmentStatus, RequestStatus


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def other_centre():
    return factories.CentreFactory(slug="bergen", name="Batteriet Bergen")


@pytest.fixture
def adviser(centre):
    adviser = factories.staff(centre)
    factories.availability(adviser, centre, 1, dt.time(10), dt.time(12))  # Tuesdays
    return adviser


@pytest.fixture
def colleague(centre):
    return factories.staff(centre)


@pytest.fixture
def person():
    return factories.UserFactory()


@pytest.fixture
def day():
    return factories.bookable_day(weekday=1)


def ask(actor, centre, **fields):
    fields.setdefault("role", "initiator")
    fields.setdefault("topic", "starting")
    fields.setdefault("situation", "Vi vil starte en forening for enslige foreldre.")
    fields.setdefault("mode", "centre")
    return services.request_create(actor=actor, centre=centre, **fields)


def refused(call, code: str, field: str | None = None) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.code == code
    if field is not None:
        assert caught.value.field == field
    return caught.value


def booked(person, centre, adviser, starts_at) -> Appointment:
    request = ask(person, centre, starts_at=starts_at, adviser=adviser)
    return request.appointments.get()


def proposed(staff, request, adviser, starts_at, hours=1) -> Appointment:
    return services.appointment_propose(
        actor=staff,
        request=request,
        adviser=adviser,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        mode="phone",
    )


def at_moment(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- Asking -----------------------------------------------------------------------------
def test_asking_without_a_time_waits_for_staff(person, centre):
    request = ask(person, centre, preferred_times="Tirsdager etter klokka 12", language_need="arabisk")

    assert request.status == R.NEW
    assert request.appointments.count() == 0
    assert (request.requested_by, request.preferred_times, request.language_need) == (
        person,
        "Tirsdager etter klokka 12",
        "arabisk",
    )
    entry = AuditEntry.objects.get(action="guidance.request_created")
    assert entry.scope == f"guidancerequest:{request.pk}"
    assert "enslige" not in str(entry.changes)  # the situation is not copied to the log


def test_asking_with_a_free_time_books_it_at_once(person, centre, adviser, day):
    request = ask(person, centre, starts_at=at(day, 11), adviser=adviser, mode="video")

    appointment = request.appointments.get()
    assert request.status == R.SCHEDULED
    assert request.adviser == adviser
    assert (appointment.status, appointment.mode, appointment.centre) == (A.BOOKED, "video", centre)
    assert (appointment.starts_at, appointment.ends_at) == (at(day, 11), at(day, 12))
    assert AuditEntry.objects.filter(action="guidance.appointment_booked").count() == 1
    assert at(day, 11) not in [start for _a, start, _e in selectors.free_times(centre, day, day)]


def test_a_time_off_the_published_list_is_refused_and_nothing_is_stored(person, centre, adviser, day):
    for starts_at in (at(day, 10, 30), at(day, 14), at(day + dt.timedelta(days=1), 10)):
        refused(lambda s=starts_at: ask(person, centre, starts_at=s, adviser=adviser), "not_a_free_time")
    assert not GuidanceRequest.objects.exists()


def test_a_taken_time_is_refused_with_the_conflict(person, centre, adviser, day):
    booked(factories.UserFactory(), centre, adviser, at(day, 10))

    refused(
        lambda: ask(person, centre, starts_at=at(day, 10), adviser=adviser), "adviser_conflict", "starts_at"
    )
    assert GuidanceRequest.objects.count() == 1


def test_a_time_while_the_adviser_is_away_is_refused(person, centre, adviser, day):
    Absence.objects.create(adviser=adviser, starts_at=at(day, 9), ends_at=at(day, 10, 30), reason="Kurs")

    refused(lambda: ask(person, centre, starts_at=at(day, 10), adviser=adviser), "adviser_absent")
    assert ask(person, centre, starts_at=at(day, 11), adviser=adviser).status == R.SCHEDULED


def test_an_adviser_from_another_centre_cannot_be_chosen(person, centre, other_centre, day):
    stranger = factories.staff(other_centre)
    factories.availability(stranger, centre, 1, dt.time(10), dt.time(12))

    refused(lambda: ask(person, centre, starts_at=at(day, 10), adviser=stranger), "not_an_adviser", "adviser")


def test_a_time_without_an_adviser_or_an_adviser_without_a_time_is_refused(person, centre, adviser, day):
    refused(lambda: ask(person, centre, starts_at=at(day, 10)), "time_and_adviser")
    refused(lambda: ask(person, centre, adviser=adviser), "time_and_adviser")


def test_a_time_too_soon_too_far_or_past_is_refused(person, centre, adviser, day, monkeypatch):
    at_moment(monkeypatch, at(day, 8, 30))
    refused(lambda: ask(person, centre, starts_at=at(day, 10), adviser=adviser), "too_short_notice")
    refused(
        lambda: ask(person, centre, starts_at=at(day, 10) - dt.timedelta(days=1), adviser=adviser),
        "in_the_past",
    )
    refused(
        lambda: ask(person, centre, starts_at=at(day + dt.timedelta(weeks=13), 10), adviser=adviser),
        "too_far_ahead",
    )


def test_an_organisation_must_be_ones_own(person, centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    refused(lambda: ask(person, centre, organisation=organisation, role="representative"), "not_a_member")

    member = factories.member(organisation)
    request = ask(member, centre, organisation=organisation, role="representative")
    assert request.organisation == organisation
    assert (
        AuditEntry.objects.get(action="guidance.request_created").scope == f"organisation:{organisation.pk}"
    )


def test_anonymous_visitors_cannot_ask(centre):
    refused(lambda: ask(AnonymousUser(), centre), "not_allowed")


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"role": "boss"}, "invalid_role", "role"),
        ({"topic": "<script>"}, "invalid_topic", "topic"),
        ({"mode": "carrier pigeon"}, "invalid_mode", "mode"),
        ({"situation": ""}, "situation_required", "situation"),
        ({"situation": "x" * 20000}, "situation_too_long", "situation"),
        ({"situation": "hei\x00"}, "invalid_characters", "situation"),
        ({"language_need": "x" * 20000}, "language_need_too_long", "language_need"),
        ({"accessibility_need": "x" * 20000}, "accessibility_need_too_long", "accessibility_need"),
        ({"preferred_times": "x" * 20000}, "preferred_times_too_long", "preferred_times"),
        ({"preferred_times": "\x00"}, "invalid_characters", "preferred_times"),
    ],
)
def test_bad_input_is_refused_by_the_field_and_nothing_is_stored(person, centre, fields, code, field):
    refused(lambda: ask(person, centre, **fields), code, field)
    assert not GuidanceRequest.objects.exists()
    assert not AuditEntry.objects.exists()


def test_script_in_the_situation_is_stored_as_text(person, centre):
    request = ask(person, centre, situation="<script>alert(1)</script>")
    assert request.situation == "<script>alert(1)</script>"


# --- Staff propose, the person answers --------------------------------------------------
@pytest.fixture
def waiting(person, centre):
    return ask(person, centre, preferred_times="Tirsdag ettermiddag")


def test_staff_propose_a_time_outside_the_published_slots(waiting, colleague, adviser, day):
    appointment = services.appointment_propose(
        actor=colleague,
        request=waiting,
        adviser=adviser,
        starts_at=at(day, 14),
        ends_at=at(day, 15, 30),
        mode="phone",
        message="  Passer tirsdag klokka 14?  ",
    )

    waiting.refresh_from_db()
    assert (appointment.status, appointment.mode) == (A.PROPOSED, "phone")
    assert (waiting.status, waiting.adviser, waiting.staff_message) == (
        R.PROPOSED,
        adviser,
        "Passer tirsdag klokka 14?",
    )
    assert AuditEntry.objects.filter(action="guidance.appointment_proposed").count() == 1


def test_a_proposal_never_overlaps_another_appointment(waiting, colleague, adviser, centre, day):
    booked(factories.UserFactory(), centre, adviser, at(day, 10))

    refused(lambda: proposed(colleague, waiting, adviser, at(day, 10, 30)), "adviser_conflict")
    waiting.refresh_from_db()
    assert waiting.status == R.NEW


def test_a_proposal_in_an_absence_is_refused(waiting, colleague, adviser, day):
    Absence.objects.create(adviser=adviser, starts_at=at(day, 13), ends_at=at(day, 17))

    refused(lambda: proposed(colleague, waiting, adviser, at(day, 14)), "adviser_absent")


def test_a_new_proposal_withdraws_the_earlier_one(waiting, colleague, adviser, day):
    first = proposed(colleague, waiting, adviser, at(day, 14))
    second = proposed(colleague, waiting, adviser, at(day, 14, 30))  # overlaps the first

    first.refresh_from_db()
    assert (first.status, second.status) == (A.CANCELLED, A.PROPOSED)
    assert AuditEntry.objects.filter(action="guidance.appointment_proposal_withdrawn").count() == 1


def test_only_staff_of_the_centre_propose_and_only_with_its_advisers(
    waiting, person, adviser, other_centre, colleague, day
):
    stranger = factories.staff(other_centre)
    refused(lambda: proposed(person, waiting, adviser, at(day, 14)), "not_allowed")
    refused(lambda: proposed(stranger, waiting, adviser, at(day, 14)), "not_allowed")
    refused(lambda: proposed(colleague, waiting, stranger, at(day, 14)), "not_an_adviser", "adviser")
    coordinator = factories.national_coordinator()
    assert proposed(coordinator, waiting, adviser, at(day, 14)).status == A.PROPOSED


def test_proposals_check_the_time(waiting, colleague, adviser, day):
    refused(lambda: proposed(colleague, waiting, adviser, at(day, 14), hours=5), "appointment_length")
    refused(
        lambda: proposed(colleague, waiting, adviser, at(day + dt.timedelta(weeks=14), 14)), "too_far_ahead"
    )
    refused(
        lambda: services.appointment_propose(
            actor=colleague,
            request=waiting,
            adviser=adviser,
            starts_at=at(day, 14),
            ends_at=at(day, 15),
            mode="fax",
        ),
        "invalid_mode",
    )
    refused(
        lambda: services.appointment_propose(
            actor=colleague,
            request=waiting,
            adviser=adviser,
            starts_at=at(day, 14),
            ends_at=at(day, 15),
            mode="phone",
            message="x" * 20000,
        ),
        "message_too_long",
        "message",
    )


def test_the_person_accepts_a_proposal(waiting, person, colleague, adviser, day):
    appointment = proposed(colleague, waiting, adviser, at(day, 14))

    services.proposal_accept(actor=person, appointment=appointment)

    appointment.refresh_from_db()
    waiting.refresh_from_db()
    assert (appointment.status, waiting.status) == (A.BOOKED, R.SCHEDULED)
    refused(lambda: services.proposal_accept(actor=person, appointment=appointment), "request_wrong_state")


def test_only_the_person_who_asked_answers_a_proposal(waiting, colleague, adviser, day):
    appointment = proposed(colleague, waiting, adviser, at(day, 14))
    for someone in (colleague, factories.UserFactory()):
        refused(lambda s=someone: services.proposal_accept(actor=s, appointment=appointment), "not_allowed")
        refused(lambda s=someone: services.proposal_decline(actor=s, appointment=appointment), "not_allowed")


def test_a_proposal_cannot_be_accepted_once_its_time_has_come(
    waiting, person, colleague, adviser, day, monkeypatch
):
    appointment = proposed(colleague, waiting, adviser, at(day, 14))
    at_moment(monkeypatch, at(day, 14))

    refused(lambda: services.proposal_accept(actor=person, appointment=appointment), "proposal_expired")


def test_declining_frees_the_time_and_the_request_waits_again(
    waiting, person, colleague, adviser, centre, day
):
    appointment = proposed(colleague, waiting, adviser, at(day, 10))
    assert at(day, 10) not in [s for _a, s, _e in selectors.free_times(centre, day, day)]

    services.proposal_decline(actor=person, appointment=appointment, preferred_times=" Onsdager ")

    appointment.refresh_from_db()
    waiting.refresh_from_db()
    assert (appointment.status, waiting.status, waiting.preferred_times) == (A.CANCELLED, R.NEW, "Onsdager")
    assert appointment.cancelled_at is not None
    assert at(day, 10) in [s for _a, s, _e in selectors.free_times(centre, day, day)]
    refused(
        lambda: services.proposal_decline(actor=person, appointment=appointment, preferred_times="\x00"),
        "invalid_characters",
    )


# --- Cancelling -------------------------------------------------------------------------
def test_the_person_cancels_and_the_request_is_closed(person, centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))

    services.appointment_cancel(actor=person, appointment=appointment)

    appointment.refresh_from_db()
    assert (appointment.status, appointment.request.status) == (A.CANCELLED, R.CANCELLED)
    assert at(day, 10) in [s for _a, s, _e in selectors.free_times(centre, day, day)]
    refused(lambda: services.appointment_cancel(actor=person, appointment=appointment), "request_wrong_state")


def test_staff_cancel_with_a_reason_and_the_request_waits_for_a_new_time(person, centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))

    services.appointment_cancel(actor=adviser, appointment=appointment, reason="Rådgiveren er syk.")

    request = GuidanceRequest.objects.get()
    assert (request.status, request.staff_message) == (R.NEW, "Rådgiveren er syk.")
    entry = AuditEntry.objects.get(action="guidance.appointment_cancelled")
    assert entry.changes["by"] == "staff"


def test_strangers_cannot_cancel_and_nothing_changes(person, centre, other_centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))
    for someone in (factories.UserFactory(), factories.staff(other_centre)):
        refused(
            lambda s=someone: services.appointment_cancel(actor=s, appointment=appointment), "not_allowed"
        )
    appointment.refresh_from_db()
    assert appointment.status == A.BOOKED


def test_the_person_withdraws_a_request_that_waits_for_a_time(person, centre):
    request = factories.guidance_request_row(centre, requested_by=person)
    services.request_withdraw(actor=person, request=request)
    request.refresh_from_db()
    assert request.status == R.CANCELLED
    assert AuditEntry.objects.filter(action="guidance.withdrawn").count() == 1


def test_only_the_person_withdraws_and_only_while_it_waits(person, centre, adviser, day):
    request = factories.guidance_request_row(centre, requested_by=person)
    for someone in (factories.UserFactory(), adviser):
        refused(lambda s=someone: services.request_withdraw(actor=s, request=request), "not_allowed")
    appointment = booked(person, centre, adviser, at(day, 10))
    refused(
        lambda: services.request_withdraw(actor=person, request=appointment.request), "request_wrong_state"
    )
    request.refresh_from_db()
    assert request.status == R.NEW


def test_an_appointment_over_cannot_be_cancelled(person, centre, adviser, day, monkeypatch):
    appointment = booked(person, centre, adviser, at(day, 10))
    at_moment(monkeypatch, at(day, 11))

    refused(lambda: services.appointment_cancel(actor=person, appointment=appointment), "appointment_over")


def test_a_too_long_reason_is_refused(person, centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))
    refused(
        lambda: services.appointment_cancel(actor=adviser, appointment=appointment, reason="x" * 20000),
        "reason_too_long",
        "reason",
    )


# --- Rescheduling -----------------------------------------------------------------------
def test_the_person_moves_to_another_free_time(person, centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))
    Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=timezone.now())
    later = day + dt.timedelta(weeks=1)

    services.appointment_reschedule(actor=person, appointment=appointment, starts_at=at(later, 11))

    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (at(later, 11), at(later, 12))
    assert appointment.reminder_sent_at is None
    entry = AuditEntry.objects.get(action="guidance.appointment_rescheduled")
    assert entry.changes["starts_at"][0] == at(day, 10).astimezone(dt.UTC).isoformat()
    assert at(day, 10) in [s for _a, s, _e in selectors.free_times(centre, day, day)]


def test_a_move_to_a_taken_or_unpublished_time_keeps_the_old_time(person, centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))
    booked(factories.UserFactory(), centre, adviser, at(day, 11))

    refused(
        lambda: services.appointment_reschedule(actor=person, appointment=appointment, starts_at=at(day, 11)),
        "adviser_conflict",
    )
    refused(
        lambda: services.appointment_reschedule(actor=person, appointment=appointment, starts_at=at(day, 14)),
        "not_a_free_time",
    )
    refused(
        lambda: services.appointment_reschedule(actor=person, appointment=appointment, starts_at=at(day, 10)),
        "same_time",
    )
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.status) == (at(day, 10), A.BOOKED)


def test_staff_move_to_any_time_that_does_not_overlap_and_the_length_stays(person, centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))

    services.appointment_reschedule(actor=adviser, appointment=appointment, starts_at=at(day, 10, 30))

    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (at(day, 10, 30), at(day, 11, 30))
    other = proposed(adviser, factories.guidance_request_row(centre), adviser, at(day, 14))
    refused(
        lambda: services.appointment_reschedule(
            actor=adviser, appointment=appointment, starts_at=at(day, 13, 30)
        ),
        "adviser_conflict",
    )
    assert other.status == A.PROPOSED


def test_only_booked_appointments_ahead_move_and_only_by_those_concerned(
    person, centre, adviser, colleague, day, monkeypatch
):
    appointment = booked(person, centre, adviser, at(day, 10))
    refused(
        lambda: services.appointment_reschedule(
            actor=factories.UserFactory(), appointment=appointment, starts_at=at(day, 11)
        ),
        "not_allowed",
    )
    offer = proposed(
        colleague, factories.guidance_request_row(centre, requested_by=person), adviser, at(day, 14)
    )
    refused(
        lambda: services.appointment_reschedule(actor=person, appointment=offer, starts_at=at(day, 11)),
        "request_wrong_state",
    )
    at_moment(monkeypatch, at(day, 10, 5))
    refused(
        lambda: services.appointment_reschedule(
            actor=adviser, appointment=appointment, starts_at=at(day, 15)
        ),
        "appointment_under_way",
    )


# --- Handing over and referring ---------------------------------------------------------
def test_hand_over_to_another_adviser_cancels_the_old_times(person, centre, adviser, colleague, day):
    appointment = booked(person, centre, adviser, at(day, 10))
    request = appointment.request

    services.request_hand_over(
        actor=adviser, request=request, adviser=colleague, message="Kollegaen min kan mer."
    )

    request.refresh_from_db()
    appointment.refresh_from_db()
    assert (request.status, request.adviser, request.centre) == (R.HANDED_OVER, colleague, centre)
    assert request.staff_message == "Kollegaen min kan mer."
    assert appointment.status == A.CANCELLED
    entry = AuditEntry.objects.get(action="guidance.handed_over")
    assert entry.changes["adviser"] == [str(adviser), str(colleague)]
    assert proposed(colleague, request, colleague, at(day, 14)).status == A.PROPOSED


def test_hand_over_to_another_centre_moves_the_request_there(waiting, adviser, other_centre, day):
    there = factories.staff(other_centre)

    services.request_hand_over(
        actor=adviser, request=waiting, centre=other_centre, message="Bergen har kurs."
    )

    waiting.refresh_from_db()
    assert (waiting.centre, waiting.adviser, waiting.status) == (other_centre, None, R.HANDED_OVER)
    refused(lambda: proposed(adviser, waiting, adviser, at(day, 14)), "not_allowed")
    assert proposed(there, waiting, there, at(day, 14)).status == A.PROPOSED


def test_hand_over_refusals(waiting, person, adviser, other_centre):
    stranger = factories.staff(other_centre)
    refused(
        lambda: services.request_hand_over(actor=adviser, request=waiting, adviser=stranger, message=""),
        "message_required",
        "message",
    )
    refused(
        lambda: services.request_hand_over(actor=adviser, request=waiting, message="Hei"), "hand_over_to_whom"
    )
    refused(
        lambda: services.request_hand_over(actor=adviser, request=waiting, adviser=stranger, message="Hei"),
        "not_an_adviser",
    )
    refused(
        lambda: services.request_hand_over(actor=person, request=waiting, centre=other_centre, message="Hei"),
        "not_allowed",
    )
    refused(
        lambda: services.request_hand_over(
            actor=stranger, request=waiting, centre=other_centre, message="Hei"
        ),
        "not_allowed",
    )
    services.request_hand_over(actor=adviser, request=waiting, adviser=adviser, message="Jeg tar den.")
    refused(
        lambda: services.request_hand_over(actor=adviser, request=waiting, adviser=adviser, message="Hei"),
        "hand_over_to_same",
    )


def test_referring_out_says_where_and_why(person, centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))
    request = appointment.request

    services.request_refer(
        actor=adviser, request=request, referred_to=" NAV Grünerløkka ", message="De kan hjelpe med dette."
    )

    request.refresh_from_db()
    appointment.refresh_from_db()
    assert (request.status, request.referred_to) == (R.REFERRED, "NAV Grünerløkka")
    assert appointment.status == A.CANCELLED
    refused(
        lambda: services.request_refer(
            actor=adviser, request=request, referred_to="Et annet sted", message="Hei"
        ),
        "request_wrong_state",
    )
    refused(lambda: proposed(adviser, request, adviser, at(day, 14)), "request_wrong_state")


def test_referring_refusals(waiting, person, adviser):
    refused(
        lambda: services.request_refer(actor=adviser, request=waiting, referred_to="", message="Hei"),
        "referred_to_required",
        "referred_to",
    )
    refused(
        lambda: services.request_refer(
            actor=adviser, request=waiting, referred_to="x" * 20000, message="Hei"
        ),
        "referred_to_too_long",
    )
    refused(
        lambda: services.request_refer(actor=adviser, request=waiting, referred_to="NAV", message=" "),
        "message_required",
    )
    refused(
        lambda: services.request_refer(actor=person, request=waiting, referred_to="NAV", message="Hei"),
        "not_allowed",
    )
    waiting.refresh_from_db()
    assert waiting.status == R.NEW


# --- Who may see and act ----------------------------------------------------------------
def test_is_adviser_at(centre, other_centre, adviser):
    lead = factories.lead(centre)
    coordinator = factories.national_coordinator()
    assert permissions.is_adviser_at(adviser, centre)
    assert permissions.is_adviser_at(lead, centre)
    assert permissions.is_adviser_at(coordinator, other_centre)
    assert not permissions.is_adviser_at(adviser, other_centre)
    assert not permissions.is_adviser_at(factories.UserFactory(), centre)
    assert not permissions.is_adviser_at(AnonymousUser(), centre)
    assert not permissions.is_adviser_at(adviser, None)


def test_who_sees_a_request(person, centre, other_centre, adviser):
    organisation = factories.OrganisationFactory(home_centre=centre)
    asker = factories.member(organisation)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    plain_member = factories.member(organisation)
    request = ask(asker, centre, organisation=organisation, role="representative")

    for user in (asker, adviser, factories.lead(centre), factories.national_coordinator()):
        assert user.has_perm("guidance.see_request", request)
        assert permissions.get_request_for_view(user, request.pk) == request
    # Not the contact person: a member may ask about a conflict with them.
    for user in (contact, plain_member, person, factories.staff(other_centre), AnonymousUser()):
        assert not user.has_perm("guidance.see_request", request)
        with pytest.raises(Http404):
            permissions.get_request_for_view(user, request.pk)
    assert not permissions.may_see_request(asker, None)
    with pytest.raises(Http404):
        permissions.get_request_for_view(asker, 987654)


def test_who_triages_a_request(person, centre, other_centre, adviser, day):
    request = ask(person, centre, starts_at=at(day, 10), adviser=adviser)

    assert adviser.has_perm("guidance.triage", request)
    assert permissions.get_request_for_triage(adviser, request.pk) == request
    assert permissions.get_centre_for_triage(adviser, "oslo") == centre
    assert not person.has_perm("guidance.triage", request)
    with pytest.raises(PermissionDenied):
        permissions.get_request_for_triage(person, request.pk)
    with pytest.raises(PermissionDenied):
        permissions.get_centre_for_triage(person, "oslo")
    stranger = factories.staff(other_centre)
    with pytest.raises(Http404):
        permissions.get_request_for_triage(stranger, request.pk)
    with pytest.raises(Http404):
        permissions.get_centre_for_triage(stranger, "oslo")


def test_an_appointment_is_seen_by_those_who_see_its_request(person, centre, other_centre, adviser, day):
    appointment = booked(person, centre, adviser, at(day, 10))

    assert permissions.get_appointment_for_view(person, appointment.pk) == appointment
    assert permissions.get_appointment_for_view(adviser, appointment.pk) == appointment
    for user in (factories.UserFactory(), factories.staff(other_centre)):
        with pytest.raises(Http404):
            permissions.get_appointment_for_view(user, appointment.pk)


# --- The database's guarantee -----------------------------------------------------------
def test_on_postgresql_the_constraint_catches_what_the_check_missed(
    person, centre, adviser, day, monkeypatch
):
    """Were the check before writing ever wrong, the exclusion constraint still says no,
    and the person gets the same friendly conflict."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no exclusion constraints; its IMMEDIATE transactions serialise writers")
    booked(factories.UserFactory(), centre, adviser, at(day, 10))
    monkeypatch.setattr(selectors, "adviser_clash", lambda *args, **kwargs: None)
    monkeypatch.setattr(
        selectors,
        "published_times",
        lambda *args: [(at(day, 10).astimezone(dt.UTC), at(day, 11).astimezone(dt.UTC))],
    )

    refused(lambda: ask(person, centre, starts_at=at(day, 10), adviser=adviser), "adviser_conflict")
    assert Appointment.objects.count() == 1


def test_handing_over_leaves_a_time_that_has_passed_as_it_was(
    person, centre, adviser, colleague, day, monkeypatch
):
    appointment = booked(person, centre, adviser, at(day, 10))
    at_moment(monkeypatch, at(day, 12))  # held, not recorded yet

    services.request_hand_over(
        actor=adviser, request=appointment.request, adviser=colleague, message="Kollegaen min følger opp."
    )

    appointment.refresh_from_db()
    assert appointment.status == A.BOOKED


def test_staff_who_asked_for_guidance_cancel_as_the_person(centre, adviser, colleague, day):
    appointment = booked(colleague, centre, adviser, at(day, 10))

    services.appointment_cancel(actor=colleague, appointment=appointment)

    appointment.request.refresh_from_db()
    assert appointment.request.status == R.CANCELLED  # closed, as for anyone who asked


def test_staff_who_asked_for_guidance_move_only_to_free_times(centre, adviser, colleague, day):
    appointment = booked(colleague, centre, adviser, at(day, 10))

    refused(
        lambda: services.appointment_reschedule(
            actor=colleague, appointment=appointment, starts_at=at(day, 10, 30)
        ),
        "not_a_free_time",
    )
