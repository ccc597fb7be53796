"""Schema generation: pydantic schemas, readers and query plans, built once per serializer.

A *reader* turns a model instance into a plain dict matching its read schema without
touching the database: every relation it reads is covered by the ``select_related`` /
``prefetch_related`` plan computed alongside it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Prefetch
from ninja import Schema
from ninja.errors import ConfigError
from pydantic import Field, create_model
from pydantic_core import PydanticUndefined

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.fields import pk_type, read_type, write_type

if TYPE_CHECKING:
    from ninja_aio.models.spec import ModelSpec

__all__ = [
    "ReadPlan",
    "WritePlan",
    "build_read",
    "build_write",
    "selected_fields",
    "unique_name",
]

Reader = Callable[[Any], dict[str, Any]]
SpecLookup = Callable[[type[models.Model]], "ModelSpec | None"]

_NAMES: dict[str, object] = {}


def unique_name(name: str, owner: object, prefix: str) -> str:
    """A schema name unique in the process, stable for one owner (OpenAPI component names)."""
    for candidate in (name, f"{prefix}{name}"):
        if _NAMES.setdefault(candidate, owner) == owner:
            return candidate
    n = 2
    while _NAMES.setdefault(f"{prefix}{name}{n}", owner) != owner:
        n += 1
    return f"{prefix}{name}{n}"


@dataclass
class ReadPlan:
    """A read schema, the reader that fills it and the query plan the reader relies on."""

    schema: type[Schema]
    reader: Reader
    select: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = ()

    def apply(self, queryset: models.QuerySet) -> models.QuerySet:
        """Add the joins and prefetches the reader needs to ``queryset``."""
        if self.select:
            queryset = queryset.select_related(*self.select)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        return queryset


@dataclass
class WritePlan:
    """A payload schema and how each of its keys is written."""

    schema: type[Schema]
    plain: dict[str, models.Field] = field(default_factory=dict)
    foreign: dict[str, models.Field] = field(default_factory=dict)
    many: dict[str, models.Field] = field(default_factory=dict)
    customs: tuple[str, ...] = ()


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _default_names(model: type[models.Model], writable: bool) -> list[str]:
    """Fields used when a config lists none: concrete fields and forward M2M."""
    names = []
    for f in model._meta.get_fields():
        if f.auto_created and not f.concrete:
            continue
        if writable and (isinstance(f, models.AutoField) or not getattr(f, "editable", True)):
            continue
        names.append(f.name)
    return names


def selected_fields(model: type[models.Model], config: SchemaConfig, writable: bool) -> list[Any]:
    names = list(config.fields) or [
        n for n in _default_names(model, writable) if n not in config.excludes
    ]
    result = []
    for name in names:
        try:
            result.append(model._meta.get_field(name))
        except FieldDoesNotExist:
            raise ConfigError(f"{model.__name__} has no field {name!r}") from None
    return result


def _plain_reader(f: models.Field) -> Callable[[Any], Any]:
    attname = f.attname
    internal = f.get_internal_type()
    if isinstance(f, models.FileField):
        return lambda obj: getattr(obj, attname).url if getattr(obj, attname) else None
    if internal == "BinaryField":

        def read_binary(obj: Any) -> str | None:
            value = getattr(obj, attname)
            return None if value is None else base64.b64encode(bytes(value)).decode()

        return read_binary
    return lambda obj: getattr(obj, attname)


def _custom_reader(name: str, default: Any) -> Callable[[Any], Any]:
    def read_custom(obj: Any) -> Any:
        value = getattr(obj, name, default)
        return value() if callable(value) else value

    return read_custom


def _many_reader(accessor: str, item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda obj: [item(o) for o in getattr(obj, accessor).all()]


def _one_reader(accessor: str, item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def read_one(obj: Any) -> Any:
        try:
            related = getattr(obj, accessor)
        except ObjectDoesNotExist:
            return None
        return None if related is None else item(related)

    return read_one


def _ordered_prefetch(accessor: str, related: type[models.Model]) -> Prefetch:
    """Prefetch with a deterministic order (model ordering, then pk)."""
    ordering = [*(related._meta.ordering or ()), "pk"]
    return Prefetch(accessor, queryset=related._default_manager.order_by(*ordering))


def _compose(parts: list[tuple[str, Callable[[Any], Any]]]) -> Reader:
    def reader(obj: Any) -> dict[str, Any]:
        return {name: get(obj) for name, get in parts}

    return reader


def build_read(
    model: type[models.Model],
    config: SchemaConfig,
    name: str,
    lookup: SpecLookup,
    *,
    nested: bool = False,
) -> ReadPlan:
    """Read schema for ``model``: relations nest a serializer's schema, else render pks.

    ``nested`` builds the flat form embedded in other schemas: to-many relations are
    left out and forward relations render their primary key, which needs no query.
    """
    definitions: dict[str, Any] = {}
    parts: list[tuple[str, Callable[[Any], Any]]] = []
    select: list[str] = []
    prefetch: list[Any] = []

    for f in selected_fields(model, config, writable=False):
        if not f.is_relation:
            definitions[f.name] = (read_type(f), _info(f))
            parts.append((f.name, _plain_reader(f)))
            continue
        related = f.related_model
        if related is None:
            raise ConfigError(f"{model.__name__}.{f.name}: generic relations are not supported")
        to_many = f.many_to_many or f.one_to_many
        if nested and (to_many or not f.concrete):
            continue
        accessor = f.get_accessor_name() if f.auto_created and not f.concrete else f.name
        if f.name in config.relations:
            sub_config = SchemaConfig(fields=config.relations[f.name])
            sub = build_read(related, sub_config, f"{name}{_camel(f.name)}", lookup, nested=True)
        elif not nested and (spec := lookup(related)) is not None:
            sub = spec.nested
        elif f.concrete and not to_many:
            definitions[f.name] = (
                pk_type(related) | None if f.null else pk_type(related),
                _info(f),
            )
            parts.append((f.name, _attr(f.attname)))
            continue
        else:
            sub = None

        if sub is None and not to_many:
            definitions[f.name] = (pk_type(related) | None, _info(f))
            parts.append((f.name, _one_reader(accessor, _pk)))
            select.append(accessor)
        elif to_many:
            item_type: Any = sub.schema if sub else pk_type(related)
            item = sub.reader if sub else _pk
            definitions[f.name] = (list[item_type], _info(f))
            parts.append((f.name, _many_reader(accessor, item)))
            prefetch.append(_ordered_prefetch(accessor, related))
        else:
            definitions[f.name] = (sub.schema | None, _info(f))
            parts.append((f.name, _one_reader(accessor, sub.reader)))
            select.append(accessor)
            select.extend(f"{accessor}__{s}" for s in sub.select)

    for custom_name, custom_type, default in config.customs:
        definitions[custom_name] = (custom_type, Field(default=None))
        parts.append((custom_name, _custom_reader(custom_name, default)))

    schema = create_model(name, __base__=Schema, **definitions)
    return ReadPlan(schema, _compose(parts), tuple(select), tuple(prefetch))


def build_write(
    model: type[models.Model], config: SchemaConfig, name: str, *, partial: bool
) -> WritePlan:
    """Payload schema for create (``partial=False``) or update (``partial=True``).

    Relations take primary keys. Fields that may be omitted default to "unset", so
    only what the client sent is written.
    """
    optionals = dict(config.optionals)
    definitions: dict[str, Any] = {}
    plan = WritePlan(schema=Schema)
    fields = selected_fields(model, config, writable=True)
    listed = {f.name for f in fields}
    extra = SchemaConfig(fields=tuple(n for n in optionals if n not in listed))
    if extra.fields:
        fields += selected_fields(model, extra, writable=True)
    if partial:
        if any(getattr(f, "primary_key", False) for f in fields if f.name in config.fields):
            raise ConfigError(f"{model.__name__}: the primary key cannot be updated")
        fields = [f for f in fields if not getattr(f, "primary_key", False)]
    for f in fields:
        if f.auto_created and not f.concrete:
            raise ConfigError(f"{model.__name__}.{f.name}: reverse relations are not writable")
        if f.many_to_many:
            python_type: Any = list[pk_type(f.related_model)]
            plan.many[f.name] = f
        elif f.is_relation:
            related_pk = pk_type(f.related_model)
            python_type = related_pk | None if f.null else related_pk
            plan.foreign[f.name] = f
        else:
            python_type = write_type(f)
            plan.plain[f.name] = f
        python_type = optionals.get(f.name, python_type)
        omittable = partial or f.name in optionals or _omittable(f)
        definitions[f.name] = (python_type, _info(f, required=not omittable))
    for custom_name, custom_type, default in config.customs:
        definitions[custom_name] = (custom_type, Field(default=default))
    plan.customs = tuple(c[0] for c in config.customs)
    plan.schema = create_model(name, __base__=Schema, **definitions)
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


def _info(f: Any, *, required: bool = True) -> Any:
    title = str(getattr(f, "verbose_name", f.name)).capitalize()
    description = str(getattr(f, "help_text", "") or "") or None
    default = PydanticUndefined if required else None
    return Field(default=default, title=title, description=description)


def _attr(attname: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, attname)


def _pk(obj: Any) -> Any:
    return obj.pk
