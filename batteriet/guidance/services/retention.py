"""Guidance work due by the clock: deleting stale confidential notes and reminding the
owners of follow-ups. Run from `manage.py guidance_jobs` (nightly is enough; running it
more often, or twice at once, does nothing twice).

Notes are deleted after `settings.GUIDANCE_NOTES_RETENTION_YEARS` (3 by default) without
contact: the last contact is the organisation's latest session at any centre, or the
note's own day when it is about no organisation (or one never in a session). A note
younger than the period is never deleted. The session records (the statistics) and the
read log stay.

A follow-up not done, due tomorrow or overdue, is reminded once: the run claims it with
one conditional UPDATE (`... WHERE reminded_at IS NULL`) on the rows it has locked
(PostgreSQL skips rows another run holds; on SQLite the IMMEDIATE transaction makes
runs wait for each other), and the e-mail goes out from a background task after commit.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import translation
from django_tasks import task

from batteriet.centres.models import Centre
from batteriet.core import audit, mail
from batteriet.core import time as clock
from batteriet.guidance.models import ConfidentialNote, FollowUp, SessionRecord
from batteriet.organisations.models import Organisation


def notes_delete_stale(now: dt.datetime | None = None, years: int | None = None) -> int:
    """Delete the confidential notes with no contact for `years`; returns how many.

    One transaction: the organisations concerned are locked (recording a session takes
    the same lock), the choice is made again under the lock, and one audit entry per
    centre says how many notes went (never what they said).
    """
    now = now or clock.now()
    years = settings.GUIDANCE_NOTES_RETENTION_YEARS if years is None else years
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ValueError("The retention period is a whole number of years, at least 1.")
    local = now.astimezone(clock.OSLO)
    cutoff_day = clock.add_months(local.date(), -12 * years)
    cutoff = dt.datetime.combine(cutoff_day, local.time(), tzinfo=clock.OSLO)
    with transaction.atomic(durable=True):
        organisation_ids = sorted(
            set(_stale(cutoff).exclude(organisation=None).values_list("organisation_id", flat=True))
        )
        list(
            Organisation.objects.select_for_update()
            .filter(pk__in=organisation_ids)
            .order_by("pk")
            .values("pk")
        )
        stale = list(_stale(cutoff).values_list("pk", "centre_id"))
        if not stale:
            return 0
        ConfidentialNote.objects.filter(pk__in=[pk for pk, _centre in stale]).delete()
        per_centre = Counter(centre_id for _pk, centre_id in stale)
        for centre in Centre.objects.filter(pk__in=per_centre).order_by("pk"):
            audit.record(
                actor=None,
                action="guidance.notes_deleted",
                obj=centre,
                changes={"notes_deleted": per_centre[centre.pk], "years_without_contact": years},
            )
    return len(stale)


def _stale(cutoff: dt.datetime):
    last_session = (
        SessionRecord.objects.filter(organisation=OuterRef("organisation"))
        .order_by("-held_at")
        .values("held_at")[:1]
    )
    return (
        ConfidentialNote.objects.annotate(last_contact=Subquery(last_session))
        .filter(created_at__lt=cutoff)
        .filter(Q(organisation__isnull=True) | Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
    )


def follow_ups_remind(now: dt.datetime | None = None) -> int:
    """Remind owners of follow-ups due tomorrow or overdue, not done, not yet reminded.

    Returns how many follow-ups this run claimed. One e-mail per owner, in their language.
    """
    now = now or clock.now()
    tomorrow = now.astimezone(clock.OSLO).date() + dt.timedelta(days=1)
    due = FollowUp.objects.filter(done_at__isnull=True, reminded_at__isnull=True, due_on__lte=tomorrow)
    with transaction.atomic(durable=True):
        ids = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True))
        if not ids:
            return 0
        claimed = FollowUp.objects.filter(pk__in=ids, done_at__isnull=True, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed != len(ids):  # cannot happen under the lock; never send twice if it does
            raise RuntimeError("A follow-up was claimed by another run under our lock.")
        by_owner: dict[int, list[int]] = defaultdict(list)
        for pk, owner_id in FollowUp.objects.filter(pk__in=ids).values_list("pk", "owner_id"):
            by_owner[owner_id].append(pk)
        for owner_id, follow_up_ids in sorted(by_owner.items()):
            transaction.on_commit(
                lambda owner_id=owner_id, follow_up_ids=follow_up_ids: send_follow_up_reminder.enqueue(
                    owner_id=owner_id, follow_up_ids=follow_up_ids
                )
            )
    return claimed


@task()
def send_follow_up_reminder(*, owner_id: int, follow_up_ids: list[int]) -> None:
    """E-mail the owner the follow-ups that are due, in their language.

    Reads fresh data: a follow-up done in the meantime is left out. The e-mail says what
    to do, by when and at which centre, never anything from the confidential notes.
    """
    follow_ups = list(
        FollowUp.objects.filter(pk__in=follow_up_ids, owner_id=owner_id, done_at__isnull=True)
        .select_related("owner", "record__centre", "record__organisation")
        .order_by("due_on", "pk")
    )
    if not follow_ups or not follow_ups[0].owner.email:
        return
    owner = follow_ups[0].owner
    today = clock.local_today()
    with translation.override(owner.language):
        mail.send_templated(
            to=[owner.email],
            template="guidance/email/follow_up_reminder",
            context={
                "follow_ups": follow_ups,
                "today": today,
                "overdue": [follow_up for follow_up in follow_ups if follow_up.due_on < today],
            },
            language=owner.language,
        )
