"""Reads of what guidance sessions leave for everyone allowed: the figures per centre and
period (for the reporting to use), and an organisation's journey. Never the notes.

`figures` answers in two queries however many sessions there are: the session records of
the period (each with the day of its organisation's first session ever, as a subquery),
and the drop-ins grouped by topic and mode. Who may see them: `permissions_notes.
may_see_figures` (staff of the centre; national coordinators everywhere).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery, Sum

from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.guidance import permissions_notes  # noqa: F401  (registers "guidance.see_figures" and "guidance.see_journey")
from batteriet.guidance.models import DropIn, JourneyProgress, JourneyStep, Mode, SessionRecord, Topic
from batteriet.organisations.models import Organisation


@dataclass(frozen=True)
class Figures:
    """Guidance at a centre (or all centres) from `date_from` to `date_to`, both included."""

    centre: Centre | None
    date_from: dt.date
    date_to: dt.date
    sessions: int = 0
    people: int = 0
    sessions_by_topic: dict[str, int] = field(default_factory=dict)
    sessions_by_mode: dict[str, int] = field(default_factory=dict)
    organisations_reached: int = 0
    new_organisations: int = 0
    returning_organisations: int = 0
    session_minutes: int = 0
    dropins: int = 0
    dropins_by_topic: dict[str, int] = field(default_factory=dict)
    dropins_by_mode: dict[str, int] = field(default_factory=dict)
    dropin_minutes: int = 0

    @property
    def minutes(self) -> int:
        return self.session_minutes + self.dropin_minutes

    @property
    def hours(self) -> float:
        """Sessions and drop-ins together, in hours (one decimal)."""
        return round(self.minutes / 60, 1)


def period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first moment and the moment after its last day, on the Oslo clock."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=clock.OSLO)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=clock.OSLO)
    return start, end


def figures(*, centre: Centre | None, date_from: dt.date, date_to: dt.date) -> Figures:
    """Sessions by topic and by mode, new and returning organisations, hours (sessions and
    drop-ins), organisations reached and drop-ins, for one centre (None: all centres).

    A session counts once for each topic it covered, so topics can add up to more than
    the sessions. An organisation is new when its first session ever (at any centre: the
    record follows it) falls in the period, returning when it had one before.
    """
    if date_to < date_from:
        raise ValueError("The period ends before it starts.")
    start, end = period_bounds(date_from, date_to)
    first_ever = (
        SessionRecord.objects.filter(organisation=OuterRef("organisation"))
        .order_by("held_at")
        .values("held_at")[:1]
    )
    records = SessionRecord.objects.filter(held_at__gte=start, held_at__lt=end)
    dropins = DropIn.objects.filter(held_on__gte=date_from, held_on__lte=date_to)
    if centre is not None:
        records = records.filter(centre=centre)
        dropins = dropins.filter(centre=centre)
    rows = list(
        records.annotate(first_ever=Subquery(first_ever)).values_list(
            "topics", "mode", "minutes", "people", "organisation_id", "first_ever"
        )
    )
    by_topic: Counter[str] = Counter()
    by_mode: Counter[str] = Counter()
    first_session: dict[int, dt.datetime] = {}
    for topics, mode, _minutes, _people, organisation_id, first in rows:
        by_topic.update(topic for topic in set(topics or []) if topic in Topic.values)
        by_mode[mode] += 1
        if organisation_id is not None:
            first_session[organisation_id] = first
    new = sum(1 for first in first_session.values() if first >= start)

    dropin_rows = list(
        dropins.values_list("topic", "mode").annotate(count=Count("id"), minutes=Sum("minutes"))
    )
    dropins_by_topic: Counter[str] = Counter()
    dropins_by_mode: Counter[str] = Counter()
    for topic, mode, count, _minutes in dropin_rows:
        dropins_by_topic[topic] += count
        dropins_by_mode[mode] += count
    return Figures(
        centre=centre,
        date_from=date_from,
        date_to=date_to,
        sessions=len(rows),
        people=sum(row[3] for row in rows),
        sessions_by_topic=_in_order(by_topic, Topic),
        sessions_by_mode=_in_order(by_mode, Mode),
        organisations_reached=len(first_session),
        new_organisations=new,
        returning_organisations=len(first_session) - new,
        session_minutes=sum(row[2] for row in rows),
        dropins=sum(row[2] for row in dropin_rows),
        dropins_by_topic=_in_order(dropins_by_topic, Topic),
        dropins_by_mode=_in_order(dropins_by_mode, Mode),
        dropin_minutes=sum(row[3] or 0 for row in dropin_rows),
    )


def _in_order(counts: Counter[str], choices: type) -> dict[str, int]:
    """Every choice in its own order, with 0 where there was none."""
    return {value: counts.get(value, 0) for value in choices.values}


# --- The journey ---------------------------------------------------------------------------
@dataclass(frozen=True)
class JourneyStepView:
    step: str
    label: str
    reached_on: dt.date | None
    sessions: tuple[SessionRecord, ...]

    @property
    def reached(self) -> bool:
        return self.reached_on is not None


def organisation_journey(organisation: Organisation) -> list[JourneyStepView]:
    """All seven steps from founding to the first application, in order, reached or not,
    with the sessions that moved them (when, where, how long; never the notes). One query.

    Check `guidance.see_journey` (`permissions_notes.may_see_journey`) before showing it.
    """
    reached = {
        progress.step: progress
        for progress in JourneyProgress.objects.filter(organisation=organisation).select_related(
            "record", "record__centre"
        )
    }
    steps = []
    for value, label in JourneyStep.choices:
        progress = reached.get(value)
        steps.append(
            JourneyStepView(
                step=value,
                label=str(label),
                reached_on=progress.reached_on if progress else None,
                sessions=(progress.record,) if progress and progress.record else (),
            )
        )
    return steps
