"""Evaluation tickets no longer know the person: a ticket holds the event, the hash of the
token and the day it was made, and is deleted when used. Who was invited is now
`Registration.evaluation_sent_at`. There are no tickets in production yet, so the old
table is dropped and made anew."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_event_messages"),
    ]

    operations = [
        migrations.DeleteModel(name="EvaluationTicket"),
        migrations.AddField(
            model_name="registration",
            name="evaluation_sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="evaluation sent"),
        ),
        migrations.CreateModel(
            name="EvaluationTicket",
            fields=[
                ("token_hash", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("created_on", models.DateField(verbose_name="made")),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evaluation_tickets",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "evaluation invitation",
                "verbose_name_plural": "evaluation invitations",
            },
        ),
    ]
