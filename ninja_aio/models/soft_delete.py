"""Soft delete: a row is marked deleted (a timestamp or a flag) instead of being removed.

``SoftDelete`` is built once per viewset from ``soft_delete_field`` (a nullable
``DateTimeField``, or a ``BooleanField``) and knows how to hide marked rows, mark one and
bring one back. The writes here load the row inside their transaction like
``writes.delete_row`` does, run the caller's ``check`` on it, then the model's hooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja.errors import ConfigError

from ninja_aio.models.guards import Check, writable
from ninja_aio.models.schemas import ReadPlan
from ninja_aio.models.spec import ModelSpec
from ninja_aio.models.write_checks import _check_key
from ninja_aio.models.writes import (
    _in_transaction,
    _run_hook,
    _snapshot,
    load_for_write,
)

__all__ = ["SoftDelete", "restore_row", "soft_delete_row"]


@dataclass(frozen=True)
class SoftDelete:
    """The soft-delete column of a model and what "deleted" means for it."""

    field: models.Field

    @classmethod
    def for_model(cls, model: type[models.Model], name: str, owner: str = "") -> SoftDelete:
        """Validate ``name`` on ``model``: a ``ConfigError`` unless it is a nullable
        ``DateTimeField`` or a ``BooleanField``."""
        where = f"{owner}: " if owner else ""
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ConfigError(
                f"{where}soft_delete_field {name!r} is not a field of {model.__name__}"
            ) from None
        if isinstance(field, models.BooleanField):
            return cls(field)
        if isinstance(field, models.DateTimeField) and field.null:
            return cls(field)
        raise ConfigError(
            f"{where}soft_delete_field {name!r} of {model.__name__} must be a nullable "
            f"DateTimeField or a BooleanField, not {type(field).__name__}"
            f"{' (not null)' if isinstance(field, models.DateTimeField) else ''}"
        )

    @property
    def flag(self) -> bool:
        return isinstance(self.field, models.BooleanField)

    @property
    def live(self) -> dict[str, Any]:
        """The lookup of rows that are not deleted."""
        if self.flag:
            return {self.field.name: False}
        return {f"{self.field.name}__isnull": True}

    def hide(self, queryset: models.QuerySet) -> models.QuerySet:
        """``queryset`` without the deleted rows."""
        return queryset.filter(**self.live)

    def is_deleted(self, row: models.Model) -> bool:
        return bool(getattr(row, self.field.attname))

    def refuse_deleted(self, row: models.Model) -> None:
        """A ``check=`` for writes on live rows: a deleted row is a 404, as if it were gone."""
        if self.is_deleted(row):
            raise Http404(f"No {type(row).__name__} matches the given query.")

    def deleted_value(self) -> Any:
        return True if self.flag else timezone.now()

    def live_value(self) -> Any:
        return False if self.flag else None

    def set(self, row: models.Model, value: Any) -> None:
        """Store ``value`` in the column of ``row`` (only that column is written)."""
        setattr(row, self.field.attname, value)
        row.save(update_fields=[self.field.attname])

    def mark_many(self, model: type[models.Model], keys: list[Any]) -> None:
        """Mark the rows ``keys`` deleted with one query."""
        model._default_manager.filter(pk__in=keys).update(
            **{self.field.attname: self.deleted_value()}
        )


async def soft_delete_row(
    request: HttpRequest,
    spec: ModelSpec,
    pk: Any,
    soft: SoftDelete,
    *,
    check: Check | None = None,
    lock: bool = False,
    rows: models.QuerySet | None = None,
) -> None:
    """Mark a row visible to ``request`` deleted, after its ``on_delete`` hooks; ``rows``:
    the rows the caller may change, when narrower than ``queryset_request``.

    ``check`` runs on the row loaded in the transaction (locked first when ``lock``); the
    caller's check is where a row already marked is refused (a 404, as if it were gone).
    """
    _check_key(spec.model, pk)
    queryset, _ = await writable(request, spec, rows)

    def write() -> None:
        instance = load_for_write(queryset, pk, check, lock)
        _run_hook(spec, "on_delete", instance)
        spec.changes.deleting(instance, request)
        soft.set(instance, soft.deleted_value())

    await _in_transaction(spec.model, write)


async def restore_row(
    request: HttpRequest,
    spec: ModelSpec,
    pk: Any,
    soft: SoftDelete,
    render: ReadPlan,
    *,
    check: Check | None = None,
    lock: bool = False,
    rows: models.QuerySet | None = None,
) -> Any:
    """Bring back a row visible to ``request`` (deleted or not: restoring is idempotent);
    returns it rendered by ``render``; ``check``, ``lock`` and ``rows`` as in
    ``soft_delete_row``.
    Change hooks on the column see the change; a unique rule the live row now breaks is
    a 409."""
    _check_key(spec.model, pk)
    queryset, _ = await writable(request, spec, rows)
    scopes = await render.scoped(request)

    def write() -> Any:
        instance = load_for_write(queryset, pk, check, lock)
        if soft.is_deleted(instance):
            before = _snapshot(instance)
            soft.set(instance, soft.live_value())
            spec.changes.updated(instance, before, request)
        return render.render(spec.model, instance.pk, scopes)

    return await _in_transaction(spec.model, write)
