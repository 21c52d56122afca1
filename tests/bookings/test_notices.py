"""Booking e-mails: every notice reaches the contact persons and the booker, in their own
wording, with a calendar invitation; reminders and overdue notices go out once only."""

import datetime as dt
import io
import threading

import icalendar
import pytest
from django.core.management import call_command
from django.db import connection

from batteriet.bookings import services
from batteriet.bookings.models import Booking, BookingStatus
from batteriet.bookings.notices import Notice, send_on_commit
from batteriet.bookings.services import notify
from batteriet.core import time as clock
from batteriet.organisations.models import Membership, MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at


@pytest.fixture
def people(centre):
    """An organisation with a contact person (Bokmål) and a member who books (English)."""
    organisation, contact = factories.booker(centre)
    booker = factories.member(organisation, MembershipRole.MEMBER, language="en")
    return organisation, contact, booker


def _booking(room, organisation, booker, day, **fields) -> Booking:
    return factories.booking_row(room, organisation, at(day, 10), at(day, 12), booked_by=booker, **fields)


def _invite(message) -> tuple[icalendar.Calendar, str]:
    ((name, content, mimetype),) = message.attachments
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content), mimetype


def _send(booking: Booking, notice: Notice, capture) -> None:
    with capture(execute=True):
        send_on_commit(booking, notice)


STATES = {
    Notice.CONFIRMED: {"status": BookingStatus.CONFIRMED},
    Notice.REQUESTED: {"status": BookingStatus.REQUESTED},
    Notice.APPROVED: {"status": BookingStatus.CONFIRMED},
    Notice.DECLINED: {"status": BookingStatus.DECLINED, "decision_reason": "Rommet skal males."},
    Notice.CHANGED: {"status": BookingStatus.CONFIRMED},
    Notice.CANCELLED: {"status": BookingStatus.CANCELLED, "cancel_reason": "Vannlekkasje i rommet."},
    Notice.OFFERED: {"status": BookingStatus.HELD},
    Notice.REMINDER: {"status": BookingStatus.CONFIRMED},
    Notice.OVERDUE: {"status": BookingStatus.CONFIRMED},
}
CANCELLING = {Notice.DECLINED, Notice.CANCELLED}


def test_every_notice_has_a_state_here():
    assert set(STATES) == set(Notice)


@pytest.mark.parametrize("notice", list(Notice))
def test_every_notice_mails_contacts_and_booker_with_an_invitation(
    notice, room, people, day, mailoutbox, django_capture_on_commit_callbacks
):
    organisation, contact, booker = people
    fields = dict(STATES[notice])
    if notice == Notice.OFFERED:
        fields["hold_expires_at"] = clock.now() + dt.timedelta(hours=24)
    booking = _booking(room, organisation, booker, day, **fields)

    _send(booking, notice, django_capture_on_commit_callbacks)

    assert sorted(address for message in mailoutbox for address in message.to) == sorted(
        [contact.email, booker.email]
    )
    for message in mailoutbox:
        calendar, mimetype = _invite(message)
        method = "CANCEL" if notice in CANCELLING else "REQUEST"
        assert calendar["METHOD"] == method
        assert f"method={method}" in mimetype
        (event,) = calendar.events
        assert event["UID"] == f"booking-{booking.pk}@127.0.0.1"
        assert event.start == at(day, 10)
        assert event.start.tzinfo.key == "Europe/Oslo"
        assert event.end == at(day, 12)
        assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
        assert str(event["ORGANIZER"]) == f"mailto:{room.centre.email}"
        assert room.name in message.subject
        assert f"/mine-bestillinger/{booking.pk}/" in message.body
        assert room.centre.email in message.body


def test_each_notice_has_its_own_subject(room, people, day, mailoutbox, django_capture_on_commit_callbacks):
    organisation, _contact, booker = people
    subjects = set()
    for notice in Notice:
        fields = dict(STATES[notice], hold_expires_at=clock.now() + dt.timedelta(hours=1))
        booking = _booking(room, organisation, booker, day + dt.timedelta(weeks=len(subjects)), **fields)
        mailoutbox.clear()
        _send(booking, notice, django_capture_on_commit_callbacks)
        subjects.add(mailoutbox[0].subject.split(":")[0])
    assert len(subjects) == len(Notice)


