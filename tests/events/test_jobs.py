"""The events job: reminders two days ahead, once each even when runs overlap, and special
needs deleted 30 days after the event while ordinary answers stay."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from batteriet.events.models import Answer, Question, Registration, RegistrationStatus
from batteriet.events.services import jobs
from tests import factories

S = RegistrationStatus


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


def _event(centre, starts_in: dt.timedelta, **fields):
    starts_at = clock.now() + starts_in
    return factories.EventFactory(
        centres=[centre], starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), **fields
    )


def _registered(event, **fields):
    person = factories.UserFactory(language=fields.pop("language", "nb"))
    return factories.registration_row(event, person, registered_by=person, **fields)


# --- Reminders ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_reminders_go_to_confirmed_people_of_events_within_two_days_once(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    soon = _event(centre, dt.timedelta(hours=47))
    later = _event(centre, dt.timedelta(hours=49))
    due = _registered(soon)
    _registered(soon, status=S.WAITING)
    _registered(soon, status=S.CANCELLED, cancelled_at=clock.now())
    factories.registration_row(soon, None, name="Ola Uten Konto")
    _registered(later)

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send() == 0

    assert [message.to for message in mailoutbox] == [[due.person.email]]
    assert mailoutbox[0].attachments[0][0] == "invite.ics"
    assert Registration.objects.filter(reminder_sent_at__isnull=False).get() == due
    assert Registration.objects.get(name="Ola Uten Konto").reminder_sent_at is None


@pytest.mark.django_db
def test_no_reminder_once_the_event_has_started(centre, mailoutbox, django_capture_on_commit_callbacks):
    started = _event(centre, dt.timedelta(minutes=-5))
    _registered(started)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_reminder_carries_the_link_to_join_online(centre, mailoutbox, django_capture_on_commit_callbacks):
    hybrid = _event(centre, dt.timedelta(hours=30), online_link="https://møte.example/hybrid-rom")
    _registered(hybrid, language="en")
    in_person = _event(centre, dt.timedelta(hours=30))
    _registered(in_person, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reminders_send() == 2

    bodies = sorted(message.body for message in mailoutbox)
    assert sum("hybrid-rom" in body for body in bodies) == 1
    assert all("less than two days" in body for body in bodies)


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_remind_each_person_once(centre, mailoutbox):
    """Four runs at once, on this database (SQLite or PostgreSQL): each reminder claimed once."""
    event = _event(centre, dt.timedelta(hours=24))
    registrations = [_registered(event) for _ in range(8)]
    counts, errors, barrier = [], [], threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            counts.append(jobs.reminders_send())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(counts) == len(registrations)
    assert Registration.objects.filter(reminder_sent_at__isnull=True).count() == 0
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        registration.person.email for registration in registrations
    )


# --- Special needs ------------------------------------------------------------------------
def _answered(event):
    need = Question.objects.create(event=event, label="Trenger du tolk?", kind="text", is_special_need=True)
    ordinary = Question.objects.create(event=event, label="Hvilken organisasjon?", kind="text")
    registration = _registered(event, needs_consent_at=clock.now())
    Answer.objects.create(registration=registration, question=need, value="Tegnspråktolk")
    Answer.objects.create(registration=registration, question=ordinary, value="Fattighuset")
    return registration


@pytest.mark.django_db
def test_special_needs_are_deleted_30_days_after_the_event_and_other_answers_stay(centre):
    old = _event(centre, dt.timedelta(days=-31))
    recent = _event(centre, dt.timedelta(days=-29))
    old_registration = _answered(old)
    recent_registration = _answered(recent)

    assert jobs.special_needs_delete() == jobs.SpecialNeedsDeleted(events=1, answers=1, consents=1)

    old_registration.refresh_from_db()
    assert old_registration.needs_consent_at is None
    assert list(old_registration.answers.values_list("value", flat=True)) == ["Fattighuset"]
    recent_registration.refresh_from_db()
    assert recent_registration.needs_consent_at is not None
    assert recent_registration.answers.count() == 2
    entry = AuditEntry.objects.get(action="event.special_needs_deleted")
    assert entry.changes == {"answers_deleted": 1, "consents_cleared": 1}
    assert "Tegnspråktolk" not in str(entry.changes)
    # Nothing left to do the second time.
    assert jobs.special_needs_delete() == jobs.SpecialNeedsDeleted(events=0, answers=0, consents=0)


@pytest.mark.django_db
def test_the_30_days_count_from_the_end_of_the_event(centre):
    event = _event(centre, dt.timedelta(days=-40))
    registration = _answered(event)
    just_before = event.ends_at + dt.timedelta(days=30) - dt.timedelta(minutes=1)
    assert jobs.special_needs_delete(now=just_before).answers == 0
    assert jobs.special_needs_delete(now=event.ends_at + dt.timedelta(days=30)).answers == 1
    assert registration.answers.count() == 1


# --- The command --------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_runs_every_job_and_prints_counts(centre, mailoutbox, django_capture_on_commit_callbacks):
    _registered(_event(centre, dt.timedelta(hours=10)))
    _answered(_event(centre, dt.timedelta(days=-60)))
    output = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("event_jobs", stdout=output)
        call_command("event_jobs", stdout=output)

    lines = output.getvalue().splitlines()
    assert lines.count("Reminders queued: 1.") == 1
    assert lines.count("Reminders queued: 0.") == 1
    assert "Special needs deleted: 1 answers and 1 consents for 1 events." in lines
    assert lines.count("Offers not accepted in time, passed on: 0.") == 2
    assert lines.count("Evaluation invitations queued: 0.") == 2
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_command_sends_the_evaluation_once_after_the_event(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    ended = _event(centre, dt.timedelta(days=-2))
    _registered(ended)
    output = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("event_jobs", stdout=output)
        call_command("event_jobs", stdout=output)

    lines = output.getvalue().splitlines()
    assert lines.count("Evaluation invitations queued: 1.") == 1
    assert lines.count("Evaluation invitations queued: 0.") == 1
    assert len(mailoutbox) == 1
