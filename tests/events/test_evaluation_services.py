"""The evaluation services: invitations once to those who came, one anonymous answer per
ticket while answering is open, tickets that never know the person, and the event's own
questions until the invitations go out."""

import datetime as dt
import hashlib
import io
import itertools
import re

import pytest
from django.core.management import call_command
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task_backends

from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.evaluations import rules as evaluation_rules
from batteriet.events.models import (
    Attendance,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationTicket,
    Registration,
    Session,
)
from batteriet.events.services import evaluation as services
from tests import factories
from tests.evaluations import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


def _session(event, hour=0):
    return Session.objects.create(
        event=event, title=f"Kveld {hour}", starts_at=event.starts_at, ends_at=event.ends_at
    )


def _send(capture, now=None) -> int:
    with capture(execute=True):
        return services.invitations_send(now=now)


def _tokens(mailoutbox) -> dict[str, str]:
    """E-mail address → the token in the link of the e-mail."""
    tokens = {}
    for message in mailoutbox:
        (token,) = re.findall(r"/evaluering/([^/\s]+)/", message.body)
        tokens[message.to[0]] = token
    return tokens


# --- Invitations ----------------------------------------------------------------------------
def _invited(event=None) -> set[int]:
    registrations = Registration.objects.filter(evaluation_sent_at__isnull=False)
    if event is not None:
        registrations = registrations.filter(event=event)
    return set(registrations.values_list("pk", flat=True))


