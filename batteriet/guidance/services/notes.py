"""Confidential notes: written and read only by the advisers and the lead of one centre.

`note_read` and `notes_for` are the only ways to get a note's text. Each checks that the
reader is an adviser or the lead of the note's centre (a national coordinator who does
not work there is refused like anyone else) and writes a `NoteRead` row in the same
transaction, every time, also for the author. The centre lead sees that log with
`note_reads`. Refusals are 404-style (`Http404`): whether a note exists never leaks.

Notes are never in exports, the API, search results or e-mails; the audit log records
that a note was written, never what it says. `tests/guidance/test_notes.py` fails if
`ConfidentialNote` is used anywhere but here, `permissions_notes.py`, `retention.py`,
the models, migrations and tests.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core.errors import RuleViolation
from batteriet.guidance import permissions_notes, rules
from batteriet.guidance.models import ConfidentialNote, NoteRead, SessionRecord
from batteriet.guidance.services.records import not_allowed
from batteriet.organisations.models import Organisation

NOTE_MAX_LENGTH = 10000


def note_write(
    *,
    actor: User,
    centre: Centre,
    text: str,
    record: SessionRecord | None = None,
    organisation: Organisation | None = None,
) -> ConfidentialNote:
    """Write a confidential note at `centre`, about a session and/or an organisation.

    Only advisers and the lead of that centre. A session must be one held at the centre;
    the organisation defaults to the session's.
    """
    text = rules.check_text(text, field="text", max_length=NOTE_MAX_LENGTH, required=True)
    with transaction.atomic(durable=True):
        if not permissions_notes.may_read_notes_at(actor, centre):
            raise not_allowed()
        if record is not None:
            record = SessionRecord.objects.filter(pk=record.pk).first()
            if record is None or record.centre_id != centre.pk:
                raise RuleViolation(
                    code="record_other_centre",
                    message=_("The session was not at this centre."),
                    field="record",
                )
            if organisation is None and record.organisation_id is not None:
                organisation = record.organisation
            elif organisation is not None and record.organisation_id not in (None, organisation.pk):
                raise RuleViolation(
                    code="organisation_mismatch",
                    message=_("The session was with another organisation."),
                    field="organisation",
                )
        note = ConfidentialNote.objects.create(
            centre=centre, record=record, organisation=organisation, author=actor, text=text
        )
        audit.record(
            actor=actor,
            action="guidance.note_written",
            obj=note,
            changes={
                "centre": centre.pk,
                "record": record.pk if record else None,
                "organisation": organisation.pk if organisation else None,
            },
        )
    return note


def note_read(*, actor: User, note: ConfidentialNote | int) -> ConfidentialNote:
    """The note with its text, for an adviser or the lead of its centre; the read is logged.

    Anyone else gets `Http404`, as if the note did not exist.
    """
    note_id = note if isinstance(note, int) else note.pk
    with transaction.atomic(durable=True):
        note = ConfidentialNote.objects.filter(pk=note_id).first()
        if note is None or not permissions_notes.may_read_notes_at(actor, note.centre_id):
            raise Http404
        _log_reads(actor, [note])
    return note


def notes_for(actor: User, organisation: Organisation) -> list[ConfidentialNote]:
    """The organisation's notes written at the centres where the actor is an adviser or
    the lead, newest first, with their text. Every note returned is logged as read."""
    centre_ids = permissions_notes.note_centre_ids(actor)
    if not centre_ids:
        return []
    with transaction.atomic(durable=True):
        notes = list(
            ConfidentialNote.objects.filter(organisation=organisation, centre_id__in=centre_ids)
            .select_related("author", "record", "centre")
            .order_by("-created_at", "-id")
        )
        _log_reads(actor, notes)
    return notes


def note_reads(actor: User, centre: Centre, since: dt.datetime | None = None) -> QuerySet[NoteRead]:
    """Who read the centre's notes and when (newest first): for the centre lead only."""
    if not permissions_notes.may_see_note_reads_at(actor, centre):
        raise PermissionDenied
    reads = NoteRead.objects.filter(centre=centre).select_related("reader").order_by("-read_at", "-id")
    if since is not None:
        reads = reads.filter(read_at__gte=since)
    return reads


def note_subjects(actor: User, centre: Centre, note_ids: list[int]) -> dict[int, str | None]:
    """For the read log: the organisation each of the centre's notes is about, by note id
    (None: about no organisation), never the text. A deleted note is left out. The lead only."""
    if not permissions_notes.may_see_note_reads_at(actor, centre):
        raise PermissionDenied
    return dict(
        ConfidentialNote.objects.filter(pk__in=note_ids, centre=centre).values_list(
            "pk", "organisation__name"
        )
    )


def _log_reads(actor: User, notes: list[ConfidentialNote]) -> None:
    """One row per note read, inside the reading transaction."""
    NoteRead.objects.bulk_create(
        NoteRead(note_id_read=note.pk, centre_id=note.centre_id, reader=actor) for note in notes
    )
