"""The anonymous evaluation after a guidance session: the invitation after commit with a
link that exists only in the e-mail, an answer that knows only the centre and the day, one
answer per link (also when sent ten times at once, on SQLite and PostgreSQL), friendly
pages for links that do not work, bad input refused by its field, and results for staff
only from five answers."""

import datetime as dt
import hashlib
import io
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import formats, translation
from django_tasks.signals import task_enqueued

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.guidance.models import GuidanceEvaluation, GuidanceEvaluationTicket
from batteriet.guidance.services import evaluation as services
from batteriet.guidance.services import records
from tests import factories
from tests.guidance.matrix.evaluation import SCORES, answers, ticket

at = factories.at
POST = {"hope": "4", "difference": "5", "capable": "3", "free_text": "Fint å bli hørt."}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def other_centre():
    return factories.CentreFactory(slug="bergen", name="Batteriet Bergen")


@pytest.fixture
def adviser(centre):
    return factories.staff(centre, full_name="Anne Rådgiver")


@pytest.fixture
def person():
    return factories.UserFactory(language="en", full_name="Kari Spør")


def _appointment(centre, adviser, person, hours_ago: int = 2):
    request = factories.guidance_request_row(
        centre, requested_by=person, status="scheduled", situation="hemmelig-situasjon"
    )
    starts_at = clock.now() - dt.timedelta(hours=hours_ago)
    return factories.appointment_row(request, adviser, starts_at, starts_at + dt.timedelta(hours=1))


def _record(adviser, centre, appointment=None, **fields):
    return records.record_create(
        actor=adviser,
        centre=centre,
        held_at=appointment.starts_at if appointment else clock.now() - dt.timedelta(hours=1),
        **{"minutes": 60, "mode": "centre", "topics": ["statutes"], "outcomes": [], **fields},
        appointment=appointment,
    )


