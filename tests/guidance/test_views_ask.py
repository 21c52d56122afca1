"""The pages where people ask for guidance: the start page, the request form with free
times, my guidance, a request's page, and accepting, declining, moving and cancelling."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from batteriet.core import time as clock
from batteriet.guidance import rules, selectors_ask
from batteriet.guidance.models import Appointment, AppointmentStatus, GuidanceRequest, RequestStatus
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000


@pytest.fixture(autouse=True)
def _in_english(settings):
    """The messages are checked in English, the language they are written in."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def other_centre():
    return factories.CentreFactory(slug="bergen", name="Batteriet Bergen")


@pytest.fixture
def adviser(centre):
    adviser = factories.staff(centre, full_name="Anne Rådgiver")
    factories.availability(adviser, centre, 1, dt.time(10), dt.time(12))  # Tuesdays 10–12
    return adviser


@pytest.fixture
def day():
    return factories.bookable_day(weekday=1)


@pytest.fixture
def person():
    return factories.UserFactory(full_name="Ida Initiativ")


@pytest.fixture
def organisation(centre):
    return factories.OrganisationFactory(home_centre=centre, name="Foreldreforeningen")


def value(adviser, moment: dt.datetime) -> str:
    return selectors_ask.time_value(adviser.pk, moment)


def ask_url(centre) -> str:
    return reverse("guidance:ask", args=[centre.slug])


def answers(**overrides) -> dict:
    data = {
        "role": "initiator",
        "topic": "starting",
        "situation": "Vi vil starte en forening for foreldre i bydelen.",
        "mode": "centre",
        "language_need": "",
        "accessibility_need": "",
        "preferred_times": "",
        "time": "",
    }
    data.update(overrides)
    return {key: item for key, item in data.items() if item is not None}


def booked(centre, adviser, person, day, hour=10, **fields):
    request = factories.guidance_request_row(
        centre,
        requested_by=person,
        status=fields.pop("request_status", RequestStatus.SCHEDULED),
        adviser=adviser,
    )
    appointment = factories.appointment_row(
        request, adviser, factories.at(day, hour), factories.at(day, hour + 1), **fields
    )
    return request, appointment


def proposed(centre, adviser, person, day, hour=10):
    return booked(
        centre,
        adviser,
        person,
        day,
        hour,
        status=AppointmentStatus.PROPOSED,
        request_status=RequestStatus.PROPOSED,
    )


def errors_of(response) -> dict:
    return response.context["form"].errors


