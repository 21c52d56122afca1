"""The evaluation pages: answering from the link without logging in while answering is
open, the results of an event for its organisers once it has closed, and the summary per
centre and kind of event of closed evaluations."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.events.models import Evaluation, EvaluationAnswer, EvaluationQuestion, EvaluationTicket
from batteriet.events.services import evaluation as evaluation_services
from tests import factories
from tests.evaluations import helpers

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"
VALID = {"hope": "4", "difference": "5", "capable": "3", "free_text": "Fint kurs"}


@pytest.fixture(autouse=True)
def _in_english(settings):
    """The messages are checked in English, the language they are written in."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def event(centre):
    return helpers.ended_event(centre, title="Styrearbeid i frivillige organisasjoner")


def _evaluate(token: str) -> str:
    return reverse("events:evaluate", args=[token])


# --- Answering ------------------------------------------------------------------------------
def test_the_form_needs_no_login_and_asks_the_three_statements_and_own_questions(client, event):
    EvaluationQuestion.objects.create(event=event, label="Hva tar du med deg hjem?")
    response = client.get(_evaluate(helpers.ticket(event)))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<fieldset") == 3
    assert body.count('type="radio"') == 15
    assert "1 = not at all" in body and "5 = very much" in body
    assert "Hva tar du med deg hjem?" in body
    assert "anonymous" in body
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # the link is never sent to other sites


def test_an_answer_is_stored_and_leads_to_the_thanks_page(client, event):
    question = EvaluationQuestion.objects.create(event=event, label="Hva tar du med deg hjem?")
    token = helpers.ticket(event)
    response = client.post(_evaluate(token), {**VALID, f"question_{question.pk}": "Mot"})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:evaluate_done")
    evaluation = Evaluation.objects.get()
    assert (evaluation.hope, evaluation.difference, evaluation.capable) == (4, 5, 3)
    assert EvaluationAnswer.objects.get().value == "Mot"
    assert client.get(response["Location"]).status_code == 200


def test_a_used_or_unknown_link_gets_a_friendly_404(client, event):
    token = helpers.ticket(event)
    client.post(_evaluate(token), VALID)
    used = client.get(_evaluate(token))
    assert used.status_code == 404
    assert "Each link can be used once" in used.content.decode()
    assert client.post(_evaluate(token), VALID).status_code == 404
    assert Evaluation.objects.count() == 1
    unknown = client.get(_evaluate("finnes-ikke"))
    assert unknown.status_code == 404
    assert "This link does not work" in unknown.content.decode()
    assert client.get(_evaluate(LONG)).status_code == 404


def test_a_link_after_answering_closed_says_so_with_410(client, centre):
    token = helpers.ticket(helpers.closed_event(centre))
    response = client.get(_evaluate(token))
    assert response.status_code == 410
    assert "The evaluation has closed" in response.content.decode()
    assert client.post(_evaluate(token), VALID).status_code == 410
    assert not Evaluation.objects.exists()


