"""The audit log: every service that changes something writes one entry here."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from batteriet.core.models import AuditEntry


def scope_for(obj: models.Model) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    scope: str | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=_jsonable(changes or {}),
        scope=scope or scope_for(obj),
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def entries_for_scope(scope: str) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(scope=scope).select_related("actor", "content_type")


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "all") and callable(value.all):
        return sorted(str(item) for item in value.all())
    return value


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [convert(item) for item in value]
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        return str(value)

    return {key: convert(value) for key, value in changes.items()}
