"""E-mails about bookings, sent by a background worker after commit.

Tasks take ids, never objects, and read fresh data when they run.
"""

from django.urls import reverse
from django.utils import translation
from django_tasks import task

from batteriet.bookings import ics, selectors
from batteriet.bookings.models import Booking
from batteriet.bookings.notices import Notice
from batteriet.centres import permissions as centre_permissions
from batteriet.core import mail
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.tasks import _contacts


@task()
def send_booking_notice(*, booking_id: int, notice: str, other_ids: list[int] | None = None) -> None:
    """Tell the organisation's contact persons (and the person who booked) about a change.

    Each notice has its own wording (`bookings/email/<notice>_*.txt`), and every e-mail
    carries the booking as a calendar invitation that adds, updates or removes it.
    """
    notice = Notice(notice)
    booking = Booking.objects.select_related("resource", "resource__centre", "organisation", "booked_by").get(
        pk=booking_id
    )
    if booking.organisation is None:
        return
    others = list(
        Booking.objects.filter(pk__in=other_ids or [], organisation=booking.organisation)
        .select_related("resource", "resource__centre", "organisation", "booked_by")
        .order_by("starts_at")
    )
    for email, language in _recipients(booking).items():
        with translation.override(language):
            invite = ics.invitation(booking, attendee_email=email, also=others)
        mail.send_templated(
            to=[email],
            template=f"bookings/email/{notice}",
            context={
                "booking": booking,
                "centre": booking.resource.centre,
                "others": others,
                "url": reverse("bookings:detail", args=[booking.pk]),
                "move_reason": selectors.move_reason(booking) if notice == Notice.CHANGED else "",
            },
            language=language,
            attachments=[("invite.ics", invite, f"text/calendar; method={ics.method_for(booking)}")],
        )


def _recipients(booking: Booking) -> dict[str, str]:
    """E-mail → language of the contact persons and of the person who booked.

    The person who booked is told only while they still belong to the organisation (or
    work at the centre): the e-mails can carry the key and access note.
    """
    recipients = dict(_contacts(booking.organisation))
    booker = booking.booked_by
    if (
        booker is not None
        and booker.email
        and (
            organisation_permissions.is_member(booker, booking.organisation)
            or centre_permissions.is_staff_at(booker, booking.resource.centre)
        )
    ):
        recipients[booker.email] = booker.language
    return recipients
