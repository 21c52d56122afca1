"""Summaries of battery-effect answers, for any queryset of a `BatteryEffect` model."""

from django.db.models import Avg, Count, Q, QuerySet

from batteriet.evaluations import rules
from batteriet.evaluations.models import SCALE, STATEMENTS


def summarise(answers: QuerySet) -> rules.Summary:
    """One query: n and the three averages, suppressed below `rules.MIN_ANSWERS_SHOWN`."""
    row = answers.aggregate(
        n=Count("pk"), hope=Avg("hope"), difference=Avg("difference"), capable=Avg("capable")
    )
    return rules.summary(**row)


def summarise_by(answers: QuerySet, *fields: str) -> list[tuple[dict, rules.Summary]]:
    """One query: a summary per group (for example per centre and event kind)."""
    rows = (
        answers.order_by()
        .values(*fields)
        .annotate(n=Count("pk"), hope=Avg("hope"), difference=Avg("difference"), capable=Avg("capable"))
        .order_by(*fields)
    )
    result = []
    for row in rows:
        key = {field: row[field] for field in fields}
        result.append(
            (
                key,
                rules.summary(
                    n=row["n"], hope=row["hope"], difference=row["difference"], capable=row["capable"]
                ),
            )
        )
    return result


def distribution(answers: QuerySet) -> dict[str, list[int]]:
    """One query: how many answered 1, 2, 3, 4 and 5 to each statement.

    Callers show it only when `rules.is_shown(n)`: a distribution of few answers tells
    who said what as surely as the answers themselves.
    """
    counts = answers.order_by().aggregate(
        **{
            f"{name}_{value}": Count("pk", filter=Q(**{name: value}))
            for name, _statement in STATEMENTS
            for value in SCALE
        }
    )
    return {name: [counts[f"{name}_{value}"] for value in SCALE] for name, _statement in STATEMENTS}