# --- The start page ---------------------------------------------------------------------
def test_the_start_page_is_public_and_sends_anonymous_people_to_log_in_first(client, centre, other_centre):
    response = client.get(reverse("guidance:start"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "It is free." in text
    assert "Starting an organisation" in text
    assert "Log in to ask for guidance at Batteriet Oslo" in text
    assert f"{reverse('account_login')}?next=/veiledning/oslo/be-om/" in text
    assert f"{reverse('account_signup')}?next=/veiledning/bergen/be-om/" in text
    assert reverse("guidance:mine") not in text


def test_the_start_page_links_logged_in_people_to_the_form_and_my_guidance(client, centre, person):
    client.force_login(person)
    text = client.get(reverse("guidance:start")).content.decode()
    assert "Ask for guidance at Batteriet Oslo" in text
    assert f'href="{ask_url(centre)}"' in text
    assert reverse("guidance:mine") in text


def test_the_main_menu_has_guidance(client, centre):
    text = client.get(reverse("guidance:start")).content.decode()
    assert f'href="{reverse("guidance:start")}" aria-current="page"' in text


def test_the_start_page_answers_only_get(client):
    assert client.post(reverse("guidance:start")).status_code == 405


# --- The form ---------------------------------------------------------------------------
def test_anonymous_people_log_in_first_and_come_back(client, centre):
    response = client.get(ask_url(centre))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={ask_url(centre)}"


def test_an_unknown_centre_is_404(client, person):
    client.force_login(person)
    assert client.get(reverse("guidance:ask", args=["finnes-ikke"])).status_code == 404


def test_the_form_shows_the_free_times_by_day(client, centre, adviser, day, person):
    client.force_login(person)
    response = client.get(ask_url(centre))
    text = response.content.decode()
    assert response.status_code == 200
    assert "10:00–11:00 with Anne" in text
    assert "11:00–12:00 with Anne" in text
    assert f'value="{value(adviser, factories.at(day, 10))}"' in text
    assert day.strftime("%A") in text
    assert "None of these suit me" in text
    assert "Show later times" in text
    assert "Earlier times" not in text
    assert "Which organisation" not in text  # no organisations: no question


def test_booking_a_free_time(client, centre, adviser, day, person):
    client.force_login(person)
    response = client.post(ask_url(centre), answers(time=value(adviser, factories.at(day, 10))), follow=True)
    request = GuidanceRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("guidance:request", args=[request.pk])
    assert request.status == RequestStatus.SCHEDULED
    appointment = request.appointments.get()
    assert (appointment.adviser, appointment.starts_at, appointment.status) == (
        adviser,
        factories.at(day, 10),
        AppointmentStatus.BOOKED,
    )
    text = response.content.decode()
    assert "Your time is booked" in text
    assert "Anne" in text
    assert "Rådgiver" not in text  # the adviser's first name only


def test_leaving_the_time_to_the_centre(client, centre, adviser, person):
    client.force_login(person)
    response = client.post(
        ask_url(centre), answers(time="none", preferred_times="Tirsdager etter kl. 15"), follow=True
    )
    request = GuidanceRequest.objects.get()
    assert (request.status, request.preferred_times) == (RequestStatus.NEW, "Tirsdager etter kl. 15")
    assert not Appointment.objects.exists()
    assert "We got your request" in response.content.decode()


def test_leaving_the_time_to_the_centre_needs_times_that_suit(client, centre, adviser, person):
    client.force_login(person)
    response = client.post(ask_url(centre), answers(time="none"))
    assert "preferred_times" in errors_of(response)
    assert not GuidanceRequest.objects.exists()


def test_an_empty_form_says_what_to_fill_in(client, centre, adviser, person):
    client.force_login(person)
    response = client.post(ask_url(centre), {})
    assert response.status_code == 200
    assert set(errors_of(response)) >= {"role", "topic", "situation", "mode", "time"}
    assert "To go on, please fix this" in response.content.decode()
    assert not GuidanceRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("situation", LONG),
        ("situation", "Hei\x00"),
        ("situation", "   "),
        ("language_need", LONG),
        ("accessibility_need", "a\x00b"),
        ("accessibility_need", LONG),
        ("preferred_times", LONG),
        ("role", "king"),
        ("topic", "<script>"),
        ("mode", "teleport"),
    ],
)
def test_bad_answers_are_refused_by_the_field(client, centre, adviser, day, person, field, bad):
    client.force_login(person)
    response = client.post(
        ask_url(centre), answers(time=value(adviser, factories.at(day, 10)), **{field: bad})
    )
    assert response.status_code == 200
    assert field in errors_of(response)
    assert not GuidanceRequest.objects.exists()


