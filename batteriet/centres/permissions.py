"""Who works where. Predicates for the `rules` package and scoped loaders for views."""

import rules
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from batteriet.centres.models import Centre, StaffAssignment, StaffRole


def _assignments(user) -> list[StaffAssignment]:
    """A user's staff assignments, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_staff_assignments_cache", None)
    if cached is None:
        cached = list(StaffAssignment.objects.filter(user=user))
        user._staff_assignments_cache = cached
    return cached


@rules.predicate
def is_national_coordinator(user) -> bool:
    return any(a.role == StaffRole.NATIONAL_COORDINATOR for a in _assignments(user))


@rules.predicate
def is_staff_member(user) -> bool:
    return bool(_assignments(user))


@rules.predicate
def is_staff_at(user, centre: Centre | None) -> bool:
    if centre is None:
        return False
    return is_national_coordinator(user) or any(a.centre_id == centre.pk for a in _assignments(user))


@rules.predicate
def is_lead_at(user, centre: Centre | None) -> bool:
    if centre is None:
        return False
    return is_national_coordinator(user) or any(
        a.centre_id == centre.pk and a.role == StaffRole.LEAD for a in _assignments(user)
    )


def centre_ids_for_staff(user) -> list[int] | None:
    """The centres a staff member works for; None means all (national coordinator)."""
    if is_national_coordinator(user):
        return None
    return [a.centre_id for a in _assignments(user) if a.centre_id]


def centres_for_staff(user) -> QuerySet[Centre]:
    ids = centre_ids_for_staff(user)
    centres = Centre.objects.all()
    return centres if ids is None else centres.filter(pk__in=ids)


def get_centre_for_staff(user, slug: str) -> Centre:
    """A centre the user works at, or 404."""
    return get_object_or_404(centres_for_staff(user), slug=slug)


rules.add_perm("centres.view_staff_pages", is_staff_member)
rules.add_perm("centres.work_at_centre", is_staff_at)
rules.add_perm("centres.edit_agreement_text", is_lead_at)
