"""Staff pages for weekly times, absences, drop-ins and figures: each page and action, bad
input on every field (nothing stored, never a 500), other centres' objects invisible, and
query counts that do not grow with the data."""

import datetime as dt

import pytest
from django.urls import reverse

from batteriet.centres.models import StaffAssignment
from batteriet.core import time as clock
from batteriet.guidance.models import Absence, Appointment, AvailabilitySlot, DropIn, SessionRecord
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
LONG = "x" * 20_000


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def other_centre():
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


@pytest.fixture
def stranger(other_centre):
    """An adviser at the other centre."""
    return factories.staff(other_centre, full_name="Bjørn Bergen")


def slots_url(centre) -> str:
    return reverse("guidance:availability", args=[centre.slug])


def absences_url(centre) -> str:
    return reverse("guidance:absences", args=[centre.slug])


def dropin_url(centre) -> str:
    return reverse("guidance:dropin", args=[centre.slug])


FIGURES = "/ansatt/veiledning/tall/"


def slot_post(who, **overrides) -> dict:
    body = {
        "adviser": who.pk,
        "weekday": "1",
        "starts_at_time": "10:00",
        "ends_at_time": "14:00",
        "appointment_minutes": "60",
        "valid_from": clock.local_today().isoformat(),
        "valid_until": "",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def absence_post(who, **overrides) -> dict:
    day = factories.bookable_day(weekday=1)
    body = {
        "adviser": who.pk,
        "starts_on": day.isoformat(),
        "starts_time": "08:00",
        "ends_on": (day + dt.timedelta(days=2)).isoformat(),
        "ends_time": "16:00",
        "reason": "Ferie",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def errors(response) -> dict:
    return response.context["form"].errors


# --- Weekly times --------------------------------------------------------------------------
def test_the_weekly_times_page_lists_the_centres_times_by_weekday(
    client, centre, adviser, colleague, other_centre
):
    factories.availability(colleague, centre, 3, dt.time(12), dt.time(15), minutes=90)
    factories.availability(adviser, centre, 1, dt.time(10), dt.time(14))
    factories.availability(
        adviser,
        centre,
        0,
        dt.time(9),
        dt.time(10),
        valid_from=clock.local_today() - dt.timedelta(days=30),
        valid_until=clock.local_today() - dt.timedelta(days=1),
    )  # over: not shown
    factories.availability(factories.staff(other_centre), other_centre, 1, dt.time(10), dt.time(11))
    client.force_login(adviser)

    response = client.get(slots_url(centre))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row["slot"].weekday, row["slot"].adviser, row["per_week"]) for row in rows] == [
        (1, adviser, 4),
        (3, colleague, 2),
    ]
    assert [row["may_delete"] for row in rows] == [True, False]
    assert response.context["per_week_now"] == 6
    page = response.content.decode()
    assert "give 6 appointments a week" in page
    assert "10:00–14:00" in page and "12:00–15:00" in page
    assert reverse("guidance:slot_delete", args=[rows[0]["slot"].pk]) in page
    assert reverse("guidance:slot_delete", args=[rows[1]["slot"].pk]) not in page


def test_an_adviser_chooses_only_themself_and_the_lead_anyone_at_the_centre(
    client, centre, adviser, colleague, lead, stranger
):
    client.force_login(adviser)
    assert list(client.get(slots_url(centre)).context["form"].fields["adviser"].queryset) == [adviser]
    client.force_login(lead)
    assert set(client.get(slots_url(centre)).context["form"].fields["adviser"].queryset) == {
        adviser,
        colleague,
        lead,
    }


def test_an_adviser_adds_a_weekly_time(client, centre, adviser):
    client.force_login(adviser)

    response = client.post(slots_url(centre), slot_post(adviser), follow=True)

    slot = AvailabilitySlot.objects.get()
    assert (slot.adviser, slot.centre, slot.weekday, slot.valid_until) == (adviser, centre, 1, None)
    assert response.redirect_chain[-1][0] == slots_url(centre)
    assert "It gives 4 appointments a week." in response.content.decode()