def test_script_is_stored_as_text_and_shown_escaped(client, centre, adviser, day, person):
    client.force_login(person)
    situation = "<script>alert(1)</script> Vi trenger hjelp"
    response = client.post(
        ask_url(centre), answers(situation=situation, time=value(adviser, factories.at(day, 10))), follow=True
    )
    assert GuidanceRequest.objects.get().situation == situation
    assert "<script>alert(1)" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_forged_time_values_are_refused_by_the_time_field(client, centre, other_centre, adviser, day, person):
    stranger = factories.staff(other_centre, full_name="Bjørn Borte")
    factories.availability(stranger, other_centre, 1, dt.time(10), dt.time(12))
    ten = factories.at(day, 10)
    forged = [
        "abc",
        "1|",
        "|" + ten.astimezone(dt.UTC).isoformat(),
        f"{adviser.pk}|{ten.isoformat()}",  # not written in UTC
        f"{adviser.pk}|2026-02-30T09:00:00+00:00",  # no such day
        f"{adviser.pk}|{ten.astimezone(dt.UTC).isoformat()}x",
        f"99999999999999999999|{ten.astimezone(dt.UTC).isoformat()}",
        f"0|{ten.astimezone(dt.UTC).isoformat()}",
        f"-{adviser.pk}|{ten.astimezone(dt.UTC).isoformat()}",
        value(person, ten),  # not an adviser
        value(stranger, ten),  # an adviser at another centre
        value(adviser, factories.at(day, 10, 30)),  # between two times
        value(adviser, factories.at(day, 14)),  # outside the weekly slot
        value(adviser, factories.at(day - dt.timedelta(days=1), 10)),  # a Monday: no slot
        value(adviser, factories.at(clock.local_today() - dt.timedelta(days=7), 10)),  # the past
        value(adviser, factories.at(clock.local_today() + dt.timedelta(days=200), 10)),  # too far ahead
        f"{adviser.pk}|{ten.astimezone(dt.UTC).isoformat()}\x00",
        f"{adviser.pk}|9999-12-31T23:59:59+00:00",  # the end of the calendar
        f"{adviser.pk}|0001-01-01T00:00:00+00:00",
        LONG,
    ]
    client.force_login(person)
    for bad in forged:
        response = client.post(ask_url(centre), answers(time=bad))
        assert response.status_code == 200, bad
        assert "time" in errors_of(response), bad
    assert not GuidanceRequest.objects.exists()
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_is_said_by_the_time_field_and_the_answers_stay(
    client, centre, adviser, day, person
):
    client.force_login(person)
    ten = factories.at(day, 10)
    assert f'value="{value(adviser, ten)}"' in client.get(ask_url(centre)).content.decode()
    booked(centre, adviser, factories.UserFactory(), day)  # someone else is quicker
    response = client.post(
        ask_url(centre),
        answers(time=value(adviser, ten), situation="Vi trenger hjelp med vedtektene.", topic="statutes"),
    )
    assert response.status_code == 200
    assert "Someone has just taken this time" in errors_of(response)["time"][0]
    text = response.content.decode()
    assert f'value="{value(adviser, ten)}"' not in text  # the list is fresh
    assert f'value="{value(adviser, factories.at(day, 11))}"' in text
    assert "Vi trenger hjelp med vedtektene." in text
    assert re.search(r'value="statutes"[^>]*checked', text)
    assert GuidanceRequest.objects.count() == 1  # only the other person's


def test_a_time_of_an_absent_adviser_is_refused(client, centre, adviser, day, person):
    from batteriet.guidance.models import Absence

    Absence.objects.create(adviser=adviser, starts_at=factories.at(day, 0), ends_at=factories.at(day, 23))
    client.force_login(person)
    response = client.post(ask_url(centre), answers(time=value(adviser, factories.at(day, 10))))
    assert "time" in errors_of(response)
    assert not GuidanceRequest.objects.exists()


def test_an_organisation_of_ones_own_can_be_chosen(client, centre, adviser, organisation, person):
    factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt")
    client.force_login(me := factories.member(organisation, full_name="Ola Medlem"))
    assert "Which organisation" in client.get(ask_url(centre)).content.decode()
    client.post(
        ask_url(centre), answers(time="none", preferred_times="Mandager", organisation=organisation.pk)
    )
    assert GuidanceRequest.objects.get(requested_by=me).organisation == organisation


@pytest.mark.parametrize("bad", ["abc", "999999", "-1", "1.5"])
def test_an_organisation_one_is_not_a_member_of_is_refused(client, centre, adviser, organisation, bad):
    other = factories.OrganisationFactory(home_centre=centre, name="Naboforeningen")
    me = factories.member(organisation, full_name="Ola Medlem")
    client.force_login(me)
    for candidate in [bad, str(other.pk)]:
        response = client.post(
            ask_url(centre), answers(time="none", preferred_times="Mandager", organisation=candidate)
        )
        assert "organisation" in errors_of(response)
    assert not GuidanceRequest.objects.exists()


def test_a_centre_without_free_times_asks_only_for_times_that_suit(client, centre, person):
    client.force_login(person)
    text = client.get(ask_url(centre)).content.decode()
    assert "has no free times to book right now" in text
    assert "None of these suit me" not in text
    response = client.post(ask_url(centre), answers(time=None))
    assert "preferred_times" in errors_of(response)
    client.post(ask_url(centre), answers(time=None, preferred_times="Hverdager før 12"))
    assert GuidanceRequest.objects.get().status == RequestStatus.NEW


