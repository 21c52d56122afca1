"""Who may see and act on requests for guidance and appointments.

Predicates for the `rules` package, None-safe (an anonymous visitor or a missing object
is simply "no"), and loaders that return what the user may act on or raise 404, so a
request's existence never leaks. Confidential notes have their own, stricter rules in
`permissions_notes.py`.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre
from batteriet.guidance.models import Appointment, GuidanceRequest


@rules.predicate
def is_adviser_at(user, centre: Centre | None) -> bool:
    """Staff at the centre in any staff role (adviser or lead); national coordinators everywhere."""
    if centre is None or not getattr(user, "is_authenticated", False):
        return False
    return centre_permissions.is_staff_at(user, centre)


@rules.predicate
def may_see_request(user, request: GuidanceRequest | None) -> bool:
    """The person who asked and staff of its centre. Not the organisation's contact persons:
    a member may ask about a conflict with them; the organisation's journey is their page."""
    if request is None or not getattr(user, "is_authenticated", False):
        return False
    if user.pk == request.requested_by_id:
        return True
    return is_adviser_at(user, request.centre)


@rules.predicate
def may_triage(user, request: GuidanceRequest | None) -> bool:
    """Staff of the request's centre schedule, propose, hand over and refer it."""
    return request is not None and is_adviser_at(user, request.centre)


rules.add_perm("guidance.see_request", may_see_request)
rules.add_perm("guidance.triage", may_triage)


# --- Loaders ----------------------------------------------------------------------------
def _require_staff(user) -> None:
    """Staff pages answer 403 to anyone who is not staff at all."""
    if not user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied


def _request(pk: int) -> GuidanceRequest | None:
    return (
        GuidanceRequest.objects.select_related("centre", "organisation", "requested_by", "adviser")
        .filter(pk=pk)
        .first()
    )


def get_request_for_view(user, pk: int) -> GuidanceRequest:
    """A request the user may see (see `may_see_request`), or 404."""
    request = _request(pk)
    if request is None or not may_see_request(user, request):
        raise Http404
    return request


def get_request_for_triage(user, pk: int) -> GuidanceRequest:
    """A request at a centre the user works at: 403 for non-staff, 404 for other centres."""
    _require_staff(user)
    request = _request(pk)
    if request is None or not may_triage(user, request):
        raise Http404
    return request


def get_centre_for_triage(user, slug: str) -> Centre:
    """The centre whose queue the user works on: 403 for non-staff, 404 elsewhere."""
    _require_staff(user)
    centre = Centre.objects.filter(slug=slug).first()
    if centre is None or not is_adviser_at(user, centre):
        raise Http404
    return centre


def get_appointment_for_view(user, pk: int) -> Appointment:
    """An appointment whose request the user may see, or 404."""
    appointment = (
        Appointment.objects.select_related(
            "request", "request__centre", "request__organisation", "adviser", "centre"
        )
        .filter(pk=pk)
        .first()
    )
    if appointment is None or not may_see_request(user, appointment.request):
        raise Http404
    return appointment