def test_a_form_sent_just_after_answering_closed_says_so(client, event, monkeypatch):
    token = helpers.ticket(event)
    closes_at = event.ends_at + dt.timedelta(days=21)
    monkeypatch.setattr(clock, "now", lambda: closes_at - dt.timedelta(seconds=1))
    assert "You can answer until" in client.get(_evaluate(token)).content.decode()
    real_submit = evaluation_services.evaluation_submit

    def submit_after_closing(**kwargs):
        monkeypatch.setattr(clock, "now", lambda: closes_at)
        return real_submit(**kwargs)

    monkeypatch.setattr(evaluation_services, "evaluation_submit", submit_after_closing)
    response = client.post(_evaluate(token), VALID)
    assert response.status_code == 410
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hope": "0"}, "hope"),
        ({"difference": "6"}, "difference"),
        ({"capable": "x"}, "capable"),
        ({"hope": None}, "hope"),
        ({"hope": "1\x00"}, "hope"),
        ({"free_text": LONG}, "free_text"),
        ({"free_text": "hei\x00"}, "free_text"),
        ({"question": LONG}, "question"),
        ({"question": "svar\x00"}, "question"),
    ],
)
def test_bad_input_shows_a_message_by_the_field_and_stores_nothing(client, event, change, field):
    question = EvaluationQuestion.objects.create(event=event, label="Hva tar du med deg hjem?")
    token = helpers.ticket(event)
    data = {**VALID, **change}
    if "question" in data:
        data[f"question_{question.pk}"] = data.pop("question")
        field = f"question_{question.pk}"
    response = client.post(_evaluate(token), {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Evaluation.objects.exists()
    assert EvaluationTicket.objects.count() == 1


def test_script_in_the_free_text_is_stored_as_text(client, event):
    client.post(_evaluate(helpers.ticket(event)), {**VALID, "free_text": SCRIPT})
    assert Evaluation.objects.get().free_text == SCRIPT


def test_the_answer_pages_are_get_and_post_only(client, event):
    assert client.put(_evaluate(helpers.ticket(event))).status_code == 405
    assert client.post(reverse("events:evaluate_done")).status_code == 405


# --- Results for the organisers -------------------------------------------------------------
@pytest.fixture
def adviser(centre):
    return factories.staff(centre, StaffRole.ADVISER)


def _results(event) -> str:
    return reverse("events:staff_evaluation", args=[event.pk])


@pytest.fixture
def closed(centre):
    return helpers.closed_event(centre, title="Styrearbeid i frivillige organisasjoner")


def test_while_answering_is_open_nothing_is_shown_not_even_n(client, event, adviser):
    helpers.ticket(event)
    helpers.answers(event, 7, free_text="Hemmelig tekst", hope=1)
    client.force_login(adviser)
    response = client.get(_results(event))
    body = response.content.decode()
    closes_on = (event.ends_at + dt.timedelta(days=21)).astimezone(clock.OSLO).date()
    assert "Results are shown when answering closes on" in body
    assert f"{closes_on.day}. {closes_on:%B} {closes_on.year}" in body
    assert "1 person was invited." in body
    section = body.split('id="results-heading"')[1].split('id="questions-heading"')[0]
    assert "answered" not in section and "n = " not in section and "7 people" not in section
    assert "Hemmelig tekst" not in body
    assert "<table" not in body
    assert response.context["results"].n is None


def test_one_answer_more_while_open_does_not_change_the_page(client, event, adviser):
    helpers.answers(event, 5)
    client.force_login(adviser)
    before = client.get(_results(event)).content.decode()
    helpers.answers(event, 1, free_text="Ett svar til", hope=1)
    after = client.get(_results(event)).content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(before) == strip(after)


def test_four_answers_show_nothing_but_n(client, closed, adviser):
    helpers.answers(closed, 4, free_text="Hemmelig tekst", hope=1)
    client.force_login(adviser)
    body = client.get(_results(closed)).content.decode()
    assert "Too few answers to show without risking that someone is recognised (n = 4)" in body
    assert "Hemmelig tekst" not in body
    assert "1.0" not in body and "1,0" not in body
    assert "<table" not in body


def test_five_answers_show_averages_distribution_free_texts_and_own_answers(client, closed, adviser):
    event = closed
    question = EvaluationQuestion.objects.create(event=event, label="Hva tar du med deg hjem?")
    evaluations = helpers.answers(event, 4, free_text="Godt kurs", hope=2)
    evaluations += helpers.answers(event, 1, free_text=SCRIPT, hope=4)
    EvaluationAnswer.objects.create(evaluation=evaluations[0], question=question, value="Mer mot")
    client.force_login(adviser)
    body = client.get(_results(event)).content.decode()
    assert "Too few answers" not in body
    assert "5 people answered." in body
    assert "2.4" in body or "2,4" in body  # (4 × 2 + 4) / 5
    response = client.get(_results(event))
    hope = response.context["results"].statements[0]
    assert hope.counts == [(1, 0), (2, 4), (3, 0), (4, 1), (5, 0)]
    assert hope.average == 2.4
    assert "Godt kurs" in body
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert "Mer mot" in body


def test_an_organiser_adds_and_removes_a_question_before_the_invitations(client, event, adviser):
    client.force_login(adviser)
    response = client.post(_results(event), {"label": "Hva savnet du?"})
    assert response.status_code == 302
    question = EvaluationQuestion.objects.get()
    assert question.label == "Hva savnet du?"
    assert "Hva savnet du?" in client.get(_results(event)).content.decode()
    assert client.post(_results(event), {"remove": str(question.pk)}).status_code == 302
    assert not EvaluationQuestion.objects.exists()


def test_after_the_invitations_the_questions_are_locked(client, event, adviser):
    question = EvaluationQuestion.objects.create(event=event, label="Hva savnet du?")
    factories.registration_row(event, factories.UserFactory(), evaluation_sent_at=clock.now())
    client.force_login(adviser)
    body = client.get(_results(event)).content.decode()
    assert "can no longer change" in body
    assert 'name="label"' not in body
    client.post(_results(event), {"remove": str(question.pk)})
    response = client.post(_results(event), {"label": "Ny?"})
    assert "can no longer change" in response.content.decode()
    assert list(EvaluationQuestion.objects.all()) == [question]


def test_removing_another_events_question_is_not_found(client, event, adviser):
    other = EvaluationQuestion.objects.create(event=factories.EventFactory(), label="Annet")
    client.force_login(adviser)
    assert client.post(_results(event), {"remove": str(other.pk)}).status_code == 404
    assert client.post(_results(event), {"remove": "x\x00"}).status_code == 404
    assert EvaluationQuestion.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("label", ["", "   ", LONG, "Hva\x00?"])
def test_a_bad_question_shows_a_message_by_the_field(client, event, adviser, label):
    client.force_login(adviser)
    response = client.post(_results(event), {"label": label})
    assert response.status_code == 200
    assert 'id="id_label_error"' in response.content.decode()
    assert not EvaluationQuestion.objects.exists()


def test_a_question_with_script_is_shown_as_text(client, event, adviser):
    client.force_login(adviser)
    client.post(_results(event), {"label": SCRIPT})
    body = client.get(_results(event)).content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body


def test_others_may_not_see_the_results(client, event, centre):
    client.force_login(factories.staff(factories.CentreFactory(slug="vest")))
    assert client.get(_results(event)).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.get(_results(event)).status_code == 403
    client.logout()
    assert client.get(_results(event)).status_code == 302


def test_the_results_page_needs_the_same_queries_for_many_answers(
    client, closed, adviser, django_assert_max_num_queries
):
    event = closed
    questions = [EvaluationQuestion.objects.create(event=event, label=f"Spørsmål {n}") for n in range(3)]
    client.force_login(adviser)
    for evaluation in helpers.answers(event, 5, free_text="Tekst"):
        for question in questions:
            EvaluationAnswer.objects.create(evaluation=evaluation, question=question, value="Svar")
    client.get(_results(event))
    with django_assert_max_num_queries(20) as few:
        client.get(_results(event))
    for evaluation in helpers.answers(event, 40, free_text="Mer tekst"):
        for question in questions:
            EvaluationAnswer.objects.create(evaluation=evaluation, question=question, value="Svar")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_results(event))


# --- The summary ----------------------------------------------------------------------------
SUMMARY = reverse("events:staff_evaluation_summary")


def _rows(response) -> dict[tuple[str, str], object]:
    return {(row.centre, row.kind): row.summary for row in response.context["rows"]}


def test_the_summary_is_per_centre_and_kind_and_holds_back_small_rows(client, centre, adviser):
    helpers.answers(helpers.closed_event(centre, kind="course"), 5, hope=5)
    helpers.answers(helpers.closed_event(centre, kind="seminar"), 4, hope=1)
    client.force_login(adviser)
    response = client.get(SUMMARY)
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[("Batteriet Oslo", "course")].n == 5
    assert rows[("Batteriet Oslo", "course")].hope == 5.0
    assert rows[("Batteriet Oslo", "seminar")].n == 4
    assert rows[("Batteriet Oslo", "seminar")].is_suppressed
    body = response.content.decode()
    assert "Too few answers to show" in body
    assert "Course" in body or "Kurs" in body
    assert "1.0" not in body and "1,0" not in body


def test_the_summary_counts_only_evaluations_whose_answering_has_closed(client, centre, adviser):
    helpers.answers(helpers.closed_event(centre, kind="course"), 5)
    still_open = helpers.ended_event(centre, kind="course", days_ago=20)
    helpers.answers(still_open, 5, hope=1)
    helpers.answers(helpers.ended_event(centre, kind="seminar"), 6)
    client.force_login(adviser)
    response = client.get(SUMMARY)
    assert {key: summary.n for key, summary in _rows(response).items()} == {("Batteriet Oslo", "course"): 5}
    assert "21 days after the event" in response.content.decode()


def test_staff_see_their_centres_and_coordinators_all(client, centre, adviser):
    vest = factories.CentreFactory(slug="vest", name="Batteriet Vest")
    shared = helpers.closed_event(centre, kind="course")
    shared.centres.add(vest)
    helpers.answers(shared, 5)
    helpers.answers(helpers.closed_event(vest, kind="course"), 5)
    helpers.answers(helpers.closed_event(None, kind="conference"), 6)

    client.force_login(adviser)
    assert set(_rows(client.get(SUMMARY))) == {("Batteriet Oslo", "course")}
    assert _rows(client.get(SUMMARY))[("Batteriet Oslo", "course")].n == 5

    client.force_login(factories.national_coordinator())
    rows = _rows(client.get(SUMMARY))
    assert rows[("Batteriet Oslo", "course")].n == 5
    assert rows[("Batteriet Vest", "course")].n == 10
    assert rows[(None, "conference")].n == 6
    assert _rows(client.get(SUMMARY, {"centre": str(vest.pk)})) == {
        ("Batteriet Vest", "course"): rows[("Batteriet Vest", "course")]
    }
    assert set(_rows(client.get(SUMMARY, {"kind": "conference"}))) == {(None, "conference")}


def test_the_period_defaults_to_this_year_and_filters_by_the_day_answered(client, centre, adviser):
    event = helpers.closed_event(centre)
    helpers.answers(event, 5)
    last_year = clock.local_today().replace(month=6, day=1) - dt.timedelta(days=366)
    Evaluation.objects.filter(pk__in=[e.pk for e in helpers.answers(event, 3)]).update(answered_on=last_year)
    client.force_login(adviser)
    assert [summary.n for summary in _rows(client.get(SUMMARY)).values()] == [5]
    response = client.get(
        SUMMARY, {"starts_on": f"{last_year.year}-01-01", "ends_on": f"{clock.local_today().year}-12-31"}
    )
    assert [summary.n for summary in _rows(response).values()] == [8]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"starts_on": "x"}, "starts_on"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"ends_on": LONG}, "ends_on"),
        ({"ends_on": "2026-01-01\x00"}, "ends_on"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on"),
        ({"starts_on": "0001-01-01", "ends_on": "9999-12-31"}, "ends_on"),
        ({"centre": "999999"}, "centre"),
        ({"centre": SCRIPT}, "centre"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_filters_show_a_message_by_the_field(client, centre, adviser, params, field):
    client.force_login(adviser)
    response = client.get(SUMMARY, params)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert response.context["rows"] is None


def test_staff_may_not_pick_another_centre(client, centre, adviser):
    vest = factories.CentreFactory(slug="vest", name="Batteriet Vest")
    helpers.answers(helpers.closed_event(vest), 5)
    client.force_login(adviser)
    response = client.get(SUMMARY, {"centre": str(vest.pk)})
    assert 'id="id_centre_error"' in response.content.decode()


def test_only_staff_see_the_summary(client):
    client.force_login(factories.UserFactory())
    assert client.get(SUMMARY).status_code == 403
    client.force_login(factories.site_admin())
    assert client.get(SUMMARY).status_code == 403


def test_the_summary_needs_the_same_queries_for_many_events(
    client, centre, adviser, django_assert_max_num_queries
):
    helpers.answers(helpers.closed_event(centre), 5)
    client.force_login(adviser)
    client.get(SUMMARY)
    with django_assert_max_num_queries(20) as few:
        client.get(SUMMARY)
    for kind in ("seminar", "conference", "hearing", "member_gathering"):
        for _ in range(3):
            helpers.answers(helpers.closed_event(centre, kind=kind), 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(SUMMARY)


def test_strange_links_are_not_found_and_never_fail(client, event):
    helpers.ticket(event)
    for path in ("/evaluering/%00/", "/evaluering/a%00b/", "/evaluering/%3Cscript%3E/"):
        assert client.get(path).status_code == 404
        assert client.post(path, VALID).status_code == 404
    assert not Evaluation.objects.exists()
