"""Pages for recurring bookings: form → preview → book the free ones or none; the series
page; cancel and change this and all later times. Bad input stores nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from batteriet.bookings.models import Booking, BookingStatus, Occupancy, Series
from batteriet.core.models import AuditEntry
from tests import factories
from tests.bookings.test_series_services import ordinary_weeks

pytestmark = pytest.mark.django_db

at = factories.at
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def tuesday():
    return ordinary_weeks(weekday=1, weeks=5)


@pytest.fixture
def member(client, booker):
    _organisation, person = booker
    client.force_login(person)
    return person


def post_data(tuesday: dt.date, **changes) -> dict:
    data = {
        "frequency": "weekly",
        "interval": "1",
        "weekdays": ["1"],
        "first_day": tuesday.isoformat(),
        "count": "4",
        "starts_at": "10:00",
        "ends_at": "11:30",
        "purpose": "Norskkurs",
        "expected_people": "8",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def stored() -> tuple[int, int, int, int]:
    return (
        Series.objects.count(),
        Booking.objects.count(),
        Occupancy.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_form_page(client, member, room):
    response = client.get(reverse("bookings:series_create", args=[room.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="weekdays"' in body and 'type="checkbox"' in body
    assert 'name="frequency"' in body and 'type="radio"' in body
    assert "<legend" in body


def test_preview_lists_every_time_and_stores_nothing(client, member, room, centre, tuesday):
    other, _person = factories.booker(centre)
    factories.booking_row(
        room, other, at(tuesday + dt.timedelta(weeks=2), 11), at(tuesday + dt.timedelta(weeks=2), 12)
    )
    before = stored()

    response = client.post(reverse("bookings:series_create", args=[room.pk]), post_data(tuesday))

    assert response.status_code == 200
    assert stored() == before
    preview = response.context["preview"]
    assert [time.ok for time in preview] == [True, True, False, True]
    body = response.content.decode()
    assert body.count("<tr>") == 5  # a header row and four times
    assert "Cannot be booked:" in body or "kan ikke" in body.lower()
    assert 'name="book" value="free"' in body and 'name="book" value="none"' in body
    assert 'type="hidden" name="weekdays" value="1"' in body
    assert f'action="{reverse("bookings:series_confirm", args=[room.pk])}"' in body


def test_book_the_free_times(client, member, room, centre, tuesday, booker):
    organisation, _person = booker
    other, _person = factories.booker(centre)
    factories.booking_row(
        room, other, at(tuesday + dt.timedelta(weeks=1), 10), at(tuesday + dt.timedelta(weeks=1), 11)
    )

    response = client.post(
        reverse("bookings:series_confirm", args=[room.pk]), {**post_data(tuesday), "book": "free"}
    )

    series = Series.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:series_detail", args=[series.pk])
    assert series.organisation == organisation
    assert [b.starts_at for b in series.occurrences.order_by("starts_at")] == [
        at(tuesday + dt.timedelta(weeks=n), 10) for n in (0, 2, 3)
    ]
    page = client.get(response["Location"])
    assert page.status_code == 200
    [message] = page.context["messages"]
    assert str(message) == "3 tider er bestilt. 1 tid kunne ikke bestilles."  # Bokmål, the default
    assert len(page.context["occurrences"]) == 3


def test_dont_book_any(client, member, room, tuesday):
    before = stored()
    response = client.post(
        reverse("bookings:series_confirm", args=[room.pk]), {**post_data(tuesday), "book": "none"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:resource", args=[room.pk])
    assert stored() == before


def test_change_the_choices_goes_back_to_the_form_with_them(client, member, room, tuesday):
    response = client.post(
        reverse("bookings:series_create", args=[room.pk]), {**post_data(tuesday), "edit": "1"}
    )
    assert response.status_code == 200
    assert "bookings/series_form.html" in [t.name for t in response.templates]
    assert (
        'value="Norskkurs"' in response.content.decode()
        or "Norskkurs</textarea>" in response.content.decode()
    )


def test_confirm_checks_the_pattern_again(client, member, room, tuesday):
    """Hidden fields changed after the preview: the form comes back with the error."""
    before = stored()
    response = client.post(
        reverse("bookings:series_confirm", args=[room.pk]),
        {**post_data(tuesday, weekdays=["9"]), "book": "free"},
    )
    assert response.status_code == 200
    assert 'id="id_weekdays_error"' in response.content.decode()
    assert stored() == before


def test_when_nothing_is_free_on_confirm_the_preview_comes_back_with_the_reason(
    client, member, room, centre, tuesday
):
    other, _person = factories.booker(centre)
    for n in range(2):
        day = tuesday + dt.timedelta(weeks=n)
        factories.booking_row(room, other, at(day, 10), at(day, 11))
    before = stored()
    response = client.post(
        reverse("bookings:series_confirm", args=[room.pk]),
        {**post_data(tuesday, count="2"), "book": "free"},
    )
    assert response.status_code == 200
    assert stored() == before
    assert response.context["error"]
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    ("label", "changes", "field"),
    [
        ("no weekday", {"weekdays": None}, "weekdays"),
        ("weekday unknown", {"weekdays": ["7"]}, "weekdays"),
        ("weekday script", {"weekdays": [SCRIPT]}, "weekdays"),
        ("frequency unknown", {"frequency": "daily"}, "frequency"),
        ("frequency missing", {"frequency": None}, "frequency"),
        ("interval zero", {"interval": "0"}, "interval"),
        ("interval huge", {"interval": "99999999999999999999"}, "interval"),
        ("interval letters", {"interval": "to"}, "interval"),
        (
            "monthly with two weekdays",
            {"frequency": "monthly", "weekdays": ["0", "1"], "week_of_month": "1"},
            "weekdays",
        ),
        ("monthly without week", {"frequency": "monthly"}, "week_of_month"),
        ("week of month unknown", {"frequency": "monthly", "week_of_month": "5"}, "week_of_month"),
        ("first day missing", {"first_day": ""}, "first_day"),
        ("first day 30 February", {"first_day": "2027-02-30"}, "first_day"),
        ("first day year 9999", {"first_day": "9999-12-31"}, "first_day"),
        ("first day script", {"first_day": SCRIPT}, "first_day"),
        ("no end", {"count": ""}, "until"),
        ("both ends", {"until": "2027-12-31"}, "count"),
        ("count zero", {"count": "0"}, "count"),
        ("count too many", {"count": "101"}, "count"),
        ("until before first day", {"count": "", "until": "2001-01-01"}, "until"),
        ("until year 99999", {"count": "", "until": "99999-01-01"}, "until"),
        ("ends before start", {"ends_at": "09:00"}, "ends_at"),
        ("same start and end", {"ends_at": "10:00"}, "ends_at"),
        ("time letters", {"starts_at": "ti"}, "starts_at"),
        ("purpose missing", {"purpose": "  "}, "purpose"),
        ("purpose too long", {"purpose": "x" * 20_000}, "purpose"),
        ("too many people", {"expected_people": "500"}, "expected_people"),
        ("people zero", {"expected_people": "0"}, "expected_people"),
    ],
)
@pytest.mark.parametrize("step", ["series_create", "series_confirm"])
def test_bad_input_gives_a_message_next_to_the_field_and_stores_nothing(
    client, member, room, tuesday, label, changes, field, step
):
    before = stored()
    data = {**post_data(tuesday, **changes), "book": "free"}
    response = client.post(reverse(f"bookings:{step}", args=[room.pk]), data)
    assert response.status_code == 200, label
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body, label
    assert 'id="error-summary"' in body
    assert SCRIPT not in body
    assert stored() == before


def test_someone_without_an_organisation_cannot_book_a_series(client, room, tuesday):
    client.force_login(factories.UserFactory())
    for step in ("series_create", "series_confirm"):
        response = client.post(
            reverse(f"bookings:{step}", args=[room.pk]), {**post_data(tuesday), "book": "free"}
        )
        assert response.status_code == 403
    assert Series.objects.count() == 0


# --- A series and its times -------------------------------------------------------------
@pytest.fixture
def series(client, member, room, tuesday):
    response = client.post(
        reverse("bookings:series_confirm", args=[room.pk]), {**post_data(tuesday), "book": "free"}
    )
    assert response.status_code == 302
    return Series.objects.get()


def test_the_series_page_is_for_its_organisation_and_the_centres_staff(client, series, centre):
    url = reverse("bookings:series_detail", args=[series.pk])
    assert client.get(url).status_code == 200
    _other, stranger = factories.booker(centre)
    first = series.occurrences.order_by("starts_at").first()
    body = client.get(url).content.decode()
    assert reverse("bookings:series_cancel_from", args=[first.pk]) in body
    assert reverse("bookings:series_change_from", args=[first.pk]) in body
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(factories.staff(centre))
    assert client.get(url).status_code == 200


def test_a_time_of_a_series_offers_this_and_later(client, series):
    second = series.occurrences.order_by("starts_at")[1]
    body = client.get(reverse("bookings:detail", args=[second.pk])).content.decode()
    assert reverse("bookings:series_cancel_from", args=[second.pk]) in body
    assert reverse("bookings:series_change_from", args=[second.pk]) in body
    assert reverse("bookings:series_change_one", args=[second.pk]) in body
    assert reverse("bookings:series_detail", args=[series.pk]) in body


def test_cancel_this_and_later(client, series):
    first, second, *_rest = series.occurrences.order_by("starts_at")
    url = reverse("bookings:series_cancel_from", args=[second.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["later"]) == 3

    response = client.post(url, {"reason": "Pause i kurset"})

    assert response.status_code == 302
    statuses = list(series.occurrences.order_by("starts_at").values_list("status", flat=True))
    assert statuses == [BookingStatus.CONFIRMED] + [BookingStatus.CANCELLED] * 3
    assert Booking.objects.get(pk=first.pk).status == BookingStatus.CONFIRMED


def test_cancel_reason_too_long_cancels_nothing(client, series):
    second = series.occurrences.order_by("starts_at")[1]
    before = list(Booking.objects.order_by("pk").values_list("status", flat=True))
    response = client.post(reverse("bookings:series_cancel_from", args=[second.pk]), {"reason": "x" * 5000})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    assert list(Booking.objects.order_by("pk").values_list("status", flat=True)) == before


def test_change_this_and_later(client, series, tuesday):
    second = series.occurrences.order_by("starts_at")[1]
    url = reverse("bookings:series_change_from", args=[second.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="10:00"' in page.content.decode()

    response = client.post(url, {"starts_at": "13:00", "ends_at": "14:00"})

    assert response.status_code == 302
    times = list(series.occurrences.order_by("starts_at").values_list("starts_at", flat=True))
    assert times == [at(tuesday, 10)] + [at(tuesday + dt.timedelta(weeks=n), 13) for n in (1, 2, 3)]
    assert client.get(response["Location"]).context["times_of_day"] == "10:00–11:30, 13:00–14:00"


def test_change_that_clashes_lists_the_clash_and_changes_nothing(client, series, centre, room, tuesday):
    second = series.occurrences.order_by("starts_at")[1]
    other, _person = factories.booker(centre)
    day = tuesday + dt.timedelta(weeks=3)
    factories.booking_row(room, other, at(day, 13), at(day, 14))
    before = list(Booking.objects.order_by("pk").values_list("starts_at", "status"))

    response = client.post(
        reverse("bookings:series_change_from", args=[second.pk]), {"starts_at": "13:00", "ends_at": "14:00"}
    )

    assert response.status_code == 200
    assert [time.starts_at for time in response.context["refused"]] == [at(day, 13)]
    assert 'id="refused-caption"' in response.content.decode()
    assert list(Booking.objects.order_by("pk").values_list("starts_at", "status")) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"starts_at": "14:00", "ends_at": "13:00"}, "ends_at"),
        ({"starts_at": "", "ends_at": "13:00"}, "starts_at"),
        ({"starts_at": SCRIPT, "ends_at": "13:00"}, "starts_at"),
    ],
)
def test_change_with_bad_times_changes_nothing(client, series, data, field):
    second = series.occurrences.order_by("starts_at")[1]
    before = list(Booking.objects.order_by("pk").values_list("starts_at", "status"))
    response = client.post(reverse("bookings:series_change_from", args=[second.pk]), data)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert list(Booking.objects.order_by("pk").values_list("starts_at", "status")) == before


def test_others_cannot_cancel_or_change_this_and_later(client, series, centre):
    second = series.occurrences.order_by("starts_at")[1]
    _other, stranger = factories.booker(centre)
    client.force_login(stranger)
    before = list(Booking.objects.order_by("pk").values_list("starts_at", "status"))
    for name, data in (
        ("bookings:series_cancel_from", {}),
        ("bookings:series_change_from", {"starts_at": "13:00", "ends_at": "14:00"}),
    ):
        url = reverse(name, args=[second.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert list(Booking.objects.order_by("pk").values_list("starts_at", "status")) == before


def test_a_single_booking_has_no_this_and_later_pages(client, member, room, booker, tuesday):
    organisation, _person = booker
    single = factories.booking_row(room, organisation, at(tuesday, 14), at(tuesday, 15))
    for name in ("bookings:series_cancel_from", "bookings:series_change_from"):
        assert client.get(reverse(name, args=[single.pk])).status_code == 404


# --- Change only this time ---------------------------------------------------------------
def test_change_only_this_time(client, series, tuesday):
    second = series.occurrences.order_by("starts_at")[1]
    url = reverse("bookings:series_change_one", args=[second.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{(tuesday + dt.timedelta(weeks=1)).isoformat()}"' in page.content.decode()
    new_day = tuesday + dt.timedelta(weeks=1, days=1)

    response = client.post(url, {"day": new_day.isoformat(), "starts_at": "14:00", "ends_at": "15:00"})

    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:detail", args=[second.pk])
    times = list(series.occurrences.order_by("starts_at").values_list("starts_at", flat=True))
    assert times == [
        at(tuesday, 10),
        at(new_day, 14),
        at(tuesday + dt.timedelta(weeks=2), 10),
        at(tuesday + dt.timedelta(weeks=3), 10),
    ]
    assert Booking.objects.get(pk=second.pk).series_id == series.pk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "", "starts_at": "14:00", "ends_at": "15:00"}, "day"),
        ({"day": "9999-01-01", "starts_at": "14:00", "ends_at": "15:00"}, "day"),
        ({"day": "__taken__", "starts_at": "10:00", "ends_at": "11:00"}, None),
        ({"day": "__day__", "starts_at": "15:00", "ends_at": "14:00"}, "ends_at"),
        ({"day": "__day__", "starts_at": "20:00", "ends_at": "21:00"}, "starts_at"),
    ],
)
def test_change_only_this_time_refused_changes_nothing(client, series, tuesday, data, field):
    first, second = series.occurrences.order_by("starts_at")[:2]
    values = {"__taken__": first.starts_at.astimezone(at(tuesday, 0).tzinfo).date().isoformat()}
    values["__day__"] = (tuesday + dt.timedelta(weeks=1)).isoformat()
    data = {key: values.get(value, value) for key, value in data.items()}
    before = list(Booking.objects.order_by("pk").values_list("starts_at", "ends_at", "status"))

    response = client.post(reverse("bookings:series_change_one", args=[second.pk]), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body if field else 'role="alert"' in body
    assert list(Booking.objects.order_by("pk").values_list("starts_at", "ends_at", "status")) == before
