"""The booking pages: happy paths, what others may not see, and bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from batteriet.bookings.models import Booking, BookingStatus, Occupancy
from batteriet.core import time as clock
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"


def _post(on: dt.date, **changes) -> dict:
    data = {
        "day": on.isoformat(),
        "starts_at": "10:00",
        "ends_at": "12:00",
        "purpose": "Styremøte",
        "expected_people": "8",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _stored() -> tuple[list, list]:
    return list(Booking.objects.values()), list(Occupancy.objects.values())


# --- Finding something to book --------------------------------------------------------
def test_the_resource_list_shows_capacity_and_accessibility(client, centre, room, booker):
    room.step_free = True
    room.hearing_loop = True
    room.save()
    factories.ResourceFactory.equipment(centre=centre, name="Prosjektor", stock=2)
    client.force_login(booker[1])
    body = client.get(reverse("bookings:resources", args=[centre.slug])).content.decode()
    assert "Møterom Tinde" in body and "Prosjektor" in body
    assert "12" in body
    assert "trinnfri" in body.lower() or "step-free" in body.lower()


def test_the_week_view_is_a_table_of_free_and_busy_hours(client, room, booker, day):
    _organisation, contact = booker
    other, _person = factories.booker(room.centre)
    factories.booking_row(
        room,
        other,
        factories.at(day, 10),
        factories.at(day, 11),
        purpose="Hemmelig møte",
        status=BookingStatus.CONFIRMED,
    )
    client.force_login(contact)
    response = client.get(reverse("bookings:resource", args=[room.pk]), {"uke": day.isoformat()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in body and 'scope="col"' in body and 'scope="row"' in body
    assert body.count("slot--busy") == 1  # 10:00–11:00 on that day, nothing else
    assert "Opptatt" in body and "Ledig" in body
    # Nothing about who booked, or why.
    assert other.name not in body and "Hemmelig møte" not in body


@pytest.mark.parametrize("week", ["ikke-en-dato", "0001-01-01", "99999-01-01", "2026-02-30", ""])
def test_the_week_view_shrugs_off_nonsense_weeks(client, room, booker, week):
    client.force_login(booker[1])
    response = client.get(reverse("bookings:resource", args=[room.pk]), {"uke": week})
    assert response.status_code == 200


def test_the_week_view_follows_the_clock_change_in_oslo(client, room, booker):
    """The last Sunday of October 2027: the week still has its hours in Norwegian time."""
    client.force_login(booker[1])
    response = client.get(reverse("bookings:resource", args=[room.pk]), {"uke": "2027-10-31"})
    assert response.status_code == 200
    assert response.context["rows"][0].slots[6].starts_at.hour == 8


# --- Booking --------------------------------------------------------------------------
def test_a_member_books_a_room_and_sees_the_confirmation(client, room, booker, day):
    organisation, contact = booker
    client.force_login(contact)
    response = client.post(reverse("bookings:create", args=[room.pk]), _post(day), follow=True)
    booking = Booking.objects.get()
    assert response.redirect_chain[-1][0] == reverse("bookings:detail", args=[booking.pk])
    assert booking.organisation == organisation and booking.booked_by == contact
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == factories.at(day, 10)
    assert "Bestillingen er bekreftet." in response.content.decode()


def test_a_person_with_two_organisations_chooses_which_books(client, room, booker, day):
    _organisation, contact = booker
    second = factories.OrganisationFactory(home_centre=room.centre, name="Andre foreningen")
    factories.agreement(second, room.centre)
    from batteriet.organisations.models import Membership

    Membership.objects.create(user=contact, organisation=second, role=MembershipRole.MEMBER)
    client.force_login(contact)
    url = reverse("bookings:create", args=[room.pk])
    assert 'type="radio"' in client.get(url).content.decode()
    response = client.post(url, _post(day))
    assert 'id="id_organisation_error"' in response.content.decode()  # the choice is required
    response = client.post(url, _post(day, organisation="999999"))
    assert 'id="id_organisation_error"' in response.content.decode()  # not one of theirs
    assert not Booking.objects.exists()
    client.post(url, _post(day, organisation=str(second.pk)))
    assert Booking.objects.get().organisation == second


def test_only_approved_organisations_are_offered(client, room, booker):
    pending = factories.pending_organisation(room.centre)
    person = factories.member(pending, MembershipRole.CONTACT)
    client.force_login(person)
    assert client.get(reverse("bookings:create", args=[room.pk])).status_code == 403


def test_a_request_waits_for_the_centre(client, centre, booker, day):
    room = factories.ResourceFactory(centre=centre, requires_approval=True)
    client.force_login(booker[1])
    client.post(reverse("bookings:create", args=[room.pk]), _post(day))
    assert Booking.objects.get().status == BookingStatus.REQUESTED


def test_a_taken_time_is_refused_with_the_reason(client, room, booker, day):
    other, _person = factories.booker(room.centre)
    factories.booking_row(room, other, factories.at(day, 11), factories.at(day, 13))
    client.force_login(booker[1])
    before = _stored()
    response = client.post(reverse("bookings:create", args=[room.pk]), _post(day))
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert "opptatt" in response.content.decode()
    assert _stored() == before


def test_equipment_asks_how_many(client, centre, booker, day):
    projector = factories.ResourceFactory.equipment(centre=centre, stock=2)
    client.force_login(booker[1])
    url = reverse("bookings:create", args=[projector.pk])
    # Equipment is lent for a period: a pick-up date and a return date.
    response = client.post(url, _post(day, expected_people=None, quantity="3", end_day=day.isoformat()))
    assert 'id="id_quantity_error"' in response.content.decode()
    assert not Booking.objects.exists()
    client.post(url, _post(day, expected_people=None, quantity="2", end_day=day.isoformat()))
    assert Booking.objects.get().quantity == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"purpose": LONG}, "purpose"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "   "}, "purpose"),
        ({"day": ""}, "day"),
        ({"day": "31.02.2027"}, "day"),
        ({"day": "ikke-en-dato"}, "day"),
        ({"day": "0001-01-01"}, "day"),
        ({"day": "9999-12-31"}, "day"),
        ({"day": None}, "day"),
        ({"starts_at": "25:00"}, "starts_at"),
        ({"starts_at": "kl ti"}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": "99:99"}, "ends_at"),
        ({"ends_at": ""}, "ends_at"),
        ({"ends_at": "09:00"}, "ends_at"),  # before the start
        ({"ends_at": "10:00"}, "ends_at"),  # zero length
        ({"starts_at": "06:00", "ends_at": "07:00"}, "starts_at"),  # outside opening hours
        ({"expected_people": "-3"}, "expected_people"),
        ({"expected_people": "500"}, "expected_people"),  # over capacity
        ({"expected_people": "mange"}, "expected_people"),
        ({"expected_people": "9" * 30}, "expected_people"),
    ],
)
def test_bad_input_shows_a_message_and_stores_nothing(client, room, booker, day, changes, field):
    client.force_login(booker[1])
    before = _stored()
    data = _post(day, **changes)
    data.setdefault("purpose", SCRIPT) if "purpose" not in changes else None
    response = client.post(reverse("bookings:create", args=[room.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    assert f'id="id_{field}_error"' in body, field
    assert SCRIPT not in body
    assert _stored() == before


def test_a_booking_in_the_past_is_refused(client, room, booker):
    client.force_login(booker[1])
    yesterday = clock.local_today() - dt.timedelta(days=1)
    response = client.post(reverse("bookings:create", args=[room.pk]), _post(yesterday))
    assert 'id="id_starts_at_error"' in response.content.decode()
    assert not Booking.objects.exists()


def test_markup_in_the_purpose_is_shown_as_text(client, room, booker, day):
    client.force_login(booker[1])
    client.post(reverse("bookings:create", args=[room.pk]), _post(day, purpose=SCRIPT))
    booking = Booking.objects.get()
    body = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body


# --- My bookings and cancelling -------------------------------------------------------
def test_my_bookings_lists_only_my_organisations(client, room, booker, day):
    organisation, contact = booker
    other, _person = factories.booker(room.centre)
    mine = factories.booking_row(room, organisation, factories.at(day, 10), factories.at(day, 11))
    theirs = factories.booking_row(room, other, factories.at(day, 12), factories.at(day, 13))
    client.force_login(contact)
    body = client.get(reverse("bookings:mine")).content.decode()
    assert reverse("bookings:detail", args=[mine.pk]) in body
    assert reverse("bookings:detail", args=[theirs.pk]) not in body
    assert other.name not in body
    assert client.get(reverse("bookings:detail", args=[theirs.pk])).status_code == 404


def test_a_member_cancels_and_the_time_is_free(client, room, booker, day):
    organisation, contact = booker
    booking = factories.booking_row(
        room, organisation, factories.at(day, 10), factories.at(day, 11), status=BookingStatus.CONFIRMED
    )
    client.force_login(contact)
    response = client.post(reverse("bookings:cancel", args=[booking.pk]), follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert not Occupancy.objects.exists()
    assert "avbestilt" in response.content.decode()


def test_another_organisation_cannot_cancel(client, room, booker, day):
    _other, person = factories.booker(room.centre)
    booking = factories.booking_row(room, booker[0], factories.at(day, 10), factories.at(day, 11))
    client.force_login(person)
    assert client.post(reverse("bookings:cancel", args=[booking.pk])).status_code == 404
    assert client.get(reverse("bookings:cancel", args=[booking.pk])).status_code == 405
    booking.refresh_from_db()
    assert booking.is_blocking


# --- Staff ----------------------------------------------------------------------------
@pytest.fixture
def request_at_centre(centre, booker, day):
    room = factories.ResourceFactory(centre=centre, name="Salen", requires_approval=True)
    return factories.booking_row(room, booker[0], factories.at(day, 10), factories.at(day, 11))


def test_staff_see_requests_and_today(client, centre, adviser, booker, request_at_centre):
    today_room = factories.ResourceFactory(centre=centre, name="Dagens rom")
    now = clock.local_now()
    factories.booking_row(
        today_room,
        booker[0],
        now - dt.timedelta(minutes=30),
        now + dt.timedelta(minutes=30),
        status=BookingStatus.CONFIRMED,
    )
    client.force_login(adviser)
    body = client.get(reverse("bookings:staff_queue")).content.decode()
    assert reverse("bookings:approve", args=[request_at_centre.pk]) in body
    assert "Dagens rom" in body


def test_staff_approve(client, adviser, request_at_centre):
    client.force_login(adviser)
    client.post(reverse("bookings:approve", args=[request_at_centre.pk]))
    request_at_centre.refresh_from_db()
    assert request_at_centre.status == BookingStatus.CONFIRMED


def test_declining_needs_a_reason(client, adviser, request_at_centre):
    client.force_login(adviser)
    url = reverse("bookings:decline", args=[request_at_centre.pk])
    response = client.post(url, {"reason": ""})
    assert 'id="id_reason_error"' in response.content.decode()
    response = client.post(url, {"reason": LONG})
    assert 'id="id_reason_error"' in response.content.decode()
    request_at_centre.refresh_from_db()
    assert request_at_centre.status == BookingStatus.REQUESTED
    client.post(url, {"reason": "Rommet skal males."})
    request_at_centre.refresh_from_db()
    assert request_at_centre.status == BookingStatus.DECLINED
    assert request_at_centre.decision_reason == "Rommet skal males."


def test_staff_of_another_centre_get_404(client, request_at_centre):
    elsewhere = factories.staff(factories.CentreFactory(slug="vest"))
    client.force_login(elsewhere)
    assert client.post(reverse("bookings:approve", args=[request_at_centre.pk])).status_code == 404
    assert client.get(reverse("bookings:decline", args=[request_at_centre.pk])).status_code == 404
    body = client.get(reverse("bookings:staff_queue")).content.decode()
    assert reverse("bookings:approve", args=[request_at_centre.pk]) not in body
    request_at_centre.refresh_from_db()
    assert request_at_centre.status == BookingStatus.REQUESTED


def test_the_national_coordinator_sees_every_centre(client, request_at_centre):
    client.force_login(factories.national_coordinator())
    body = client.get(reverse("bookings:staff_queue")).content.decode()
    assert reverse("bookings:approve", args=[request_at_centre.pk]) in body


def test_pages_link_to_booking(client, centre, booker, adviser):
    organisation, contact = booker
    client.force_login(contact)
    url = reverse("bookings:resources", args=[organisation.home_centre.slug])
    assert url in client.get(reverse("accounts:my_page")).content.decode()
    assert url in client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    client.force_login(adviser)
    assert reverse("bookings:staff_queue") in client.get(reverse("centres:staff_home")).content.decode()


# --- Query budgets --------------------------------------------------------------------
def _queries(client, url, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_run_the_same_number_of_queries_however_many_bookings(client, centre, booker, adviser, day):
    organisation, contact = booker
    rooms = [factories.ResourceFactory(centre=centre, requires_approval=True) for _ in range(3)]

    def add_bookings(hour: int) -> None:
        for room in rooms:
            factories.booking_row(room, organisation, factories.at(day, hour), factories.at(day, hour + 1))

    pages = [
        (contact, reverse("bookings:mine"), {}),
        (contact, reverse("bookings:resources", args=[centre.slug]), {}),
        (contact, reverse("bookings:resource", args=[rooms[0].pk]), {"uke": day.isoformat()}),
        (adviser, reverse("bookings:staff_queue"), {}),
    ]
    add_bookings(9)
    counts = []
    for user, url, params in pages:
        client.force_login(user)
        counts.append(_queries(client, url, **params))
    add_bookings(11)
    add_bookings(13)
    for (user, url, params), before in zip(pages, counts, strict=True):
        client.force_login(user)
        assert _queries(client, url, **params) == before, url
        assert before <= 25, url