def test_the_lead_and_a_coordinator_add_times_for_advisers_at_the_centre(client, centre, adviser, lead):
    client.force_login(lead)
    assert client.post(slots_url(centre), slot_post(adviser)).status_code == 302
    client.force_login(factories.national_coordinator())
    assert client.post(slots_url(centre), slot_post(adviser, weekday="2")).status_code == 302
    assert AvailabilitySlot.objects.filter(adviser=adviser).count() == 2


BAD_SLOT_FIELDS = [
    ("valid_from", "0001-01-01"),
    ("valid_until", "9999-12-31"),
    ("weekday", LONG),
    ("weekday", "7"),
    ("weekday", "\x00"),
    ("starts_at_time", "25:99"),
    ("starts_at_time", LONG),
    ("starts_at_time", "10:00\x00"),
    ("starts_at_time", "<script>alert(1)</script>"),
    ("ends_at_time", "25:99"),
    ("ends_at_time", "09:00"),
    ("ends_at_time", ""),
    ("appointment_minutes", "61"),
    ("appointment_minutes", LONG),
    ("appointment_minutes", "\x00"),
    ("valid_from", "2026-02-30"),
    ("valid_from", LONG),
    ("valid_from", "\x00"),
    ("valid_from", ""),
    ("valid_until", "2026-02-30"),
    ("valid_until", "2000-01-01"),
    ("adviser", LONG),
    ("adviser", "\x00"),
    ("adviser", ""),
]


@pytest.mark.parametrize(("field", "value"), BAD_SLOT_FIELDS)
def test_bad_weekly_times_get_a_message_by_the_field_and_nothing_is_stored(
    client, centre, adviser, field, value
):
    client.force_login(adviser)

    response = client.post(slots_url(centre), slot_post(adviser, **{field: value}))

    assert response.status_code == 200
    assert field in errors(response), errors(response)
    assert AvailabilitySlot.objects.count() == 0
    assert "To go on, please fix this" in response.content.decode()


def test_missing_fields_get_a_message_each(client, centre, adviser):
    client.force_login(adviser)

    response = client.post(slots_url(centre), {})

    assert set(errors(response)) == {
        "adviser",
        "weekday",
        "starts_at_time",
        "ends_at_time",
        "valid_from",
        "appointment_minutes",
    }


def test_the_rules_of_the_service_come_back_by_the_field(client, centre, adviser):
    client.force_login(adviser)
    long_ago = (clock.local_today() - dt.timedelta(days=400)).isoformat()

    response = client.post(slots_url(centre), slot_post(adviser, valid_from=long_ago))
    assert "at most a year back" in errors(response)["valid_from"][0]
    response = client.post(slots_url(centre), slot_post(adviser, ends_at_time="10:45"))
    assert "Not even one appointment fits" in errors(response)["appointment_minutes"][0]
    assert AvailabilitySlot.objects.count() == 0


def test_an_overlapping_weekly_time_is_refused_with_the_one_it_overlaps(
    client, centre, other_centre, adviser
):
    StaffAssignment.objects.create(user=adviser, centre=other_centre, role="adviser")
    factories.availability(adviser, other_centre, 1, dt.time(13), dt.time(15))
    client.force_login(adviser)

    response = client.post(slots_url(centre), slot_post(adviser))

    message = errors(response)["starts_at_time"][0]
    assert "at Batteriet Vest: Tuesday 13:00–15:00" in message
    assert AvailabilitySlot.objects.count() == 1


def test_an_adviser_cannot_add_times_for_a_colleague_or_another_centres_adviser(
    client, centre, adviser, colleague, stranger
):
    client.force_login(adviser)
    for someone in (colleague, stranger):
        response = client.post(slots_url(centre), slot_post(someone))
        assert errors(response)["adviser"] == ["Choose an adviser who works at this centre."]
    client.force_login(factories.lead(centre))
    response = client.post(slots_url(centre), slot_post(stranger))
    assert errors(response)["adviser"] == ["Choose an adviser who works at this centre."]
    assert AvailabilitySlot.objects.count() == 0


