"""E-mails about requests for guidance and their appointments, sent by a background worker
after commit (see `notices.py` for who gets what). Tasks take ids, never objects, and
read fresh data when they run.

Every e-mail is in the recipient's own language (`User.language`). The person's e-mails
link to their request page, where they move or cancel the time; the adviser's notes link
to the staff page of the request. The situation, the needs and the confidential notes are
never put in an e-mail.
"""

import datetime as dt

from django.urls import reverse
from django.utils import translation
from django_tasks import task

from batteriet.accounts.models import User
from batteriet.core import mail
from batteriet.core import time as clock
from batteriet.guidance import ics
from batteriet.guidance.models import Appointment, AppointmentStatus, GuidanceRequest, Mode
from batteriet.guidance.notices import Notice

TEMPLATE = "guidance/email/{}"
# Notices the adviser hears of when the person did it (staff know what staff did).
ADVISER_NOTES = {Notice.BOOKED, Notice.MOVED, Notice.CANCELLED, Notice.DECLINED}
# The person did it on the page, which says so: only the adviser is told.
ADVISER_ONLY = {Notice.DECLINED}


@task()
def send_guidance_notice(
    *,
    notice: str,
    request_id: int,
    appointment_id: int | None = None,
    by_staff: bool = False,
    message: str = "",
    with_invite: bool = True,
    cancelled_ids: list[int] | None = None,
) -> None:
    """Tell the person who asked, and, when the person did it, the adviser."""
    notice = Notice(notice)
    request = (
        GuidanceRequest.objects.select_related("centre", "requested_by", "adviser", "organisation")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return
    appointment = None
    if appointment_id is not None:
        appointment = (
            Appointment.objects.select_related("centre", "adviser").filter(pk=appointment_id).first()
        )
        if appointment is None:
            return
        appointment.request = request
    if notice == Notice.REMINDER and not _still_due_tomorrow(appointment):
        return  # cancelled or moved since the reminder was queued
    cancelled = list(
        Appointment.objects.filter(pk__in=cancelled_ids or [], request=request)
        .select_related("centre", "adviser")
        .order_by("pk")
    )
    person = request.requested_by
    if person.email and notice not in ADVISER_ONLY:
        _send_to_person(
            notice,
            request,
            appointment,
            person,
            by_staff=by_staff,
            message=message,
            with_invite=with_invite,
            cancelled=cancelled,
        )
    if (
        notice in ADVISER_NOTES
        and not by_staff
        and appointment is not None
        and appointment.adviser.email
        and appointment.adviser_id != person.pk
    ):
        _send_to_adviser(notice, request, appointment, appointment.adviser)


def _send_to_person(
    notice: Notice,
    request: GuidanceRequest,
    appointment: Appointment | None,
    person: User,
    *,
    by_staff: bool,
    message: str,
    with_invite: bool,
    cancelled: list[Appointment],
) -> None:
    invites: list[tuple[Appointment, ics.Method]] = []
    if appointment is not None and notice.carries_invite and with_invite:
        if notice == Notice.CANCELLED:
            invites.append((appointment, ics.Method.CANCEL))
        elif appointment.status == AppointmentStatus.BOOKED:
            invites.append((appointment, ics.Method.REQUEST))
    invites += [(each, ics.Method.CANCEL) for each in cancelled if each.status == AppointmentStatus.CANCELLED]
    attachments = []
    with translation.override(person.language):
        for number, (each, method) in enumerate(invites, start=1):
            content = ics.invitation(
                each, attendee_email=person.email, attendee_name=person.full_name, method=method
            )
            filename = "invite.ics" if number == 1 else f"invite-{number}.ics"
            attachments.append((filename, content, f"text/calendar; method={method}"))
        where = ics.location(appointment) if appointment is not None else ""
    mail.send_templated(
        to=[person.email],
        template=TEMPLATE.format(notice),
        context={
            "request": request,
            "appointment": appointment,
            "centre": appointment.centre if appointment is not None else request.centre,
            "where": where,
            "by_staff": by_staff,
            "message": message,
            "has_invite": bool(invites),
            "cancelled_invite": any(method == ics.Method.CANCEL for _each, method in invites),
            "is_phone": appointment is not None and appointment.mode == Mode.PHONE,
            "is_video": appointment is not None and appointment.mode == Mode.VIDEO,
            "url": reverse("guidance:request", args=[request.pk]),
            "move_url": reverse("guidance:move", args=[request.pk]),
            "cancel_url": reverse("guidance:cancel", args=[request.pk]),
        },
        language=person.language,
        attachments=attachments,
    )


def _send_to_adviser(
    notice: Notice, request: GuidanceRequest, appointment: Appointment, adviser: User
) -> None:
    """A short note: when, how, and where to read the rest (the staff page)."""
    mail.send_templated(
        to=[adviser.email],
        template=TEMPLATE.format(f"{notice}_adviser"),
        context={
            "request": request,
            "appointment": appointment,
            "centre": appointment.centre,
            "url": reverse("guidance:triage", args=[request.pk]),
        },
        language=adviser.language,
    )


def _still_due_tomorrow(appointment: Appointment | None) -> bool:
    """A reminder is sent only for a booked time that is still claimed and still starts the
    day after the claim (Oslo): a move sets the claim back, and the new day is reminded
    on its own."""
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        return False
    if appointment.reminder_sent_at is None:
        return False
    claimed_on = appointment.reminder_sent_at.astimezone(clock.OSLO).date()
    return appointment.starts_at.astimezone(clock.OSLO).date() == claimed_on + dt.timedelta(days=1)
