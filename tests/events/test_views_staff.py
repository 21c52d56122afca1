"""The organisers' pages: registrations, cancelling, closing, places, walk-ins, attendance
and the list of certificates. Bad input gets a clear message and stores nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from batteriet.events.models import Answer, Attendance, Event, Question, Registration, Session
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def centre():
    return factories.CentreFactory()


@pytest.fixture
def organiser(centre):
    return factories.staff(centre)


@pytest.fixture
def event(centre):
    event = factories.EventFactory(centres=[centre], capacity=2)
    Session.objects.create(event=event, title="Kveld 1", starts_at=event.starts_at, ends_at=event.ends_at)
    return event


@pytest.fixture
def staff_client(client, organiser, settings):
    """An organiser reading the site in English, so the tests can read the messages."""
    client.force_login(organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _stored() -> tuple:
    return (
        list(Registration.objects.values()),
        list(Event.objects.values()),
        list(Attendance.objects.values()),
        AuditEntry.objects.count(),
    )


def _errors(response) -> str:
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    return body


def _url(name, *args):
    return reverse(f"events:{name}", args=args)


# --- The registrations page ------------------------------------------------------------
def _fill(event, count: int) -> None:
    organisation = factories.OrganisationFactory()
    question = Question.objects.create(
        event=event, label="Tilrettelegging", kind="text", is_special_need=True
    )
    base = clock.now()
    statuses = ["confirmed", "offered", "waiting", "cancelled"]
    for index in range(count):
        status = statuses[index % 4]
        person = factories.UserFactory(full_name=f"Deltaker {index}")
        registration = factories.registration_row(
            event,
            person,
            status=status,
            organisation=organisation,
            registered_by=factories.UserFactory(),
            position_at=base + dt.timedelta(seconds=index),
            offer_expires_at=event.starts_at if status == "offered" else None,
        )
        Answer.objects.create(registration=registration, question=question, value=f"Rullestol {index}")


def test_registrations_page_shows_every_list_and_sensitive_needs(staff_client, event):
    event.capacity = None
    event.save()
    _fill(event, 4)

    response = staff_client.get(_url("staff_registrations", event.pk))

    body = response.content.decode()
    assert response.status_code == 200
    for index in range(4):
        assert f"Deltaker {index}" in body
        assert f"Rullestol {index}" in body
    assert body.count("Sensitive: for organisers only") == 4
    assert _url("staff_register", event.pk) in body
    assert _url("staff_close", event.pk) in body


def test_registrations_page_escapes_what_people_wrote(staff_client, event):
    factories.registration_row(event, None, name=SCRIPT)

    body = staff_client.get(_url("staff_registrations", event.pk)).content.decode()

    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


def test_registrations_page_queries_do_not_grow(staff_client, event, django_assert_max_num_queries):
    event.capacity = None
    event.save()
    _fill(event, 3)
    with django_assert_max_num_queries(14) as few:
        staff_client.get(_url("staff_registrations", event.pk))
    _fill(event, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(_url("staff_registrations", event.pk))
    assert "Deltaker 29" in response.content.decode()


def test_non_staff_get_403_and_staff_of_other_centres_404(client, event):
    url = _url("staff_registrations", event.pk)
    client.force_login(factories.member(factories.OrganisationFactory()))
    assert client.get(url).status_code == 403
    client.force_login(factories.staff(factories.CentreFactory()))
    assert client.get(url).status_code == 404
    client.force_login(factories.national_coordinator())
    assert client.get(url).status_code == 200


# --- Cancel, close, reopen -------------------------------------------------------------
def test_cancel_frees_a_place_for_the_next_in_line(staff_client, event):
    first = factories.registration_row(event, factories.UserFactory())
    factories.registration_row(
        event, factories.UserFactory(), position_at=clock.now() + dt.timedelta(seconds=1)
    )
    waiting = factories.registration_row(
        event, factories.UserFactory(), status="waiting", position_at=clock.now() + dt.timedelta(seconds=2)
    )

    response = staff_client.post(_url("staff_cancel", first.pk))

    assert response.status_code == 302
    assert response["Location"] == _url("staff_registrations", event.pk)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "offered")


def test_cancel_twice_says_it_has_changed(staff_client, event):
    registration = factories.registration_row(event, factories.UserFactory(), status="cancelled")
    before = _stored()

    response = staff_client.post(_url("staff_cancel", registration.pk), follow=True)

    assert response.status_code == 200
    assert _stored() == before


def test_cancel_is_post_only_and_for_organisers(client, event):
    registration = factories.registration_row(event, factories.UserFactory())
    url = _url("staff_cancel", registration.pk)
    client.force_login(factories.staff(factories.CentreFactory()))
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404
    client.force_login(registration.person)
    assert client.post(url).status_code == 403
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_close_and_reopen_from_the_page(staff_client, event):
    response = staff_client.post(_url("staff_close", event.pk))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.registration_closes_at is not None
    assert (
        _url("staff_reopen", event.pk)
        in staff_client.get(_url("staff_registrations", event.pk)).content.decode()
    )

    staff_client.post(_url("staff_reopen", event.pk))

    event.refresh_from_db()
    assert event.registration_closes_at is None


def test_close_after_the_start_shows_a_message_and_changes_nothing(staff_client, centre):
    started = factories.EventFactory(
        centres=[centre],
        starts_at=clock.now() - dt.timedelta(hours=1),
        ends_at=clock.now() + dt.timedelta(hours=1),
    )
    before = _stored()

    response = staff_client.post(_url("staff_close", started.pk), follow=True)

    assert response.status_code == 200
    assert _stored() == before


def test_close_and_reopen_for_others(client, event):
    client.force_login(factories.staff(factories.CentreFactory()))
    assert client.post(_url("staff_close", event.pk)).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.post(_url("staff_reopen", event.pk)).status_code == 403
    assert client.get(_url("staff_close", event.pk)).status_code == 405


# --- Places ----------------------------------------------------------------------------
def test_more_places_offer_them_and_say_how_many(staff_client, event):
    factories.registration_row(event, factories.UserFactory())
    factories.registration_row(event, factories.UserFactory())
    for second in range(1, 4):
        factories.registration_row(
            event,
            factories.UserFactory(),
            status="waiting",
            position_at=clock.now() + dt.timedelta(seconds=second),
        )

    response = staff_client.post(_url("staff_capacity", event.pk), {"capacity": "4"}, follow=True)

    event.refresh_from_db()
    assert event.capacity == 4
    assert Registration.objects.filter(status="offered").count() == 2
    body = response.content.decode()
    assert "2 people on the waiting list were offered a place." in body


def test_no_limit(staff_client, event):
    response = staff_client.post(_url("staff_capacity", event.pk), {"no_limit": "on"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity is None


def test_fewer_places_than_taken_is_refused_by_the_field(staff_client, event):
    factories.registration_row(event, factories.UserFactory())
    factories.registration_row(event, factories.UserFactory())
    before = _stored()

    body = _errors(staff_client.post(_url("staff_capacity", event.pk), {"capacity": "1"}))

    assert 'id="id_capacity_error"' in body
    assert _stored() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "capacity"),
        ({"capacity": ""}, "capacity"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "-3"}, "capacity"),
        ({"capacity": "99999999999999999999"}, "capacity"),
        ({"capacity": "2.5"}, "capacity"),
        ({"capacity": LONG}, "capacity"),
        ({"capacity": SCRIPT}, "capacity"),
        ({"capacity": "4\x00"}, "capacity"),
        ({"capacity": "4", "no_limit": "on"}, "no_limit"),
    ],
)
def test_bad_capacity_input(staff_client, event, data, field):
    before = _stored()

    body = _errors(staff_client.post(_url("staff_capacity", event.pk), data))

    assert f'id="id_{field}_error"' in body
    assert SCRIPT not in body
    assert _stored() == before


# --- Register on someone's behalf ------------------------------------------------------
def test_register_walk_ins_by_name_some_get_places_and_the_rest_wait(staff_client, event):
    response = staff_client.post(
        _url("staff_register", event.pk),
        {"names": "Kari Nordmann\nOla Nordmann\n\nPer Hansen\n", "accept_partial": "on"},
        follow=True,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert list(Registration.objects.order_by("position_at").values_list("name", "status")) == [
        ("Kari Nordmann", "confirmed"),
        ("Ola Nordmann", "confirmed"),
        ("Per Hansen", "waiting"),
    ]
    assert "Kari Nordmann, Ola Nordmann" in body
    assert "Per Hansen." in body


def test_register_a_group_that_does_not_fit_waits_together(staff_client, event):
    factories.registration_row(event, factories.UserFactory())
    staff_client.post(_url("staff_register", event.pk), {"names": "A\nB"})
    assert list(Registration.objects.filter(person=None).values_list("status", flat=True)) == ["waiting"] * 2


def test_a_group_bigger_than_the_event_is_refused_and_nothing_stored(staff_client, event):
    response = staff_client.post(_url("staff_register", event.pk), {"names": "A\nB\nC"})
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_register_someone_with_an_account_for_their_organisation(staff_client, event):
    organisation = factories.OrganisationFactory()
    person = factories.member(organisation, MembershipRole.MEMBER, email="ola@example.org")

    response = staff_client.post(
        _url("staff_register", event.pk), {"email": "OLA@example.org", "organisation": organisation.pk}
    )

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.person, registration.organisation, registration.status) == (
        person,
        organisation,
        "confirmed",
    )


def test_register_outside_the_window(staff_client, event):
    event.registration_closes_at = clock.now() - dt.timedelta(minutes=5)
    event.registration_opens_at = clock.now() - dt.timedelta(days=5)
    event.save()

    response = staff_client.post(_url("staff_register", event.pk), {"names": "Sen Gjest"})

    assert response.status_code == 302
    assert Registration.objects.get().name == "Sen Gjest"


def test_register_twice_is_refused_with_a_message(staff_client, event):
    person = factories.UserFactory(email="to@example.org")
    factories.registration_row(event, person)
    before = _stored()

    body = _errors(staff_client.post(_url("staff_register", event.pk), {"email": "to@example.org"}))

    assert "already registered" in body
    assert _stored() == before


def test_register_someone_not_in_the_organisation_is_refused(staff_client, event):
    factories.UserFactory(email="fri@example.org")
    organisation = factories.OrganisationFactory()
    before = _stored()

    _errors(
        staff_client.post(
            _url("staff_register", event.pk), {"email": "fri@example.org", "organisation": organisation.pk}
        )
    )

    assert _stored() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "names"),
        ({"names": "   \n  \n"}, "names"),
        ({"names": LONG}, "names"),
        ({"names": "x" * 201}, "names"),
        ({"names": "\n".join(f"Person {n}" for n in range(51))}, "names"),
        ({"names": "Kari\x00"}, "names"),
        ({"email": "ingen@example.org"}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": SCRIPT}, "email"),
        ({"email": LONG + "@example.org"}, "email"),
        ({"email": "a\x00@example.org"}, "email"),
        ({"names": "Kari", "organisation": "999999"}, "organisation"),
        ({"names": "Kari", "organisation": SCRIPT}, "organisation"),
        ({"names": "Kari", "organisation": LONG}, "organisation"),
        ({"names": "Kari", "organisation": "1\x00"}, "organisation"),
    ],
)
def test_bad_register_input(staff_client, event, data, field):
    before = _stored()

    body = _errors(staff_client.post(_url("staff_register", event.pk), data))

    assert f'id="id_{field}_error"' in body
    assert SCRIPT not in body
    assert _stored() == before


def test_script_in_a_name_is_stored_as_text_and_shown_escaped(staff_client, event):
    response = staff_client.post(_url("staff_register", event.pk), {"names": SCRIPT}, follow=True)

    assert Registration.objects.get().name == SCRIPT
    assert SCRIPT not in response.content.decode()


# --- Attendance ------------------------------------------------------------------------
@pytest.fixture
def today_course(centre):
    starts_at = clock.now() - dt.timedelta(minutes=30)
    event = factories.EventFactory(
        centres=[centre], starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3)
    )
    session = Session.objects.create(
        event=event, title="Kveld 1", starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3)
    )
    return event, session


def test_attendance_lists_confirmed_people_with_needs(staff_client, today_course):
    event, session = today_course
    confirmed = factories.registration_row(event, factories.UserFactory(full_name="Kommer Kari"))
    factories.registration_row(event, factories.UserFactory(full_name="Venter Vera"), status="waiting")
    question = Question.objects.create(event=event, label="Mat", kind="text", is_special_need=True)
    Answer.objects.create(registration=confirmed, question=question, value="Glutenfri")

    body = staff_client.get(_url("attendance", event.pk, session.pk)).content.decode()

    assert "Kommer Kari" in body and "Glutenfri" in body
    assert "Venter Vera" not in body


def test_attendance_saves_the_whole_list(staff_client, today_course):
    event, session = today_course
    came = factories.registration_row(event, factories.UserFactory())
    absent = factories.registration_row(event, factories.UserFactory())
    unmarked = factories.registration_row(event, factories.UserFactory())

    response = staff_client.post(
        _url("attendance", event.pk, session.pk), {f"r{came.pk}": "came", f"r{absent.pk}": "absent"}
    )

    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("registration_id", "attended")) == {
        came.pk: True,
        absent.pk: False,
    }
    body = staff_client.get(_url("attendance", event.pk, session.pk)).content.decode()
    assert f'name="r{came.pk}" value="came"' in body
    assert f"r{unmarked.pk}" in body


def test_attendance_query_count_does_not_grow(staff_client, today_course, django_assert_max_num_queries):
    event, session = today_course
    question = Question.objects.create(event=event, label="Mat", kind="text", is_special_need=True)

    def add(count):
        for _ in range(count):
            registration = factories.registration_row(event, factories.UserFactory())
            Answer.objects.create(registration=registration, question=question, value="Vegetar")

    add(3)
    with django_assert_max_num_queries(14) as few:
        staff_client.get(_url("attendance", event.pk, session.pk))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(_url("attendance", event.pk, session.pk))
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(_url("attendance_print", event.pk, session.pk))


@pytest.mark.parametrize(
    "value", ["", "maybe", LONG, SCRIPT, "came\x00"], ids=["empty", "other", "long", "script", "nul"]
)
def test_bad_attendance_input(staff_client, today_course, value):
    event, session = today_course
    registration = factories.registration_row(event, factories.UserFactory())
    before = _stored()

    body = _errors(
        staff_client.post(_url("attendance", event.pk, session.pk), {f"r{registration.pk}": value})
    )

    assert SCRIPT not in body
    if value:
        assert f'id="id_r{registration.pk}_error"' in body
    assert _stored() == before


def test_attendance_before_the_day_is_refused_with_a_message(staff_client, event):
    registration = factories.registration_row(event, factories.UserFactory())
    session = event.sessions.get()
    before = _stored()

    body = _errors(
        staff_client.post(_url("attendance", event.pk, session.pk), {f"r{registration.pk}": "came"})
    )

    assert "Attendance can be marked from the day of the session." in body
    assert _stored() == before


def test_attendance_print_has_boxes_to_tick(staff_client, today_course):
    event, session = today_course
    factories.registration_row(event, None, name="Papir Per")

    body = staff_client.get(_url("attendance_print", event.pk, session.pk)).content.decode()

    assert "Papir Per" in body
    assert body.count("☐") == 2


def test_a_session_of_another_event_is_404(staff_client, event, today_course):
    _other, session = today_course
    assert staff_client.get(_url("attendance", event.pk, session.pk)).status_code == 404


# --- The certificate list --------------------------------------------------------------
def test_certificate_list_links_those_who_qualify(staff_client, today_course):
    event, session = today_course
    qualified = factories.registration_row(event, factories.UserFactory(full_name="Har Bevis"))
    other = factories.registration_row(event, factories.UserFactory(full_name="Uten Bevis"))
    Attendance.objects.create(registration=qualified, session=session, attended=True)
    Attendance.objects.create(registration=other, session=session, attended=False)

    body = staff_client.get(_url("staff_certificates", event.pk)).content.decode()

    assert "Har Bevis" in body and _url("certificate", qualified.pk) in body
    assert "Uten Bevis" not in body


def test_certificate_list_for_something_else_than_a_course(staff_client, centre):
    seminar = factories.EventFactory(centres=[centre], kind="seminar")
    response = staff_client.get(_url("staff_certificates", seminar.pk))
    assert response.status_code == 200
    assert _url("certificate", 1) not in response.content.decode()


def test_with_javascript_a_changed_row_is_saved_at_once(staff_client, today_course):
    event, session = today_course
    registration = factories.registration_row(event, factories.UserFactory())

    response = staff_client.post(
        _url("attendance", event.pk, session.pk), {f"r{registration.pk}": "came"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.content.decode().strip() == "Saved"
    assert "HX-Request" in response["Vary"]
    assert Attendance.objects.get().attended is True


def test_with_javascript_a_refused_row_says_why(staff_client, event):
    registration = factories.registration_row(event, factories.UserFactory())
    before = _stored()

    response = staff_client.post(
        _url("attendance", event.pk, event.sessions.get().pk),
        {f"r{registration.pk}": "came"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Attendance can be marked from the day of the session." in response.content.decode()
    assert _stored() == before
