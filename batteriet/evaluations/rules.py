"""How evaluation figures are shown: never for so few answers that a person could be recognised."""

from dataclasses import dataclass

MIN_ANSWERS_SHOWN = 5


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
