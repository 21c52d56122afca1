"""The shared form for the three statements: radio groups 1–5 in fieldsets, words at the ends."""

import pytest
from django.utils import translation
from django.utils.html import escape

from batteriet.evaluations.forms import BatteryEffectForm
from batteriet.evaluations.models import STATEMENTS

VALID = {"hope": "4", "difference": "5", "capable": "1", "free_text": "Takk!"}


def test_the_three_statements_come_first_in_order_and_free_text_last():
    form = BatteryEffectForm()
    assert list(form.fields) == ["hope", "difference", "capable", "free_text"]
    for name, statement in STATEMENTS:
        assert form.fields[name].label == statement


def test_each_statement_is_a_fieldset_of_radios_with_words_at_the_ends():
    with translation.override("en"):
        html = str(BatteryEffectForm())
    assert html.count("<fieldset") == 3
    assert html.count('type="radio"') == 15
    assert "1 = not at all" in html
    assert "5 = very much" in html
    for _name, statement in STATEMENTS:
        with translation.override("en"):
            assert f'<legend class="ds-label">{escape(statement)}' in html


def test_valid_answers_give_whole_numbers():
    form = BatteryEffectForm(VALID)
    assert form.is_valid(), form.errors
    assert form.scores() == {"hope": 4, "difference": 5, "capable": 1}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hope": "0"}, "hope"),
        ({"difference": "6"}, "difference"),
        ({"capable": "x"}, "capable"),
        ({"hope": None}, "hope"),
        ({"hope": "3\x00"}, "hope"),
        ({"free_text": "x" * 20_000}, "free_text"),
        ({"free_text": "hei\x00"}, "free_text"),
    ],
)
def test_bad_input_is_refused_with_a_message_by_the_field(change, field):
    data = {**VALID, **change}
    data = {key: value for key, value in data.items() if value is not None}
    form = BatteryEffectForm(data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert form.errors[field][0]
