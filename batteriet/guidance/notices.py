"""What people who ask for guidance, and their advisers, are told, and when: one e-mail per
change, after commit.

Services call `send_on_commit(Notice.X, ...)` inside their transaction; the e-mails go out
from a background task (`tasks.py`) once the change is committed, so a rolled-back change
never sends anything and a slow mail server never slows anyone down.

Who gets what:
- the person who asked gets every notice, in their own language, with a link to their
  request page, where they can move or cancel the time;
- BOOKED, MOVED and CANCELLED carry an `invite.ics` (REQUEST, or CANCEL when the time is
  gone); HANDED_OVER and REFERRED carry a CANCEL for a booked time they cancelled;
- the adviser gets a short note when the person books, accepts, moves or cancels a time
  (never when staff did it), with a link to the staff page of the request;
- nobody without an e-mail address gets anything.

No e-mail ever holds the situation, the needs, or anything from the confidential notes:
the adviser reads them on the staff page.

A move or a cancellation bumps `Appointment.ics_sequence` here, in the caller's
transaction, so calendar apps replace the entry they have, and the number never goes up
without the change.
"""

from enum import StrEnum

from django.db import transaction
from django.db.models import F

from batteriet.core import time as clock
from batteriet.guidance.models import Appointment, AppointmentStatus, GuidanceRequest


class Notice(StrEnum):
    RECEIVED = "received"  # asked without a time: we will propose one
    PROPOSED = "proposed"  # staff propose a time: accept or decline
    BOOKED = "booked"  # a time is booked (chosen, or a proposal accepted)
    CANCELLED = "cancelled"  # a proposed or booked time is cancelled
    MOVED = "moved"  # a booked time has moved
    HANDED_OVER = "handed_over"  # another adviser or centre takes over
    REFERRED = "referred"  # referred elsewhere
    REMINDER = "reminder"  # the day before
    DECLINED = "declined"  # the person said no thanks to a proposed time (the adviser is told)

    @property
    def carries_invite(self) -> bool:
        return self in {Notice.BOOKED, Notice.MOVED, Notice.CANCELLED}


def send_on_commit(
    notice: Notice,
    *,
    request: GuidanceRequest | None = None,
    appointment: Appointment | None = None,
    by_staff: bool = False,
    message: str = "",
) -> None:
    """Queue the e-mails of `notice` once the surrounding transaction commits.

    Call it with the appointment the notice is about (the request is its request), or with
    the request only (received, handed over, referred). For CANCELLED, call it before the
    appointment is cancelled, so it knows whether a booked time (with an invitation in the
    person's calendar) goes. `by_staff` says staff did it (the adviser is then not told);
    `message` is staff's message to the person with this change, passed as written now (the
    request's `staff_message` may change again before the e-mail goes).
    """
    request_id = request.pk if request is not None else appointment.request_id
    appointment_id = appointment.pk if appointment is not None else None
    was_booked = appointment is not None and appointment.status == AppointmentStatus.BOOKED
    cancelled_ids: list[int] = []
    if notice in {Notice.HANDED_OVER, Notice.REFERRED}:
        cancelled_ids = list(
            Appointment.objects.filter(
                request_id=request_id, status=AppointmentStatus.BOOKED, ends_at__gt=clock.now()
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _bump_sequence(cancelled_ids)
    elif notice == Notice.MOVED or (notice == Notice.CANCELLED and was_booked):
        _bump_sequence([appointment_id])
    from batteriet.guidance import tasks

    kwargs = {
        "notice": str(notice),
        "request_id": request_id,
        "appointment_id": appointment_id,
        "by_staff": by_staff,
        "message": message,
        "with_invite": notice != Notice.CANCELLED or was_booked,
        "cancelled_ids": cancelled_ids,
    }
    transaction.on_commit(lambda: tasks.send_guidance_notice.enqueue(**kwargs))


def _bump_sequence(appointment_ids: list[int]) -> None:
    if appointment_ids:
        Appointment.objects.filter(pk__in=appointment_ids).update(ics_sequence=F("ics_sequence") + 1)
