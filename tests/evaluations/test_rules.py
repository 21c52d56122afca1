"""The shared evaluation rules: figures held back below five answers, scores 1–5, texts."""

import datetime as dt

import pytest

from batteriet.core.errors import RuleViolation
from batteriet.evaluations import rules

NAMES = ["hope", "difference", "capable"]


@pytest.mark.parametrize(("n", "shown"), [(0, False), (1, False), (4, False), (5, True), (500, True)])
def test_figures_are_shown_from_five_answers(n, shown):
    summary = rules.summary(n=n, hope=4.0 if n else None, difference=3.0, capable=2.0)
    assert summary.is_suppressed is not shown
    assert rules.is_shown(n) is shown
    if not shown:
        assert (summary.hope, summary.difference, summary.capable) == (None, None, None)
    else:
        assert (summary.hope, summary.difference, summary.capable) == (4.0, 3.0, 2.0)


def test_averages_are_rounded_to_one_decimal():
    assert rules.summary(n=6, hope=3.3333, difference=4.05, capable=5).hope == 3.3


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"hope": 0, "difference": 3, "capable": 3}, "hope"),
        ({"hope": 3, "difference": 6, "capable": 3}, "difference"),
        ({"hope": 3, "difference": 3, "capable": "3"}, "capable"),
        ({"hope": 3, "difference": 3}, "capable"),
        ({"hope": True, "difference": 3, "capable": 3}, "hope"),
        ({"hope": -1, "difference": 3, "capable": 3}, "hope"),
    ],
)
def test_scores_outside_one_to_five_are_refused_by_the_field(scores, field):
    with pytest.raises(RuleViolation) as caught:
        rules.check_scores(scores, NAMES)
    assert caught.value.code == "evaluation_score"
    assert caught.value.field == field


def test_scores_from_one_to_five_pass():
    for value in range(1, 6):
        rules.check_scores(dict.fromkeys(NAMES, value), NAMES)


@pytest.mark.parametrize(
    ("value", "code"), [("a\x00b", "evaluation_text_invalid"), ("x" * 11, "evaluation_text_too_long")]
)
def test_texts_with_nul_or_too_long_are_refused(value, code):
    with pytest.raises(RuleViolation) as caught:
        rules.check_text(value, field="free_text", max_length=10)
    assert caught.value.code == code
    assert caught.value.field == "free_text"


def test_an_ordinary_text_passes():
    rules.check_text("Fint kurs! <script>", field="free_text", max_length=100)


def test_answering_closes_21_days_after_the_end():
    ends_at = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)
    closes_at = dt.datetime(2026, 3, 22, 20, 0, tzinfo=dt.UTC)
    assert rules.ANSWER_DAYS == 21
    assert rules.answering_closes_at(ends_at) == closes_at
    assert rules.is_answering_open(ends_at, ends_at)
    assert rules.is_answering_open(ends_at, closes_at - dt.timedelta(seconds=1))
    assert not rules.is_answering_open(ends_at, closes_at)
    assert rules.closed_ended_before(closes_at) == ends_at
