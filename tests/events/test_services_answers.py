"""Answers to an event's questions: who may change them, until when, consent to special needs."""

import datetime as dt
from unittest import mock

import pytest

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.events import rules
from batteriet.events.models import Answer, Question
from batteriet.events.services import answers
from tests import factories

pytestmark = pytest.mark.django_db


def frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def centre():
    return factories.CentreFactory()


@pytest.fixture
def event(centre):
    return factories.EventFactory(centres=[centre])


@pytest.fixture
def questions(event):
    diet = Question.objects.create(event=event, label="Diet", kind="text", position=1)
    tshirt = Question.objects.create(
        event=event, label="Size", kind="choice", choices="S\nM\nL", required=True, position=2
    )
    travel = Question.objects.create(event=event, label="Travel costs?", kind="yes_no", position=3)
    access = Question.objects.create(
        event=event, label="Access needs", kind="text", is_special_need=True, position=4
    )
    return {"diet": diet, "size": tshirt, "travel": travel, "access": access}


@pytest.fixture
def person():
    return factories.UserFactory()


@pytest.fixture
def registration(event, person):
    return factories.registration_row(event, person)


def refused(**kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        answers.answers_save(**kwargs)
    assert str(caught.value.message).strip()
    return caught.value


def stored(registration) -> dict[str, str]:
    return {a.question.label: a.value for a in Answer.objects.filter(registration=registration)}


def test_the_person_saves_answers_with_consent(registration, person, questions):
    q = questions
    answers.answers_save(
        actor=person,
        registration=registration,
        answers={q["diet"].pk: " Vegan ", q["size"].pk: "M", q["travel"].pk: "yes", q["access"].pk: "Ramp"},
        consent=True,
    )
    registration.refresh_from_db()
    assert stored(registration) == {
        "Diet": "Vegan",
        "Size": "M",
        "Travel costs?": "yes",
        "Access needs": "Ramp",
    }
    assert registration.needs_consent_at is not None
    entry = AuditEntry.objects.get(action="registration.answers_saved")
    assert "Ramp" not in str(entry.changes) and "Vegan" not in str(entry.changes)
    assert sorted(entry.changes["questions"]) == sorted(question.pk for question in q.values())


def test_special_needs_without_consent_are_refused_and_nothing_is_stored(registration, person, questions):
    violation = refused(
        actor=person,
        registration=registration,
        answers={questions["size"].pk: "M", questions["access"].pk: "Ramp"},
        consent=False,
    )
    assert violation.code == "special_need_without_consent"
    assert violation.field == "consent"
    assert Answer.objects.count() == 0


def test_taking_consent_back_deletes_the_special_needs(registration, person, questions):
    answers.answers_save(
        actor=person,
        registration=registration,
        answers={questions["size"].pk: "S", questions["access"].pk: "Ramp"},
        consent=True,
    )
    answers.answers_save(
        actor=person, registration=registration, answers={questions["size"].pk: "S"}, consent=False
    )
    registration.refresh_from_db()
    assert stored(registration) == {"Size": "S"}
    assert registration.needs_consent_at is None


def test_answers_change_until_the_start_and_not_after(registration, person, questions, event):
    answers.answers_save(
        actor=person, registration=registration, answers={questions["size"].pk: "S"}, consent=False
    )
    answers.answers_save(
        actor=person, registration=registration, answers={questions["size"].pk: "L"}, consent=False
    )
    assert stored(registration) == {"Size": "L"}
    with frozen(event.starts_at):
        violation = refused(
            actor=person, registration=registration, answers={questions["size"].pk: "M"}, consent=False
        )
    assert violation.code == "event_started"
    assert stored(registration) == {"Size": "L"}


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("size", "XXL", "answer_not_a_choice"),
        ("size", "", "answer_required"),
        ("travel", "maybe", "answer_not_a_choice"),
        ("diet", "x" * 20_000, "answer_too_long"),
        ("diet", "a\x00b", "answer_invalid_character"),
    ],
)
def test_bad_answers_are_refused_by_their_question(registration, person, questions, key, value, code):
    given = {questions["size"].pk: "M", questions[key].pk: value}
    violation = refused(actor=person, registration=registration, answers=given, consent=False)
    assert violation.code == code
    assert violation.field == answers.field_name(questions[key])
    assert Answer.objects.count() == 0


def test_an_unknown_question_is_refused(registration, person, questions):
    other = Question.objects.create(event=factories.EventFactory(), label="Other", kind="text")
    violation = refused(actor=person, registration=registration, answers={other.pk: "Hi"}, consent=False)
    assert violation.code == "answer_unknown_question"


def test_the_contact_who_registered_them_may_not_change_answers(event, questions):
    organisation = factories.OrganisationFactory()
    contact = factories.member(organisation, "contact")
    person = factories.member(organisation)
    registration = factories.registration_row(event, person, registered_by=contact, organisation=organisation)
    violation = refused(
        actor=contact, registration=registration, answers={questions["size"].pk: "M"}, consent=False
    )
    assert violation.code == "not_allowed"


def test_an_organiser_may_change_answers(event, centre, registration, questions):
    organiser = factories.staff(centre)
    answers.answers_save(
        actor=organiser, registration=registration, answers={questions["size"].pk: "M"}, consent=False
    )
    assert stored(registration) == {"Size": "M"}


def test_a_cancelled_registration_keeps_its_answers(event, person, questions):
    registration = factories.registration_row(event, person, status="cancelled", cancelled_at=clock.now())
    violation = refused(
        actor=person, registration=registration, answers={questions["size"].pk: "M"}, consent=False
    )
    assert violation.code == "registration_not_active"


@pytest.mark.parametrize(
    ("kind", "value", "required", "ok"),
    [
        ("text", "", False, True),
        ("text", "", True, False),
        ("text", "x" * rules.ANSWER_MAX_LENGTH, False, True),
        ("text", "x" * (rules.ANSWER_MAX_LENGTH + 1), False, False),
        ("choice", "A", True, True),
        ("choice", "C", True, False),
        ("yes_no", "no", False, True),
        ("yes_no", "ja", False, False),
    ],
)
def test_check_answer(kind, value, required, ok):
    call = lambda: rules.check_answer(kind=kind, value=value, choices=["A", "B"], required=required)  # noqa: E731
    if ok:
        call()
    else:
        with pytest.raises(RuleViolation):
            call()
