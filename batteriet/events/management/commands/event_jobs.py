"""Event housekeeping. Run every 15 minutes from cron (or a scheduler) in production:

    python manage.py event_jobs

It passes offered places not accepted in time to the next in line, queues the reminders
for events that start within two days (the e-mails are sent by the task worker), sends
the anonymous evaluation to those who came to an event that has ended, deletes unused
evaluation links once answering has closed, and deletes the answers to special-need
questions 30 days after an event. Every job marks what it has done, so running the
command again, or twice at once, does nothing twice.
"""

from django.core.management.base import BaseCommand

from batteriet.events import services
from batteriet.events.services import evaluation, jobs


class Command(BaseCommand):
    help = (
        "Pass on offers not accepted in time, send event reminders and evaluations, "
        "and delete old special needs."
    )

    def handle(self, *args, **options) -> None:
        expired = services.offers_expire()
        self.stdout.write(f"Offers not accepted in time, passed on: {expired}.")
        reminded = jobs.reminders_send()
        self.stdout.write(f"Reminders queued: {reminded}.")
        invited = evaluation.invitations_send()
        self.stdout.write(f"Evaluation invitations queued: {invited}.")
        closed = evaluation.tickets_delete_closed()
        self.stdout.write(f"Unused evaluation links deleted after answering closed: {closed}.")
        deleted = jobs.special_needs_delete()
        self.stdout.write(
            f"Special needs deleted: {deleted.answers} answers and {deleted.consents} consents "
            f"for {deleted.events} events."
        )
