"""Reads for organisations and agreements."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from batteriet.centres import permissions as centre_permissions
from batteriet.centres import selectors as centre_selectors
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.organisations import permissions
from batteriet.organisations.models import (
    Agreement,
    AgreementStatus,
    Initiator,
    Membership,
    Organisation,
    OrganisationStatus,
)


def has_active_agreement(organisation: Organisation, centre: Centre, on: dt.date | None = None) -> bool:
    """True if the organisation holds an agreement in force at the centre on the date.

    Bookings call this. It reads the dates, so it is right even if the nightly
    expiry job has not yet run.
    """
    on = on or clock.local_today()
    return Agreement.objects.filter(
        organisation=organisation,
        centre=centre,
        status=AgreementStatus.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    ).exists()


def active_agreement_periods(organisation: Organisation, centre: Centre) -> list[tuple[dt.date, dt.date]]:
    """(valid from, valid until) of the organisation's agreements in force at the centre,
    for checking many dates with one query (see `has_active_agreement`)."""
    return list(
        Agreement.objects.filter(
            organisation=organisation,
            centre=centre,
            status=AgreementStatus.ACTIVE,
            valid_from__isnull=False,
            valid_until__isnull=False,
        ).values_list("valid_from", "valid_until")
    )


def agreement_text_to_show(agreement: Agreement):
    """Signed agreements show the version signed; an unsigned one is signed on the current text."""
    if agreement.status != AgreementStatus.REQUESTED:
        return agreement.text
    return centre_selectors.current_agreement_text(agreement.centre) or agreement.text


def memberships_for_user(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__home_centre")
        .prefetch_related(
            Prefetch(
                "organisation__agreements",
                queryset=Agreement.objects.select_related("centre").order_by("-requested_at"),
            )
        )
        .order_by("organisation__name")
    )


def initiator_for(user) -> Initiator | None:
    return Initiator.objects.filter(user=user).select_related("centre").first()


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("role", "user__full_name")


def agreements_of(organisation: Organisation) -> QuerySet[Agreement]:
    return organisation.agreements.select_related("centre", "text").order_by("-requested_at")


def history_of(organisation: Organisation):
    return audit.entries_for_scope(audit.scope_for(organisation))


@dataclass(frozen=True)
class OrganisationFilters:
    status: str = ""
    kind: str = ""
    target_group: str = ""
    agreement: str = ""  # an AgreementStatus value, or "none"
    centre: str = ""  # a centre slug
    q: str = ""


def organisations_for_staff(user, filters: OrganisationFilters) -> QuerySet[Organisation]:
    organisations = permissions.organisations_visible_to_staff(user)
    if filters.status:
        organisations = organisations.filter(status=filters.status)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.target_group:
        organisations = organisations.filter(target_groups__code=filters.target_group)
    if filters.centre:
        organisations = organisations.filter(home_centre__slug=filters.centre)
    if filters.q:
        organisations = organisations.filter(Q(name__icontains=filters.q) | Q(orgnr=filters.q))
    if filters.agreement == "none":
        organisations = organisations.exclude(Exists(Agreement.objects.filter(organisation=OuterRef("pk"))))
    elif filters.agreement:
        organisations = organisations.filter(
            Exists(Agreement.objects.filter(organisation=OuterRef("pk"), status=filters.agreement))
        )
    return (
        organisations.select_related("home_centre")
        .prefetch_related("target_groups")
        .order_by("name")
        .distinct()
    )


def pending_organisations(user) -> QuerySet[Organisation]:
    """Organisations waiting for a decision by this staff member's centre(s)."""
    organisations = Organisation.objects.filter(status=OrganisationStatus.PENDING)
    centre_ids = centre_permissions.centre_ids_for_staff(user)
    if centre_ids is not None:
        organisations = organisations.filter(home_centre_id__in=centre_ids)
    return organisations.select_related("home_centre").order_by("created_at")


def agreements_waiting(user) -> QuerySet[Agreement]:
    """Agreements requested or signed at this staff member's centre(s)."""
    agreements = Agreement.objects.filter(status__in=[AgreementStatus.REQUESTED, AgreementStatus.SIGNED])
    centre_ids = centre_permissions.centre_ids_for_staff(user)
    if centre_ids is not None:
        agreements = agreements.filter(centre_id__in=centre_ids)
    return agreements.select_related("organisation", "centre").order_by("-status", "requested_at")


def contact_emails(organisation: Organisation) -> list[str]:
    return list(organisation.memberships.filter(role="contact").values_list("user__email", flat=True)) or [
        organisation.email
    ]


def open_invitations(organisation: Organisation):
    return organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=clock.now()).order_by(
        "-created_at"
    )


# --- Change history, in words staff can read -------------------------------------------
ACTION_LABELS = {
    "organisation.registered": _("Registered"),
    "organisation.updated": _("Details changed"),
    "organisation.approved": _("Approved"),
    "organisation.declined": _("Declined"),
    "membership.invited": _("Person invited"),
    "membership.joined": _("Person joined"),
    "membership.role_changed": _("Role changed"),
    "membership.removed": _("Person removed"),
    "agreement.requested": _("User agreement requested"),
    "agreement.signed": _("User agreement signed"),
    "agreement.activated": _("User agreement countersigned"),
    "agreement.replaced": _("User agreement replaced by a new one"),
    "agreement.expired": _("User agreement expired"),
    "agreement.terminated": _("User agreement ended"),
}


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    actor_name: str
    label: str
    object_repr: str
    changes: list[tuple[str, str]]


def _field_label(name: str) -> str:
    for model in (Organisation, Agreement, Membership):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name.replace("_", " ")


def _value_text(value) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_value_text(value[0])} → {_value_text(value[1])}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if value in (None, ""):
        return "–"
    return str(value)


def history_items(organisation: Organisation, limit: int = 100) -> list[HistoryItem]:
    return [
        HistoryItem(
            at=entry.at,
            actor_name=entry.actor.full_name if entry.actor else "",
            label=str(ACTION_LABELS.get(entry.action, entry.action)),
            object_repr=entry.object_repr,
            changes=[(_field_label(key), _value_text(value)) for key, value in entry.changes.items()],
        )
        for entry in history_of(organisation)[:limit]
    ]
