"""E-mails about bookings, sent by a background worker after commit.

Tasks take ids, never objects, and read fresh data when they run.
"""

from django.urls import reverse
from django_tasks import task

from batteriet.bookings.models import Booking
from batteriet.core import mail
from batteriet.organisations.tasks import _contacts


@task()
def send_booking_notice(*, booking_id: int, notice: str) -> None:
    """Tell the organisation's contact persons (and the person who booked) about a change."""
    booking = Booking.objects.select_related("resource", "resource__centre", "organisation", "booked_by").get(
        pk=booking_id
    )
    recipients = dict(_contacts(booking.organisation))
    if booking.booked_by is not None:
        recipients[booking.booked_by.email] = booking.booked_by.language
    for email, language in recipients.items():
        mail.send_templated(
            to=[email],
            template="bookings/email/notice",
            context={
                "booking": booking,
                "notice": notice,
                "url": reverse("bookings:detail", args=[booking.pk]),
            },
            language=language,
        )
