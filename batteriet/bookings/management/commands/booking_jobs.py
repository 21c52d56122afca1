"""Booking housekeeping. Run every 15 minutes from cron (or a scheduler) in production:

    python manage.py booking_jobs

It queues the reminders for tomorrow's bookings and the notices about equipment not
brought back (the e-mails are sent by the task worker), and passes held times from the
waiting list that were not confirmed in time to the next in line. Every job marks what it has
done, so running the command again, or twice at once, sends nothing twice.
"""

from django.core.management.base import BaseCommand

from batteriet.bookings.services import notify, waitlist


class Command(BaseCommand):
    help = "Queue reminders for tomorrow's bookings and notices about equipment not returned."

    def handle(self, *args, **options) -> None:
        reminded = notify.reminders_send_due()
        overdue = notify.loan_overdue_notices_send()
        self.stdout.write(f"Reminders queued: {reminded}. Overdue notices queued: {overdue}.")
        released = waitlist.holds_release_expired()
        self.stdout.write(f"Held times not confirmed in time, passed on: {released}.")
