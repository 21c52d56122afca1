"""Who may see and do what with organisations, memberships and agreements.

Predicates are registered with the `rules` package; views check them with
`user.has_perm(...)`. Loaders fetch an object the user may see, or raise 404, so
an organisation's existence never leaks to people outside it.
"""

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from batteriet.centres import permissions as centre_permissions
from batteriet.organisations.models import (
    Agreement,
    Membership,
    MembershipRole,
    Organisation,
)


def _role(user, organisation: Organisation) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, "_membership_roles_cache", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._membership_roles_cache = cache
    return cache.get(organisation.pk)


def forget_cached_roles(user) -> None:
    user.__dict__.pop("_membership_roles_cache", None)


@rules.predicate
def is_member(user, organisation: Organisation) -> bool:
    return _role(user, organisation) is not None


@rules.predicate
def is_contact(user, organisation: Organisation) -> bool:
    return _role(user, organisation) == MembershipRole.CONTACT


@rules.predicate
def is_board_or_contact(user, organisation: Organisation) -> bool:
    return _role(user, organisation) in {MembershipRole.CONTACT, MembershipRole.BOARD}


@rules.predicate
def is_staff_for_organisation(user, organisation: Organisation) -> bool:
    """Staff of the home centre, or of a centre where it has an agreement, or national."""
    if centre_permissions.is_national_coordinator(user):
        return True
    centre_ids = centre_permissions.centre_ids_for_staff(user) or []
    if not centre_ids:
        return False
    if organisation.home_centre_id in centre_ids:
        return True
    return organisation.agreements.filter(centre_id__in=centre_ids).exists()


@rules.predicate
def is_home_centre_staff(user, organisation: Organisation) -> bool:
    return centre_permissions.is_staff_at(user, organisation.home_centre)


@rules.predicate
def is_agreement_party(user, agreement: Agreement) -> bool:
    return is_member(user, agreement.organisation)


@rules.predicate
def is_agreement_signer(user, agreement: Agreement) -> bool:
    return is_board_or_contact(user, agreement.organisation)


@rules.predicate
def is_agreement_centre_staff(user, agreement: Agreement) -> bool:
    return centre_permissions.is_staff_at(user, agreement.centre)


rules.add_perm("organisations.view_organisation", is_member | is_staff_for_organisation)
rules.add_perm("organisations.edit_organisation", is_board_or_contact | is_home_centre_staff)
rules.add_perm("organisations.manage_members", is_contact)
rules.add_perm("organisations.decide_organisation", is_home_centre_staff)
rules.add_perm("organisations.view_history", is_staff_for_organisation)
rules.add_perm("organisations.request_agreement", is_board_or_contact)
rules.add_perm("organisations.view_agreement", is_agreement_party | is_agreement_centre_staff)
rules.add_perm("organisations.sign_agreement", is_agreement_signer)
rules.add_perm("organisations.activate_agreement", is_agreement_centre_staff)
rules.add_perm("organisations.terminate_agreement", is_agreement_centre_staff)


# --- Scoped loaders -------------------------------------------------------------------
def organisations_visible_to_staff(user) -> QuerySet[Organisation]:
    centre_ids = centre_permissions.centre_ids_for_staff(user)
    organisations = Organisation.objects.all()
    if centre_ids is None:
        return organisations
    return organisations.filter(
        Q(home_centre_id__in=centre_ids) | Q(agreements__centre_id__in=centre_ids)
    ).distinct()


def get_organisation_for_view(user, pk: int) -> Organisation:
    organisation = Organisation.objects.select_related("home_centre").filter(pk=pk).first()
    if organisation is None or not user.has_perm("organisations.view_organisation", organisation):
        raise Http404
    return organisation


def get_agreement_for_view(user, pk: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related("organisation", "centre", "text", "signed_by", "activated_by")
        .filter(pk=pk)
        .first()
    )
    if agreement is None or not user.has_perm("organisations.view_agreement", agreement):
        raise Http404
    return agreement
