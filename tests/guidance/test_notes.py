"""Confidential notes: written and read only by the advisers and the lead of the centre
that wrote them, every read logged (also the author's), the log for the centre lead only,
and the text nowhere else: not in the audit log, e-mails, or any module outside notes."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from batteriet.centres.models import StaffAssignment, StaffRole
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.guidance import permissions_notes
from batteriet.guidance.models import ConfidentialNote, NoteRead, SessionRecord
from batteriet.guidance.services import notes
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Styreleder sliter med helsa; snakk forsiktig om økonomien."


class World:
    def __init__(self) -> None:
        self.centre_a = factories.CentreFactory(slug="senter-a", name="Batteriet A")
        self.centre_b = factories.CentreFactory(slug="senter-b", name="Batteriet B")
        self.a1 = factories.OrganisationFactory(name="Organisasjon A1", home_centre=self.centre_a)
        self.contact = factories.member(self.a1, MembershipRole.CONTACT)
        self.member = factories.member(self.a1, MembershipRole.MEMBER)
        self.person = factories.UserFactory()
        self.adviser_a = factories.staff(self.centre_a)
        self.adviser_a2 = factories.staff(self.centre_a)
        self.lead_a = factories.staff(self.centre_a, StaffRole.LEAD)
        self.adviser_b = factories.staff(self.centre_b)
        self.lead_b = factories.staff(self.centre_b, StaffRole.LEAD)
        self.coordinator = factories.national_coordinator()
        self.admin = factories.site_admin()


@pytest.fixture
def w() -> World:
    return World()


def record_row(w: World, centre=None, organisation=None) -> SessionRecord:
    return SessionRecord.objects.create(
        centre=centre or w.centre_a,
        adviser=w.adviser_a,
        organisation=organisation or w.a1,
        held_at=clock.now() - dt.timedelta(days=1),
        minutes=60,
        mode="centre",
        topics=["statutes"],
    )


def write(w: World, **overrides) -> ConfidentialNote:
    fields = {"actor": w.adviser_a, "centre": w.centre_a, "text": SECRET, "organisation": w.a1}
    fields.update(overrides)
    return notes.note_write(**fields)


# --- Writing ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["adviser_a", "lead_a"])
def test_advisers_and_the_lead_write_notes_and_the_audit_log_never_holds_the_text(w, who):
    record = record_row(w)
    note = write(w, actor=getattr(w, who), record=record, organisation=None, text=f"  {SECRET}  ")

    assert note.text == SECRET
    assert note.organisation == w.a1  # from the session
    assert note.author == getattr(w, who)
    entry = AuditEntry.objects.get(action="guidance.note_written")
    assert SECRET not in repr(entry.changes)
    assert SECRET not in entry.object_repr
    assert not any("Styreleder" in repr(each.changes) + each.object_repr for each in AuditEntry.objects.all())


@pytest.mark.parametrize(
    "who", ["adviser_b", "lead_b", "coordinator", "admin", "contact", "member", "person"]
)
def test_nobody_else_writes_notes_at_the_centre(w, who):
    with pytest.raises(RuleViolation) as refused:
        write(w, actor=getattr(w, who))
    assert refused.value.code == "not_allowed"
    assert ConfidentialNote.objects.count() == 0


def test_a_national_coordinator_who_also_advises_at_the_centre_may_write_and_read_there(w):
    StaffAssignment.objects.create(user=w.coordinator, centre=w.centre_a, role=StaffRole.ADVISER)
    w.coordinator._staff_assignments_cache = None
    note = write(w, actor=w.coordinator)
    assert notes.note_read(actor=w.coordinator, note=note).text == SECRET
    note_b = write(w, actor=w.adviser_b, centre=w.centre_b)
    with pytest.raises(Http404):
        notes.note_read(actor=w.coordinator, note=note_b)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "text_required"),
        ("   \n ", "text_required"),
        ("x" * 20_000, "text_too_long"),
        ("Hei\x00der", "invalid_characters"),
        (None, "invalid_text"),
    ],
)
def test_bad_note_text_is_refused_by_the_field_and_nothing_is_stored(w, text, code):
    with pytest.raises(RuleViolation) as refused:
        write(w, text=text)
    assert (refused.value.code, refused.value.field) == (code, "text")
    assert ConfidentialNote.objects.count() == 0


def test_script_is_kept_as_plain_text(w):
    note = write(w, text="<script>alert(1)</script>")
    assert notes.note_read(actor=w.adviser_a, note=note).text == "<script>alert(1)</script>"


def test_a_note_on_a_session_of_another_centre_or_organisation_is_refused(w):
    with pytest.raises(RuleViolation) as refused:
        write(w, record=record_row(w, centre=w.centre_b))
    assert refused.value.code == "record_other_centre"
    other = factories.OrganisationFactory(home_centre=w.centre_a)
    with pytest.raises(RuleViolation) as refused:
        write(w, record=record_row(w, organisation=other))
    assert refused.value.code == "organisation_mismatch"
    assert ConfidentialNote.objects.count() == 0


# --- Reading: the matrix ----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["adviser_a", "adviser_a2", "lead_a"])
def test_advisers_and_the_lead_of_the_centre_read_notes_and_every_read_is_logged(w, who):
    note = write(w)
    reader = getattr(w, who)

    first = notes.note_read(actor=reader, note=note)
    second = notes.note_read(actor=reader, note=note.pk)

    assert first.text == second.text == SECRET
    reads = NoteRead.objects.filter(note_id_read=note.pk)
    assert reads.count() == 2
    assert {(read.reader, read.centre) for read in reads} == {(reader, w.centre_a)}


def test_the_author_reading_their_own_note_is_logged_too(w):
    note = write(w)
    notes.note_read(actor=w.adviser_a, note=note)
    assert NoteRead.objects.filter(reader=w.adviser_a, note_id_read=note.pk).count() == 1


REFUSED = ["adviser_b", "lead_b", "coordinator", "admin", "contact", "member", "person"]


@pytest.mark.parametrize("who", REFUSED)
def test_notes_are_invisible_to_everyone_else_and_nothing_is_logged(w, who):
    note = write(w)
    user = getattr(w, who)
    with pytest.raises(Http404):
        notes.note_read(actor=user, note=note)
    with pytest.raises(Http404):
        permissions_notes.get_note_for_reading(user, note.pk)
    assert notes.notes_for(user, w.a1) == []
    assert not user.has_perm("guidance.read_notes", w.centre_a)
    assert NoteRead.objects.count() == 0


def test_logged_out_visitors_and_missing_notes_get_the_same_404(w):
    note = write(w)
    with pytest.raises(Http404):
        notes.note_read(actor=AnonymousUser(), note=note)
    with pytest.raises(Http404):
        notes.note_read(actor=w.adviser_a, note=note.pk + 1000)
    with pytest.raises(Http404):
        permissions_notes.get_note_for_reading(w.adviser_a, note.pk + 1000)
    with pytest.raises(Http404):
        permissions_notes.get_note_for_reading(w.adviser_a, "1 OR 1=1")
    assert NoteRead.objects.count() == 0


def test_the_loader_does_not_fetch_the_text(w, django_assert_num_queries):
    note = write(w)
    loaded = permissions_notes.get_note_for_reading(w.lead_a, note.pk)
    assert "text" in loaded.get_deferred_fields()
    assert NoteRead.objects.count() == 0


def test_notes_for_an_organisation_shows_only_the_readers_centres_notes_and_logs_each(w):
    a_old = write(w)
    a_new = write(w, actor=w.lead_a, text="Ny notat")
    b_note = write(w, actor=w.adviser_b, centre=w.centre_b, text="Notat fra B")
    other_org = write(w, organisation=factories.OrganisationFactory(home_centre=w.centre_a))

    assert notes.notes_for(w.adviser_a2, w.a1) == [a_new, a_old]
    assert notes.notes_for(w.lead_b, w.a1) == [b_note]
    assert sorted(
        NoteRead.objects.filter(reader=w.adviser_a2).values_list("note_id_read", flat=True)
    ) == sorted([a_old.pk, a_new.pk])
    assert not NoteRead.objects.filter(note_id_read=other_org.pk).exists()
    assert NoteRead.objects.get(reader=w.lead_b).centre == w.centre_b


# --- The read log -------------------------------------------------------------------------------
def test_the_lead_sees_who_read_the_centres_notes(w):
    note = write(w)
    notes.note_read(actor=w.adviser_a2, note=note)
    notes.note_read(actor=w.adviser_a, note=note)
    b_note = write(w, actor=w.adviser_b, centre=w.centre_b)
    notes.note_read(actor=w.adviser_b, note=b_note)

    log = list(notes.note_reads(w.lead_a, w.centre_a))
    assert [read.reader for read in log] == [w.adviser_a, w.adviser_a2]
    assert all(read.note_id_read == note.pk for read in log)
    assert list(notes.note_reads(w.lead_a, w.centre_a, since=clock.now() + dt.timedelta(minutes=1))) == []
    assert [read.reader for read in notes.note_reads(w.lead_b, w.centre_b)] == [w.adviser_b]
    assert permissions_notes.get_centre_for_note_reads(w.lead_a, "senter-a") == w.centre_a


@pytest.mark.parametrize("who", ["adviser_a", "lead_b", "coordinator", "admin", "contact", "person"])
def test_the_read_log_is_for_the_lead_only(w, who):
    user = getattr(w, who)
    with pytest.raises(PermissionDenied):
        notes.note_reads(user, w.centre_a)
    with pytest.raises(Http404):
        permissions_notes.get_centre_for_note_reads(user, "senter-a")
    assert not user.has_perm("guidance.see_note_reads", w.centre_a)


def test_no_e_mail_carries_a_note(w, mailoutbox):
    note = write(w)
    notes.note_read(actor=w.lead_a, note=note)
    assert not any(SECRET in message.body or SECRET in message.subject for message in mailoutbox)


# --- Notes stay where they are -------------------------------------------------------------------
ALLOWED = {
    "batteriet/guidance/models.py",
    "batteriet/guidance/services/notes.py",
    "batteriet/guidance/services/retention.py",
    "batteriet/guidance/permissions_notes.py",
}
NOTE_NAMES = re.compile(
    r"\bConfidentialNote\b|\bguidance_notes\b|\bguidance\.confidentialnote\b", re.IGNORECASE
)


def test_confidential_notes_are_used_nowhere_but_in_their_own_modules():
    """Not in exports, the API, search, e-mails, admin, views or templates: if this fails,
    someone reached for notes outside notes.py / permissions_notes.py / retention.py."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in sorted((root / "batteriet").rglob("*")):
        if path.suffix not in {".py", ".html", ".txt", ".json", ".md"} or not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        if relative in ALLOWED or "/migrations/" in relative:
            continue
        if NOTE_NAMES.search(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(relative)
    for folder in ("config", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if (
                path.is_file()
                and path.suffix in {".py", ".html", ".txt"}
                and NOTE_NAMES.search(path.read_text(encoding="utf-8", errors="replace"))
            ):
                offenders.append(path.relative_to(root).as_posix())
    assert offenders == []


def test_the_grep_would_catch_a_use_elsewhere(tmp_path):
    assert NOTE_NAMES.search("from batteriet.guidance.models import ConfidentialNote")
    assert NOTE_NAMES.search("organisation.guidance_notes.all()")
    assert not NOTE_NAMES.search("NoteRead.objects.all()")
