"""Domain errors: raised by rules and services, turned into form errors by views."""

from django.utils.functional import Promise


class RuleViolation(Exception):
    """A business rule said no. `code` is stable (tests, API); `message` is for people."""

    def __init__(self, *, code: str, message: str | Promise, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
