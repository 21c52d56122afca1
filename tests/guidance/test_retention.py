"""The guidance job: confidential notes deleted after the period without contact while
the session records (statistics) and the read log stay; follow-up reminders sent once,
also when two runs overlap (on SQLite and on PostgreSQL)."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from batteriet.guidance.models import ConfidentialNote, FollowUp, NoteRead, SessionRecord
from batteriet.guidance.services import notes, retention
from batteriet.organisations.models import MembershipRole
from tests import factories

YEAR = dt.timedelta(days=365)


@pytest.fixture
def centre():
    return factories.CentreFactory(slug="senter-a", name="Batteriet A")


def record_row(centre, organisation, held_at, **fields) -> SessionRecord:
    return SessionRecord.objects.create(
        centre=centre,
        organisation=organisation,
        held_at=held_at,
        minutes=fields.pop("minutes", 60),
        mode="centre",
        topics=["statutes"],
        **fields,
    )


def note_row(centre, author, organisation, written_ago: dt.timedelta) -> ConfidentialNote:
    note = notes.note_write(actor=author, centre=centre, text="Fortrolig.", organisation=organisation)
    ConfidentialNote.objects.filter(pk=note.pk).update(created_at=clock.now() - written_ago)
    return note


# --- Deleting stale notes ------------------------------------------------------------------------
@pytest.mark.django_db
def test_notes_without_contact_for_three_years_go_and_the_counts_and_read_log_stay(centre):
    adviser = factories.staff(centre)
    quiet = factories.OrganisationFactory(home_centre=centre)
    active = factories.OrganisationFactory(home_centre=centre)
    never_guided = factories.OrganisationFactory(home_centre=centre)
    record_row(centre, quiet, clock.now() - 3 * YEAR - dt.timedelta(days=5))
    record_row(centre, quiet, clock.now() - 4 * YEAR)
    record_row(centre, active, clock.now() - 4 * YEAR)
    record_row(centre, active, clock.now() - 2 * YEAR)
    stale = note_row(centre, adviser, quiet, 3 * YEAR + dt.timedelta(days=10))
    kept_recent_contact = note_row(centre, adviser, active, 4 * YEAR)
    stale_no_session = note_row(centre, adviser, never_guided, 3 * YEAR + dt.timedelta(days=2))
    stale_no_organisation = note_row(centre, adviser, None, 3 * YEAR + dt.timedelta(days=2))
    kept_young_note = note_row(centre, adviser, quiet, 2 * YEAR)
    kept_young_no_organisation = note_row(centre, adviser, None, 2 * YEAR)
    notes.note_read(actor=adviser, note=stale)
    notes.note_read(actor=adviser, note=stale_no_organisation)
    sessions_before = list(SessionRecord.objects.values_list("pk", "minutes", "topics").order_by("pk"))

    assert retention.notes_delete_stale() == 3

    assert set(ConfidentialNote.objects.values_list("pk", flat=True)) == {
        kept_recent_contact.pk,
        kept_young_note.pk,
        kept_young_no_organisation.pk,
    }
    assert not ConfidentialNote.objects.filter(
        pk__in=[stale.pk, stale_no_session.pk, stale_no_organisation.pk]
    ).exists()
    assert (
        list(SessionRecord.objects.values_list("pk", "minutes", "topics").order_by("pk")) == sessions_before
    )
    assert sorted(NoteRead.objects.values_list("note_id_read", flat=True)) == sorted(
        [stale.pk, stale_no_organisation.pk]
    )
    entry = AuditEntry.objects.get(action="guidance.notes_deleted")
    assert entry.changes == {"notes_deleted": 3, "years_without_contact": 3}
    assert entry.actor is None

    assert retention.notes_delete_stale() == 0
    assert AuditEntry.objects.filter(action="guidance.notes_deleted").count() == 1


@pytest.mark.django_db
def test_the_period_comes_from_the_settings_and_counts_per_centre(centre, settings):
    other_centre = factories.CentreFactory(slug="senter-b", name="Batteriet B")
    settings.GUIDANCE_NOTES_RETENTION_YEARS = 1
    organisation = factories.OrganisationFactory(home_centre=centre)
    record_row(centre, organisation, clock.now() - YEAR - dt.timedelta(days=30))
    note_row(centre, factories.staff(centre), organisation, YEAR + dt.timedelta(days=20))
    note_row(other_centre, factories.staff(other_centre), organisation, YEAR + dt.timedelta(days=20))
    note_row(other_centre, factories.staff(other_centre, StaffRole.LEAD), None, YEAR + dt.timedelta(days=20))

    assert retention.notes_delete_stale(years=5) == 0
    assert retention.notes_delete_stale() == 3
    counts = {
        entry.object_id: entry.changes["notes_deleted"]
        for entry in AuditEntry.objects.filter(action="guidance.notes_deleted")
    }
    assert counts == {str(centre.pk): 1, str(other_centre.pk): 2}


@pytest.mark.django_db
def test_a_session_at_any_centre_counts_as_contact(centre):
    other_centre = factories.CentreFactory(slug="senter-b", name="Batteriet B")
    organisation = factories.OrganisationFactory(home_centre=centre)
    note = note_row(centre, factories.staff(centre), organisation, 5 * YEAR)
    record_row(other_centre, organisation, clock.now() - dt.timedelta(days=10))
    assert retention.notes_delete_stale() == 0
    assert ConfidentialNote.objects.filter(pk=note.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("years", [0, -1, "3", True])
def test_a_senseless_period_is_refused(years):
    with pytest.raises(ValueError):
        retention.notes_delete_stale(years=years)


# --- Follow-up reminders ------------------------------------------------------------------------
def _follow_ups(centre, owner, **due_in_days) -> dict[str, FollowUp]:
    record = record_row(centre, None, clock.now() - dt.timedelta(days=3))
    today = clock.local_today()
    return {
        name: FollowUp.objects.create(
            record=record, text=f"Oppgave {name}", owner=owner, due_on=today + dt.timedelta(days=days)
        )
        for name, days in due_in_days.items()
    }


@pytest.mark.django_db
def test_owners_are_reminded_of_follow_ups_due_tomorrow_or_overdue_once(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    adviser = factories.staff(centre, language="en")
    contact = factories.member(factories.OrganisationFactory(home_centre=centre), MembershipRole.CONTACT)
    mine = _follow_ups(centre, adviser, tomorrow=1, overdue=-3, later=2, done=0, reminded=-1)
    FollowUp.objects.filter(pk=mine["done"].pk).update(done_at=clock.now())
    FollowUp.objects.filter(pk=mine["reminded"].pk).update(reminded_at=clock.now() - dt.timedelta(days=1))
    theirs = _follow_ups(centre, contact, today=0)

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.follow_ups_remind() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.follow_ups_remind() == 0

    assert set(FollowUp.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True)) == {
        mine["tomorrow"].pk,
        mine["overdue"].pk,
        mine["reminded"].pk,
        theirs["today"].pk,
    }
    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == sorted([adviser.email, contact.email])
    english = by_address[adviser.email]
    assert "Oppgave tomorrow" in english.body and "Oppgave overdue" in english.body
    assert "Oppgave later" not in english.body and "Oppgave done" not in english.body
    assert "overdue" in english.subject.lower()
    assert "Batteriet A" in english.body
    assert "Oppgave today" in by_address[contact.email].body


@pytest.mark.django_db
def test_a_follow_up_done_before_the_e_mail_goes_out_is_left_out(centre, mailoutbox):
    adviser = factories.staff(centre)
    follow_up = _follow_ups(centre, adviser, tomorrow=1)["tomorrow"]
    FollowUp.objects.filter(pk=follow_up.pk).update(done_at=clock.now())
    retention.send_follow_up_reminder.call(owner_id=adviser.pk, follow_up_ids=[follow_up.pk])
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_each_follow_up_once(centre, mailoutbox):
    """Two runs released together, on this database (SQLite or PostgreSQL)."""
    owners = [factories.staff(centre) for _ in range(6)]
    for owner in owners:
        _follow_ups(centre, owner, tomorrow=1, overdue=-1)
    counts, errors, barrier = [], [], threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            counts.append(retention.follow_ups_remind())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(counts) == 12
    assert FollowUp.objects.filter(reminded_at__isnull=True).count() == 0
    assert sorted(message.to[0] for message in mailoutbox) == sorted(owner.email for owner in owners)


# --- The command ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_runs_both_jobs_and_prints_the_counts(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    adviser = factories.staff(centre)
    organisation = factories.OrganisationFactory(home_centre=centre)
    record_row(centre, organisation, clock.now() - 4 * YEAR)
    note_row(centre, adviser, organisation, 4 * YEAR)
    _follow_ups(centre, adviser, overdue=-1)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("guidance_jobs", stdout=out)

    assert "Confidential notes deleted: 1. Follow-up reminders queued: 1." in out.getvalue().splitlines()
    assert [message.to for message in mailoutbox] == [[adviser.email]]
    assert "Fortrolig" not in mailoutbox[0].body
