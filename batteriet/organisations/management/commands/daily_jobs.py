"""Nightly housekeeping. Run once a day from cron (or a scheduler) in production:

    python manage.py daily_jobs

It marks agreements past their end date as expired and queues renewal reminders
(sent by the task worker). Running it twice the same day changes nothing more.
"""

from django.core.management.base import BaseCommand

from batteriet.organisations import services


class Command(BaseCommand):
    help = "Expire user agreements past their end date and queue renewal reminders."

    def handle(self, *args, **options) -> None:
        expired = services.agreements_expire_due()
        reminded = services.agreement_renewal_reminders_send()
        self.stdout.write(f"Agreements expired: {expired}. Renewal reminders queued: {reminded}.")
