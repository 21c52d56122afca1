"""Reminders the day before a guidance appointment: booked appointments that start tomorrow
(Oslo date), once each, also when runs overlap (on SQLite and on PostgreSQL), again after
the time moved, never for a time cancelled meanwhile."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import formats, translation

from batteriet.core import time as clock
from batteriet.guidance.models import Appointment, AppointmentStatus
from batteriet.guidance.services import appointments as appointment_services
from batteriet.guidance.services import reminders
from tests import factories

at = factories.at


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def centre():
    return factories.CentreFactory(
        slug="oslo", name="Batteriet Oslo", street_address="Storgata 1", postcode="0155", post_town="Oslo"
    )


@pytest.fixture
def adviser(centre):
    return factories.staff(centre, full_name="Anne Rådgiver")


def _booked(centre, adviser, starts_at, *, mode="centre", language="en", **fields) -> Appointment:
    person = factories.UserFactory(language=language)
    request = factories.guidance_request_row(
        centre, requested_by=person, mode=mode, situation="hemmelig-situasjon", status="scheduled"
    )
    return factories.appointment_row(request, adviser, starts_at, starts_at + dt.timedelta(hours=1), **fields)


def _tomorrow() -> dt.date:
    return clock.local_today() + dt.timedelta(days=1)


@pytest.mark.django_db
def test_booked_appointments_tomorrow_are_reminded_once(
    centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    tomorrow = _tomorrow()
    due = _booked(centre, adviser, at(tomorrow, 10))
    _booked(centre, adviser, at(tomorrow, 12), status=AppointmentStatus.CANCELLED, cancelled_at=clock.now())
    _booked(centre, adviser, at(tomorrow, 13), status=AppointmentStatus.PROPOSED)
    _booked(centre, adviser, at(tomorrow, 14), reminder_sent_at=clock.now())
    _booked(centre, adviser, at(tomorrow + dt.timedelta(days=1), 10))

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.appointments_remind() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.appointments_remind() == 0

    assert [message.to for message in mailoutbox] == [[due.request.requested_by.email]]
    assert Appointment.objects.filter(reminder_sent_at__isnull=False).exclude(pk=due.pk).count() == 1


@pytest.mark.django_db
def test_tomorrow_is_the_oslo_date(centre, adviser, django_capture_on_commit_callbacks):
    """At 23:30 in Oslo (21:30 UTC in summer), tomorrow runs from Oslo midnight to Oslo midnight."""
    today = dt.date(2027, 6, 14)
    now = at(today, 23, 30)  # 21:30 UTC
    first = _booked(centre, adviser, at(today + dt.timedelta(days=1), 0, 15))
    last = _booked(centre, adviser, at(today + dt.timedelta(days=1), 22, 30))
    _booked(centre, adviser, at(today + dt.timedelta(days=2), 0, 15))
    _booked(centre, factories.staff(centre), at(today, 23, 45))

    with django_capture_on_commit_callbacks(execute=False):
        assert reminders.appointments_remind(now=now) == 2
    assert set(Appointment.objects.filter(reminder_sent_at=now).values_list("pk", flat=True)) == {
        first.pk,
        last.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "says", "not_said"),
    [
        ("centre", "Storgata 1, 0155 Oslo", "calls you"),
        ("phone", "The adviser calls you", "Storgata"),
        ("video", "sends you a link", "Storgata"),
    ],
)
def test_the_reminder_says_when_how_and_where_with_links_to_move_or_cancel(
    centre, adviser, mode, says, not_said, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = _booked(centre, adviser, at(_tomorrow(), 10), mode=mode)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.appointments_remind()

    (message,) = mailoutbox
    assert "Reminder" in message.subject and "10:00" in message.subject
    assert "10:00–11:00" in message.body
    assert "Anne Rådgiver" in message.body
    assert says in message.body
    assert not_said not in message.body
    assert f"/min-veiledning/{appointment.request_id}/flytt/" in message.body
    assert f"/min-veiledning/{appointment.request_id}/avlys/" in message.body
    assert "hemmelig-situasjon" not in message.body


@pytest.mark.django_db
def test_the_reminder_is_in_the_persons_language(
    centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    tomorrow = _tomorrow()
    _booked(centre, adviser, at(tomorrow, 10), language="nb")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.appointments_remind()
    (message,) = mailoutbox
    with translation.override("nb"):
        weekday = formats.date_format(tomorrow, "l")
    with translation.override("en"):
        assert formats.date_format(tomorrow, "l") != weekday
    assert weekday in message.body


@pytest.mark.django_db
def test_a_time_cancelled_after_the_reminder_was_queued_is_not_reminded(
    centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = _booked(centre, adviser, at(_tomorrow(), 10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert reminders.appointments_remind() == 1
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CANCELLED)
    for callback in callbacks:
        callback()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_moved_time_is_reminded_again_for_its_new_day(
    centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    # The day before an ordinary Tuesday: the reminder goes; then the time moves a week on.
    tuesday = factories.bookable_day(weekday=1)
    next_tuesday = factories.bookable_day(weekday=1, after=tuesday)
    monday = tuesday - dt.timedelta(days=1)
    factories.availability(adviser, centre, 1, dt.time(10), dt.time(12))
    appointment = _booked(centre, adviser, at(tuesday, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.appointments_remind(now=at(monday, 9)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        appointment_services.appointment_reschedule(
            actor=appointment.request.requested_by,
            appointment=appointment,
            starts_at=at(next_tuesday, 11),
        )
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is None

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.appointments_remind(now=at(monday, 9)) == 0
        assert reminders.appointments_remind(now=at(next_tuesday - dt.timedelta(days=1), 9)) == 1
    subjects = [message.subject for message in mailoutbox]
    assert sum("Reminder" in subject for subject in subjects) == 2


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_remind_each_appointment_once(centre, adviser, mailoutbox):
    """Four runs at once, on this database (SQLite or PostgreSQL): each reminder claimed once."""
    tomorrow = _tomorrow()
    appointments = [_booked(centre, adviser, at(tomorrow, 8 + hour)) for hour in range(8)]
    counts, errors, barrier = [], [], threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            counts.append(reminders.appointments_remind())
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
    assert sum(counts) == len(appointments)
    assert Appointment.objects.filter(reminder_sent_at__isnull=True).count() == 0
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        appointment.request.requested_by.email for appointment in appointments
    )


@pytest.mark.django_db
def test_the_command_queues_the_reminders_and_says_how_many(
    centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    _booked(centre, adviser, at(_tomorrow(), 10))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("guidance_jobs", stdout=out)
        call_command("guidance_jobs", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines.count("Appointment reminders queued: 1.") == 1
    assert lines.count("Appointment reminders queued: 0.") == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_time_moved_after_the_reminder_was_queued_is_not_reminded_for_the_old_day(
    centre, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = _booked(centre, adviser, at(_tomorrow(), 10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert reminders.appointments_remind() == 1
    # Moved to next week before the task ran: the move sets the claim back.
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=at(_tomorrow() + dt.timedelta(days=7), 10),
        ends_at=at(_tomorrow() + dt.timedelta(days=7), 11),
        reminder_sent_at=None,
    )
    for callback in callbacks:
        callback()
    assert mailoutbox == []
