"""Guidance housekeeping. Run it every hour from cron or a scheduler (at least once each
day, in the daytime, so the reminders of tomorrow's appointments go out a day ahead):

    python manage.py guidance_jobs

It
- queues a reminder to everyone with a booked appointment tomorrow (Oslo date), once;
- deletes confidential notes after the set period without contact (the session records
  and the read log stay);
- queues reminders to the owners of follow-ups due tomorrow or overdue;
- deletes the unused links to the anonymous evaluation once their answering time is over.
The e-mails are sent by the task worker. Each job marks what it has done, so running the
command again, or twice at once, does nothing twice.
"""

from django.core.management.base import BaseCommand

from batteriet.guidance.services import evaluation, reminders, retention


class Command(BaseCommand):
    help = (
        "Remind people of tomorrow's guidance, delete stale confidential notes, remind owners of "
        "follow-ups that are due, and delete evaluation links that have run out."
    )

    def handle(self, *args, **options) -> None:
        appointments = reminders.appointments_remind()
        deleted = retention.notes_delete_stale()
        reminded = retention.follow_ups_remind()
        tickets = evaluation.tickets_delete_expired()
        self.stdout.write(f"Appointment reminders queued: {appointments}.")
        self.stdout.write(f"Confidential notes deleted: {deleted}. Follow-up reminders queued: {reminded}.")
        self.stdout.write(f"Evaluation links run out and deleted: {tickets}.")