def _main(response) -> str:
    """The page's own content (the rest holds the address, for the language switch)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _link(message) -> str:
    (path,) = re.findall(r"/veiledning/evaluering/[^/\s]+/", message.body)
    return path


def _token(message) -> str:
    return _link(message).rstrip("/").rsplit("/", 1)[-1]


# --- The invitation ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_recording_a_session_e_mails_a_one_time_link_after_commit(
    centre, adviser, person, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = _appointment(centre, adviser, person)
    queued = []

    def remember(sender, task_result, **kwargs):
        queued.append((task_result.task.name, task_result.args, task_result.kwargs))

    task_enqueued.connect(remember)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record = _record(adviser, centre, appointment)
    finally:
        task_enqueued.disconnect(remember)

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "Batteriet Oslo" in message.subject
    assert "anonymous" in message.body
    token = _token(message)
    (stored,) = GuidanceEvaluationTicket.objects.all()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (stored.centre, stored.created_on) == (centre, clock.local_today())
    # The queue holds the record's id, never the token.
    assert queued == [("send_evaluation_invitation", [], {"record_id": record.pk})]
    assert token not in str(queued)
    assert "hemmelig-situasjon" not in message.body


@pytest.mark.django_db
def test_the_invitation_is_in_the_persons_language(
    centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    norwegian = factories.UserFactory(language="nb")
    appointment = _appointment(centre, adviser, norwegian)
    with django_capture_on_commit_callbacks(execute=True):
        _record(adviser, centre, appointment)
    (message,) = mailoutbox
    with translation.override("nb"):
        weekday = formats.date_format(appointment.starts_at.astimezone(clock.OSLO), "l")
    assert weekday in message.body


@pytest.mark.django_db
def test_nothing_before_commit_and_nothing_without_an_appointment_or_an_address(
    centre, adviser, person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _record(adviser, centre, _appointment(centre, adviser, person))
    assert len(callbacks) == 1
    assert mailoutbox == [] and not GuidanceEvaluationTicket.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _record(adviser, centre)  # a session without an appointment: nobody to write to
    assert callbacks == []

    nobody = factories.UserFactory()
    type(nobody).objects.filter(pk=nobody.pk).update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        _record(adviser, centre, _appointment(centre, adviser, nobody, hours_ago=4))
    assert mailoutbox == [] and not GuidanceEvaluationTicket.objects.exists()


@pytest.mark.django_db
def test_a_refused_record_invites_nobody(
    centre, adviser, person, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = _appointment(centre, adviser, person)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation):
        _record(adviser, centre, appointment, minutes=0)
    assert mailoutbox == [] and not GuidanceEvaluationTicket.objects.exists()


@pytest.mark.django_db
def test_the_ticket_and_the_answer_know_nothing_of_the_person_or_the_session():
    assert sorted(field.name for field in GuidanceEvaluationTicket._meta.get_fields()) == [
        "centre",
        "created_on",
        "token_hash",
    ]
    assert sorted(field.name for field in GuidanceEvaluation._meta.get_fields()) == [
        "answered_on",
        "capable",
        "centre",
        "difference",
        "free_text",
        "hope",
        "id",
    ]


# --- Answering ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_answering_from_the_link_stores_the_centre_and_the_month_and_spends_the_link(client, centre):
    token = ticket(centre)
    url = reverse("guidance:evaluation", args=[token])

    page = client.get(url)
    assert page.status_code == 200
    assert "we store only the centre and the month" in page.content.decode()
    assert GuidanceEvaluationTicket.objects.count() == 1  # looking uses nothing up
    assert client.get(url).status_code == 200

    response = client.post(url, POST)
    assert response.status_code == 302
    assert response["Location"] == reverse("guidance:evaluation_done")
    (answer,) = GuidanceEvaluation.objects.values()
    assert answer == {
        "id": answer["id"],
        "centre_id": centre.pk,
        "answered_on": clock.local_today().replace(day=1),  # the month only
        "hope": 4,
        "difference": 5,
        "capable": 3,
        "free_text": "Fint å bli hørt.",
    }
    assert not GuidanceEvaluationTicket.objects.exists()
    assert not AuditEntry.objects.filter(action__icontains="evaluation").exists()

    again = client.get(url)
    never = client.get(reverse("guidance:evaluation", args=["finnes-ikke"]))
    assert again.status_code == never.status_code == 404
    assert _main(again) == _main(never)
    assert client.post(url, POST).status_code == 404
    assert GuidanceEvaluation.objects.count() == 1


@pytest.mark.django_db
def test_the_free_text_is_optional(client, centre):
    token = ticket(centre)
    response = client.post(reverse("guidance:evaluation", args=[token]), {**POST, "free_text": ""})
    assert response.status_code == 302
    assert GuidanceEvaluation.objects.get().free_text == ""


@pytest.mark.django_db
def test_a_link_works_for_21_days_and_the_job_deletes_it_after(client, centre):
    last_day = ticket(centre, days_ago=21)
    run_out = ticket(centre, days_ago=22)
    assert client.get(reverse("guidance:evaluation", args=[last_day])).status_code == 200
    response = client.get(reverse("guidance:evaluation", args=[run_out]))
    assert response.status_code == 404
    assert _main(response) == _main(client.get(reverse("guidance:evaluation", args=["ukjent"])))
    assert client.post(reverse("guidance:evaluation", args=[run_out]), POST).status_code == 404
    assert not GuidanceEvaluation.objects.exists()

    assert services.tickets_delete_expired() == 1
    assert GuidanceEvaluationTicket.objects.count() == 1
    assert services.tickets_delete_expired() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"free_text": "x" * 20000}, "free_text"),
        ({"free_text": "hei\x00"}, "free_text"),
        ({"hope": "0"}, "hope"),
        ({"difference": "6"}, "difference"),
        ({"capable": "x"}, "capable"),
        ({"hope": ""}, "hope"),
        ({"capable": "3.5"}, "capable"),
    ],
)
def test_bad_input_is_refused_by_its_field_and_nothing_is_stored(client, centre, changes, field):
    token = ticket(centre)
    response = client.post(reverse("guidance:evaluation", args=[token]), {**POST, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not GuidanceEvaluation.objects.exists()
    assert GuidanceEvaluationTicket.objects.count() == 1  # the link still works


@pytest.mark.django_db
def test_an_empty_form_says_what_is_missing(client, centre):
    response = client.post(reverse("guidance:evaluation", args=[ticket(centre)]), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"hope", "difference", "capable"}
    assert "Choose a number from 1 to 5." in response.content.decode()


@pytest.mark.django_db
def test_odd_links_are_not_found(client):
    for token in ("x" * 300, "%00", "<script>"):
        assert client.get(f"/veiledning/evaluering/{token}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scores", "free_text", "code"),
    [
        ({"hope": 0, "difference": 5, "capable": 3}, "", "evaluation_score"),
        ({"hope": 6, "difference": 5, "capable": 3}, "", "evaluation_score"),
        ({"hope": "x", "difference": 5, "capable": 3}, "", "evaluation_score"),
        ({"hope": True, "difference": 5, "capable": 3}, "", "evaluation_score"),
        ({"difference": 5, "capable": 3}, "", "evaluation_score"),
        (SCORES, "x" * 20000, "evaluation_text_too_long"),
        (SCORES, "nul\x00", "evaluation_text_invalid"),
        (SCORES, None, "evaluation_text_invalid"),
    ],
)
def test_the_service_refuses_bad_answers(centre, scores, free_text, code):
    token = ticket(centre)
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(token=token, scores=scores, free_text=free_text)
    assert caught.value.code == code
    assert not GuidanceEvaluation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "x" * 201, None, "finnes-ikke"])
def test_the_service_refuses_links_that_do_not_work(centre, token):
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(token=token, scores=SCORES, free_text="")
    assert caught.value.code == "evaluation_link_used"


@pytest.mark.django_db(transaction=True)
def test_ten_answers_at_once_from_one_link_store_one(centre):
    """Ten submits of one link at once, on this database (SQLite or PostgreSQL): one answer."""
    token = ticket(centre)
    stored, refused, errors = [], [], []
    barrier = threading.Barrier(10)

    def submit() -> None:
        try:
            barrier.wait(timeout=30)
            stored.append(services.evaluation_submit(token=token, scores=SCORES, free_text="Samtidig"))
        except RuleViolation as violation:
            refused.append(violation.code)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(stored) == 1
    assert refused == ["evaluation_link_used"] * 9
    assert GuidanceEvaluation.objects.count() == 1
    assert not GuidanceEvaluationTicket.objects.exists()


@pytest.mark.django_db
def test_the_thanks_page(client):
    response = client.get(reverse("guidance:evaluation_done"))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()


# --- Results --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_four_answers_are_not_shown_and_five_are(client, centre, adviser):
    answers(centre, 4, free_text="Nyttig samtale")
    client.force_login(adviser)
    url = reverse("guidance:evaluation_results")

    page = client.get(url).content.decode()
    assert "Fewer than 5 answers: not shown, to keep them anonymous." in page
    assert "Nyttig samtale" not in page
    assert "<caption>" not in page

    answers(centre, 1, free_text="Nyttig samtale")
    response = client.get(url)
    page = response.content.decode()
    results = response.context["results"]
    assert results.n == 5 and results.is_shown
    assert [row.average for row in results.statements] == [2.2, 5.0, 3.0]
    assert results.statements[0].counts == [(1, 2), (2, 1), (3, 1), (4, 1), (5, 0)]
    assert results.statements[1].counts == [(1, 0), (2, 0), (3, 0), (4, 0), (5, 5)]
    assert page.count("Nyttig samtale") == 5
    assert "not shown" not in page


@pytest.mark.django_db
def test_staff_see_their_own_centres_and_a_coordinator_all(client, centre, other_centre, adviser):
    answers(centre, 5, free_text="Oslo-svar")
    answers(other_centre, 5, free_text="Bergen-svar")
    url = reverse("guidance:evaluation_results")
    client.force_login(adviser)

    page = client.get(url).content.decode()
    assert "Oslo-svar" in page and "Bergen-svar" not in page
    refused = client.get(url, {"centre": "bergen"})
    assert refused.status_code == 200
    assert "centre" in refused.context["form"].errors
    assert "Bergen-svar" not in refused.content.decode()
    assert refused.context["results"] is None

    client.force_login(factories.national_coordinator())
    everything = client.get(url)
    assert everything.context["results"].n == 10
    assert client.get(url, {"centre": "bergen"}).context["results"].n == 5


@pytest.mark.django_db
def test_the_period_counts_whole_months(client, centre, adviser):
    answers(centre, 5, answered_on=dt.date(2026, 3, 1))
    answers(centre, 5, answered_on=dt.date(2026, 4, 1))
    client.force_login(adviser)
    url = reverse("guidance:evaluation_results")
    response = client.get(url, {"centre": "oslo", "date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response.context["results"].n == 5
    # A period of a few days is widened to its months: two periods a day apart give the
    # same answers, so comparing them singles nobody out.
    for query in (
        {"date_from": "2026-03-15", "date_to": "2026-04-02"},
        {"date_from": "2026-03-16", "date_to": "2026-04-02"},
    ):
        results = client.get(url, {"centre": "oslo", **query}).context["results"]
        assert (results.n, results.date_from, results.date_to) == (
            10,
            dt.date(2026, 3, 1),
            dt.date(2026, 4, 30),
        )


@pytest.mark.django_db
def test_free_texts_are_shown_in_the_order_of_their_text_not_of_time(client, centre, adviser):
    for month, text in ((1, "Zebra"), (2, "Apekatt"), (3, "Mellom")):
        GuidanceEvaluation.objects.create(
            centre=centre,
            answered_on=dt.date(2026, month, 1),
            hope=3,
            difference=3,
            capable=3,
            free_text=text,
        )
    answers(centre, 2, answered_on=dt.date(2026, 1, 1))
    client.force_login(adviser)
    response = client.get(
        reverse("guidance:evaluation_results"),
        {"centre": "oslo", "date_from": "2026-01-01", "date_to": "2026-03-31"},
    )
    assert response.context["results"].free_texts == ["Apekatt", "Mellom", "Zebra"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-45"},
        {"date_to": "not a date"},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"date_from": "1900-01-01", "date_to": "2026-01-01"},
        {"centre": "<script>"},
        {"centre": "\x00"},
        {"date_from": "x" * 20000},
    ],
)
def test_bad_filters_say_so_by_the_field(client, centre, adviser, query):
    client.force_login(adviser)
    response = client.get(reverse("guidance:evaluation_results"), query)
    assert response.status_code == 200
    assert set(response.context["form"].errors) <= {"centre", "date_from", "date_to"}
    assert response.context["form"].errors
    assert response.context["results"] is None


@pytest.mark.django_db
def test_free_texts_are_shown_as_text(client, centre, adviser):
    answers(centre, 5, free_text="<script>alert(1)</script>")
    client.force_login(adviser)
    page = client.get(reverse("guidance:evaluation_results")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.django_db
def test_the_results_take_few_queries_however_many_answers(
    client, centre, adviser, django_assert_max_num_queries
):
    answers(centre, 200, free_text="Tekst")
    client.force_login(adviser)
    with django_assert_max_num_queries(12):
        client.get(reverse("guidance:evaluation_results"))


@pytest.mark.django_db
def test_only_staff_see_the_results(client, centre):
    assert client.get(reverse("guidance:evaluation_results")).status_code == 302
    client.force_login(factories.UserFactory())
    assert client.get(reverse("guidance:evaluation_results")).status_code == 403
    assert client.post(reverse("guidance:evaluation_results")).status_code == 405


@pytest.mark.django_db
def test_the_guidance_job_deletes_links_that_ran_out(centre):
    ticket(centre, days_ago=30)
    ticket(centre)
    out = io.StringIO()
    call_command("guidance_jobs", stdout=out)
    call_command("guidance_jobs", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines.count("Evaluation links run out and deleted: 1.") == 1
    assert lines.count("Evaluation links run out and deleted: 0.") == 1
    assert GuidanceEvaluationTicket.objects.count() == 1
