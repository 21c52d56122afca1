"""Loaders for the pages of session records, follow-ups, the journey and notes.

Each fetches what a page shows and checks who may see it: 403 on staff pages for people
who are not staff at all, 404 for what the person may not see (never leaking that it
exists). The notes themselves are read only through `services.notes`, which checks
`permissions_notes` again and logs every read.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from batteriet.centres import permissions as centre_permissions
from batteriet.guidance import permissions_notes
from batteriet.guidance.models import Appointment, FollowUp
from batteriet.organisations.models import Organisation


def require_staff(user) -> None:
    """Staff pages answer 403 to anyone who is not staff at all."""
    if not user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied


def get_appointment_for_record(user, pk: int) -> Appointment:
    """An appointment at a centre the user works at (national coordinators everywhere):
    403 for non-staff, 404 for other centres."""
    require_staff(user)
    appointment = (
        Appointment.objects.select_related("request", "request__organisation", "centre", "adviser")
        .filter(pk=pk)
        .first()
    )
    if appointment is None or not centre_permissions.is_staff_at(user, appointment.centre):
        raise Http404
    return appointment


def get_follow_up_for_done(user, pk: int) -> FollowUp:
    """A follow-up the user owns (a contact person may own one), or one of a session at a
    centre they work at; else 404."""
    follow_up = FollowUp.objects.select_related("record__centre").filter(pk=pk).first()
    if follow_up is None or not (
        follow_up.owner_id == user.pk or centre_permissions.is_staff_at(user, follow_up.record.centre)
    ):
        raise Http404
    return follow_up


def get_organisation_for_notes(user, pk: int) -> Organisation:
    """An organisation whose notes page the user may open: staff who are an adviser or the
    lead of some centre (they see only that centre's notes). 403 for non-staff, 404 for
    staff who read notes nowhere (a national coordinator without a centre) and for
    organisations that do not exist."""
    require_staff(user)
    if not permissions_notes.note_centre_ids(user):
        raise Http404
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def get_organisation_for_journey_step(user, pk: int) -> Organisation:
    """An organisation whose journey staff may mark: 403 for non-staff, 404 if missing.
    Whether this staff member may move it is the service's rule (`may_edit_journey`)."""
    require_staff(user)
    return permissions_notes.get_organisation_for_journey(user, pk)