def test_without_attendance_every_confirmed_person_is_invited_once(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    event = helpers.ended_event(centre)
    came = [factories.registration_row(event, factories.UserFactory()) for _ in range(3)]
    factories.registration_row(event, factories.UserFactory(), status="cancelled")
    factories.registration_row(event, factories.UserFactory(), status="waiting")
    factories.registration_row(event, None, name="Walk-in uten konto")

    assert _send(django_capture_on_commit_callbacks) == 3
    assert _invited() == {r.pk for r in came}
    assert list(EvaluationTicket.objects.values_list("event_id", flat=True)) == [event.pk] * 3
    assert sorted(message.to[0] for message in mailoutbox) == sorted(r.person.email for r in came)

    # Running again sends nothing more.
    assert _send(django_capture_on_commit_callbacks) == 0
    assert EvaluationTicket.objects.count() == 3
    assert len(mailoutbox) == 3


def test_with_attendance_only_those_who_attended_a_session_are_invited(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    event = helpers.ended_event(centre)
    first, second = _session(event, 1), _session(event, 2)
    both = factories.registration_row(event, factories.UserFactory())
    one = factories.registration_row(event, factories.UserFactory())
    absent = factories.registration_row(event, factories.UserFactory())
    unmarked = factories.registration_row(event, factories.UserFactory())
    for registration, session, attended in [
        (both, first, True),
        (both, second, True),
        (one, first, False),
        (one, second, True),
        (absent, first, False),
    ]:
        Attendance.objects.create(registration=registration, session=session, attended=attended)

    assert _send(django_capture_on_commit_callbacks) == 2
    assert _invited() == {both.pk, one.pk}
    assert unmarked.pk not in _invited()
    assert EvaluationTicket.objects.count() == 2


def test_only_events_that_ended_in_the_last_fourteen_days_are_invited(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    recent = helpers.ended_event(centre, days_ago=13)
    old = helpers.ended_event(centre, days_ago=15)
    coming = factories.EventFactory(centres=[centre])
    for event in (recent, old, coming):
        factories.registration_row(event, factories.UserFactory())

    assert _send(django_capture_on_commit_callbacks) == 1
    assert _invited() == _invited(recent) != set()
    assert EvaluationTicket.objects.get().event == recent


def test_invitations_go_out_only_while_answering_is_open(centre):
    assert dt.timedelta(days=evaluation_rules.ANSWER_DAYS) > services.INVITE_WITHIN


def test_a_task_that_runs_after_answering_closed_makes_no_ticket(centre, mailoutbox):
    event = helpers.closed_event(centre)
    registration = factories.registration_row(event, factories.UserFactory(), evaluation_sent_at=clock.now())
    services.send_evaluation_invitation.call(registration_id=registration.pk)
    assert not EvaluationTicket.objects.exists()
    assert mailoutbox == []


def test_a_task_for_someone_not_marked_as_invited_sends_nothing(centre, mailoutbox):
    registration = factories.registration_row(helpers.ended_event(centre), factories.UserFactory())
    services.send_evaluation_invitation.call(registration_id=registration.pk)
    services.send_evaluation_invitation.call(registration_id=999_999)
    assert not EvaluationTicket.objects.exists()
    assert mailoutbox == []


def test_when_the_e_mail_cannot_be_sent_no_ticket_is_kept(centre, monkeypatch):
    event = helpers.ended_event(centre)
    registration = factories.registration_row(event, factories.UserFactory(), evaluation_sent_at=clock.now())

    def fail(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services.mail, "send_templated", fail)
    with pytest.raises(OSError):
        services.send_evaluation_invitation.call(registration_id=registration.pk)
    assert not EvaluationTicket.objects.exists()


def test_the_queued_task_holds_only_the_registration_id_never_a_token(
    centre, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    event = helpers.ended_event(centre)
    registrations = [factories.registration_row(event, factories.UserFactory()) for _ in range(2)]

    assert _send(django_capture_on_commit_callbacks) == 2

    queued = task_backends["default"].results
    assert [(result.args, result.kwargs) for result in queued] == [
        ([], {"registration_id": registration.pk}) for registration in registrations
    ]
    # The tickets are made by the task, which has not run yet.
    assert not EvaluationTicket.objects.exists()
    for result in queued:
        services.send_evaluation_invitation.call(*result.args, **result.kwargs)
    assert EvaluationTicket.objects.count() == 2


def test_the_e_mail_is_in_the_persons_language_and_only_the_hash_is_stored(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    event = helpers.ended_event(centre, title="Styrearbeid")
    norwegian = factories.registration_row(event, factories.UserFactory(language="nb")).person
    english = factories.registration_row(event, factories.UserFactory(language="en")).person

    _send(django_capture_on_commit_callbacks)

    by_address = {message.to[0]: message for message in mailoutbox}
    assert "Styrearbeid" in by_address[english.email].subject
    assert "anonymous" in by_address[english.email].body
    assert "You can answer until" in by_address[english.email].body
    for person in (norwegian, english):
        with translation.override(person.language):
            assert by_address[person.email].body.startswith(gettext("Hello,"))
    assert by_address[norwegian.email].body.split("\n")[0] != by_address[english.email].body.split("\n")[0]
    tokens = _tokens(mailoutbox)
    assert len(set(tokens.values())) == 2
    stored = set(EvaluationTicket.objects.values_list("token_hash", flat=True))
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens.values()}
    assert not stored & set(tokens.values())
    assert set(EvaluationTicket.objects.values_list("created_on", flat=True)) == {clock.local_today()}


def test_an_invitation_writes_an_audit_entry_for_the_event_not_per_person(
    centre, django_capture_on_commit_callbacks, mailoutbox
):
    event = helpers.ended_event(centre)
    for _ in range(2):
        factories.registration_row(event, factories.UserFactory())
    _send(django_capture_on_commit_callbacks)
    (entry,) = AuditEntry.objects.filter(action="event.evaluation_invitations_sent")
    assert entry.object_id == str(event.pk)
    assert entry.changes == {"invited": 2}


# --- Answering ------------------------------------------------------------------------------
def test_an_answer_is_stored_with_the_day_only_and_the_ticket_is_deleted(centre):
    event = helpers.ended_event(centre)
    question = EvaluationQuestion.objects.create(event=event, label="Hva tar du med deg?")
    token = helpers.ticket(event)
    other = helpers.ticket(event)
    audit_before = AuditEntry.objects.count()

    evaluation = services.evaluation_submit(
        token=token, scores=helpers.SCORES, free_text="  Fint!  ", answers={question.pk: " Mot "}
    )

    assert (evaluation.hope, evaluation.difference, evaluation.capable) == (4, 5, 3)
    assert evaluation.answered_on == clock.local_today()
    assert evaluation.free_text == "Fint!"
    assert list(EvaluationAnswer.objects.values_list("question_id", "value")) == [(question.pk, "Mot")]
    assert list(EvaluationTicket.objects.values_list("token_hash", flat=True)) == [services.token_hash(other)]
    assert services.ticket_for_token(token) is None
    assert AuditEntry.objects.count() == audit_before


def test_empty_answers_to_own_questions_are_not_stored(centre):
    event = helpers.ended_event(centre)
    question = EvaluationQuestion.objects.create(event=event, label="Hva tar du med deg?")
    services.evaluation_submit(
        token=helpers.ticket(event), scores=helpers.SCORES, free_text="", answers={question.pk: "  "}
    )
    assert not EvaluationAnswer.objects.exists()


@pytest.mark.parametrize("token", ["", "ukjent", "x" * 20_000, "a\x00b"])
def test_an_unknown_link_is_refused(centre, token):
    helpers.ticket(helpers.ended_event(centre))
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(token=token, scores=helpers.SCORES, free_text="", answers={})
    assert caught.value.code == "evaluation_link_used"
    assert not Evaluation.objects.exists()
    assert EvaluationTicket.objects.count() == 1


def test_a_link_works_once(centre):
    token = helpers.ticket(helpers.ended_event(centre))
    services.evaluation_submit(token=token, scores=helpers.SCORES, free_text="", answers={})
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(token=token, scores=helpers.SCORES, free_text="", answers={})
    assert caught.value.code == "evaluation_link_used"
    with translation.override("en"):
        assert str(caught.value) == "This link has already been used or is not valid."
    assert Evaluation.objects.count() == 1


def test_answers_are_accepted_until_21_days_after_the_event(centre, monkeypatch):
    event = helpers.ended_event(centre)
    token, late = helpers.ticket(event), helpers.ticket(event)
    closes_at = event.ends_at + dt.timedelta(days=21)
    monkeypatch.setattr(clock, "now", lambda: closes_at - dt.timedelta(seconds=1))
    services.evaluation_submit(token=token, scores=helpers.SCORES, free_text="", answers={})
    monkeypatch.setattr(clock, "now", lambda: closes_at)
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(token=late, scores=helpers.SCORES, free_text="", answers={})
    assert caught.value.code == "evaluation_closed"
    assert Evaluation.objects.count() == 1
    assert EvaluationTicket.objects.count() == 1


def test_the_job_deletes_the_tickets_of_closed_evaluations_only(centre):
    closed, open_ = helpers.closed_event(centre), helpers.ended_event(centre, days_ago=20)
    for event in (closed, closed, open_):
        helpers.ticket(event)
    assert services.tickets_delete_closed() == 2
    assert list(EvaluationTicket.objects.values_list("event_id", flat=True)) == [open_.pk]
    assert services.tickets_delete_closed() == 0
    assert services.tickets_delete_closed(now=open_.ends_at + dt.timedelta(days=21)) == 1


def test_the_command_deletes_closed_tickets_and_prints_the_count(centre, mailoutbox):
    helpers.ticket(helpers.closed_event(centre))
    output = io.StringIO()
    call_command("event_jobs", stdout=output)
    call_command("event_jobs", stdout=output)
    lines = output.getvalue().splitlines()
    assert lines.count("Unused evaluation links deleted after answering closed: 1.") == 1
    assert lines.count("Unused evaluation links deleted after answering closed: 0.") == 1
    assert not EvaluationTicket.objects.exists()


@pytest.mark.parametrize(
    ("scores", "free_text", "answer", "code"),
    [
        ({"hope": 0, "difference": 3, "capable": 3}, "", "", "evaluation_score"),
        ({"hope": 3, "difference": 6, "capable": 3}, "", "", "evaluation_score"),
        ({"hope": 3, "difference": 3}, "", "", "evaluation_score"),
        (helpers.SCORES, "x" * 20_000, "", "evaluation_text_too_long"),
        (helpers.SCORES, "a\x00", "", "evaluation_text_invalid"),
        (helpers.SCORES, "", "x" * 20_000, "evaluation_text_too_long"),
    ],
)
def test_bad_answers_store_nothing_and_keep_the_ticket(centre, scores, free_text, answer, code):
    event = helpers.ended_event(centre)
    question = EvaluationQuestion.objects.create(event=event, label="Hva tar du med deg?")
    token = helpers.ticket(event)
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(
            token=token, scores=scores, free_text=free_text, answers={question.pk: answer}
        )
    assert caught.value.code == code
    assert not Evaluation.objects.exists()
    assert services.ticket_for_token(token) is not None


def test_an_answer_to_another_events_question_is_refused(centre):
    other = EvaluationQuestion.objects.create(event=factories.EventFactory(), label="Annet")
    token = helpers.ticket(helpers.ended_event(centre))
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(
            token=token, scores=helpers.SCORES, free_text="", answers={other.pk: "Hei"}
        )
    assert caught.value.code == "evaluation_question_unknown"
    assert not Evaluation.objects.exists()
    assert services.ticket_for_token(token) is not None


# --- Anonymity ------------------------------------------------------------------------------
def test_an_evaluation_has_no_link_to_a_person_registration_or_ticket():
    fields = {field.name: field for field in Evaluation._meta.get_fields()}
    assert set(fields) == {
        "id",
        "event",
        "answered_on",
        "hope",
        "difference",
        "capable",
        "free_text",
        "answers",
    }
    foreign_keys = {f.name for f in fields.values() if f.many_to_one or f.one_to_one}
    assert foreign_keys == {"event"}
    relations = {f.related_model._meta.label for f in fields.values() if f.is_relation}
    assert relations == {"events.Event", "events.EvaluationAnswer"}
    assert type(fields["answered_on"]) is models.DateField
    answer_relations = {
        f.related_model._meta.label for f in EvaluationAnswer._meta.get_fields() if f.is_relation
    }
    assert answer_relations == {"events.Evaluation", "events.EvaluationQuestion"}


def test_a_ticket_knows_the_event_and_the_day_never_the_person():
    fields = {field.name: field for field in EvaluationTicket._meta.get_fields()}
    assert set(fields) == {"token_hash", "event", "created_on"}
    assert fields["token_hash"].primary_key  # no counter tells the order tickets were made in
    assert type(fields["created_on"]) is models.DateField  # no time to match with the task queue
    assert {f.related_model._meta.label for f in fields.values() if f.is_relation} == {"events.Event"}
    registration_relations = {
        f.related_model._meta.label for f in Registration._meta.get_fields() if f.is_relation
    }
    assert "events.EvaluationTicket" not in registration_relations
    assert "events.Evaluation" not in registration_relations


def _snapshot() -> tuple[list, list, list]:
    """Every stored trace of the answers: evaluation rows (in storing order, without their
    own ids), the tickets left, and what is stored about the people."""
    evaluations = [
        {key: value for key, value in row.items() if key != "id"}
        for row in Evaluation.objects.order_by("pk").values()
    ]
    tickets = list(EvaluationTicket.objects.values_list("event_id", "created_on"))
    people = list(
        Registration.objects.order_by("person__email").values_list("person__email", "evaluation_sent_at")
    )
    return evaluations, tickets, people


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 0, 4, 1, 3)])
def test_the_database_cannot_tell_which_attendee_gave_which_answer(
    centre, order, mailoutbox, django_capture_on_commit_callbacks
):
    """Five attendees are invited and answer 1, 2, 3, 4 and 5. Whatever the order they
    answer in, and so whoever gave which answer, the database afterwards holds exactly the
    same, and no ticket remains."""
    now = clock.now()
    event = helpers.ended_event(centre)
    people = [factories.UserFactory(email=f"deltaker{i}@example.org") for i in range(5)]
    for person in people:
        factories.registration_row(event, person)
    _send(django_capture_on_commit_callbacks, now=now)
    tokens = _tokens(mailoutbox)

    # The k-th answer stored is always the score k+1; who sends it differs per `order`.
    for score, person_index in zip(range(1, 6), order, strict=True):
        services.evaluation_submit(
            token=tokens[people[person_index].email],
            scores=dict.fromkeys(["hope", "difference", "capable"], score),
            free_text="",
            answers={},
        )

    evaluations, tickets, invited = _snapshot()
    assert evaluations == [
        {
            "event_id": event.pk,
            "answered_on": clock.local_today(),
            "hope": score,
            "difference": score,
            "capable": score,
            "free_text": "",
        }
        for score in range(1, 6)
    ]
    assert tickets == []
    assert invited == [(person.email, now) for person in sorted(people, key=lambda p: p.email)]


def test_who_gave_which_answer_is_nowhere_in_the_database(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    event = helpers.ended_event(centre)
    person = factories.UserFactory(email="hemmelig@example.org", full_name="Hemmelig Person")
    registration_id = factories.registration_row(event, person).pk
    _send(django_capture_on_commit_callbacks)
    (token,) = _tokens(mailoutbox).values()
    evaluation = services.evaluation_submit(
        token=token, scores=helpers.SCORES, free_text="Et svar", answers={}
    )
    row = Evaluation.objects.filter(pk=evaluation.pk).values().get()
    assert {person.pk, registration_id} & {
        value for key, value in row.items() if key not in {"id", "event_id", "hope", "difference", "capable"}
    } == set()
    assert not EvaluationTicket.objects.exists()
    for entry in AuditEntry.objects.all():
        assert "Et svar" not in str(entry.changes)
        assert token not in str(entry.changes)
        assert entry.object_id != str(evaluation.pk) or entry.content_type.model != "evaluation"


# --- The event's own questions --------------------------------------------------------------
@pytest.fixture
def organiser(centre):
    return factories.staff(centre)


def test_an_organiser_adds_and_removes_questions_with_an_audit_entry(centre, organiser):
    event = helpers.ended_event(centre)
    first = services.evaluation_question_add(actor=organiser, event=event, label="  Hva lærte du?  ")
    second = services.evaluation_question_add(actor=organiser, event=event, label="Hva savnet du?")
    assert (first.label, first.position, second.position) == ("Hva lærte du?", 1, 2)
    services.evaluation_question_remove(actor=organiser, question=first)
    assert list(EvaluationQuestion.objects.values_list("label", flat=True)) == ["Hva savnet du?"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="event.evaluation_question").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["event.evaluation_question_add"] * 2 + ["event.evaluation_question_remove"]


def test_staff_of_another_centre_may_not_add_questions(centre):
    other = factories.staff(factories.CentreFactory(slug="vest"))
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_question_add(actor=other, event=helpers.ended_event(centre), label="Hei?")
    assert caught.value.code == "not_allowed"
    assert not EvaluationQuestion.objects.exists()


def test_questions_cannot_change_once_invitations_are_sent(centre, organiser):
    event = helpers.ended_event(centre)
    question = services.evaluation_question_add(actor=organiser, event=event, label="Hva lærte du?")
    helpers.ticket(event)
    for attempt in (
        lambda: services.evaluation_question_add(actor=organiser, event=event, label="Noe mer?"),
        lambda: services.evaluation_question_remove(actor=organiser, question=question),
    ):
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.code == "evaluation_questions_locked"
    assert list(EvaluationQuestion.objects.all()) == [question]


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("   ", "evaluation_question_empty"),
        ("x" * 20_000, "evaluation_text_too_long"),
        ("Hva\x00?", "evaluation_text_invalid"),
    ],
)
def test_bad_questions_are_refused(centre, organiser, label, code):
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_question_add(actor=organiser, event=helpers.ended_event(centre), label=label)
    assert caught.value.code == code
    assert not EvaluationQuestion.objects.exists()


def test_at_most_ten_questions(centre, organiser):
    event = helpers.ended_event(centre)
    for number in itertools.islice(itertools.count(1), services.MAX_QUESTIONS):
        services.evaluation_question_add(actor=organiser, event=event, label=f"Spørsmål {number}")
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_question_add(actor=organiser, event=event, label="En til")
    assert caught.value.code == "evaluation_questions_too_many"
