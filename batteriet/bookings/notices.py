"""What a booking's organisation is told, and when: one e-mail per change, after commit.

Services call `send_on_commit(booking, Notice.X)` inside their transaction; the e-mail
goes out from a background task once the change is committed, so a rolled-back change
never sends anything and a slow mail server never slows the booking down.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db import transaction

from batteriet.bookings.models import Booking


class Notice(StrEnum):
    CONFIRMED = "confirmed"  # booked, confirmed at once or by staff on the organisation's behalf
    REQUESTED = "requested"  # received; staff will approve or decline
    APPROVED = "approved"
    DECLINED = "declined"
    CHANGED = "changed"  # moved to another time or resource
    CANCELLED = "cancelled"
    OFFERED = "offered"  # a time from the waiting list is held for the organisation
    REMINDER = "reminder"  # the day before
    OVERDUE = "overdue"  # equipment not returned


def send_on_commit(booking: Booking, notice: Notice, *, also: Iterable[Booking] = ()) -> None:
    """Queue the e-mail about `booking` once the surrounding transaction commits.

    `also`: the other bookings the same change touched (the later times of a recurring
    booking); the one e-mail lists them and invites to every one. Staff blocks have no
    organisation to tell, so nothing is sent for them.
    """
    if booking.organisation_id is None:
        return
    from batteriet.bookings import tasks

    booking_id, other_ids = booking.pk, [other.pk for other in also if other.pk != booking.pk]
    transaction.on_commit(
        lambda: tasks.send_booking_notice.enqueue(
            booking_id=booking_id, notice=str(notice), other_ids=other_ids
        )
    )
