"""Payload schemas of create and update: which keys a write accepts and how each is written.

A declared write schema holds exactly the keys its serializer names (``fields``,
``optionals``, ``customs``); only a plain model served without a serializer writes every
editable field (``editable_fields``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from django.db import models
from ninja import Schema
from ninja.errors import ConfigError
from pydantic import ConfigDict, Field, create_model

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.fields import check_int_range, int_range, storable_key_type, write_type
from ninja_aio.models.schemas import field_info, model_field, model_field_names

__all__ = ["WritePlan", "build_write", "editable_fields"]


@dataclass
class WritePlan:
    """A payload schema and how each of its keys is written."""

    schema: type[Schema]
    plain: dict[str, models.Field] = field(default_factory=dict)
    foreign: dict[str, models.Field] = field(default_factory=dict)
    many: dict[str, models.Field] = field(default_factory=dict)
    customs: tuple[str, ...] = ()
    #: Every field is written, sent or not (PUT); otherwise only the fields sent.
    replaces: bool = False


def editable_fields(model: type[models.Model], *, partial: bool) -> tuple[str, ...]:
    """Every editable column and forward M2M (no primary key when ``partial``).

    Only the plain-model path (a model served with no serializer at all) writes these;
    a declared write schema holds exactly what it names.
    """
    names = model_field_names(model, writable=True)
    if partial:
        names = [n for n in names if not getattr(model._meta.get_field(n), "primary_key", False)]
    return tuple(names)


class _Payload(Schema):
    """Write payloads refuse unknown keys: a misspelt field is a 422, not silently lost."""

    model_config = ConfigDict(extra="forbid")


def build_write(
    model: type[models.Model], config: SchemaConfig, name: str, *, partial: bool
) -> WritePlan:
    """Payload schema for create (``partial=False``) or update (``partial=True``).

    It holds exactly the keys ``config`` names: ``fields``, ``optionals``, ``customs``.
    Relations take primary keys. Fields that may be omitted default to "unset", so
    only what the client sent is written.
    """
    optionals = dict(config.optionals)
    definitions: dict[str, Any] = {}
    plan = WritePlan(schema=Schema)
    fields = [model_field(model, n) for n in dict.fromkeys([*config.fields, *optionals])]
    if partial:
        if any(getattr(f, "primary_key", False) for f in fields if f.name in config.fields):
            raise ConfigError(f"{model.__name__}: the primary key cannot be updated")
        fields = [f for f in fields if not getattr(f, "primary_key", False)]
    for f in fields:
        if f.auto_created and not f.concrete:
            raise ConfigError(f"{model.__name__}.{f.name}: reverse relations are not writable")
        if f.many_to_many:
            python_type: Any = list[storable_key_type(f)]
            plan.many[f.name] = f
        elif f.is_relation:
            related_key = storable_key_type(f)
            python_type = related_key | None if f.null else related_key
            plan.foreign[f.name] = f
        else:
            python_type = write_type(f)
            plan.plain[f.name] = f
        if f.name in optionals:  # the serializer's type, still within the column's range
            bounds = int_range(f)
            python_type = optionals[f.name]
            if bounds is not None:
                python_type = Annotated[python_type, check_int_range(*bounds)]
        omittable = partial or f.name in optionals or _omittable(f)
        definitions[f.name] = (python_type, field_info(f, required=not omittable))
    for custom_name, custom_type, default in config.customs:
        definitions[custom_name] = (custom_type, Field(default=default))
    plan.customs = tuple(c[0] for c in config.customs)
    plan.schema = create_model(name, __base__=_Payload, **definitions)
    return plan


def _omittable(f: models.Field) -> bool:
    return (
        f.has_default()
        or f.null
        or f.blank
        or f.many_to_many
        or getattr(f, "primary_key", False)
        or isinstance(f, models.AutoField)
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
    )
