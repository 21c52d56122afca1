"""Organisers mark who came to a session and who did not."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import permissions, rules, selectors_staff
from batteriet.events.models import Attendance, Session
from batteriet.events.services import _locked_event


def attendance_mark(*, actor: User, session: Session, marks: dict[int, bool]) -> list[Attendance]:
    """Save "came" (True) or "did not come" (False) for registrations of the session's event.

    Only confirmed registrations expected at the session can be marked (see
    `selectors_staff.attendance_registrations`); anything else refuses the whole list.
    Every mark that changes writes an audit entry. Returns the attendance rows saved.
    """
    if not marks:
        raise RuleViolation(
            code="attendance_nothing_marked",
            message=_("Mark at least one person as came or did not come."),
        )
    with transaction.atomic(durable=True):
        event = _locked_event(session.event_id)
        if not permissions.is_organiser(actor, event):
            raise RuleViolation(code="not_allowed", message=_("You are not allowed to do this."))
        session = Session.objects.get(pk=session.pk)
        rules.check_attendance_open(
            session_day=session.starts_at.astimezone(clock.OSLO).date(), today=clock.local_today()
        )
        expected = set(selectors_staff.attendance_registrations(session).values_list("pk", flat=True))
        if not set(marks) <= expected:
            raise RuleViolation(
                code="attendance_not_registered",
                message=_("Someone on the list is no longer registered. Reload the page and try again."),
            )
        existing = {
            row.registration_id: row
            for row in Attendance.objects.select_for_update().filter(
                session=session, registration_id__in=marks
            )
        }
        saved = []
        for registration_id, attended in sorted(marks.items()):
            row = existing.get(registration_id)
            if row is not None and row.attended == attended:
                saved.append(row)
                continue
            before = None if row is None else row.attended
            if row is None:
                row = Attendance(registration_id=registration_id, session=session)
            row.attended = attended
            row.marked_by = actor
            row.save()
            audit.record(
                actor=actor,
                action="attendance.marked",
                obj=row,
                scope=audit.scope_for(event),
                changes={"attended": [before, attended], "session": session.pk},
            )
            saved.append(row)
    return saved
