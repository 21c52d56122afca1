"""Pure rules for personal API keys."""

from django.utils.translation import gettext_lazy as _

from batteriet.api.models import NAME_MAX_LENGTH
from batteriet.core.errors import RuleViolation

MAX_ACTIVE_TOKENS = 20


def check_token_name(name: str, *, names_in_use: set[str]) -> None:
    name = name.strip()
    if not name:
        raise RuleViolation(
            code="token_name_required",
            field="name",
            message=_("Give the key a name, for example the program that will use it."),
        )
    if len(name) > NAME_MAX_LENGTH:
        raise RuleViolation(
            code="token_name_too_long",
            field="name",
            message=_("Write at most %(count)s characters.") % {"count": NAME_MAX_LENGTH},
        )
    if name in names_in_use:
        raise RuleViolation(
            code="token_name_taken",
            field="name",
            message=_("You already have a key with this name. Choose another name."),
        )


def check_token_count(active: int) -> None:
    if active >= MAX_ACTIVE_TOKENS:
        raise RuleViolation(
            code="too_many_tokens",
            message=_("You can have at most %(count)s keys. Withdraw one you no longer use first.")
            % {"count": MAX_ACTIVE_TOKENS},
        )
