"""E-mails about registrations and the organisers' messages, sent by a background worker
after commit. Tasks take ids, never objects, and read fresh data when they run.

Every e-mail is in the recipient's own language (`User.language`) and links to the
registration page, where people cancel and change their answers themselves. Answers to
questions are never put in an e-mail: special needs are seen only on the site.
"""

from django.urls import reverse
from django.utils import translation
from django_tasks import task

from batteriet.accounts.models import User
from batteriet.core import mail
from batteriet.events import ics, permissions
from batteriet.events.models import EventMessage, Registration, RegistrationStatus
from batteriet.events.notices import Notice

TEMPLATE = "events/email/messages_{}"


@task()
def send_registration_notice(*, registration_ids: list[int], notice: str) -> None:
    """Tell each person with an account about their own registration, and whoever
    registered them (when that is someone else) once about the whole group."""
    notice = Notice(notice)
    found = {
        registration.pk: registration
        for registration in Registration.objects.filter(pk__in=registration_ids)
        .select_related("event", "event__room__centre", "person", "registered_by", "organisation")
        .prefetch_related("event__centres")
    }
    group = [found[pk] for pk in registration_ids if pk in found]
    if not group:
        return
    registrant = group[0].registered_by
    people = {registration.person_id for registration in group if registration.person_id}
    tell_registrant = (
        notice.tells_the_registrant
        and registrant is not None
        and bool(registrant.email)
        and (len(group) > 1 or registrant.pk not in people)
        and not permissions.is_organiser(registrant, group[0].event)
    )
    for registration in group:
        person = registration.person
        if person is None or not person.email:
            continue
        listed = group if tell_registrant and person.pk == registrant.pk else []
        _send(notice, registration, person, group=listed)
    if tell_registrant and registrant.pk not in people:
        _send(notice, group[0], registrant, group=group, for_others=True)


def _send(
    notice: Notice,
    registration: Registration,
    recipient: User,
    *,
    group: list[Registration],
    for_others: bool = False,
) -> None:
    event = registration.event
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    attachments = []
    method = None
    if not for_others:
        if notice in {Notice.REGISTERED, Notice.REMINDER, Notice.CHANGED} and confirmed:
            method = ics.Method.REQUEST
        elif notice == Notice.CANCELLED:
            method = ics.Method.CANCEL
    if method is not None:
        with translation.override(recipient.language):
            invite = ics.invitation(registration, attendee_email=recipient.email, method=method)
        attachments.append(("invite.ics", invite, f"text/calendar; method={method}"))
    mail.send_templated(
        to=[recipient.email],
        template=TEMPLATE.format(notice),
        context={
            "event": event,
            "registration": registration,
            "recipient": recipient,
            "group": group,
            "for_others": for_others,
            "centre": next(iter(event.centres.all()), None),
            "where": _where(event, recipient.language),
            "online_link": event.online_link if confirmed and not for_others else "",
            "place_in_line": _place_in_line(registration) if notice == Notice.WAITING else None,
            "url": reverse("events:registration", args=[registration.pk]),
            "has_invite": method is not None,
        },
        language=recipient.language,
        attachments=attachments,
    )


def _where(event, language: str) -> str:
    with translation.override(language):
        return ics.location(event)


def _place_in_line(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=RegistrationStatus.WAITING,
        position_at__lt=registration.position_at,
    ).count()
    return ahead + 1


@task()
def send_event_message(*, message_id: int, registration_id: int) -> None:
    """One organisers' message to one person, framed in their own language."""
    message = EventMessage.objects.select_related("event", "sent_by").get(pk=message_id)
    registration = (
        Registration.objects.select_related("person", "event")
        .prefetch_related("event__centres")
        .get(pk=registration_id)
    )
    person = registration.person
    if person is None or not person.email:
        return
    mail.send_templated(
        to=[person.email],
        template=TEMPLATE.format("staff_message"),
        context={
            "message": message,
            "event": message.event,
            "registration": registration,
            "centre": next(iter(message.event.centres.all()), None),
            "url": reverse("events:registration", args=[registration.pk]),
        },
        language=person.language,
    )
