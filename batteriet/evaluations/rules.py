"""How evaluation figures are shown: never for so few answers that a person could be
recognised, and never while answers still come in (comparing the page before and after
one answer would show that answer)."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from batteriet.core.errors import RuleViolation

MIN_ANSWERS_SHOWN = 5

# Answers are accepted until this many days after the end of what is evaluated.
ANSWER_DAYS = 21


def answering_closes_at(ends_at: dt.datetime) -> dt.datetime:
    """When answering closes: `ANSWER_DAYS` after the end. Results are shown from then."""
    return ends_at + dt.timedelta(days=ANSWER_DAYS)


def is_answering_open(ends_at: dt.datetime, now: dt.datetime) -> bool:
    return now < answering_closes_at(ends_at)


def closed_ended_before(now: dt.datetime) -> dt.datetime:
    """Whatever ended at or before this moment has closed for answers at `now`."""
    return now - dt.timedelta(days=ANSWER_DAYS)


@dataclass(frozen=True)
class Summary:
    """Averages of the three statements over `n` answers; None when n is below the minimum."""

    n: int
    hope: float | None
    difference: float | None
    capable: float | None

    @property
    def is_suppressed(self) -> bool:
        return self.hope is None


def summary(*, n: int, hope: float | None, difference: float | None, capable: float | None) -> Summary:
    if n < MIN_ANSWERS_SHOWN:
        return Summary(n=n, hope=None, difference=None, capable=None)
    return Summary(n=n, hope=_round(hope), difference=_round(difference), capable=_round(capable))


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def is_shown(n: int) -> bool:
    """Whether figures and texts from `n` answers may be shown."""
    return n >= MIN_ANSWERS_SHOWN


def check_scores(scores: dict[str, int], names: list[str]) -> None:
    """Every statement answered with a whole number from 1 to 5."""
    for name in names:
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise RuleViolation(
                code="evaluation_score", message=_("Choose a number from 1 to 5."), field=name
            )


def check_text(value: str, *, field: str, max_length: int) -> None:
    """Free text that every database can store and that is not too long."""
    if "\x00" in value:
        raise RuleViolation(
            code="evaluation_text_invalid", message=_("Remove the invisible special character."), field=field
        )
    if len(value) > max_length:
        raise RuleViolation(
            code="evaluation_text_too_long",
            message=_("Write at most %(count)d characters.") % {"count": max_length},
            field=field,
        )
