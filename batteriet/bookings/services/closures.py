"""Centre staff close their centre for some days (summer, Christmas Eve, a staff day).

Closing does not touch the bookings already made on those days: staff see them on the
closures page and move or cancel each one, so every organisation gets a proper message.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.bookings import rules
from batteriet.bookings.models import Closure
from batteriet.centres import permissions as centre_permissions
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation


def closure_add(*, actor: User, centre: Centre, starts_on: dt.date, ends_on: dt.date, reason: str) -> Closure:
    if not centre_permissions.is_staff_at(actor, centre):
        raise _not_allowed()
    rules.check_closure_reason(reason)
    rules.check_closure_dates(starts_on=starts_on, ends_on=ends_on, today=clock.local_today())
    with transaction.atomic(durable=True):
        # Lock the centre row so two staff members cannot add overlapping closures at once.
        Centre.objects.select_for_update().filter(pk=centre.pk).first()
        overlapping = list(
            Closure.objects.filter(centre=centre, starts_on__lte=ends_on, ends_on__gte=starts_on).values_list(
                "starts_on", "ends_on"
            )
        )
        rules.check_closure_dates(
            starts_on=starts_on, ends_on=ends_on, today=clock.local_today(), overlapping=overlapping
        )
        closure = Closure.objects.create(
            centre=centre, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
        )
        _record(actor, closure, "added")
    return closure


def closure_remove(*, actor: User, closure: Closure) -> None:
    if not centre_permissions.is_staff_at(actor, closure.centre):
        raise _not_allowed()
    with transaction.atomic(durable=True):
        locked = Closure.objects.select_for_update().filter(pk=closure.pk).first()
        if locked is None:
            raise RuleViolation(
                code="closure_gone",
                message=_("This closed period is already removed. Reload the page to see it."),
            )
        if locked.ends_on < clock.local_today():
            raise RuleViolation(
                code="closure_over",
                message=_("This closed period is over and cannot be removed."),
            )
        _record(actor, locked, "removed")
        locked.delete()


def _record(actor: User, closure: Closure, verb: str) -> None:
    audit.record(
        actor=actor,
        action=f"closure.{verb}",
        obj=closure,
        scope=audit.scope_for(closure.centre),
        changes={
            "starts_on": closure.starts_on.isoformat(),
            "ends_on": closure.ends_on.isoformat(),
            "reason": closure.reason,
        },
    )


def _not_allowed() -> RuleViolation:
    return RuleViolation(code="not_allowed", message=_("You can only change closed days at your own centre."))