def test_declined_and_cancelled_say_why(room, people, day, mailoutbox, django_capture_on_commit_callbacks):
    organisation, _contact, booker = people
    declined = _booking(room, organisation, booker, day, **STATES[Notice.DECLINED])
    cancelled = _booking(room, organisation, booker, day + dt.timedelta(days=1), **STATES[Notice.CANCELLED])
    _send(declined, Notice.DECLINED, django_capture_on_commit_callbacks)
    assert all("Rommet skal males." in message.body for message in mailoutbox)
    mailoutbox.clear()
    _send(cancelled, Notice.CANCELLED, django_capture_on_commit_callbacks)
    assert all("Vannlekkasje i rommet." in message.body for message in mailoutbox)
    calendar, _mimetype = _invite(mailoutbox[0])
    assert calendar.events[0]["STATUS"] == "CANCELLED"


def test_offer_says_until_when_it_is_held(room, people, day, mailoutbox, django_capture_on_commit_callbacks):
    organisation, _contact, booker = people
    held_until = at(day - dt.timedelta(days=2), 14, 30)
    booking = _booking(room, organisation, booker, day, status=BookingStatus.HELD, hold_expires_at=held_until)
    _send(booking, Notice.OFFERED, django_capture_on_commit_callbacks)
    assert all("14:30" in message.body for message in mailoutbox)
    calendar, _mimetype = _invite(mailoutbox[0])
    assert calendar.events[0]["STATUS"] == "TENTATIVE"


def test_sequence_grows_with_every_change(room, people, day, mailoutbox, django_capture_on_commit_callbacks):
    """Created (0), then cancelled (1): the calendar app replaces the event with the later one."""
    organisation, contact, _booker = people
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            actor=contact,
            resource=room,
            organisation=organisation,
            starts_at=at(day, 10),
            ends_at=at(day, 11),
            purpose="Styremøte",
        )
    created, _mimetype = _invite(mailoutbox[0])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=contact, booking=booking, reason="Vi flytter møtet.")
    cancelled, _mimetype = _invite(mailoutbox[0])
    assert created["METHOD"] == "REQUEST"
    assert cancelled["METHOD"] == "CANCEL"
    assert created.events[0]["UID"] == cancelled.events[0]["UID"]
    assert created.events[0]["SEQUENCE"] == 0
    assert cancelled.events[0]["SEQUENCE"] == 1


def test_staff_blocks_send_nothing(room, day, mailoutbox, django_capture_on_commit_callbacks):
    block = factories.booking_row(room, None, at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)
    _send(block, Notice.CONFIRMED, django_capture_on_commit_callbacks)
    assert mailoutbox == []