def test_a_forged_time_at_a_centre_without_free_times_is_refused(client, centre, other_centre, person):
    elsewhere = factories.staff(other_centre)
    factories.availability(elsewhere, other_centre, 1, dt.time(10), dt.time(12))
    moment = factories.at(factories.bookable_day(weekday=1), 10)
    client.force_login(person)
    response = client.post(
        ask_url(centre), answers(time=value(elsewhere, moment), preferred_times="Mandager")
    )
    assert response.status_code == 200
    assert "time" in errors_of(response)
    assert "This is not one of the adviser" in response.content.decode() or "Choose an adviser" in (
        response.content.decode()
    )
    assert not GuidanceRequest.objects.exists()


def test_later_and_earlier_times(client, centre, adviser, person):
    client.force_login(person)
    today = clock.local_today()
    later = today + dt.timedelta(days=selectors_ask.PAGE_DAYS)
    text = client.get(ask_url(centre), {"fra": later.isoformat()}).content.decode()
    assert "Earlier times" in text and "Show later times" in text
    tuesday = later + dt.timedelta(days=(1 - later.weekday()) % 7)
    assert factories.at(tuesday, 10).astimezone(dt.UTC).isoformat() in text or rules.is_holiday(tuesday)


def test_the_last_page_ends_at_the_horizon(client, centre, adviser, person):
    client.force_login(person)
    text = client.get(ask_url(centre), {"fra": "2999-01-01"}).content.decode()
    assert "Show later times" not in text
    assert "Earlier times" in text


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-45", "1900-01-01", "x" * 500, "2026-1-1"])
def test_odd_page_days_show_the_first_page(client, centre, adviser, person, bad):
    client.force_login(person)
    response = client.get(ask_url(centre), {"fra": bad})
    assert response.status_code == 200
    assert response.context["page"].first_day == clock.local_today()


def test_showing_other_times_keeps_the_answers(client, centre, adviser, person):
    client.force_login(person)
    later = clock.local_today() + dt.timedelta(days=selectors_ask.PAGE_DAYS)
    response = client.post(
        ask_url(centre), answers(situation="Vi vil søke penger.", topic="funding", fra=later.isoformat())
    )
    assert response.status_code == 200
    assert response.context["page"].first_day == later
    assert "Vi vil søke penger." in response.content.decode()
    assert not response.context["form"].is_bound  # nothing checked, no errors yet
    assert not GuidanceRequest.objects.exists()


def test_the_form_answers_get_and_post_only(client, centre, person):
    client.force_login(person)
    assert client.put(ask_url(centre)).status_code == 405


# --- My guidance ------------------------------------------------------------------------
def test_my_guidance_lists_coming_then_waiting_then_closed(client, centre, adviser, day, person):
    coming, _appointment = booked(centre, adviser, person, day)
    waiting = factories.guidance_request_row(centre, requested_by=person, topic="funding")
    closed = factories.guidance_request_row(centre, requested_by=person, topic="conflict", status="cancelled")
    someone_elses = factories.guidance_request_row(centre, topic="advocacy")
    client.force_login(person)
    response = client.get(reverse("guidance:mine"))
    mine = response.context["mine"]
    assert (mine.coming, mine.waiting, mine.closed) == ([coming], [waiting], [closed])
    text = response.content.decode()
    assert text.index("Starting an organisation") < text.index("Applying for money") < text.index("Conflicts")
    assert "Anne" in text and "Rådgiver" not in text
    assert reverse("guidance:request", args=[someone_elses.pk]) not in text


def test_my_guidance_reads_a_fixed_number_of_queries(
    client, centre, adviser, person, django_assert_max_num_queries
):
    client.force_login(person)
    day = factories.bookable_day(weekday=1)
    booked(centre, adviser, person, day)
    client.get(reverse("guidance:mine"))
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("guidance:mine"))
    for week in range(2, 6):
        booked(centre, adviser, person, day + dt.timedelta(weeks=week))
        factories.guidance_request_row(centre, requested_by=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("guidance:mine"))
    assert len(response.context["mine"].coming) >= 4


