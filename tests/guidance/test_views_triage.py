"""Staff handling requests for guidance: the overview of one's centres, the queue, a request
with everything staff need, and proposing, moving, cancelling, handing over and referring.
Bad input gets a clear message by its field and stores nothing; staff of another centre
get 404, people who are not staff 403."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from batteriet.guidance.models import Absence, Appointment, GuidanceRequest
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000
NUL = "Hei\x00der"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def other_centre():
    return factories.CentreFactory(slug="vest", name="Batteriet Vest")


@pytest.fixture
def adviser(centre):
    adviser = factories.staff(centre, full_name="Anne Rådgiver")
    for weekday in range(5):
        factories.availability(adviser, centre, weekday, dt.time(9), dt.time(15))
    return adviser


@pytest.fixture
def colleague(centre):
    return factories.staff(centre, full_name="Kari Kollega")


@pytest.fixture
def other_adviser(other_centre):
    return factories.staff(other_centre, full_name="Bjørn Borte")


@pytest.fixture
def organisation(centre):
    return factories.OrganisationFactory(
        name="Foreningen Fattighuset", home_centre=centre, phone="+4791234567"
    )


@pytest.fixture
def person(organisation):
    return factories.member(organisation, MembershipRole.CONTACT, full_name="Ida Initiativ")


@pytest.fixture
def guidance_request(centre, person, organisation):
    return factories.guidance_request_row(
        centre,
        person,
        organisation=organisation,
        role="representative",
        topic="statutes",
        situation="Vi trenger hjelp med vedtektene før årsmøtet.",
        language_need="Arabisk tolk",
        accessibility_need="Rullestol",
        preferred_times="Tirsdager etter klokka 16",
    )


@pytest.fixture
def staff_client(client, adviser):
    client.force_login(adviser)
    return client


def _url(name, *args):
    return reverse(f"guidance:{name}", args=args)


def _later(days: int = 3, hour: int = 10) -> dt.datetime:
    """A time `days` ahead at `hour` in Oslo."""
    return factories.at(clock.local_today() + dt.timedelta(days=days), hour)


def _booked(guidance_request, adviser, starts_at=None, minutes=60, status="booked"):
    starts_at = starts_at or _later()
    guidance_request.status = "scheduled" if status == "booked" else "proposed"
    guidance_request.adviser = adviser
    guidance_request.save()
    return factories.appointment_row(
        guidance_request, adviser, starts_at, starts_at + dt.timedelta(minutes=minutes), status=status
    )


def _stored() -> tuple:
    return (
        list(GuidanceRequest.objects.order_by("pk").values()),
        list(Appointment.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def _error_by(response, field: str, text: str | None = None) -> str:
    """The page again, with the error summary and a message by the field."""
    body = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert 'id="error-summary"' in body
    assert f'id="id_{field}_error"' in body, body
    if text is not None:
        assert text in body
    return body


def _propose_post(who, *, when=None, minutes=60, **overrides) -> dict:
    starts_at = when or _later()
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    data = {
        "adviser": str(who.pk),
        "day": starts_at.date().isoformat(),
        "starts_at": starts_at.strftime("%H:%M"),
        "ends_at": ends_at.strftime("%H:%M"),
        "mode": "video",
        "message": "Velkommen!",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- The overview -----------------------------------------------------------------------
def test_staff_home_lists_my_centres_with_counts_and_links(staff_client, centre, other_centre, adviser):
    factories.guidance_request_row(centre)
    factories.guidance_request_row(centre, status="handed_over")
    proposed = factories.guidance_request_row(centre)
    _booked(proposed, adviser, status="proposed")
    booked = factories.guidance_request_row(centre)
    _booked(booked, adviser, starts_at=_later(days=4))
    factories.guidance_request_row(other_centre)

    body = staff_client.get(_url("staff_home")).content.decode()

    assert _url("queue", "oslo") in body
    assert _url("queue", "vest") not in body
    assert "<td>2</td><td>1</td><td>1</td>" in body
    assert 'aria-label="Guidance for staff"' in body


def test_a_national_coordinator_sees_every_centre(client):
    centres = [factories.CentreFactory() for _ in range(5)]
    client.force_login(factories.national_coordinator())

    body = client.get(_url("staff_home")).content.decode()

    for centre in centres:
        assert _url("queue", centre.slug) in body


def test_staff_home_is_for_staff_only(client, person):
    assert client.get(_url("staff_home")).status_code == 302
    client.force_login(person)
    assert client.get(_url("staff_home")).status_code == 403


def test_staff_home_queries_do_not_grow(client, django_assert_max_num_queries):
    coordinator = factories.national_coordinator()
    client.force_login(coordinator)
    for _ in range(5):
        centre = factories.CentreFactory()
        for _ in range(6):
            factories.guidance_request_row(centre)
    with django_assert_max_num_queries(10) as few:
        client.get(_url("staff_home"))
    for _ in range(30):
        factories.guidance_request_row(centre)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("staff_home"))


def test_the_centres_staff_page_links_to_guidance(staff_client):
    body = staff_client.get(reverse("centres:staff_home")).content.decode()

    assert _url("staff_home") in body
    assert "Guidance: requests and appointments" in body


# --- The queue --------------------------------------------------------------------------
def test_queue_shows_each_section(staff_client, centre, adviser, colleague, guidance_request):
    older = factories.guidance_request_row(centre, topic="funding")
    GuidanceRequest.objects.filter(pk=older.pk).update(created_at=clock.now() - dt.timedelta(days=4))
    handed = factories.guidance_request_row(centre, topic="board", status="handed_over", adviser=colleague)
    proposed = factories.guidance_request_row(centre, topic="economy")
    _booked(proposed, colleague, starts_at=_later(days=2), status="proposed")
    booked = factories.guidance_request_row(centre, topic="conflict")
    _booked(booked, adviser, starts_at=_later(days=5, hour=13))
    done = factories.guidance_request_row(centre, topic="event", status="done")
    old_done = factories.guidance_request_row(centre, topic="advocacy", status="referred", referred_to="NAV")
    GuidanceRequest.objects.filter(pk=old_done.pk).update(updated_at=clock.now() - dt.timedelta(days=31))

    body = staff_client.get(_url("queue", "oslo")).content.decode()

    waiting = body.split('id="waiting-heading"')[1].split('id="proposed-heading"')[0]
    assert waiting.index(_url("triage", older.pk)) < waiting.index(_url("triage", guidance_request.pk))
    assert _url("triage", handed.pk) in waiting
    assert "4\xa0days" in waiting
    assert "Foreningen Fattighuset" in waiting and "Ida Initiativ" in waiting
    proposed_part = body.split('id="proposed-heading"')[1].split('id="coming-heading"')[0]
    assert _url("triage", proposed.pk) in proposed_part and "Kari Kollega" in proposed_part
    coming = body.split('id="coming-heading"')[1].split('id="closed-heading"')[0]
    assert _url("triage", booked.pk) in coming and "13:00" in coming and "Anne Rådgiver" in coming
    closed = body.split('id="closed-heading"')[1]
    assert _url("triage", done.pk) in closed
    assert _url("triage", old_done.pk) not in body


def test_queue_only_mine(staff_client, centre, adviser, colleague):
    mine = factories.guidance_request_row(centre, status="handed_over", adviser=adviser)
    theirs = factories.guidance_request_row(centre, status="handed_over", adviser=colleague)
    booked_theirs = factories.guidance_request_row(centre)
    _booked(booked_theirs, colleague)

    body = staff_client.get(_url("queue", "oslo") + "?vis=mine").content.decode()

    assert _url("triage", mine.pk) in body
    assert _url("triage", theirs.pk) not in body
    assert _url("triage", booked_theirs.pk) not in body
    assert "Show everyone" in body


def test_queue_escapes_what_people_wrote(staff_client, centre):
    factories.guidance_request_row(centre, requested_by=factories.UserFactory(full_name=SCRIPT))

    body = staff_client.get(_url("queue", "oslo")).content.decode()

    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


def test_queue_of_another_centre_or_a_missing_one_is_404(staff_client, other_centre):
    assert staff_client.get(_url("queue", "vest")).status_code == 404
    assert staff_client.get(_url("queue", "finnes-ikke")).status_code == 404


def test_queue_is_403_for_non_staff(client, person, centre):
    client.force_login(person)
    assert client.get(_url("queue", "oslo")).status_code == 403


def test_queue_queries_do_not_grow(staff_client, centre, adviser, django_assert_max_num_queries):
    filled = []  # each proposed time on a day of its own: the adviser is never booked twice

    def fill(count: int) -> None:
        for _ in range(count):
            index = len(filled)
            filled.append(index)
            organisation = factories.OrganisationFactory(home_centre=centre)
            person = factories.UserFactory()
            factories.guidance_request_row(centre, person, organisation=organisation)
            factories.guidance_request_row(centre, person, status="done")
            proposed = factories.guidance_request_row(centre, person, organisation=organisation)
            _booked(proposed, adviser, starts_at=_later(days=2 + index, hour=9), status="proposed")
            booked = factories.guidance_request_row(centre, person)
            _booked(booked, factories.staff(centre), starts_at=_later(days=2 + index, hour=12))

    fill(2)
    with django_assert_max_num_queries(12) as few:
        staff_client.get(_url("queue", "oslo"))
    fill(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(_url("queue", "oslo"))
    assert response.content.decode().count('href="/ansatt/veiledning/foresporsler/') == 40


# --- The request ------------------------------------------------------------------------
def test_triage_page_shows_everything_staff_need(staff_client, guidance_request, adviser, organisation):
    appointment = _booked(guidance_request, adviser, starts_at=_later(days=6, hour=14))
    GuidanceRequest.objects.filter(pk=guidance_request.pk).update(staff_message="Vi ses på Grünerløkka.")

    body = staff_client.get(_url("triage", guidance_request.pk)).content.decode()

    for text in (
        "Ida Initiativ",
        guidance_request.requested_by.email,
        "91 23 45 67",
        "Foreningen Fattighuset",
        reverse("organisations:staff_detail", args=[organisation.pk]),
        "I represent an organisation",
        "Statutes",
        "Vi trenger hjelp med vedtektene",
        "Arabisk tolk",
        "Rullestol",
        "Tirsdager etter klokka 16",
        "Time booked",
        "Anne Rådgiver",
        "14:00",
        "Vi ses på Grünerløkka.",
        _url("staff_move", guidance_request.pk),
        _url("staff_cancel", guidance_request.pk),
        _url("hand_over", guidance_request.pk),
        _url("refer", guidance_request.pk),
        _url("queue", "oslo"),
    ):
        assert text in body, text
    assert _url("propose", guidance_request.pk) not in body
    assert appointment.get_status_display() in body


def test_triage_page_offers_to_propose_for_a_new_request(staff_client, guidance_request):
    body = staff_client.get(_url("triage", guidance_request.pk)).content.decode()

    assert _url("propose", guidance_request.pk) in body
    assert _url("staff_move", guidance_request.pk) not in body
    assert _url("staff_cancel", guidance_request.pk) not in body


def test_triage_page_of_a_closed_request_offers_nothing(staff_client, centre):
    closed = factories.guidance_request_row(centre, status="referred", referred_to="NAV Grünerløkka")

    body = staff_client.get(_url("triage", closed.pk)).content.decode()

    assert "NAV Grünerløkka" in body
    for name in ("propose", "hand_over", "refer", "staff_move", "staff_cancel"):
        assert _url(name, closed.pk) not in body


def test_triage_page_escapes_what_people_wrote(staff_client, centre):
    request = factories.guidance_request_row(centre, situation=SCRIPT, preferred_times=SCRIPT)

    body = staff_client.get(_url("triage", request.pk)).content.decode()

    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize("name", ["triage", "propose", "hand_over", "refer", "staff_cancel", "staff_move"])
def test_staff_of_another_centre_get_404_and_non_staff_403(
    client, name, guidance_request, other_adviser, person
):
    post_status = 405 if name == "triage" else None
    client.force_login(other_adviser)
    assert client.get(_url(name, guidance_request.pk)).status_code == 404
    assert client.post(_url(name, guidance_request.pk), {}).status_code == (post_status or 404)
    assert client.get(_url(name, 999_999)).status_code == 404
    client.force_login(person)
    assert client.get(_url(name, guidance_request.pk)).status_code == 403
    assert client.post(_url(name, guidance_request.pk), {}).status_code == (post_status or 403)


# --- Propose a time ---------------------------------------------------------------------
def test_propose_page_lists_free_times_that_fill_in_the_form(staff_client, guidance_request, adviser):
    url = _url("propose", guidance_request.pk)

    body = staff_client.get(url).content.decode()

    assert "Use this time" in body
    assert f"?adviser={adviser.pk}&amp;day=" in body
    assert "Tirsdager etter klokka 16" in body
    day = _later().date().isoformat()
    filled = staff_client.get(f"{url}?adviser={adviser.pk}&day={day}&starts_at=11:00&ends_at=12:00").content
    filled = filled.decode()
    assert f'value="{day}"' in filled
    assert 'value="11:00"' in filled and 'value="12:00"' in filled
    assert f'<option value="{adviser.pk}" selected>' in filled


@pytest.mark.parametrize(
    "query",
    [
        "?day=2026-02-30&starts_at=25:00",
        "?adviser=abc&day=0001-01-01",
        "?adviser=999999",
        f"?day={LONG}",
        "?day=%00",
    ],
)
def test_propose_page_ignores_odd_choices_in_the_address(staff_client, guidance_request, query):
    assert staff_client.get(_url("propose", guidance_request.pk) + query).status_code == 200


def test_propose_a_time(staff_client, guidance_request, colleague):
    starts_at = _later(days=4, hour=15)

    response = staff_client.post(
        _url("propose", guidance_request.pk), _propose_post(colleague, when=starts_at, minutes=90)
    )

    assert response.status_code == 302
    assert response.url == _url("triage", guidance_request.pk)
    appointment = Appointment.objects.get(request=guidance_request)
    assert appointment.status == "proposed"
    assert appointment.adviser == colleague
    assert appointment.starts_at == starts_at
    assert appointment.ends_at == starts_at + dt.timedelta(minutes=90)
    assert appointment.mode == "video"
    guidance_request.refresh_from_db()
    assert guidance_request.status == "proposed"
    assert guidance_request.staff_message == "Velkommen!"
    followed = staff_client.get(response.url).content.decode()
    assert "The time is proposed" in followed


def test_propose_a_free_time_chosen_from_the_list(staff_client, guidance_request, adviser):
    from batteriet.guidance import selectors_triage

    chosen, starts_at, ends_at = selectors_triage.free_times(guidance_request.centre)[0]
    local = starts_at.astimezone(clock.OSLO)
    response = staff_client.post(
        _url("propose", guidance_request.pk),
        {
            "adviser": chosen.pk,
            "day": local.date().isoformat(),
            "starts_at": local.strftime("%H:%M"),
            "ends_at": ends_at.astimezone(clock.OSLO).strftime("%H:%M"),
            "mode": "centre",
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.get(request=guidance_request).starts_at == starts_at


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"day": "2026-02-30"}, "day", "Enter a valid date."),
        ({"day": "0001-01-01"}, "day", "Choose a date in the coming weeks."),
        ({"day": ""}, "day", None),
        ({"day": LONG}, "day", None),
        ({"starts_at": "25:00"}, "starts_at", None),
        ({"starts_at": SCRIPT}, "starts_at", None),
        ({"ends_at": ""}, "ends_at", None),
        ({"ends_at": "09:00"}, "ends_at", "must end after it starts"),
        ({"mode": "teleport"}, "mode", None),
        ({"mode": None}, "mode", None),
        ({"adviser": "999999"}, "adviser", None),
        ({"adviser": "abc"}, "adviser", None),
        ({"message": LONG}, "message", None),
        ({"message": NUL}, "message", None),
    ],
)
def test_propose_refuses_bad_input_by_the_field(
    staff_client, guidance_request, adviser, overrides, field, text
):
    before = _stored()

    response = staff_client.post(_url("propose", guidance_request.pk), _propose_post(adviser, **overrides))

    _error_by(response, field, text)
    assert _stored() == before


def test_propose_refuses_an_adviser_of_another_centre(staff_client, guidance_request, other_adviser):
    before = _stored()

    response = staff_client.post(_url("propose", guidance_request.pk), _propose_post(other_adviser))

    _error_by(response, "adviser")
    assert _stored() == before


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (dt.timedelta(days=-1), "already passed"),
        (dt.timedelta(minutes=30), "two hours"),
        (dt.timedelta(days=95), "at most 90 days"),
    ],
    ids=["past", "too soon", "too far"],
)
def test_propose_refuses_times_out_of_reach(staff_client, guidance_request, adviser, monkeypatch, when, text):
    ten = factories.at(clock.local_today(), 10)
    monkeypatch.setattr(timezone, "now", lambda: ten.astimezone(dt.UTC))
    before = _stored()

    response = staff_client.post(
        _url("propose", guidance_request.pk), _propose_post(adviser, when=ten + when, minutes=30)
    )

    _error_by(response, "starts_at", text)
    assert _stored() == before


def test_propose_refuses_a_clash_and_an_absence(staff_client, centre, guidance_request, adviser):
    other = factories.guidance_request_row(centre)
    _booked(other, adviser, starts_at=_later(hour=10))
    before = _stored()

    response = staff_client.post(
        _url("propose", guidance_request.pk), _propose_post(adviser, when=_later(hour=10, days=3))
    )
    _error_by(response, "starts_at", "Someone has just taken this time")
    assert _stored() == before

    Absence.objects.create(adviser=adviser, starts_at=_later(days=5, hour=8), ends_at=_later(days=5, hour=16))
    before = _stored()
    response = staff_client.post(
        _url("propose", guidance_request.pk), _propose_post(adviser, when=_later(days=5, hour=11))
    )
    _error_by(response, "starts_at", "The adviser is away")
    assert _stored() == before


def test_propose_an_empty_form_says_what_is_missing(staff_client, guidance_request):
    before = _stored()

    response = staff_client.post(_url("propose", guidance_request.pk), {})

    for field in ("day", "starts_at", "ends_at", "mode"):
        _error_by(response, field)
    assert _stored() == before


def test_propose_for_a_closed_request(staff_client, centre, adviser):
    closed = factories.guidance_request_row(centre, status="done")
    before = _stored()

    assert "no time can be proposed" in staff_client.get(_url("propose", closed.pk)).content.decode()
    response = staff_client.post(_url("propose", closed.pk), _propose_post(adviser))

    assert "no time can be proposed" in response.content.decode()
    assert _stored() == before


def test_propose_again_withdraws_the_earlier_proposal(staff_client, guidance_request, adviser):
    first = _booked(guidance_request, adviser, starts_at=_later(days=2), status="proposed")

    response = staff_client.post(_url("propose", guidance_request.pk), _propose_post(adviser))

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "cancelled"


# --- Hand over --------------------------------------------------------------------------
def test_hand_over_to_a_colleague(staff_client, guidance_request, adviser, colleague):
    appointment = _booked(guidance_request, adviser)

    response = staff_client.post(
        _url("hand_over", guidance_request.pk),
        {"centre": guidance_request.centre.pk, "adviser": colleague.pk, "message": "Kari tar over."},
    )

    assert response.status_code == 302
    assert response.url == _url("triage", guidance_request.pk)
    guidance_request.refresh_from_db()
    assert (guidance_request.status, guidance_request.adviser) == ("handed_over", colleague)
    assert guidance_request.staff_message == "Kari tar over."
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_hand_over_to_another_centre_goes_back_to_the_queue(
    staff_client, guidance_request, other_centre, other_adviser
):
    response = staff_client.post(
        _url("hand_over", guidance_request.pk),
        {"centre": other_centre.pk, "adviser": other_adviser.pk, "message": "Vest kan hjelpe deg."},
    )

    assert response.status_code == 302
    assert response.url == _url("queue", "oslo")
    guidance_request.refresh_from_db()
    assert (guidance_request.centre, guidance_request.adviser) == (other_centre, other_adviser)
    assert staff_client.get(_url("triage", guidance_request.pk)).status_code == 404


def test_hand_over_page_lists_advisers_by_centre(staff_client, guidance_request, colleague, other_adviser):
    body = staff_client.get(_url("hand_over", guidance_request.pk)).content.decode()

    assert '<optgroup label="Batteriet Oslo">' in body
    assert '<optgroup label="Batteriet Vest">' in body
    assert "Kari Kollega" in body and "Bjørn Borte" in body


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"adviser": ""}, "adviser", "Choose the adviser or the centre"),
        ({"adviser": "ADVISER"}, "adviser", "already with this adviser"),
        ({"adviser": "OTHER"}, "adviser", "works at this centre"),
        ({"adviser": "999999"}, "adviser", None),
        ({"adviser": SCRIPT}, "adviser", None),
        ({"centre": "999999"}, "centre", None),
        ({"centre": ""}, "centre", None),
        ({"message": ""}, "message", None),
        ({"message": "   "}, "message", None),
        ({"message": LONG}, "message", None),
        ({"message": NUL}, "message", None),
    ],
)
def test_hand_over_refuses_bad_input_by_the_field(
    staff_client, guidance_request, adviser, colleague, other_adviser, data, field, text
):
    guidance_request.adviser = adviser
    guidance_request.save()
    post = {"centre": guidance_request.centre.pk, "adviser": colleague.pk, "message": "Kari tar over."}
    post.update(data)
    post["adviser"] = {"ADVISER": adviser.pk, "OTHER": other_adviser.pk}.get(post["adviser"], post["adviser"])
    before = _stored()

    response = staff_client.post(_url("hand_over", guidance_request.pk), post)

    _error_by(response, field, text)
    assert _stored() == before


# --- Refer ------------------------------------------------------------------------------
def test_refer_elsewhere(staff_client, guidance_request, adviser):
    appointment = _booked(guidance_request, adviser)

    response = staff_client.post(
        _url("refer", guidance_request.pk),
        {"referred_to": "Frivillighet Norge", "message": "De har kurs i akkurat dette."},
    )

    assert response.status_code == 302
    assert response.url == _url("triage", guidance_request.pk)
    guidance_request.refresh_from_db()
    assert (guidance_request.status, guidance_request.referred_to) == ("referred", "Frivillighet Norge")
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"referred_to": ""}, "referred_to"),
        ({"referred_to": LONG}, "referred_to"),
        ({"referred_to": NUL}, "referred_to"),
        ({"message": ""}, "message"),
        ({"message": LONG}, "message"),
        ({"message": NUL}, "message"),
    ],
)
def test_refer_refuses_bad_input_by_the_field(staff_client, guidance_request, data, field):
    post = {"referred_to": "Frivillighet Norge", "message": "De har kurs."}
    post.update(data)
    before = _stored()

    response = staff_client.post(_url("refer", guidance_request.pk), post)

    _error_by(response, field)
    assert _stored() == before


def test_refer_keeps_script_as_text(staff_client, guidance_request):
    staff_client.post(_url("refer", guidance_request.pk), {"referred_to": SCRIPT, "message": SCRIPT})

    body = staff_client.get(_url("triage", guidance_request.pk)).content.decode()

    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


# --- Cancel -----------------------------------------------------------------------------
def test_cancel_the_time(staff_client, guidance_request, adviser):
    appointment = _booked(guidance_request, adviser, starts_at=_later(days=2, hour=13))
    url = _url("staff_cancel", guidance_request.pk)

    assert "13:00" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"reason": "Rådgiveren er syk."})

    assert response.status_code == 302
    assert response.url == _url("triage", guidance_request.pk)
    appointment.refresh_from_db()
    guidance_request.refresh_from_db()
    assert appointment.status == "cancelled"
    assert (guidance_request.status, guidance_request.staff_message) == ("new", "Rådgiveren er syk.")


@pytest.mark.parametrize("reason", ["", "  ", LONG, NUL])
def test_cancel_refuses_bad_input_by_the_field(staff_client, guidance_request, adviser, reason):
    _booked(guidance_request, adviser)
    before = _stored()

    response = staff_client.post(_url("staff_cancel", guidance_request.pk), {"reason": reason})

    _error_by(response, "reason")
    assert _stored() == before


def test_cancel_without_a_time_says_so(staff_client, guidance_request):
    url = _url("staff_cancel", guidance_request.pk)
    before = _stored()

    assert "no proposed or booked time" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"reason": "Syk."})

    assert response.status_code == 200
    assert _stored() == before


# --- Move -------------------------------------------------------------------------------
def test_move_the_appointment(staff_client, guidance_request, adviser):
    appointment = _booked(guidance_request, adviser, starts_at=_later(days=3, hour=10), minutes=45)
    url = _url("staff_move", guidance_request.pk)

    body = staff_client.get(url).content.decode()
    assert "Use this time" in body
    new_start = _later(days=4, hour=16)
    response = staff_client.post(url, {"day": new_start.date().isoformat(), "starts_at": "16:00"})

    assert response.status_code == 302
    assert response.url == _url("triage", guidance_request.pk)
    appointment.refresh_from_db()
    assert appointment.starts_at == new_start
    assert appointment.ends_at == new_start + dt.timedelta(minutes=45)


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"day": "2026-02-30"}, "day", "Enter a valid date."),
        ({"day": "9999-12-31"}, "day", None),
        ({"day": ""}, "day", None),
        ({"day": NUL}, "day", None),
        ({"starts_at": ""}, "starts_at", None),
        ({"starts_at": LONG}, "starts_at", None),
        ({"starts_at": "10:00"}, "starts_at", "already has"),
        ({"day": "PAST"}, "starts_at", "already passed"),
        ({"day": "FAR"}, "starts_at", "at most 90 days"),
    ],
)
def test_move_refuses_bad_input_by_the_field(staff_client, guidance_request, adviser, data, field, text):
    starts_at = _later(days=3, hour=10)
    _booked(guidance_request, adviser, starts_at=starts_at)
    post = {"day": starts_at.date().isoformat(), "starts_at": "11:00"}
    post.update(data)
    post["day"] = {
        "PAST": (clock.local_today() - dt.timedelta(days=2)).isoformat(),
        "FAR": (clock.local_today() + dt.timedelta(days=100)).isoformat(),
    }.get(post["day"], post["day"])
    before = _stored()

    response = staff_client.post(_url("staff_move", guidance_request.pk), post)

    _error_by(response, field, text)
    assert _stored() == before


def test_move_refuses_a_clash(staff_client, centre, guidance_request, adviser):
    _booked(guidance_request, adviser, starts_at=_later(days=3, hour=10))
    _booked(factories.guidance_request_row(centre), adviser, starts_at=_later(days=3, hour=12))
    before = _stored()

    response = staff_client.post(
        _url("staff_move", guidance_request.pk),
        {"day": _later(days=3).date().isoformat(), "starts_at": "11:30"},
    )

    _error_by(response, "starts_at", "Someone has just taken this time")
    assert _stored() == before


def test_move_without_a_booked_time_says_so(staff_client, guidance_request, adviser):
    _booked(guidance_request, adviser, status="proposed")
    url = _url("staff_move", guidance_request.pk)
    before = _stored()

    assert "no booked time to move" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"day": _later().date().isoformat(), "starts_at": "12:00"})

    assert response.status_code == 200
    assert _stored() == before


@pytest.mark.parametrize("name", ["hand_over", "refer", "staff_cancel", "staff_move", "propose"])
def test_empty_forms_show_the_error_summary(staff_client, guidance_request, adviser, name):
    _booked(guidance_request, adviser)
    before = _stored()

    response = staff_client.post(_url(name, guidance_request.pk), {})

    body = response.content.decode()
    assert response.status_code == 200
    if name == "propose":  # a booked request cannot get a proposal: the page says so
        assert "no time can be proposed" in body
    else:
        assert 'id="error-summary"' in body
    assert _stored() == before


def test_record_the_session_is_offered_only_once_the_time_has_started(client, centre, adviser):
    request = factories.guidance_request_row(centre, status="scheduled")
    soon = clock.now() + dt.timedelta(days=1)
    appointment = factories.appointment_row(request, adviser, soon, soon + dt.timedelta(hours=1))
    client.force_login(adviser)
    record_url = reverse("guidance:record", args=[appointment.pk])
    assert record_url not in client.get(reverse("guidance:triage", args=[request.pk])).content.decode()
    past = clock.now() - dt.timedelta(hours=2)
    type(appointment).objects.filter(pk=appointment.pk).update(
        starts_at=past, ends_at=past + dt.timedelta(hours=1)
    )
    assert record_url in client.get(reverse("guidance:triage", args=[request.pk])).content.decode()


def _tables_are_named_by_their_headings(body: str) -> int:
    import re

    tables = re.findall(r"<table\b[^>]*>", body)
    for table in tables:
        label = re.search(r'aria-labelledby="([^"]+)"', table)
        assert label, table
        assert f'id="{label.group(1)}"' in body
    return len(tables)


def test_every_table_is_named_by_its_heading(staff_client, centre, adviser, guidance_request):
    factories.guidance_request_row(centre, status="handed_over", adviser=adviser)
    _booked(factories.guidance_request_row(centre), adviser, starts_at=_later(days=2), status="proposed")
    _booked(factories.guidance_request_row(centre), adviser, starts_at=_later(days=5))
    factories.guidance_request_row(centre, status="done")
    assert _tables_are_named_by_their_headings(staff_client.get(_url("queue", "oslo")).content.decode()) == 4
    assert _tables_are_named_by_their_headings(
        staff_client.get(_url("propose", guidance_request.pk)).content.decode()
    )
    _booked(guidance_request, adviser, starts_at=_later(days=6))
    assert _tables_are_named_by_their_headings(
        staff_client.get(_url("triage", guidance_request.pk)).content.decode()
    )