# --- Reminders ----------------------------------------------------------------------
def test_reminders_go_out_once_for_tomorrow_only(
    room, people, day, mailoutbox, django_capture_on_commit_callbacks
):
    organisation, contact, booker = people
    now = at(day - dt.timedelta(days=1), 9)
    tomorrow = _booking(room, organisation, booker, day, status=BookingStatus.CONFIRMED)
    later = _booking(room, organisation, booker, day + dt.timedelta(days=1), status=BookingStatus.CONFIRMED)
    requested = factories.booking_row(room, organisation, at(day, 13), at(day, 14))
    block = factories.booking_row(room, None, at(day, 14), at(day, 15), status=BookingStatus.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        assert notify.reminders_send_due(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.reminders_send_due(now=now) == 0

    assert sorted(address for message in mailoutbox for address in message.to) == sorted(
        [contact.email, booker.email]
    )
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at == now
    for other in (later, requested, block):
        other.refresh_from_db()
        assert other.reminder_sent_at is None


def test_tomorrow_is_the_oslo_date(room, people, day, django_capture_on_commit_callbacks):
    """At 23:30 UTC it is already the next day in Oslo, so "tomorrow" moves on with it."""
    organisation, _contact, booker = people
    booking = _booking(room, organisation, booker, day, status=BookingStatus.CONFIRMED)
    late_evening_utc = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(23, 30), tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.reminders_send_due(now=late_evening_utc) == 1
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None


# --- Overdue equipment ---------------------------------------------------------------
def test_overdue_notice_goes_out_once(centre, people, mailoutbox, django_capture_on_commit_callbacks):
    organisation, contact, booker = people
    projector = factories.ResourceFactory.equipment(centre=centre, stock=2)
    ended = clock.now() - dt.timedelta(hours=2)
    starts = ended - dt.timedelta(days=2)
    out = starts + dt.timedelta(minutes=5)
    overdue = factories.booking_row(
        projector,
        organisation,
        starts,
        ended,
        status=BookingStatus.CONFIRMED,
        booked_by=booker,
        checked_out_at=out,
    )
    # Equipment counts by quantity; separate items keep the occupied-time rows apart.
    returned = factories.booking_row(
        factories.ResourceFactory.equipment(centre=centre),
        organisation,
        starts,
        ended,
        status=BookingStatus.CONFIRMED,
        checked_out_at=out,
        checked_in_at=ended,
    )
    never_picked_up = factories.booking_row(
        factories.ResourceFactory.equipment(centre=centre),
        organisation,
        starts,
        ended,
        status=BookingStatus.CONFIRMED,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert notify.loan_overdue_notices_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.loan_overdue_notices_send() == 0

    assert sorted(address for message in mailoutbox for address in message.to) == sorted(
        [contact.email, booker.email]
    )
    assert all(projector.name in message.subject for message in mailoutbox)
    overdue.refresh_from_db()
    assert overdue.overdue_notice_sent_at is not None
    for other in (returned, never_picked_up):
        other.refresh_from_db()
        assert other.overdue_notice_sent_at is None


def test_the_command_runs_both_jobs(room, people, mailoutbox, django_capture_on_commit_callbacks):
    organisation, _contact, booker = people
    tomorrow = clock.local_today() + dt.timedelta(days=1)
    _booking(room, organisation, booker, tomorrow, status=BookingStatus.CONFIRMED)
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("booking_jobs", stdout=output)
        call_command("booking_jobs", stdout=output)
    assert [line for line in output.getvalue().splitlines() if line.startswith("Reminders")] == [
        "Reminders queued: 1. Overdue notices queued: 0.",
        "Reminders queued: 0. Overdue notices queued: 0.",
    ]
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_runs_remind_once(centre, mailoutbox):
    """Four job runs at once: each booking is claimed by exactly one of them."""
    room = factories.ResourceFactory.bookable_now(centre=centre)
    organisation, _contact = factories.booker(centre)
    day = factories.bookable_day()
    bookings = [
        factories.booking_row(
            room, organisation, at(day, hour), at(day, hour + 1), status=BookingStatus.CONFIRMED
        )
        for hour in range(9, 15)
    ]
    now = at(day - dt.timedelta(days=1), 9)
    counts, barrier = [], threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        try:
            counts.append(notify.reminders_send_due(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == len(bookings)
    assert Booking.objects.filter(reminder_sent_at__isnull=True).count() == 0
    assert len(mailoutbox) == len(bookings)


def test_each_person_gets_their_own_language(
    room, people, day, mailoutbox, django_capture_on_commit_callbacks
):
    """The contact person reads Bokmål, the member who booked chose English."""
    organisation, contact, booker = people
    assert day.weekday() == 1
    booking = _booking(room, organisation, booker, day, status=BookingStatus.CONFIRMED)
    _send(booking, Notice.CONFIRMED, django_capture_on_commit_callbacks)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert "tirsdag" in by_address[contact.email].body
    assert "Tuesday" in by_address[booker.email].body
    nb_invite, _mimetype = _invite(by_address[contact.email])
    en_invite, _mimetype = _invite(by_address[booker.email])
    assert "Status: Bekreftet" in nb_invite.events[0]["DESCRIPTION"]
    assert "Status: Confirmed" in en_invite.events[0]["DESCRIPTION"]


def test_a_person_who_left_the_organisation_is_no_longer_told(
    room, people, day, mailoutbox, django_capture_on_commit_callbacks
):
    """The e-mails can carry the key and access note: only current members get them."""
    organisation, contact, booker = people
    booking = _booking(room, organisation, booker, day, status=BookingStatus.CONFIRMED)
    Membership.objects.filter(user=booker, organisation=organisation).delete()

    _send(booking, Notice.REMINDER, django_capture_on_commit_callbacks)

    assert [address for message in mailoutbox for address in message.to] == [contact.email]
