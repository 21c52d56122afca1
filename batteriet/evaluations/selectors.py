"""Summaries of battery-effect answers, for any queryset of a `BatteryEffect` model."""

from django.db.models import Avg, Count, QuerySet

from batteriet.evaluations import rules


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
