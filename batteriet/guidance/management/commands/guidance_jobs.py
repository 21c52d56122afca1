"""Guidance housekeeping. Run nightly (or more often) from cron or a scheduler:

    python manage.py guidance_jobs

It deletes confidential notes after the set period without contact (the session records
and the read log stay), and queues reminders to the owners of follow-ups due tomorrow or
overdue (the e-mails are sent by the task worker). Each job marks what it has done, so
running the command again, or twice at once, does nothing twice.
"""

from django.core.management.base import BaseCommand

from batteriet.guidance.services import retention


class Command(BaseCommand):
    help = "Delete stale confidential notes and remind owners of follow-ups that are due."

    def handle(self, *args, **options) -> None:
        deleted = retention.notes_delete_stale()
        reminded = retention.follow_ups_remind()
        self.stdout.write(f"Confidential notes deleted: {deleted}. Follow-up reminders queued: {reminded}.")
