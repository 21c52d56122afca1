"""Drop-ins: a walk-in or a phone call logged with one click, so the figures are complete.

A drop-in holds no personal data at all: the centre, the day, the topic, how, and how
many minutes. Staff of the centre log them (national coordinators count as staff everywhere).
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.guidance import rules
from batteriet.guidance.models import DropIn, Mode, Topic
from batteriet.guidance.services.records import not_allowed

OLDEST = dt.timedelta(days=366)


def dropin_log(
    *,
    actor: User,
    centre: Centre,
    topic: str,
    mode: str,
    minutes: int,
    held_on: dt.date | None = None,
) -> DropIn:
    """Log a drop-in at `centre` (today unless `held_on` says otherwise, up to a year back)."""
    topic = rules.check_choice(topic, Topic.values, field="topic")
    mode = rules.check_choice(mode, Mode.values, field="mode")
    minutes = rules.check_minutes(minutes)
    today = clock.local_today()
    held_on = today if held_on is None else held_on
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        raise RuleViolation(code="held_on_invalid", message=_("Give a day."), field="held_on")
    if held_on > today:
        raise RuleViolation(
            code="held_on_in_future", message=_("Log a drop-in once it has happened."), field="held_on"
        )
    if held_on < today - OLDEST:
        raise RuleViolation(
            code="held_on_too_old", message=_("Drop-ins can be logged up to a year back."), field="held_on"
        )
    with transaction.atomic(durable=True):
        if not centre_permissions.is_staff_at(actor, centre):
            raise not_allowed()
        dropin = DropIn.objects.create(
            centre=centre, held_on=held_on, topic=topic, mode=mode, minutes=minutes
        )
        audit.record(
            actor=actor,
            action="guidance.dropin_logged",
            obj=dropin,
            scope=audit.scope_for(centre),
            changes={"held_on": held_on, "topic": topic, "mode": mode, "minutes": minutes},
        )
    return dropin
