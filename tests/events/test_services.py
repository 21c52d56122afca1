"""Registrations through the services: the waiting line, groups, capacity and the window."""

import datetime as dt
from unittest import mock

import pytest

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.events import selectors, services
from batteriet.events.models import Registration, RegistrationStatus
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def frozen(moment: dt.datetime):
    """Stop the clock at `moment` (clock.now reads Django's timezone.now)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def refused(call, **kwargs) -> str:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    assert str(caught.value.message).strip()
    return caught.value.code


def register(event, person=None, **kwargs) -> Registration:
    person = person or factories.UserFactory()
    (registration,) = services.registration_create(actor=person, event=event, **kwargs)
    return registration


def statuses(event) -> list[str]:
    return list(
        Registration.objects.filter(event=event).order_by("position_at").values_list("status", flat=True)
    )


def reload(registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def organiser(centre):
    return factories.staff(centre)


@pytest.fixture
def event(centre):
    return factories.EventFactory(capacity=2, centres=[centre])


def full(event) -> tuple[Registration, Registration]:
    return register(event), register(event)


# --- Registering --------------------------------------------------------------------------
def test_a_person_registers_themself_and_it_is_recorded(event):
    registration = register(event)

    assert registration.status == S.CONFIRMED
    assert registration.registered_by == registration.person
    assert AuditEntry.objects.filter(action="registration.created", object_id=str(registration.pk)).exists()
    assert selectors.places_left(event) == 1


def test_when_full_people_wait_in_the_order_they_came(event):
    full(event)
    first, second = register(event), register(event)

    assert (first.status, second.status) == (S.WAITING, S.WAITING)
    assert list(selectors.waiting_list(event)) == [first, second]
    assert first.position_at < second.position_at
    assert selectors.places_left(event) == 0


def test_an_event_without_a_limit_never_fills(centre):
    event = factories.EventFactory(capacity=None, centres=[centre])
    assert {register(event).status for _ in range(30)} == {S.CONFIRMED}
    assert selectors.places_left(event) is None


def test_nobody_registers_twice(event):
    person = factories.UserFactory()
    register(event, person)

    assert refused(services.registration_create, actor=person, event=event) == "registration_duplicate"
    assert Registration.objects.filter(event=event).count() == 1


def test_someone_who_cancelled_may_register_again(event):
    person = factories.UserFactory()
    services.registration_cancel(actor=person, registration=register(event, person))

    assert register(event, person).status == S.CONFIRMED


def test_registration_follows_the_window(event):
    event.registration_opens_at = clock.now() + dt.timedelta(days=1)
    event.registration_closes_at = clock.now() + dt.timedelta(days=2)
    event.save()
    person = factories.UserFactory()

    assert refused(services.registration_create, actor=person, event=event) == "registration_not_open_yet"
    with frozen(clock.now() + dt.timedelta(days=1, hours=1)):
        assert register(event, person).status == S.CONFIRMED
    with frozen(clock.now() + dt.timedelta(days=3)):
        assert refused(services.registration_create, actor=factories.UserFactory(), event=event) == (
            "registration_closed"
        )
    with frozen(event.starts_at):
        assert refused(services.registration_create, actor=factories.UserFactory(), event=event) == (
            "event_started"
        )


def test_organisers_register_by_name_outside_the_window_but_not_after_the_start(event, organiser):
    event.registration_closes_at = clock.now() - dt.timedelta(hours=1)
    event.registration_opens_at = clock.now() - dt.timedelta(days=1)
    event.save()

    (walk_in,) = services.registration_create(actor=organiser, event=event, names=["  Kari Nordmann "])

    assert (walk_in.person, walk_in.name, walk_in.status) == (None, "Kari Nordmann", S.CONFIRMED)
    assert refused(services.registration_create, actor=organiser, event=event, names=[" "]) == (
        "registration_name_missing"
    )
    with frozen(event.starts_at + dt.timedelta(minutes=1)):
        assert refused(services.registration_create, actor=organiser, event=event, names=["Ola"]) == (
            "event_started"
        )


def test_only_organisers_register_by_name_or_see_an_unpublished_event(event, organiser):
    person = factories.UserFactory()
    assert refused(services.registration_create, actor=person, event=event, names=["Ola"]) == "not_allowed"
    other = factories.UserFactory()
    assert refused(services.registration_create, actor=person, event=event, people=[other]) == "not_allowed"

    event.is_published = False
    event.save()
    assert refused(services.registration_create, actor=person, event=event) == "not_allowed"
    assert register(event, organiser).status == S.CONFIRMED


def test_staff_gatherings_are_for_staff(centre, organiser):
    event = factories.EventFactory(kind="staff_gathering", audience="staff", centres=[centre])

    assert refused(services.registration_create, actor=factories.UserFactory(), event=event) == (
        "event_staff_only"
    )
    assert register(event, organiser).status == S.CONFIRMED


def test_member_events_are_for_people_in_approved_organisations(centre):
    event = factories.EventFactory(kind="member_gathering", audience="members", centres=[centre])
    organisation = factories.OrganisationFactory(home_centre=centre)
    pending = factories.pending_organisation(centre)

    assert refused(services.registration_create, actor=factories.UserFactory(), event=event) == (
        "event_members_only"
    )
    assert refused(services.registration_create, actor=factories.member(pending), event=event) == (
        "event_members_only"
    )
    assert register(event, factories.member(organisation)).status == S.CONFIRMED


# --- Groups -------------------------------------------------------------------------------
@pytest.fixture
def contact_and_members(centre):
    organisation = factories.OrganisationFactory(home_centre=centre)
    contact = factories.member(organisation, MembershipRole.CONTACT)
    return organisation, contact, [factories.member(organisation) for _ in range(3)]


def test_a_contact_registers_members_together(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=5, centres=[centre])

    group = services.registration_create(
        actor=contact, event=event, people=members, organisation=organisation
    )

    assert [registration.status for registration in group] == [S.CONFIRMED] * 3
    assert len({registration.group_key for registration in group}) == 1
    assert {registration.registered_by for registration in group} == {contact}
    assert [registration.organisation for registration in group] == [organisation] * 3


def test_only_a_contact_registers_others_and_only_members(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=5, centres=[centre])

    assert refused(
        services.registration_create, actor=members[0], event=event, people=members, organisation=organisation
    ) == ("not_allowed")
    outsider = factories.UserFactory()
    assert refused(
        services.registration_create, actor=contact, event=event, people=[outsider], organisation=organisation
    ) == ("registration_not_a_member")
    assert refused(
        services.registration_create,
        actor=contact,
        event=event,
        people=[members[0], members[0]],
        organisation=organisation,
    ) == ("registration_duplicate")
    assert not Registration.objects.exists()


def test_a_member_registers_themself_for_the_organisation(centre, contact_and_members):
    organisation, _contact, members = contact_and_members
    event = factories.EventFactory(capacity=5, centres=[centre])

    registration = register(event, members[0], organisation=organisation)

    assert (registration.status, registration.organisation) == (S.CONFIRMED, organisation)
    outsider = factories.UserFactory()
    assert refused(services.registration_create, actor=outsider, event=event, organisation=organisation) == (
        "registration_not_a_member"
    )


def test_a_group_that_does_not_fit_waits_together(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=3, centres=[centre])
    first = register(event)
    register(event)

    group = services.registration_create(
        actor=contact, event=event, people=members, organisation=organisation
    )

    assert [registration.status for registration in group] == [S.WAITING] * 3
    # A place frees: two are free, not enough for the group, and nobody behind it jumps ahead.
    later = register(event)
    services.registration_cancel(actor=first.person, registration=first)
    assert selectors.places_left(event) == 2
    assert reload(later).status == S.WAITING
    assert [reload(registration).status for registration in group] == [S.WAITING] * 3
    # One more place: now the whole group fits and is offered together.
    services.event_capacity_change(actor=factories.staff(centre), event=event, capacity=4)
    assert [reload(registration).status for registration in group] == [S.OFFERED] * 3
    assert reload(later).status == S.WAITING


def test_a_group_bigger_than_the_event_cannot_wait_together(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=2, centres=[centre])

    code = refused(
        services.registration_create, actor=contact, event=event, people=members, organisation=organisation
    )

    assert code == "group_larger_than_event"
    assert not Registration.objects.filter(event=event).exists()
    # Nothing holds up the line: the next person gets a place.
    assert register(event).status == S.CONFIRMED


def test_leaving_the_line_lets_those_behind_have_the_free_places(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=3, centres=[centre])
    first = register(event)
    group = services.registration_create(
        actor=contact, event=event, people=members, organisation=organisation
    )
    behind = register(event)
    assert [reload(registration).status for registration in [*group, behind]] == [S.WAITING] * 4

    for registration in group:
        services.registration_cancel(actor=contact, registration=registration)

    assert reload(behind).status == S.OFFERED
    assert reload(first).status == S.CONFIRMED


def test_a_waiting_group_cut_below_its_size_is_offered_the_places_there_are(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=3, centres=[centre])
    register(event)
    group = services.registration_create(
        actor=contact, event=event, people=members, organisation=organisation
    )
    assert [reload(registration).status for registration in group] == [S.WAITING] * 3

    # Three can never fit in two places: the first of the group gets the place there is.
    services.event_capacity_change(actor=factories.staff(centre), event=event, capacity=2)

    assert [reload(registration).status for registration in group] == [S.OFFERED, S.WAITING, S.WAITING]
    event.refresh_from_db()
    assert selectors.places_left(event) == 0


def test_a_group_can_accept_the_places_left(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=4, centres=[centre])
    full(event)

    group = services.registration_create(
        actor=contact, event=event, people=members, organisation=organisation, accept_partial=True
    )

    assert [registration.status for registration in group] == [S.CONFIRMED, S.CONFIRMED, S.WAITING]
    assert selectors.places_left(event) == 0


def test_newcomers_wait_behind_people_already_waiting(event, organiser):
    first, _second = full(event)
    waiting = register(event)
    services.registration_cancel(actor=first.person, registration=first)
    assert reload(waiting).status == S.OFFERED
    services.event_capacity_change(actor=organiser, event=event, capacity=3)
    behind = register(event)
    assert behind.status == S.CONFIRMED  # the offered one holds a place; nobody else waits

    blocked = register(event)
    assert blocked.status == S.WAITING
    assert register(event).status == S.WAITING


# --- The waiting line ---------------------------------------------------------------------
def test_cancel_offers_the_place_to_the_first_in_line_who_accepts(event):
    first, _second = full(event)
    waiting = [register(event) for _ in range(2)]

    services.registration_cancel(actor=first.person, registration=first)

    offered = reload(waiting[0])
    assert offered.status == S.OFFERED
    assert abs(offered.offer_expires_at - (clock.now() + dt.timedelta(hours=24))) < dt.timedelta(minutes=1)
    assert reload(waiting[1]).status == S.WAITING
    assert selectors.places_left(event) == 0

    services.registration_offer_accept(actor=offered.person, registration=offered)
    assert reload(offered).status == S.CONFIRMED
    assert reload(offered).offer_expires_at is None
    assert statuses(event) == [S.CANCELLED, S.CONFIRMED, S.CONFIRMED, S.WAITING]


def test_a_declined_offer_passes_to_the_next(event):
    first, _second = full(event)
    waiting = [register(event) for _ in range(2)]
    services.registration_cancel(actor=first.person, registration=first)

    services.registration_offer_decline(actor=waiting[0].person, registration=waiting[0])

    assert reload(waiting[0]).status == S.CANCELLED
    assert reload(waiting[1]).status == S.OFFERED
    assert refused(services.registration_offer_accept, actor=waiting[0].person, registration=waiting[0]) == (
        "registration_wrong_state"
    )


def test_an_expired_offer_passes_on_once(event):
    first, _second = full(event)
    waiting = [register(event) for _ in range(2)]
    services.registration_cancel(actor=first.person, registration=first)
    deadline = reload(waiting[0]).offer_expires_at

    assert services.offers_expire(now=deadline - dt.timedelta(seconds=1)) == 0
    assert services.offers_expire(now=deadline) == 1
    assert services.offers_expire(now=deadline) == 0

    assert reload(waiting[0]).status == S.EXPIRED
    assert reload(waiting[1]).status == S.OFFERED
    assert selectors.places_left(event) == 0


def test_accepting_after_the_deadline_fails_and_the_place_passes_on(event):
    first, _second = full(event)
    waiting = [register(event) for _ in range(2)]
    services.registration_cancel(actor=first.person, registration=first)
    deadline = reload(waiting[0]).offer_expires_at

    with frozen(deadline + dt.timedelta(minutes=1)):
        assert refused(
            services.registration_offer_accept, actor=waiting[0].person, registration=waiting[0]
        ) == ("offer_expired")
        assert refused(
            services.registration_offer_decline, actor=waiting[0].person, registration=waiting[0]
        ) == ("offer_expired")

    assert reload(waiting[0]).status == S.EXPIRED
    assert reload(waiting[1]).status == S.OFFERED


def test_people_who_left_the_line_are_skipped(event):
    first, _second = full(event)
    leaving, staying = register(event), register(event)

    services.registration_cancel(actor=leaving.person, registration=leaving)
    assert selectors.places_left(event) == 0  # leaving the line frees no place
    services.registration_cancel(actor=first.person, registration=first)

    assert reload(leaving).status == S.CANCELLED
    assert reload(staying).status == S.OFFERED


def test_the_event_says_how_long_an_offer_holds_a_place(centre):
    event = factories.EventFactory(capacity=1, offer_hold_hours=2, centres=[centre])
    first, waiting = register(event), register(event)

    services.registration_cancel(actor=first.person, registration=first)

    expected = clock.now() + dt.timedelta(hours=2)
    assert abs(reload(waiting).offer_expires_at - expected) < dt.timedelta(minutes=1)


def test_an_offer_is_never_held_past_the_start(centre):
    event = factories.EventFactory(
        capacity=1, starts_at=clock.now() + dt.timedelta(hours=5), centres=[centre]
    )
    first, waiting = register(event), register(event)

    services.registration_cancel(actor=first.person, registration=first)

    assert reload(waiting).offer_expires_at == event.starts_at


def test_nothing_is_cancelled_or_offered_after_the_start(event):
    first, second = full(event)
    waiting = [register(event) for _ in range(2)]
    services.registration_cancel(actor=first.person, registration=first)
    assert reload(waiting[0]).status == S.OFFERED

    with frozen(event.starts_at):
        assert refused(services.registration_cancel, actor=second.person, registration=second) == (
            "cancel_too_late"
        )
        assert services.offers_expire() == 1
    assert reload(waiting[0]).status == S.EXPIRED
    assert reload(waiting[1]).status == S.WAITING


def test_only_people_involved_act_on_a_registration(event, organiser):
    first, _second = full(event)
    stranger = factories.UserFactory()

    assert refused(services.registration_cancel, actor=stranger, registration=first) == "not_allowed"
    assert reload(first).status == S.CONFIRMED
    services.registration_cancel(actor=organiser, registration=first)
    assert reload(first).status == S.CANCELLED
    assert refused(services.registration_cancel, actor=organiser, registration=first) == (
        "registration_wrong_state"
    )


def test_a_contact_cancels_for_members_of_the_organisation(centre, contact_and_members):
    organisation, contact, members = contact_and_members
    event = factories.EventFactory(capacity=5, centres=[centre])
    group = services.registration_create(
        actor=contact, event=event, people=members, organisation=organisation
    )
    other_contact = factories.member(organisation, MembershipRole.CONTACT)

    services.registration_cancel(actor=other_contact, registration=group[0])
    services.registration_cancel(actor=members[1], registration=group[1])

    assert [reload(registration).status for registration in group] == [S.CANCELLED, S.CANCELLED, S.CONFIRMED]


# --- Capacity -----------------------------------------------------------------------------
def test_more_places_are_offered_to_those_waiting_in_order(event, organiser):
    full(event)
    waiting = [register(event) for _ in range(3)]

    services.event_capacity_change(actor=organiser, event=event, capacity=4)

    assert [reload(registration).status for registration in waiting] == [S.OFFERED, S.OFFERED, S.WAITING]
    assert AuditEntry.objects.filter(action="event.capacity_changed").count() == 1
    services.event_capacity_change(actor=organiser, event=event, capacity=None)
    assert reload(waiting[2]).status == S.OFFERED


def test_capacity_cannot_drop_below_the_places_held(event, organiser):
    full(event)
    waiting = register(event)
    services.event_capacity_change(actor=organiser, event=event, capacity=3)
    assert reload(waiting).status == S.OFFERED

    assert refused(services.event_capacity_change, actor=organiser, event=event, capacity=1) == (
        "capacity_below_confirmed"
    )
    assert refused(services.event_capacity_change, actor=organiser, event=event, capacity=2) == (
        "capacity_below_offers"
    )
    assert refused(services.event_capacity_change, actor=organiser, event=event, capacity=0) == (
        "capacity_too_small"
    )
    event.refresh_from_db()
    assert event.capacity == 3


def test_only_organisers_change_capacity(event, centre):
    other_centre = factories.CentreFactory(slug="bergen", name="Batteriet Bergen")
    for person in (factories.UserFactory(), factories.staff(other_centre)):
        assert (
            refused(services.event_capacity_change, actor=person, event=event, capacity=10) == "not_allowed"
        )
    national = factories.EventFactory(capacity=2)
    assert refused(
        services.event_capacity_change, actor=factories.staff(centre), event=national, capacity=10
    ) == ("not_allowed")
    services.event_capacity_change(actor=factories.national_coordinator(), event=national, capacity=10)
    national.refresh_from_db()
    assert national.capacity == 10