def test_staff_of_another_centre_get_404_and_others_403(client, centre, stranger):
    client.force_login(stranger)
    assert client.get(slots_url(centre)).status_code == 404
    assert client.post(slots_url(centre), slot_post(stranger)).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.get(slots_url(centre)).status_code == 403
    assert AvailabilitySlot.objects.count() == 0


def test_the_weekly_times_page_does_not_grow_in_queries(client, centre, lead, django_assert_max_num_queries):
    client.force_login(lead)
    client.get(slots_url(centre))
    for index in range(12):
        someone = factories.staff(centre)
        factories.availability(someone, centre, index % 5, dt.time(9), dt.time(11 + index % 3))
    with django_assert_max_num_queries(12):
        response = client.get(slots_url(centre))
    assert len(response.context["rows"]) == 12


# --- Deleting a weekly time -------------------------------------------------------------------
def test_deleting_a_weekly_time_shows_what_stays_booked_then_deletes_it(client, centre, adviser):
    slot = factories.availability(adviser, centre, 1, dt.time(10), dt.time(14))
    day = factories.bookable_day(weekday=1)
    request = factories.guidance_request_row(centre)
    factories.appointment_row(request, adviser, at(day, 10), at(day, 11))
    client.force_login(adviser)
    url = reverse("guidance:slot_delete", args=[slot.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["still_booked"][0]["appointment"].request == request
    assert "stay booked" in page.content.decode()

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == slots_url(centre)
    assert AvailabilitySlot.objects.count() == 0
    assert Appointment.objects.get().status == "booked"
    assert "1 appointment in this time is still booked" in response.content.decode()


def test_slots_of_colleagues_and_other_centres_are_404(
    client, centre, other_centre, adviser, colleague, stranger, lead
):
    mine = factories.availability(adviser, centre, 1, dt.time(10), dt.time(14))
    theirs = factories.availability(stranger, other_centre, 1, dt.time(10), dt.time(14))
    client.force_login(colleague)
    assert client.get(reverse("guidance:slot_delete", args=[mine.pk])).status_code == 404
    assert client.post(reverse("guidance:slot_delete", args=[mine.pk])).status_code == 404
    client.force_login(lead)
    assert client.get(reverse("guidance:slot_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("guidance:slot_delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("guidance:slot_delete", args=[999_999])).status_code == 404
    assert AvailabilitySlot.objects.count() == 2
    assert client.post(reverse("guidance:slot_delete", args=[mine.pk])).status_code == 302
    assert AvailabilitySlot.objects.count() == 1


# --- Absences ----------------------------------------------------------------------------------
def test_the_absences_page_lists_coming_absences_and_what_is_still_booked(
    client, centre, adviser, colleague, stranger
):
    day = factories.bookable_day(weekday=1)
    mine = Absence.objects.create(adviser=adviser, starts_at=at(day, 8), ends_at=at(day, 16), reason="Kurs")
    Absence.objects.create(adviser=colleague, starts_at=at(day, 8), ends_at=at(day, 16), reason="Ferie")
    Absence.objects.create(
        adviser=adviser,
        starts_at=clock.now() - dt.timedelta(days=3),
        ends_at=clock.now() - dt.timedelta(days=2),
    )  # over
    Absence.objects.create(adviser=stranger, starts_at=at(day, 8), ends_at=at(day, 16))  # elsewhere
    request = factories.guidance_request_row(centre)
    factories.appointment_row(request, adviser, at(day, 10), at(day, 11))
    client.force_login(adviser)

    response = client.get(absences_url(centre))

    rows = response.context["rows"]
    assert [(row["absence"].adviser, row["may_delete"]) for row in rows] == [
        (adviser, True),
        (colleague, False),
    ]
    assert [item["appointment"].request for item in rows[0]["still_booked"]] == [request]
    page = response.content.decode()
    assert "These appointments are still booked: move or cancel them." in page
    assert reverse("guidance:triage", args=[request.pk]) in page  # where to move or cancel it
    assert reverse("guidance:absence_delete", args=[mine.pk]) in page
    assert "Bjørn" not in page


def test_an_adviser_adds_an_absence_and_is_told_what_is_still_booked(client, centre, adviser):
    day = factories.bookable_day(weekday=1)
    factories.appointment_row(factories.guidance_request_row(centre), adviser, at(day, 10), at(day, 11))
    client.force_login(adviser)

    response = client.post(absences_url(centre), absence_post(adviser), follow=True)

    absence = Absence.objects.get()
    assert (absence.starts_at, absence.ends_at, absence.reason) == (
        at(day, 8),
        at(day + dt.timedelta(days=2), 16),
        "Ferie",
    )
    assert "1 appointment in the absence is still booked: move or cancel it." in response.content.decode()
    assert Appointment.objects.get().status == "booked"


def test_the_lead_adds_absences_for_colleagues_but_an_adviser_cannot(
    client, centre, adviser, colleague, lead
):
    client.force_login(adviser)
    response = client.post(absences_url(centre), absence_post(colleague))
    assert "adviser" in errors(response)
    client.force_login(lead)
    assert client.post(absences_url(centre), absence_post(colleague)).status_code == 302
    assert Absence.objects.get().adviser == colleague


BAD_ABSENCE_FIELDS = [
    ("starts_on", "2026-02-30"),
    ("starts_on", "0001-01-01"),
    ("ends_on", "9999-12-31"),
    ("starts_on", LONG),
    ("starts_on", "\x00"),
    ("starts_on", ""),
    ("starts_time", "25:99"),
    ("starts_time", LONG),
    ("starts_time", "\x00"),
    ("ends_on", "2026-02-30"),
    ("ends_on", "<script>"),
    ("ends_time", "25:99"),
    ("ends_time", ""),
    ("reason", LONG),
    ("reason", "x" * 201),
    ("reason", "Fe\x00rie"),
    ("adviser", LONG),
    ("adviser", "\x00"),
]


@pytest.mark.parametrize(("field", "value"), BAD_ABSENCE_FIELDS)
def test_bad_absences_get_a_message_by_the_field_and_nothing_is_stored(client, centre, adviser, field, value):
    client.force_login(adviser)

    response = client.post(absences_url(centre), absence_post(adviser, **{field: value}))

    assert response.status_code == 200
    assert field in errors(response), errors(response)
    assert Absence.objects.count() == 0


def test_the_absence_rules_come_back_by_the_date_fields(client, centre, adviser):
    day = factories.bookable_day(weekday=1)
    client.force_login(adviser)
    cases = [
        ({"ends_on": day.isoformat(), "ends_time": "07:00"}, "ends_on", "must end after it starts"),
        ({"ends_on": (day + dt.timedelta(days=800)).isoformat()}, "ends_on", "at most two years"),
        ({"starts_on": "2020-01-01", "ends_on": "2020-01-02"}, "ends_on", "already over"),
    ]
    for overrides, field, text in cases:
        response = client.post(absences_url(centre), absence_post(adviser, **overrides))
        assert text in errors(response)[field][0], overrides
    assert Absence.objects.count() == 0


def test_an_adviser_of_another_centre_cannot_touch_absences_here(client, centre, adviser, stranger):
    day = factories.bookable_day(weekday=1)
    absence = Absence.objects.create(adviser=adviser, starts_at=at(day, 8), ends_at=at(day, 16))
    client.force_login(stranger)
    assert client.get(absences_url(centre)).status_code == 404
    assert client.post(absences_url(centre), absence_post(adviser)).status_code == 404
    url = reverse("guidance:absence_delete", args=[absence.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(factories.lead(factories.CentreFactory(slug="nord")))
    assert client.post(url).status_code == 404
    assert Absence.objects.count() == 1


def test_deleting_an_absence(client, centre, adviser, colleague, lead):
    day = factories.bookable_day(weekday=1)
    absence = Absence.objects.create(adviser=adviser, starts_at=at(day, 8), ends_at=at(day, 16))
    url = reverse("guidance:absence_delete", args=[absence.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    client.force_login(adviser)
    assert client.get(url).status_code == 200

    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == absences_url(centre)
    assert Absence.objects.count() == 0
    assert client.get(reverse("guidance:absence_delete", args=[999_999])).status_code == 404


def test_the_absences_page_does_not_grow_in_queries(client, centre, lead, django_assert_max_num_queries):
    client.force_login(lead)
    day = factories.bookable_day(weekday=1)
    for index in range(10):
        someone = factories.staff(centre)
        Absence.objects.create(adviser=someone, starts_at=at(day, 8), ends_at=at(day, 16))
        factories.appointment_row(
            factories.guidance_request_row(centre), someone, at(day, 9 + index % 5), at(day, 10 + index % 5)
        )
    with django_assert_max_num_queries(12):
        response = client.get(absences_url(centre))
    assert sum(len(row["still_booked"]) for row in response.context["rows"]) == 10


# --- Drop-ins --------------------------------------------------------------------------------------
def test_one_click_logs_a_drop_in_and_lists_todays(client, centre, adviser, other_centre):
    DropIn.objects.create(
        centre=other_centre, held_on=clock.local_today(), topic="board", mode="phone", minutes=5
    )
    client.force_login(adviser)
    page = client.get(dropin_url(centre))
    assert page.status_code == 200
    assert page.context["form"]["minutes"].value() == 15
    assert page.context["form"]["mode"].value() == "centre"

    response = client.post(
        dropin_url(centre), {"mode": "phone", "minutes": "30", "topic": "funding"}, follow=True
    )

    dropin = DropIn.objects.get(centre=centre)
    assert (dropin.topic, dropin.mode, dropin.minutes, dropin.held_on) == (
        "funding",
        "phone",
        30,
        clock.local_today(),
    )
    text = response.content.decode()
    assert "Logged: Applying for money, 30 min." in text
    assert response.context["form"]["mode"].value() == "phone"  # kept for the next click
    assert response.context["form"]["minutes"].value() == 30
    assert [item.topic for item in response.context["logged_today"]] == ["funding"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minutes", LONG),
        ("minutes", "\x00"),
        ("minutes", "0"),
        ("minutes", "601"),
        ("minutes", "-5"),
        ("minutes", ""),
        ("mode", LONG),
        ("mode", "\x00"),
        ("mode", ""),
        ("topic", LONG),
        ("topic", "<script>"),
        ("topic", ""),
    ],
)
def test_bad_drop_ins_get_a_message_and_nothing_is_stored(client, centre, adviser, field, value):
    client.force_login(adviser)
    body = {"mode": "centre", "minutes": "15", "topic": "starting", field: value}

    response = client.post(dropin_url(centre), body)

    assert response.status_code == 200
    assert field in errors(response)
    assert DropIn.objects.count() == 0


def test_drop_ins_are_for_staff_of_the_centre(client, centre, stranger):
    client.force_login(stranger)
    assert client.get(dropin_url(centre)).status_code == 404
    assert (
        client.post(dropin_url(centre), {"mode": "centre", "minutes": "15", "topic": "other"}).status_code
        == 404
    )
    client.force_login(factories.UserFactory())
    assert client.get(dropin_url(centre)).status_code == 403
    assert DropIn.objects.count() == 0


def test_odd_settings_in_the_address_are_ignored(client, centre, adviser):
    client.force_login(adviser)
    response = client.get(dropin_url(centre) + "?mode=%00&minutes=99999")
    assert response.context["form"]["minutes"].value() == 15


def test_the_drop_in_page_does_not_grow_in_queries(client, centre, adviser, django_assert_max_num_queries):
    client.force_login(adviser)
    for index in range(20):
        DropIn.objects.create(
            centre=centre, held_on=clock.local_today(), topic="other", mode="centre", minutes=index + 1
        )
    with django_assert_max_num_queries(8):
        response = client.get(dropin_url(centre))
    assert len(response.context["logged_today"]) == 20


# --- Figures -----------------------------------------------------------------------------------------
def _record(centre, held_at, organisation=None, **fields):
    fields.setdefault("minutes", 60)
    fields.setdefault("mode", "centre")
    fields.setdefault("topics", ["statutes"])
    return SessionRecord.objects.create(centre=centre, held_at=held_at, organisation=organisation, **fields)


def test_the_figures_default_to_this_year_at_the_first_centre(client, centre, other_centre, adviser):
    today = clock.local_today()
    organisation = factories.OrganisationFactory()
    _record(centre, clock.now() - dt.timedelta(hours=1), organisation, people=3)
    _record(other_centre, clock.now() - dt.timedelta(hours=1))
    DropIn.objects.create(centre=centre, held_on=today, topic="board", mode="phone", minutes=30)
    client.force_login(adviser)

    response = client.get(FIGURES)

    result = response.context["result"]
    assert (result.centre, result.date_from, result.date_to) == (centre, dt.date(today.year, 1, 1), today)
    assert (result.sessions, result.people, result.organisations_reached, result.dropins) == (1, 3, 1, 1)
    assert result.hours == 1.5
    assert dict(response.context["sessions_by_mode"])["By phone"] == 0  # zero rows are shown
    assert dict(response.context["dropins_by_topic"])["Board work and the annual meeting"] == 1
    assert [value for value, _label in response.context["form"].fields["centre"].choices] == ["oslo"]


def test_a_coordinator_sees_all_centres_or_one(client, centre, other_centre):
    _record(centre, clock.now() - dt.timedelta(hours=1))
    _record(other_centre, clock.now() - dt.timedelta(hours=1))
    client.force_login(factories.national_coordinator())

    assert client.get(FIGURES).context["result"].sessions == 2
    assert client.get(FIGURES, {"centre": "vest"}).context["result"].sessions == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"date_from": LONG}, "date_from"),
        ({"date_from": "\x00"}, "date_from"),
        ({"date_to": "<script>"}, "date_to"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
        ({"date_from": "2015-01-01", "date_to": "2026-04-01"}, "date_to"),
        ({"centre": "vest"}, "centre"),
        ({"centre": LONG}, "centre"),
        ({"centre": ""}, "centre"),
    ],
)
def test_bad_figures_queries_get_a_message(client, centre, other_centre, adviser, query, field):
    client.force_login(adviser)

    response = client.get(FIGURES, query)

    assert response.status_code == 200
    assert field in errors(response)
    assert response.context["result"] is None


def test_a_period_of_five_years_is_fine(client, centre, adviser):
    client.force_login(adviser)
    response = client.get(FIGURES, {"date_from": "2021-01-01", "date_to": "2025-12-31"})
    assert response.context["result"] is not None


def test_figures_are_for_staff(client, centre):
    client.force_login(factories.UserFactory())
    assert client.get(FIGURES).status_code == 403


def test_the_figures_page_does_not_grow_in_queries(client, centre, adviser, django_assert_max_num_queries):
    client.force_login(adviser)
    for index in range(15):
        organisation = factories.OrganisationFactory()
        _record(centre, clock.now() - dt.timedelta(hours=index + 1), organisation)
        DropIn.objects.create(
            centre=centre, held_on=clock.local_today(), topic="other", mode="centre", minutes=5
        )
    with django_assert_max_num_queries(8):
        response = client.get(FIGURES)
    assert response.context["result"].sessions == 15
