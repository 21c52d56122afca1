from django.db import transaction

from batteriet.accounts.models import User


def profile_update(*, actor: User, full_name: str, language: str) -> User:
    with transaction.atomic(durable=True):
        actor.full_name = full_name
        actor.language = language
        actor.full_clean(exclude=["password", "email"])
        actor.save(update_fields=["full_name", "language"])
    return actor
