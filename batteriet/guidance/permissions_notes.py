"""Who may see what a guidance session leaves behind: confidential notes and their read
log, an organisation's journey, and the figures.

Confidential notes are for the advisers and the lead of the centre that wrote them, and
nobody else: a national coordinator who does not work at that centre, staff of other
centres, the organisation's members and site administrators never see them. The check
therefore reads the person's own assignment at that very centre, not `is_staff_at`
(which lets national coordinators in everywhere). Loaders answer 404, so whether a
note exists never leaks. The text is read only through `services.notes.note_read`,
which logs every read.

The journey (founded → … → first application) is for the organisation's contact persons
and for staff (the record follows the organisation across all five centres); never the
notes. Figures are for staff of the centre, and for national coordinators everywhere.
"""

import rules
from django.db.models import QuerySet
from django.http import Http404

from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre, StaffRole
from batteriet.guidance.models import ConfidentialNote
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation

NOTE_ROLES = frozenset({StaffRole.ADVISER, StaffRole.LEAD})


def _centre_id(centre: Centre | int | None) -> int | None:
    return centre if isinstance(centre, int) or centre is None else centre.pk


@rules.predicate
def may_read_notes_at(user, centre: Centre | int | None) -> bool:
    """An adviser or the lead of this very centre."""
    centre_id = _centre_id(centre)
    if centre_id is None:
        return False
    return any(
        a.centre_id == centre_id and a.role in NOTE_ROLES for a in centre_permissions._assignments(user)
    )


@rules.predicate
def may_see_note_reads_at(user, centre: Centre | int | None) -> bool:
    """The lead of this very centre sees who read its notes."""
    centre_id = _centre_id(centre)
    if centre_id is None:
        return False
    return any(
        a.centre_id == centre_id and a.role == StaffRole.LEAD for a in centre_permissions._assignments(user)
    )


def note_centre_ids(user) -> list[int]:
    """The centres whose notes the user may read (none for anyone else)."""
    return [
        a.centre_id for a in centre_permissions._assignments(user) if a.role in NOTE_ROLES and a.centre_id
    ]


@rules.predicate
def may_see_journey(user, organisation: Organisation | None) -> bool:
    """The organisation's contact persons, and staff."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return organisation_permissions.is_contact(user, organisation) or centre_permissions.is_staff_member(user)


@rules.predicate
def may_see_figures(user, centre: Centre | None) -> bool:
    """Staff of the centre; national coordinators everywhere."""
    return centre_permissions.is_staff_at(user, centre)


rules.add_perm("guidance.read_notes", may_read_notes_at)
rules.add_perm("guidance.write_notes", may_read_notes_at)
rules.add_perm("guidance.see_note_reads", may_see_note_reads_at)
rules.add_perm("guidance.see_journey", may_see_journey)
rules.add_perm("guidance.see_figures", may_see_figures)


# --- Loaders (404 for what the user may not see) -------------------------------------------
def notes_without_text() -> QuerySet[ConfidentialNote]:
    """Notes for lists (who wrote, when, about whom): the text is not even fetched."""
    return ConfidentialNote.objects.only(
        "pk", "centre_id", "record_id", "organisation_id", "author_id", "created_at"
    )


def get_note_for_reading(user, pk: int) -> ConfidentialNote:
    """A note the user may read, without its text (read it with `services.notes.note_read`),
    or 404 — the same answer whether the note exists or not."""
    note = notes_without_text().filter(pk=pk).first() if isinstance(pk, int) else None
    if note is None or not may_read_notes_at(user, note.centre_id):
        raise Http404
    return note


def get_centre_for_note_reads(user, slug: str) -> Centre:
    """A centre whose read log the user (its lead) may see, or 404."""
    centre = Centre.objects.filter(slug=slug).first()
    if centre is None or not may_see_note_reads_at(user, centre):
        raise Http404
    return centre


def get_organisation_for_journey(user, pk: int) -> Organisation:
    """An organisation whose journey the user may see, or 404."""
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not may_see_journey(user, organisation):
        raise Http404
    return organisation
