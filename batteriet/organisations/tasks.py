"""E-mails about organisations and agreements, sent by a background worker after commit.

Tasks take ids, never objects, and read fresh data when they run.
"""

from django.urls import reverse
from django_tasks import task

from batteriet.centres import selectors as centre_selectors
from batteriet.core import mail
from batteriet.organisations.models import Agreement, Initiator, Invitation, MembershipRole, Organisation


def _contacts(organisation: Organisation) -> list[tuple[str, str]]:
    """(e-mail, language) of the contact persons, or the organisation's own address."""
    contacts = list(
        organisation.memberships.filter(role=MembershipRole.CONTACT).values_list(
            "user__email", "user__language"
        )
    )
    return contacts or [(organisation.email, "nb")]


def _send_to_contacts(organisation: Organisation, template: str, context: dict) -> None:
    for email, language in _contacts(organisation):
        mail.send_templated(to=[email], template=template, context=context, language=language)


@task()
def notify_centre_of_registration(*, organisation_id: int) -> None:
    organisation = Organisation.objects.select_related("home_centre").get(pk=organisation_id)
    mail.send_templated(
        to=centre_selectors.staff_emails(organisation.home_centre),
        template="organisations/email/registered_to_centre",
        context={
            "organisation": organisation,
            "url": reverse("organisations:staff_detail", args=[organisation.pk]),
        },
    )


@task()
def notify_organisation_of_decision(*, organisation_id: int) -> None:
    organisation = Organisation.objects.select_related("home_centre").get(pk=organisation_id)
    _send_to_contacts(
        organisation,
        "organisations/email/decision",
        {"organisation": organisation, "url": reverse("organisations:detail", args=[organisation.pk])},
    )


@task()
def notify_centre_of_initiator(*, initiator_id: int) -> None:
    initiator = Initiator.objects.select_related("user", "centre").get(pk=initiator_id)
    mail.send_templated(
        to=centre_selectors.staff_emails(initiator.centre),
        template="organisations/email/initiator_to_centre",
        context={"initiator": initiator},
    )


@task()
def send_invitation(*, invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    mail.send_templated(
        to=[invitation.email],
        template="organisations/email/invitation",
        context={
            "invitation": invitation,
            "url": reverse("organisations:invitation_accept", args=[token]),
        },
        language=getattr(invitation.invited_by, "language", "nb"),
    )


@task()
def notify_centre_of_signature(*, agreement_id: int) -> None:
    agreement = Agreement.objects.select_related("organisation", "centre").get(pk=agreement_id)
    mail.send_templated(
        to=centre_selectors.staff_emails(agreement.centre),
        template="organisations/email/signed_to_centre",
        context={
            "agreement": agreement,
            "url": reverse("organisations:agreement_detail", args=[agreement.pk]),
        },
    )


@task()
def notify_organisation_of_agreement(*, agreement_id: int) -> None:
    agreement = Agreement.objects.select_related("organisation", "centre").get(pk=agreement_id)
    _send_to_contacts(
        agreement.organisation,
        "organisations/email/agreement_status",
        {"agreement": agreement, "url": reverse("organisations:agreement_detail", args=[agreement.pk])},
    )


@task()
def send_renewal_reminder(*, agreement_id: int) -> None:
    agreement = Agreement.objects.select_related("organisation", "centre").get(pk=agreement_id)
    _send_to_contacts(
        agreement.organisation,
        "organisations/email/renewal_reminder",
        {
            "agreement": agreement,
            "url": reverse("organisations:detail", args=[agreement.organisation_id]),
        },
    )
