"""The waiting list pages: join from a taken time, my places, confirm or turn down a held time."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from batteriet.bookings import services
from batteriet.bookings.models import Booking, BookingStatus, Occupancy, WaitlistEntry, WaitlistStatus
from batteriet.bookings.services import waitlist
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
LONG = "x" * 20_000


def _post(on: dt.date, **changes) -> dict:
    data = {"day": on.isoformat(), "starts_at": "10:00", "ends_at": "12:00", "purpose": "Årsmøte"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _stored() -> tuple[list, list, list]:
    return (
        list(Booking.objects.values()),
        list(Occupancy.objects.values()),
        list(WaitlistEntry.objects.values()),
    )


@pytest.fixture
def taken(room, day):
    """10–12 is booked by another organisation."""
    holder, holder_person = factories.booker(room.centre)
    return services.booking_create(
        actor=holder_person,
        resource=room,
        organisation=holder,
        starts_at=at(day, 10),
        ends_at=at(day, 12),
        purpose="Styremøte",
    )


def _held_for(booker, room, day, taken) -> Booking:
    organisation, person = booker
    entry = waitlist.waitlist_join(
        actor=person,
        resource=room,
        organisation=organisation,
        starts_at=at(day, 10),
        ends_at=at(day, 12),
        purpose="Årsmøte",
    )
    services.booking_cancel(actor=taken.booked_by, booking=taken)
    entry.refresh_from_db()
    return entry.offer


# --- Joining ------------------------------------------------------------------------------
def test_a_taken_time_offers_the_waiting_list_and_the_button_joins_it(client, room, booker, day, taken):
    organisation, contact = booker
    client.force_login(contact)
    page = client.post(reverse("bookings:create", args=[room.pk]), _post(day)).content.decode()
    assert 'id="waitlist-offer-heading"' in page
    join_url = reverse("bookings:waitlist_join", args=[room.pk])
    assert f'action="{join_url}"' in page
    assert 'name="purpose" value="Årsmøte"' in page

    response = client.post(join_url, _post(day))

    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:mine")
    entry = WaitlistEntry.objects.get()
    assert (entry.organisation, entry.starts_at, entry.status) == (
        organisation,
        at(day, 10),
        WaitlistStatus.WAITING,
    )
    mine = client.get(reverse("bookings:mine")).content.decode()
    assert reverse("bookings:waitlist_leave", args=[entry.pk]) in mine


def test_a_free_time_is_not_offered_the_waiting_list(client, room, booker, day, taken):
    client.force_login(booker[1])
    page = client.post(
        reverse("bookings:create", args=[room.pk]), _post(day, starts_at="13:00", ends_at="14:00")
    )
    assert reverse("bookings:waitlist_join", args=[room.pk]) not in page.content.decode()


def test_the_join_page_is_filled_in_from_the_address(client, room, booker, day, taken):
    client.force_login(booker[1])
    url = reverse("bookings:waitlist_join", args=[room.pk])
    page = client.get(url, {"dag": day.isoformat(), "fra": "10:00", "til": "11:00"}).content.decode()
    assert f'value="{day.isoformat()}"' in page
    assert 'value="10:00"' in page and 'value="11:00"' in page


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_at": "13:00", "ends_at": "14:00"},  # free: book it instead
        {"day": "not a day"},
        {"starts_at": "25:00"},
        {"day": "1850-01-01"},
        {"purpose": ""},
        {"purpose": LONG},
        {"expected_people": "0"},
        {"expected_people": "many"},
        {"expected_people": "500"},
        {"starts_at": "12:00", "ends_at": "10:00"},
    ],
)
def test_bad_input_to_the_join_page_gives_a_message_and_stores_nothing(
    client, room, booker, day, taken, changes
):
    client.force_login(booker[1])
    before = _stored()
    response = client.post(reverse("bookings:waitlist_join", args=[room.pk]), _post(day, **changes))
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert _stored() == before


def test_there_is_no_waiting_list_for_equipment(client, centre, booker):
    client.force_login(booker[1])
    projector = factories.ResourceFactory.equipment(centre=centre)
    assert client.get(reverse("bookings:waitlist_join", args=[projector.pk])).status_code == 404


def test_people_without_an_organisation_that_may_book_cannot_join(client, room):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("bookings:waitlist_join", args=[room.pk])).status_code == 403


def test_leaving_the_waiting_list(client, room, booker, day, taken):
    organisation, contact = booker
    entry = waitlist.waitlist_join(
        actor=contact,
        resource=room,
        organisation=organisation,
        starts_at=at(day, 10),
        ends_at=at(day, 12),
        purpose="X",
    )
    client.force_login(contact)
    response = client.post(reverse("bookings:waitlist_leave", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN
    # Again: a message, no error page.
    assert client.post(reverse("bookings:waitlist_leave", args=[entry.pk])).status_code == 302


# --- A held time --------------------------------------------------------------------------
def test_a_held_time_shows_its_deadline_and_is_confirmed(client, room, booker, day, taken):
    held = _held_for(booker, room, day, taken)
    client.force_login(booker[1])

    mine = client.get(reverse("bookings:mine")).content.decode()
    assert reverse("bookings:offer_accept", args=[held.pk]) in mine
    assert reverse("bookings:offer_decline", args=[held.pk]) in mine
    detail = client.get(reverse("bookings:detail", args=[held.pk])).content.decode()
    assert 'id="held-offer-heading"' in detail
    assert reverse("bookings:offer_accept", args=[held.pk]) in detail
    assert reverse("bookings:cancel", args=[held.pk]) not in detail

    response = client.post(reverse("bookings:offer_accept", args=[held.pk]))

    assert response["Location"] == reverse("bookings:detail", args=[held.pk])
    held.refresh_from_db()
    assert held.status == BookingStatus.CONFIRMED
    assert 'id="held-offer-heading"' not in client.get(response["Location"]).content.decode()


def test_no_thanks_passes_the_time_on(client, room, booker, day, taken):
    held = _held_for(booker, room, day, taken)
    client.force_login(booker[1])
    response = client.post(reverse("bookings:offer_decline", args=[held.pk]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == BookingStatus.CANCELLED
    # Answering again: a message on the booking page, not an error page.
    assert client.post(reverse("bookings:offer_accept", args=[held.pk])).status_code == 302
    assert client.post(reverse("bookings:offer_decline", args=[held.pk])).status_code == 302


def test_a_hold_past_its_deadline_cannot_be_confirmed(client, room, booker, day, taken):
    held = _held_for(booker, room, day, taken)
    client.force_login(booker[1])
    with mock.patch("django.utils.timezone.now", return_value=held.hold_expires_at):
        response = client.post(reverse("bookings:offer_accept", args=[held.pk]), follow=True)
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.status == BookingStatus.EXPIRED


def test_premises_need_a_responsible_person_to_confirm(client, centre, booker, day):
    hall = factories.ResourceFactory.premises(centre=centre, requires_approval=False, buffer_minutes=0)
    holder, holder_person = factories.booker(centre)
    evening = {"starts_at": at(day, 18), "ends_at": at(day, 21)}
    taken = services.booking_create(
        actor=holder_person,
        resource=hall,
        organisation=holder,
        purpose="Fest",
        responsible_name="Per",
        responsible_phone="91234567",
        **evening,
    )
    organisation, contact = booker
    entry = waitlist.waitlist_join(
        actor=contact, resource=hall, organisation=organisation, purpose="Årsmøte", **evening
    )
    services.booking_cancel(actor=holder_person, booking=taken)
    entry.refresh_from_db()
    held = entry.offer
    client.force_login(contact)
    url = reverse("bookings:offer_accept", args=[held.pk])
    assert (
        'name="responsible_name"' in client.get(reverse("bookings:detail", args=[held.pk])).content.decode()
    )

    for bad in ({}, {"responsible_name": "Kari", "responsible_phone": "abc"}, {"responsible_name": LONG}):
        response = client.post(url, bad)
        assert response.status_code == 200
        assert 'id="error-summary"' in response.content.decode()
        held.refresh_from_db()
        assert held.status == BookingStatus.HELD

    client.post(url, {"responsible_name": "Kari Nordmann", "responsible_phone": "91234567"})
    held.refresh_from_db()
    assert (held.status, held.responsible_name, held.responsible_phone) == (
        BookingStatus.CONFIRMED,
        "Kari Nordmann",
        "+4791234567",
    )


def test_staff_see_the_deadline_but_answer_nothing(client, room, booker, day, taken, adviser):
    held = _held_for(booker, room, day, taken)
    client.force_login(adviser)
    detail = client.get(reverse("bookings:detail", args=[held.pk])).content.decode()
    assert 'id="held-offer-heading"' in detail
    assert reverse("bookings:offer_accept", args=[held.pk]) not in detail
    assert client.post(reverse("bookings:offer_accept", args=[held.pk])).status_code == 404


def test_another_organisation_cannot_reach_a_place_or_a_hold(client, room, booker, day, taken):
    held = _held_for(booker, room, day, taken)
    entry = held.waitlist_entry
    _other, stranger = factories.booker(room.centre)
    client.force_login(stranger)
    before = _stored()
    for url in (
        reverse("bookings:offer_accept", args=[held.pk]),
        reverse("bookings:offer_decline", args=[held.pk]),
        reverse("bookings:waitlist_leave", args=[entry.pk]),
    ):
        assert client.post(url).status_code == 404
    assert _stored() == before
    assert (
        reverse("bookings:waitlist_leave", args=[entry.pk])
        not in client.get(reverse("bookings:mine")).content.decode()
    )


def test_the_confirm_page_asks_for_the_responsible_person_of_premises(client, room, booker, day, taken):
    held = _held_for(booker, room, day, taken)
    client.force_login(booker[1])
    url = reverse("bookings:offer_accept", args=[held.pk])
    page = client.get(url).content.decode()
    assert f'action="{url}"' in page
    assert 'name="responsible_name"' not in page  # a meeting room needs no responsible person
    client.post(reverse("bookings:offer_decline", args=[held.pk]))
    assert client.get(url)["Location"] == reverse("bookings:detail", args=[held.pk])


def test_a_busy_hour_in_the_week_view_leads_to_the_waiting_list(client, room, booker, day, taken):
    client.force_login(booker[1])
    week = client.get(reverse("bookings:resource", args=[room.pk]), {"uke": day.isoformat()}).content.decode()
    link = f"{reverse('bookings:waitlist_join', args=[room.pk])}?dag={day.isoformat()}&amp;fra=11:00"
    assert link in week
    assert f"?dag={day.isoformat()}&amp;fra=12:00" not in week  # 12:00 is free

    page = client.get(
        reverse("bookings:waitlist_join", args=[room.pk]), {"dag": day.isoformat(), "fra": "11:00"}
    )
    assert 'value="11:00"' in page.content.decode() and 'value="12:00"' in page.content.decode()


def test_staff_see_busy_hours_without_a_waiting_list_link(client, room, adviser, day, taken):
    client.force_login(adviser)
    week = client.get(reverse("bookings:resource", args=[room.pk]), {"uke": day.isoformat()}).content.decode()
    assert reverse("bookings:waitlist_join", args=[room.pk]) not in week


def test_my_bookings_sends_a_held_time_to_the_waiting_list_not_to_cancelling(
    client, room, booker, day, taken
):
    held = _held_for(booker, room, day, taken)
    client.force_login(booker[1])
    mine = client.get(reverse("bookings:mine")).content.decode()
    assert reverse("bookings:cancel", args=[held.pk]) not in mine
    assert 'href="#waitlist-heading"' in mine and 'id="waitlist-heading"' in mine


def test_premises_can_be_waited_for_without_naming_the_responsible_person_yet(client, centre, booker, day):
    hall = factories.ResourceFactory.premises(centre=centre, requires_approval=False, buffer_minutes=0)
    holder, holder_person = factories.booker(centre)
    services.booking_create(
        actor=holder_person,
        resource=hall,
        organisation=holder,
        starts_at=at(day, 18),
        ends_at=at(day, 21),
        purpose="Fest",
        responsible_name="Per",
        responsible_phone="91234567",
    )
    client.force_login(booker[1])
    url = reverse("bookings:waitlist_join", args=[hall.pk])
    assert 'name="responsible_name"' not in client.get(url).content.decode()
    response = client.post(url, _post(day, starts_at="18:00", ends_at="21:00", expected_people="20"))
    assert response.status_code == 302
    assert WaitlistEntry.objects.get().resource == hall
