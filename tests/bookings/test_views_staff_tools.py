"""Find a free room, the booking form for periods and premises, and the staff tools:
book on an organisation's behalf, block a time, move and cancel with a message."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from batteriet.bookings import selectors
from batteriet.bookings.models import Booking, BookingStatus, Occupancy, Resource
from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"


def _stored() -> tuple[list, list, int]:
    return list(Booking.objects.values()), list(Occupancy.objects.values()), AuditEntry.objects.count()


def _errors(response) -> str:
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    return body


# --- Find a free room -----------------------------------------------------------------
def _search(day: dt.date, **changes) -> dict:
    query = {"dag": day.isoformat(), "fra": "10:00", "til": "11:00"}
    query.update(changes)
    return {key: value for key, value in query.items() if value is not None}


@pytest.fixture
def rooms(centre, room):
    """Møterom Tinde (12 people), a small step-free room, and premises for the evening."""
    small = factories.ResourceFactory.bookable_now(
        centre=centre, name="Lille rom", capacity=4, step_free=True
    )
    hall = factories.ResourceFactory.premises(centre=centre, name="Storsalen", requires_approval=False)
    return room, small, hall


def test_free_rooms_lists_what_is_free_for_the_whole_time(client, centre, rooms, booker, day):
    room, small, _hall = rooms
    other, _person = factories.booker(centre)
    factories.booking_row(room, other, at(day, 10, 30), at(day, 12), status=BookingStatus.CONFIRMED)
    client.force_login(booker[1])

    response = client.get(reverse("bookings:free_rooms", args=[centre.slug]), _search(day))

    assert response.status_code == 200
    assert list(response.context["free"]) == [small]  # the room is busy; premises are for evenings
    body = response.content.decode()
    book_url = reverse("bookings:create", args=[small.pk])
    assert f"{book_url}?dag={day.isoformat()}&amp;fra=10:00&amp;til=11:00" in body
    assert "<caption" in body and 'scope="col"' in body


def test_free_rooms_filters_by_size_accessibility_and_kind(client, centre, rooms, booker, day):
    room, small, hall = rooms
    client.force_login(booker[1])
    url = reverse("bookings:free_rooms", args=[centre.slug])

    assert list(client.get(url, _search(day, personer="10")).context["free"]) == [room]
    assert list(client.get(url, _search(day, trinnfri="on")).context["free"]) == [small]
    evening = _search(day, fra="18:00", til="21:00")
    assert list(client.get(url, evening).context["free"]) == [hall]
    assert list(client.get(url, {**evening, "type": "meeting_room"}).context["free"]) == []


def test_free_rooms_says_so_when_nothing_is_free(client, centre, room, booker, day):
    factories.booking_row(room, booker[0], at(day, 9), at(day, 12), status=BookingStatus.CONFIRMED)
    client.force_login(booker[1])
    client.cookies["language"] = "en"
    response = client.get(reverse("bookings:free_rooms", args=[centre.slug]), _search(day))
    assert response.context["free"] == []
    assert "No room is free then" in response.content.decode()


def test_free_rooms_respects_a_hall_and_its_parts(client, centre, booker, day, adviser):
    hall, parts = factories.ResourceFactory.hall_with_parts(centre=centre, parts=2)
    Resource.objects.filter(pk__in=[hall.pk, *(part.pk for part in parts)]).update(capacity=20)
    factories.booking_row(parts[0], booker[0], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)
    Occupancy.objects.create(
        booking=Booking.objects.get(), resource=hall, starts_at=at(day, 10), ends_at=at(day, 11), is_own=False
    )
    client.force_login(adviser)
    free = client.get(reverse("bookings:free_rooms", args=[centre.slug]), _search(day)).context["free"]
    assert free == [parts[1]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"dag": "ikke-en-dato"}, "dag"),
        ({"dag": "0001-01-01"}, "dag"),
        ({"fra": "25:00"}, "fra"),
        ({"til": ""}, "til"),
        ({"til": "09:00"}, "til"),
        ({"personer": "-1"}, "personer"),
        ({"personer": "9" * 30}, "personer"),
        ({"type": "rakett"}, "type"),
    ],
)
def test_free_rooms_shrugs_off_nonsense(client, centre, room, booker, day, query, field):
    client.force_login(booker[1])
    response = client.get(reverse("bookings:free_rooms", args=[centre.slug]), {**_search(day), **query})
    body = _errors(response)
    assert f'id="id_{field}_error"' in body
    assert response.context["free"] is None


def test_free_rooms_is_for_people_who_may_book_and_staff(client, centre, room):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("bookings:free_rooms", args=[centre.slug])).status_code == 403
    client.force_login(factories.staff(factories.CentreFactory()))
    assert client.get(reverse("bookings:free_rooms", args=[centre.slug])).status_code == 403
    client.force_login(factories.staff(centre))
    response = client.get(
        reverse("bookings:free_rooms", args=[centre.slug]), _search(factories.bookable_day())
    )
    assert f"{reverse('bookings:staff_book')}?ressurs={room.pk}" in response.content.decode()


def test_the_resource_list_links_to_free_rooms(client, centre, booker):
    client.force_login(booker[1])
    body = client.get(reverse("bookings:resources", args=[centre.slug])).content.decode()
    assert reverse("bookings:free_rooms", args=[centre.slug]) in body


def test_free_rooms_run_a_fixed_number_of_queries(centre, booker, day):
    """The selector: four queries however many resources and bookings."""
    organisation = booker[0]

    def add(count: int, hour: int) -> None:
        for _ in range(count):
            resource = factories.ResourceFactory.bookable_now(centre=centre)
            factories.booking_row(
                resource, organisation, at(day, hour), at(day, hour + 1), status=BookingStatus.CONFIRMED
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.free_resources(
                centre,
                at(day, 10),
                at(day, 12),
                selectors.FreeRoomFilters(),
                now=at(day, 8) - dt.timedelta(days=3),
            )
        return len(captured.captured_queries)

    add(2, 10)
    few = queries()
    add(20, 11)
    add(10, 13)
    assert queries() == few == 4


# --- The booking form: periods and premises -------------------------------------------
def _booking_post(day: dt.date, **changes) -> dict:
    data = {"day": day.isoformat(), "starts_at": "10:00", "ends_at": "12:00", "purpose": "Styremøte"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_booking_form_is_filled_in_from_the_address(client, room, booker, day):
    client.force_login(booker[1])
    url = reverse("bookings:create", args=[room.pk])
    body = client.get(url, {"dag": day.isoformat(), "fra": "13:00", "til": "14:30"}).content.decode()
    assert f'value="{day.isoformat()}"' in body and 'value="13:00"' in body and 'value="14:30"' in body
    assert client.get(url, {"dag": "tull", "fra": "99:00", "til": SCRIPT}).status_code == 200


def test_a_desk_is_booked_from_one_day_to_another(client, centre, booker, day):
    desk = factories.ResourceFactory.desk(centre=centre, requires_approval=False)
    last_day = factories.bookable_day(weekday=4, after=day + dt.timedelta(days=14))
    client.force_login(booker[1])
    client.cookies["language"] = "en"
    url = reverse("bookings:create", args=[desk.pk])
    body = client.get(url).content.decode()
    assert 'name="end_day"' in body and "Last day" in body

    client.post(url, _booking_post(day, starts_at="09:00", end_day=last_day.isoformat(), ends_at="15:00"))

    booking = Booking.objects.get()
    assert (booking.starts_at, booking.ends_at) == (at(day, 9), at(last_day, 15))


def test_a_desk_needs_its_last_day(client, centre, booker, day):
    desk = factories.ResourceFactory.desk(centre=centre)
    client.force_login(booker[1])
    url = reverse("bookings:create", args=[desk.pk])
    body = _errors(client.post(url, _booking_post(day, end_day="")))
    assert 'id="id_end_day_error"' in body
    body = _errors(client.post(url, _booking_post(day, end_day=(day - dt.timedelta(days=2)).isoformat())))
    assert 'id="id_ends_at_error"' in body  # ends before it starts
    assert not Booking.objects.exists()


def test_a_meeting_room_stays_on_one_day(client, room, booker):
    client.force_login(booker[1])
    body = client.get(reverse("bookings:create", args=[room.pk])).content.decode()
    assert 'name="end_day"' not in body and 'name="responsible_name"' not in body


@pytest.fixture
def hall(centre):
    return factories.ResourceFactory.premises(centre=centre, name="Storsalen", requires_approval=False)


def test_premises_ask_for_the_responsible_person_and_may_run_past_midnight(client, hall, booker, day):
    client.force_login(booker[1])
    url = reverse("bookings:create", args=[hall.pk])
    response = client.post(
        url,
        _booking_post(
            day,
            starts_at="20:00",
            ends_at="01:00",
            responsible_name="Kari Kontakt",
            responsible_phone="912 34 567",
            expected_people="40",
        ),
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert (booking.starts_at, booking.ends_at) == (at(day, 20), at(day + dt.timedelta(days=1), 1))
    assert (booking.responsible_name, booking.responsible_phone) == ("Kari Kontakt", "+4791234567")
    body = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Kari Kontakt" in body and 'href="tel:+4791234567"' in body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"responsible_name": ""}, "responsible_name"),
        ({"responsible_name": "   "}, "responsible_name"),
        ({"responsible_name": LONG}, "responsible_name"),
        ({"responsible_phone": ""}, "responsible_phone"),
        ({"responsible_phone": "123"}, "responsible_phone"),
        ({"responsible_phone": "ring meg"}, "responsible_phone"),
        ({"responsible_phone": "9" * 60}, "responsible_phone"),
        ({"ends_at": "20:00"}, "ends_at"),  # zero length
        ({"starts_at": "12:00", "ends_at": "14:00"}, "starts_at"),  # in opening hours
    ],
)
def test_premises_bad_input_stores_nothing(client, hall, booker, day, changes, field):
    client.force_login(booker[1])
    before = _stored()
    data = _booking_post(
        day, starts_at="20:00", ends_at="23:00", responsible_name=SCRIPT, responsible_phone="+47 912 34 567"
    )
    data.update(changes)
    body = _errors(client.post(reverse("bookings:create", args=[hall.pk]), data))
    assert f'id="id_{field}_error"' in body, field
    assert SCRIPT not in body
    assert _stored() == before


# --- Staff: book on an organisation's behalf ------------------------------------------
def test_staff_choose_what_to_book_among_their_centres_only(client, centre, room, adviser):
    elsewhere = factories.ResourceFactory(centre=factories.CentreFactory(slug="vest"), name="Vestrommet")
    client.force_login(adviser)
    url = reverse("bookings:staff_book")
    body = client.get(url).content.decode()
    assert "Møterom Tinde" in body and "Vestrommet" not in body
    body = _errors(client.get(url, {"ressurs": elsewhere.pk}))
    assert 'id="id_ressurs_error"' in body
    assert 'id="id_ressurs_error"' in _errors(client.get(url, {"ressurs": "tull"}))


def test_staff_book_on_behalf_and_the_organisation_is_told(
    client, centre, booker, adviser, day, mailoutbox, django_capture_on_commit_callbacks
):
    organisation, contact = booker
    room = factories.ResourceFactory(centre=centre, name="Salen", requires_approval=True)
    without_agreement = factories.OrganisationFactory(home_centre=centre, name="Uten avtale")
    client.force_login(adviser)
    url = reverse("bookings:staff_book") + f"?ressurs={room.pk}&dag={day.isoformat()}&fra=10:00&til=11:00"
    body = client.get(url).content.decode()
    assert organisation.name in body and "Uten avtale" not in body
    assert 'value="10:00"' in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            _booking_post(day, organisation=str(organisation.pk), ends_at="11:00", expected_people="6"),
        )

    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "bookings:detail", args=[booking.pk]
    )
    assert booking.status == BookingStatus.CONFIRMED  # although the room needs approval
    assert (booking.organisation, booking.booked_by) == (organisation, adviser)
    assert contact.email in {address for message in mailoutbox for address in message.to}
    response = client.post(url, _booking_post(day, organisation=str(without_agreement.pk), starts_at="12:00"))
    assert 'id="id_organisation_error"' in _errors(response)
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"organisation": ""}, "organisation"),
        ({"organisation": "999999"}, "organisation"),
        ({"day": "ikke-en-dato"}, "day"),
        ({"starts_at": "kl ti"}, "starts_at"),
        ({"ends_at": "09:00"}, "ends_at"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": LONG}, "purpose"),
        ({"expected_people": "500"}, "expected_people"),
    ],
)
def test_staff_booking_bad_input_stores_nothing(client, room, booker, adviser, day, changes, field):
    client.force_login(adviser)
    before = _stored()
    data = _booking_post(day, organisation=str(booker[0].pk), purpose=SCRIPT)
    data.update(changes)
    response = client.post(reverse("bookings:staff_book") + f"?ressurs={room.pk}", data)
    body = _errors(response)
    assert f'id="id_{field}_error"' in body
    assert SCRIPT not in body
    assert _stored() == before


def test_others_cannot_book_on_behalf(client, room, booker, day):
    organisation, contact = booker
    client.force_login(contact)
    url = reverse("bookings:staff_book") + f"?ressurs={room.pk}"
    assert client.get(url).status_code == 403
    assert client.post(url, _booking_post(day, organisation=str(organisation.pk))).status_code == 403
    elsewhere = factories.staff(factories.CentreFactory(slug="vest"))
    client.force_login(elsewhere)
    response = client.post(url, _booking_post(day, organisation=str(organisation.pk)))
    assert 'id="id_ressurs_error"' in _errors(response)
    assert not Booking.objects.exists()


# --- Staff: block a time ----------------------------------------------------------------
def _block_post(target, on: dt.date, **changes) -> dict:
    data = {
        "resource": str(target.pk),
        "day": on.isoformat(),
        "starts_at": "09:00",
        "end_day": (on + dt.timedelta(days=1)).isoformat(),
        "ends_at": "16:00",
        "reason": "Maling",
    }
    data.update(changes)
    return data


def test_staff_block_a_time_over_several_days(client, room, adviser, day):
    client.force_login(adviser)
    url = reverse("bookings:staff_block")
    assert 'value="' + str(room.pk) + '" selected' in client.get(url, {"ressurs": room.pk}).content.decode()
    response = client.post(url, _block_post(room, day))
    assert response.status_code == 302
    block = Booking.objects.get()
    assert block.organisation is None and block.purpose == "Maling"
    assert (block.starts_at, block.ends_at) == (at(day, 9), at(day + dt.timedelta(days=1), 16))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": LONG}, "reason"),
        ({"resource": ""}, "resource"),
        ({"resource": "999999"}, "resource"),
        ({"end_day": "2026-02-30"}, "end_day"),
        ({"ends_at": "08:00", "end_day": None}, "end_day"),
    ],
)
def test_staff_block_bad_input_stores_nothing(client, room, adviser, day, changes, field):
    client.force_login(adviser)
    before = _stored()
    data = _block_post(room, day, **{key: value for key, value in changes.items() if value is not None})
    if changes.get("end_day", "") is None:
        del data["end_day"]
    body = _errors(client.post(reverse("bookings:staff_block"), data))
    assert f'id="id_{field}_error"' in body
    assert _stored() == before


def test_a_block_over_a_booking_is_refused(client, room, booker, adviser, day):
    factories.booking_row(room, booker[0], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)
    client.force_login(adviser)
    before = _stored()
    body = _errors(client.post(reverse("bookings:staff_block"), _block_post(room, day)))
    assert "opptatt" in body
    assert _stored() == before


def test_staff_of_another_centre_cannot_block(client, room, day):
    client.force_login(factories.staff(factories.CentreFactory(slug="vest")))
    body = _errors(client.post(reverse("bookings:staff_block"), _block_post(room, day)))
    assert 'id="id_resource_error"' in body
    assert not Booking.objects.exists()
    client.force_login(factories.UserFactory())
    assert client.post(reverse("bookings:staff_block"), _block_post(room, day)).status_code == 403


# --- Staff: move and cancel -------------------------------------------------------------
@pytest.fixture
def confirmed(room, booker, day):
    return factories.booking_row(room, booker[0], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)


def _move_post(target, on: dt.date, **changes) -> dict:
    data = {
        "resource": str(target.pk),
        "day": on.isoformat(),
        "starts_at": "13:00",
        "ends_at": "14:00",
        "reason": "Vannlekkasje i rommet.",
    }
    data.update(changes)
    return data


def test_staff_move_a_booking(
    client, centre, room, booker, adviser, confirmed, day, mailoutbox, django_capture_on_commit_callbacks
):
    other_room = factories.ResourceFactory.bookable_now(centre=centre, name="Møterom Fjell")
    client.force_login(adviser)
    url = reverse("bookings:staff_move", args=[confirmed.pk])
    body = client.get(url).content.decode()
    assert 'value="10:00"' in body and "Møterom Fjell" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _move_post(other_room, day))

    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert (confirmed.resource, confirmed.starts_at, confirmed.ends_at) == (
        other_room,
        at(day, 13),
        at(day, 14),
    )
    assert AuditEntry.objects.get(action="booking.moved").changes["reason"] == "Vannlekkasje i rommet."
    assert mailoutbox and all("Vannlekkasje i rommet." in message.body for message in mailoutbox)
    client.force_login(booker[1])
    assert (
        "Vannlekkasje i rommet."
        in client.get(reverse("bookings:detail", args=[confirmed.pk])).content.decode()
    )


def test_a_move_into_a_taken_time_keeps_the_old_time(client, room, booker, adviser, confirmed, day):
    other, _person = factories.booker(room.centre)
    factories.booking_row(room, other, at(day, 13), at(day, 15), status=BookingStatus.CONFIRMED)
    client.force_login(adviser)
    before = _stored()
    body = _errors(client.post(reverse("bookings:staff_move", args=[confirmed.pk]), _move_post(room, day)))
    assert "opptatt" in body
    assert _stored() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day": ""}, "day"),
        ({"starts_at": "25:61"}, "starts_at"),
        ({"ends_at": "12:00"}, "ends_at"),
        ({"resource": "999999"}, "resource"),
        ({"reason": LONG}, "reason"),
        ({"reason": " "}, "reason"),
    ],
)
def test_move_bad_input_stores_nothing(client, room, adviser, confirmed, day, changes, field):
    client.force_login(adviser)
    before = _stored()
    body = _errors(
        client.post(reverse("bookings:staff_move", args=[confirmed.pk]), _move_post(room, day, **changes))
    )
    assert f'id="id_{field}_error"' in body
    assert _stored() == before


def test_a_room_of_another_kind_or_centre_is_not_offered(client, centre, room, adviser, confirmed, day):
    projector = factories.ResourceFactory.equipment(centre=centre, name="Prosjektor")
    elsewhere = factories.ResourceFactory(centre=factories.CentreFactory(slug="vest"), name="Vestrommet")
    client.force_login(adviser)
    url = reverse("bookings:staff_move", args=[confirmed.pk])
    body = client.get(url).content.decode()
    assert "Prosjektor" not in body and "Vestrommet" not in body
    before = _stored()
    for resource in (projector, elsewhere):
        assert 'id="id_resource_error"' in _errors(client.post(url, _move_post(resource, day)))
    assert _stored() == before


def test_staff_cancel_with_a_reason_the_organisation_sees(client, booker, adviser, confirmed):
    client.force_login(adviser)
    url = reverse("bookings:staff_cancel", args=[confirmed.pk])
    assert 'id="id_reason_error"' in _errors(client.post(url, {"reason": ""}))
    assert 'id="id_reason_error"' in _errors(client.post(url, {"reason": LONG}))
    confirmed.refresh_from_db()
    assert confirmed.status == BookingStatus.CONFIRMED

    assert client.post(url, {"reason": "Vannskade i rommet."}).status_code == 302

    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancel_reason) == (BookingStatus.CANCELLED, "Vannskade i rommet.")
    client.force_login(booker[1])
    assert (
        "Vannskade i rommet." in client.get(reverse("bookings:detail", args=[confirmed.pk])).content.decode()
    )


def test_others_cannot_move_or_cancel(client, booker, confirmed, day, room):
    elsewhere = factories.staff(factories.CentreFactory(slug="vest"))
    before = _stored()
    for user in (elsewhere, booker[1]):
        client.force_login(user)
        for name in ("bookings:staff_move", "bookings:staff_cancel"):
            assert client.get(reverse(name, args=[confirmed.pk])).status_code == 404
        assert (
            client.post(
                reverse("bookings:staff_move", args=[confirmed.pk]), _move_post(room, day)
            ).status_code
            == 404
        )
        assert (
            client.post(reverse("bookings:staff_cancel", args=[confirmed.pk]), {"reason": "Nei"}).status_code
            == 404
        )
    assert _stored() == before


def test_a_finished_booking_offers_no_form(client, room, booker, adviser):
    past_day = factories.bookable_day() - dt.timedelta(weeks=4)
    past = factories.booking_row(
        room, booker[0], at(past_day, 10), at(past_day, 11), status=BookingStatus.CONFIRMED
    )
    client.force_login(adviser)
    for name in ("bookings:staff_move", "bookings:staff_cancel"):
        body = client.get(reverse(name, args=[past.pk])).content.decode()
        assert '<form method="post"' not in body


def test_the_staff_queue_links_to_the_tools(client, centre, room, booker, adviser):
    now = clock.local_now()
    today = factories.booking_row(
        room,
        booker[0],
        now - dt.timedelta(minutes=30),
        now + dt.timedelta(minutes=30),
        status=BookingStatus.CONFIRMED,
    )
    client.force_login(adviser)
    body = client.get(reverse("bookings:staff_queue")).content.decode()
    for url in (
        reverse("bookings:staff_book"),
        reverse("bookings:staff_block"),
        reverse("bookings:free_rooms", args=[centre.slug]),
        reverse("bookings:staff_move", args=[today.pk]),
        reverse("bookings:staff_cancel", args=[today.pk]),
    ):
        assert url in body, url
    detail = client.get(reverse("bookings:detail", args=[today.pk])).content.decode()
    assert reverse("bookings:staff_move", args=[today.pk]) in detail


def test_the_staff_queue_lists_the_coming_days_of_my_centres_only(client, room, booker, adviser, day):
    coming = factories.booking_row(room, booker[0], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)
    far = factories.booking_row(
        room, booker[0], at(day + dt.timedelta(weeks=3), 10), at(day + dt.timedelta(weeks=3), 11)
    )
    vest = factories.CentreFactory(slug="vest")
    elsewhere = factories.booking_row(
        factories.ResourceFactory(centre=vest), factories.booker(vest)[0], at(day, 10), at(day, 11)
    )
    client.force_login(adviser)
    body = client.get(reverse("bookings:staff_queue")).content.decode()
    assert reverse("bookings:staff_move", args=[coming.pk]) in body
    assert reverse("bookings:staff_cancel", args=[coming.pk]) in body
    assert reverse("bookings:staff_move", args=[far.pk]) not in body
    assert reverse("bookings:staff_move", args=[elsewhere.pk]) not in body
