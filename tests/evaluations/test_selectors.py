"""Summaries of battery-effect answers (on the events' Evaluation model): one query each,
nothing shown below five answers, per group too."""

import pytest

from batteriet.evaluations import selectors
from batteriet.events.models import Evaluation
from tests import factories
from tests.evaluations import helpers

pytestmark = pytest.mark.django_db


def test_four_answers_show_nothing_and_five_show_the_averages(django_assert_num_queries):
    event = helpers.ended_event()
    helpers.answers(event, 4, hope=2)
    with django_assert_num_queries(1):
        summary = selectors.summarise(Evaluation.objects.filter(event=event))
    assert summary.n == 4 and summary.is_suppressed and summary.hope is None

    helpers.answers(event, 1, hope=5)
    summary = selectors.summarise(Evaluation.objects.filter(event=event))
    assert summary.n == 5 and not summary.is_suppressed
    assert summary.hope == 2.6


def test_each_group_is_held_back_on_its_own(django_assert_num_queries):
    course = helpers.ended_event(kind="course")
    seminar = helpers.ended_event(kind="seminar")
    helpers.answers(course, 5)
    helpers.answers(seminar, 4)
    with django_assert_num_queries(1):
        rows = selectors.summarise_by(Evaluation.objects.all(), "event__kind")
    by_kind = {key["event__kind"]: summary for key, summary in rows}
    assert by_kind["course"].n == 5 and not by_kind["course"].is_suppressed
    assert by_kind["seminar"].n == 4 and by_kind["seminar"].is_suppressed


def test_the_distribution_counts_each_score_in_one_query(django_assert_num_queries):
    event = helpers.ended_event()
    helpers.answers(event, 2, hope=1)
    helpers.answers(event, 3, hope=5, capable=2)
    factories.EventFactory()  # another event's answers are not counted
    with django_assert_num_queries(1):
        counts = selectors.distribution(Evaluation.objects.filter(event=event))
    assert counts["hope"] == [2, 0, 0, 0, 3]
    assert counts["difference"] == [0, 0, 0, 0, 5]
    assert counts["capable"] == [0, 3, 2, 0, 0]