def test_my_guidance_needs_a_login(client):
    response = client.get(reverse("guidance:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- A request's page -------------------------------------------------------------------
def test_the_request_page_shows_the_booked_time(client, centre, adviser, day, person):
    request, _appointment = booked(centre, adviser, person, day)
    client.force_login(person)
    text = client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    assert "Time booked" in text
    assert "10:00–11:00" in text
    assert centre.street_address in text
    assert "Anne" in text
    assert reverse("guidance:move", args=[request.pk]) in text
    assert reverse("guidance:cancel", args=[request.pk]) in text
    assert reverse("guidance:accept", args=[request.pk]) not in text


def test_the_request_page_of_a_proposed_time_offers_accept_and_decline(client, centre, adviser, day, person):
    request, _appointment = proposed(centre, adviser, person, day)
    client.force_login(person)
    text = client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    assert "The proposed time" in text
    assert reverse("guidance:accept", args=[request.pk]) in text
    assert reverse("guidance:decline", args=[request.pk]) in text
    assert reverse("guidance:move", args=[request.pk]) not in text


def test_the_request_page_shows_the_message_and_where_it_is_referred(client, centre, person):
    request = factories.guidance_request_row(
        centre,
        requested_by=person,
        status=RequestStatus.REFERRED,
        referred_to="Frivillighet Norge, tlf. 22 00 00 00",
        staff_message="De kan hjelpe dere bedre med dette.",
    )
    client.force_login(person)
    text = client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    assert "Referred elsewhere" in text
    assert "Frivillighet Norge, tlf. 22 00 00 00" in text
    assert "De kan hjelpe dere bedre med dette." in text
    assert "What happens next" in text


def test_contacts_of_the_organisation_do_not_see_a_members_request(
    client, centre, adviser, day, organisation, person
):
    """A member may ask about a conflict with the contact person: the request is theirs."""
    asker = factories.member(organisation, full_name="Ola Medlem")
    contact = factories.member(organisation, MembershipRole.CONTACT, full_name="Kari Kontakt")
    request, _appointment = proposed(centre, adviser, asker, day)
    request.organisation = organisation
    request.topic = "conflict"
    request.save()
    client.force_login(contact)
    for name in ("guidance:request", "guidance:decline", "guidance:cancel", "guidance:move"):
        assert client.get(reverse(name, args=[request.pk])).status_code == 404
    assert client.post(reverse("guidance:accept", args=[request.pk])).status_code == 404
    assert "Ola Medlem" not in client.get(reverse("guidance:mine")).content.decode()


def test_staff_of_the_centre_read_the_request_and_others_get_404(
    client, centre, other_centre, adviser, day, person
):
    request, _appointment = booked(centre, adviser, person, day)
    client.force_login(adviser)
    response = client.get(reverse("guidance:request", args=[request.pk]))
    assert response.status_code == 200
    assert request.situation in response.content.decode()
    assert reverse("guidance:cancel", args=[request.pk]) not in response.content.decode()
    for stranger in (factories.UserFactory(), factories.staff(other_centre)):
        client.force_login(stranger)
        for name in ("guidance:request", "guidance:decline", "guidance:cancel", "guidance:move"):
            assert client.get(reverse(name, args=[request.pk])).status_code == 404
        assert client.post(reverse("guidance:accept", args=[request.pk])).status_code == 404
    assert client.get(reverse("guidance:request", args=[999_999])).status_code == 404


@pytest.mark.parametrize("name", ["guidance:request", "guidance:decline", "guidance:cancel", "guidance:move"])
def test_anonymous_people_are_sent_to_log_in(client, centre, person, name):
    request = factories.guidance_request_row(centre, requested_by=person)
    response = client.get(reverse(name, args=[request.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Accept and decline -----------------------------------------------------------------
def test_accepting_a_proposed_time_books_it(client, centre, adviser, day, person):
    request, appointment = proposed(centre, adviser, person, day)
    client.force_login(person)
    assert client.get(reverse("guidance:accept", args=[request.pk])).status_code == 405
    response = client.post(reverse("guidance:accept", args=[request.pk]), follow=True)
    appointment.refresh_from_db()
    request.refresh_from_db()
    assert (appointment.status, request.status) == (AppointmentStatus.BOOKED, RequestStatus.SCHEDULED)
    assert "Your time is booked" in response.content.decode()


def test_accepting_without_a_proposal_changes_nothing(client, centre, adviser, day, person):
    request, appointment = booked(centre, adviser, person, day)
    client.force_login(person)
    response = client.post(reverse("guidance:accept", args=[request.pk]), follow=True)
    assert "already been handled" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_declining_a_proposed_time_with_times_that_suit(client, centre, adviser, day, person):
    request, appointment = proposed(centre, adviser, person, day)
    client.force_login(person)
    response = client.get(reverse("guidance:decline", args=[request.pk]))
    assert response.status_code == 200
    assert "Times that suit you instead" in response.content.decode()
    response = client.post(
        reverse("guidance:decline", args=[request.pk]), {"preferred_times": "Torsdager"}, follow=True
    )
    appointment.refresh_from_db()
    request.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert (request.status, request.preferred_times) == (RequestStatus.NEW, "Torsdager")
    assert "propose another time" in response.content.decode()


@pytest.mark.parametrize("bad", [LONG, "Torsdag\x00"])
def test_declining_with_bad_times_changes_nothing(client, centre, adviser, day, person, bad):
    request, appointment = proposed(centre, adviser, person, day)
    client.force_login(person)
    response = client.post(reverse("guidance:decline", args=[request.pk]), {"preferred_times": bad})
    assert response.status_code == 200
    assert "preferred_times" in errors_of(response)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PROPOSED


def test_declining_when_nothing_is_proposed(client, centre, person):
    request = factories.guidance_request_row(centre, requested_by=person)
    client.force_login(person)
    assert "no proposed time" in client.get(reverse("guidance:decline", args=[request.pk])).content.decode()
    response = client.post(reverse("guidance:decline", args=[request.pk]), {})
    assert response.status_code == 200
    assert "already been handled" in response.content.decode()


# --- Cancel -----------------------------------------------------------------------------
@pytest.mark.parametrize("make", [booked, proposed])
def test_cancelling_a_time(client, centre, adviser, day, person, make):
    request, appointment = make(centre, adviser, person, day)
    client.force_login(person)
    response = client.get(reverse("guidance:cancel", args=[request.pk]))
    assert "Yes, cancel the time" in response.content.decode()
    response = client.post(reverse("guidance:cancel", args=[request.pk]), follow=True)
    appointment.refresh_from_db()
    request.refresh_from_db()
    assert (appointment.status, request.status) == (AppointmentStatus.CANCELLED, RequestStatus.CANCELLED)
    assert "The time is cancelled" in response.content.decode()


def test_an_appointment_that_is_over_cannot_be_cancelled(client, centre, adviser, person):
    yesterday = clock.local_today() - dt.timedelta(days=1)
    request, appointment = booked(centre, adviser, person, yesterday)
    client.force_login(person)
    response = client.post(reverse("guidance:cancel", args=[request.pk]))
    assert response.status_code == 200
    assert "already over" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("status", ["new", "handed_over"])
def test_a_request_waiting_for_a_time_can_be_withdrawn(client, centre, person, status):
    request = factories.guidance_request_row(centre, requested_by=person, status=status)
    client.force_login(person)
    assert (
        reverse("guidance:cancel", args=[request.pk])
        in client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    )
    assert (
        "Yes, withdraw the request"
        in client.get(reverse("guidance:cancel", args=[request.pk])).content.decode()
    )
    response = client.post(reverse("guidance:cancel", args=[request.pk]), follow=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert "Your request is withdrawn" in response.content.decode()


def test_nothing_to_cancel(client, centre, person):
    request = factories.guidance_request_row(centre, requested_by=person, status="done")
    client.force_login(person)
    assert (
        "no proposed or booked time"
        in client.get(reverse("guidance:cancel", args=[request.pk])).content.decode()
    )
    assert (
        "already been handled" in client.post(reverse("guidance:cancel", args=[request.pk])).content.decode()
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE


# --- Move -------------------------------------------------------------------------------
def test_moving_shows_the_advisers_other_free_times(client, centre, adviser, day, person):
    other = factories.staff(centre, full_name="Bodil Annen")
    factories.availability(other, centre, 1, dt.time(13), dt.time(14))
    request, _appointment = booked(centre, adviser, person, day)
    client.force_login(person)
    text = client.get(reverse("guidance:move", args=[request.pk])).content.decode()
    assert f'value="{value(adviser, factories.at(day, 11))}"' in text
    assert f'value="{value(adviser, factories.at(day, 10))}"' not in text  # its own time
    assert f'value="{value(other, factories.at(day, 13))}"' not in text  # another adviser
    assert "None of these suit me" not in text


def test_moving_to_a_free_time(client, centre, adviser, day, person):
    request, appointment = booked(centre, adviser, person, day)
    client.force_login(person)
    response = client.post(
        reverse("guidance:move", args=[request.pk]),
        {"time": value(adviser, factories.at(day, 11))},
        follow=True,
    )
    appointment.refresh_from_db()
    assert appointment.starts_at == factories.at(day, 11)
    assert appointment.status == AppointmentStatus.BOOKED
    assert "Your appointment is moved" in response.content.decode()


def test_moving_refuses_forged_and_taken_times(client, centre, adviser, day, person):
    other = factories.staff(centre, full_name="Bodil Annen")
    factories.availability(other, centre, 1, dt.time(10), dt.time(12))
    request, appointment = booked(centre, adviser, person, day)
    booked(centre, adviser, factories.UserFactory(), day, hour=11)  # taken meanwhile
    client.force_login(person)
    for bad in [
        "",
        "none",
        "abc",
        value(other, factories.at(day, 11)),  # another adviser
        value(adviser, factories.at(day, 11)),  # taken
        value(adviser, factories.at(day, 10)),  # the same time
        value(adviser, factories.at(day, 15)),
        value(adviser, factories.at(clock.local_today() + dt.timedelta(days=200), 10)),
        LONG,
    ]:
        response = client.post(reverse("guidance:move", args=[request.pk]), {"time": bad})
        assert response.status_code == 200, bad
        assert "time" in errors_of(response), bad
    appointment.refresh_from_db()
    assert appointment.starts_at == factories.at(day, 10)


def test_only_a_booked_time_can_be_moved(client, centre, adviser, day, person):
    request, appointment = proposed(centre, adviser, person, day)
    client.force_login(person)
    assert (
        "no booked time to move" in client.get(reverse("guidance:move", args=[request.pk])).content.decode()
    )
    response = client.post(
        reverse("guidance:move", args=[request.pk]), {"time": value(adviser, factories.at(day, 11))}
    )
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.starts_at == factories.at(day, 10)


def test_moving_pages_through_later_times(client, centre, adviser, day, person):
    request, _appointment = booked(centre, adviser, person, day)
    client.force_login(person)
    later = clock.local_today() + dt.timedelta(days=selectors_ask.PAGE_DAYS)
    response = client.get(reverse("guidance:move", args=[request.pk]), {"fra": later.isoformat()})
    assert response.context["page"].first_day == later
    response = client.post(reverse("guidance:move", args=[request.pk]), {"fra": later.isoformat()})
    assert response.context["page"].first_day == later
    assert not response.context["form"].errors


def test_a_time_that_has_passed_offers_no_move_or_cancel(client, centre, adviser, person):
    yesterday = clock.local_today() - dt.timedelta(days=1)
    request, _appointment = booked(centre, adviser, person, yesterday)
    client.force_login(person)
    text = client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    assert "The time has passed" in text
    assert reverse("guidance:move", args=[request.pk]) not in text
    assert reverse("guidance:cancel", args=[request.pk]) not in text


def test_a_time_that_has_passed_no_longer_says_come_at_the_time(client, centre, adviser, person):
    yesterday = clock.local_today() - dt.timedelta(days=1)
    request, _appointment = booked(centre, adviser, person, yesterday)
    client.force_login(person)
    text = client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    assert "Come at the time" not in text
    assert "move or cancel the time here" not in text


@pytest.mark.parametrize(
    ("status", "to_the_person"),
    [
        ("new", "you get an e-mail"),
        ("handed_over", "An adviser there will propose a time"),
        ("referred", "Contact the place you were referred to"),
        ("cancelled", "You are always welcome to ask again"),
    ],
)
def test_staff_reading_the_request_are_not_spoken_to_as_the_person(
    client, centre, adviser, person, status, to_the_person
):
    extra = {"referred_to": "NAV"} if status == "referred" else {}
    request = factories.guidance_request_row(centre, requested_by=person, status=status, **extra)
    client.force_login(person)
    assert to_the_person in client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    client.force_login(adviser)
    text = client.get(reverse("guidance:request", args=[request.pk])).content.decode()
    assert to_the_person not in text
    assert "You answer the proposal" not in text


def test_the_withdraw_page_is_titled_withdraw_the_request(client, centre, person):
    request = factories.guidance_request_row(centre, requested_by=person, status="new")
    client.force_login(person)
    text = client.get(reverse("guidance:cancel", args=[request.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "Withdraw the request" in title and "Cancel the time" not in title
    assert re.search(r"<h1[^>]*>Withdraw the request</h1>", text)
