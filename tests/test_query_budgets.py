"""Logged-in pages run a fixed number of queries, however much data there is (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from batteriet.bookings.models import BookingStatus
from batteriet.core import audit
from batteriet.organisations.models import AgreementStatus, Membership, MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

BUDGET = 25  # an upper bound for any of these pages


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def centres():
    factories.reference_data()
    return [factories.CentreFactory(slug=f"senter-{n}") for n in range(3)]


def _organisation_with_agreements(centre, other_centre, person, role=MembershipRole.MEMBER):
    organisation = factories.OrganisationFactory(home_centre=centre, target_groups=["housing", "immigrants"])
    Membership.objects.create(user=person, organisation=organisation, role=role)
    factories.agreement(organisation, status=AgreementStatus.ACTIVE)
    factories.agreement(organisation, other_centre, status=AgreementStatus.REQUESTED)
    return organisation


def test_my_page(client, centres):
    person = factories.UserFactory()
    client.force_login(person)
    url = reverse("accounts:my_page")

    for _ in range(2):
        _organisation_with_agreements(centres[0], centres[1], person)
    few = queries_for(client, url)
    for n in range(18):
        _organisation_with_agreements(centres[n % 3], centres[(n + 1) % 3], person)
    many = queries_for(client, url)

    assert many == few
    assert few <= BUDGET


@pytest.mark.parametrize("who", ["adviser", "coordinator"])
def test_staff_organisation_list(client, centres, who):
    user = factories.staff(centres[0]) if who == "adviser" else factories.national_coordinator()
    client.force_login(user)
    url = reverse("organisations:staff_list")

    def add(count):
        for _ in range(count):
            organisation = factories.OrganisationFactory(
                home_centre=centres[0], target_groups=["housing", "mental_health"]
            )
            factories.member(organisation, MembershipRole.CONTACT)
            factories.agreement(organisation, status=AgreementStatus.ACTIVE)

    add(2)
    few = queries_for(client, url)
    add(18)
    many = queries_for(client, url)
    filtered = queries_for(client, url + "?status=approved&agreement=active&target_group=housing")

    assert many == few
    assert filtered <= few + 1
    assert few <= BUDGET


def _grow_organisation(organisation, centres, count, actor):
    for n in range(count):
        factories.member(organisation, MembershipRole.BOARD if n % 2 else MembershipRole.MEMBER)
        factories.agreement(organisation, centres[n % 3], status=AgreementStatus.TERMINATED)
        audit.record(
            actor=actor, action="organisation.updated", obj=organisation, changes={"name": ["a", "b"]}
        )


@pytest.mark.parametrize("page", ["organisations:staff_detail", "organisations:detail"])
def test_organisation_pages(client, centres, page):
    organisation = factories.OrganisationFactory(home_centre=centres[0], target_groups=["housing", "other"])
    contact = factories.member(organisation, MembershipRole.CONTACT)
    factories.agreement(organisation, status=AgreementStatus.ACTIVE)
    viewer = factories.staff(centres[0]) if page == "organisations:staff_detail" else contact
    client.force_login(viewer)
    url = reverse(page, args=[organisation.pk])

    _grow_organisation(organisation, centres, 2, viewer)
    few = queries_for(client, url)
    _grow_organisation(organisation, centres, 18, viewer)
    many = queries_for(client, url)

    assert many == few
    assert few <= BUDGET


def test_staff_home(client, centres):
    client.force_login(factories.staff(centres[0]))
    url = reverse("centres:staff_home")

    def add(count):
        for _ in range(count):
            factories.pending_organisation(centres[0])
            factories.agreement(
                factories.OrganisationFactory(home_centre=centres[0]), status=AgreementStatus.SIGNED
            )

    add(2)
    few = queries_for(client, url)
    add(18)
    assert queries_for(client, url) == few
    assert few <= BUDGET


def test_history_shows_every_change(client, centres):
    """The budget is not met by hiding data: all entries are on the page."""
    organisation = factories.OrganisationFactory(home_centre=centres[0])
    adviser = factories.staff(centres[0], full_name="Anne Rådgiver")
    for n in range(20):
        audit.record(
            actor=adviser, action="organisation.updated", obj=organisation, changes={"phone": [str(n), "x"]}
        )
    client.force_login(adviser)
    body = client.get(reverse("organisations:staff_detail", args=[organisation.pk])).content.decode()
    assert body.count("Anne Rådgiver") >= 20


@pytest.mark.parametrize("who", ["member", "adviser"])
def test_find_a_free_room(client, centres, who):
    """The search answers in the same number of queries however many rooms and bookings."""
    centre = centres[0]
    organisation, member = factories.booker(centre)
    client.force_login(member if who == "member" else factories.staff(centre))
    day = factories.bookable_day()
    url = reverse("bookings:free_rooms", args=[centre.slug]) + f"?dag={day.isoformat()}&fra=10:00&til=12:00"

    def add(count):
        for n in range(count):
            room = factories.ResourceFactory.bookable_now(centre=centre, step_free=True)
            hour = 9 + n % 6
            factories.booking_row(
                room,
                organisation,
                factories.at(day, hour),
                factories.at(day, hour + 1),
                status=BookingStatus.CONFIRMED,
            )

    add(2)
    few = queries_for(client, url)
    add(20)
    many = queries_for(client, url)
    filtered = queries_for(client, url + "&personer=4&trinnfri=on&type=meeting_room")

    assert many == few
    assert filtered == few
    assert few <= BUDGET
