"""PUT payloads: the update schema's fields, as a full replacement of the row.

A field a new row needs (no default, not nullable, not blank, not to-many, not listed in
``optionals``) is required; the others may be omitted and are then reset to the model
field's default (``None`` / ``""`` / ``[]`` where it has none), as a fresh row would
have them. Every field is written, to-many relations replaced.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from django.db import models
from pydantic import Field, create_model
from pydantic.fields import FieldInfo

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.payloads import WritePlan

__all__ = ["build_replace"]


def _resettable(f: models.Field, optional: bool) -> bool:
    return optional or f.has_default() or f.null or f.blank or f.many_to_many


def _field(info: FieldInfo, f: models.Field, optional: bool) -> Any:
    """``info`` made required, or defaulting to what a new row would hold."""
    labels = {"title": info.title, "description": info.description}
    if not _resettable(f, optional):
        return Field(**labels)
    if f.many_to_many:
        return Field(default_factory=list, **labels)
    if f.has_default() and callable(f.default):
        return Field(default_factory=f.get_default, **labels)
    return Field(default=f.get_default(), **labels)


def _annotation(info: FieldInfo) -> Any:
    """The field's type with its constraints (pydantic keeps them apart in ``metadata``)."""
    return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation


def build_replace(update: WritePlan, config: SchemaConfig, name: str) -> WritePlan:
    """The PUT plan derived from the update plan (same fields, types and customs)."""
    optionals = {n for n, _ in config.optionals}
    fields = {**update.plain, **update.foreign, **update.many}
    definitions: dict[str, Any] = {
        n: (_annotation(info), _field(info, fields[n], n in optionals))
        for n, info in update.schema.model_fields.items()
        if n in fields
    }
    schema = create_model(name, __base__=update.schema, **definitions)
    return replace(update, schema=schema, replaces=True)
