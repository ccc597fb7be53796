"""Schema generation: pydantic schemas, readers and query plans, built once per serializer.

A *reader* turns a model instance into a plain dict matching its read schema without
touching the database: every relation it reads is covered by the ``select_related`` /
``prefetch_related`` plan computed alongside it.

Related rows of a model whose serializer defines ``queryset_request`` are loaded through
that scope for the request being served (a ``Prefetch`` of the scoped queryset), never
joined: a row outside the caller's scope is left out of lists and renders ``null`` where
it would be nested. The plan's structure is built once per class; only the scoped
querysets are built per request.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ConfigError
from pydantic import ConfigDict, Field, create_model
from pydantic_core import PydanticUndefined

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.fields import pk_type, read_type, storable_pk_type, write_type

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


Scopes = Mapping[type[models.Model], models.QuerySet]


@dataclass(frozen=True)
class Load:
    """A relation loaded by a query of its own: a ``Prefetch`` built per request.

    To-many relations always; a forward relation when its model is scoped (a join
    cannot apply ``queryset_request``). ``path`` goes from the plan's model to the
    relation (``author__cards`` through a joined ``author``); ``plan`` covers the
    relations the related rows render; ``scope`` is the related model's spec when it
    defines ``queryset_request``.
    """

    path: str
    model: type[models.Model]
    plan: ReadPlan | None = None
    scope: ModelSpec | None = None
    single: bool = False

    def prefetch(self, scopes: Scopes) -> Prefetch:
        """The ``Prefetch``: scoped rows (if scoped), in a deterministic order (model, pk)."""
        base = self.model._default_manager.all() if self.scope is None else scopes[self.model]
        queryset = base.order_by(*(self.model._meta.ordering or ()), "pk")
        if self.plan is not None:
            queryset = self.plan.plan_queryset(queryset, scopes)
        return Prefetch(self.path, queryset=queryset)


@dataclass
class ReadPlan:
    """A read schema, the reader that fills it and the query plan the reader relies on.

    ``select`` lists the joined relations, ``loads`` the prefetched ones and ``scopes``
    the specs (with a ``queryset_request``) whose querysets the loads need, each once.
    """

    schema: type[Schema]
    reader: Reader
    select: tuple[str, ...] = ()
    loads: tuple[Load, ...] = ()
    scopes: tuple[ModelSpec, ...] = ()

    async def apply(self, queryset: models.QuerySet, request: HttpRequest) -> models.QuerySet:
        """Add the joins and prefetches the reader needs, related rows scoped by ``request``.

        Awaits each related model's ``queryset_request(request)`` (once per model); the
        related rows are then fetched with ``queryset``, one query per ``Load``.
        """
        scopes = {spec.model: await spec.queryset(request) for spec in self.scopes}
        return self.plan_queryset(queryset, scopes)

    def plan_queryset(self, queryset: models.QuerySet, scopes: Scopes) -> models.QuerySet:
        """``apply`` with the related models' scoped querysets already built."""
        scoped_singles = [ld.path.split("__") for ld in self.loads if ld.single and ld.scope]
        if scoped_singles and queryset.query.select_related:
            queryset = _unjoin(queryset, scoped_singles)
        if self.select:
            queryset = queryset.select_related(*self.select)
        if self.loads:
            queryset = queryset.prefetch_related(*(load.prefetch(scopes) for load in self.loads))
        return queryset


def _unjoin(queryset: models.QuerySet, paths: list[list[str]]) -> models.QuerySet:
    """Drop the caller's joins of relations loaded through a scope.

    Django does not prefetch a relation already loaded by ``select_related``: the
    joined, unscoped row would be rendered. ``select_related()`` (every non-null FK) is
    dropped entirely; named joins lose only those paths.
    """
    joined = queryset.query.select_related
    queryset = queryset.all()
    if joined is True:
        queryset.query.select_related = False
        return queryset
    joined = copy.deepcopy(joined)
    for path in paths:
        level = joined
        for name in path[:-1]:
            level = level.get(name, {})
        level.pop(path[-1], None)
    queryset.query.select_related = joined or False
    return queryset


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
    loads: list[Load] = []
    scopes: dict[type[models.Model], ModelSpec] = {}

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
        spec = lookup(related)
        scope = spec if spec is not None and spec.scoped else None
        if f.name in config.relations:
            sub_config = SchemaConfig(fields=config.relations[f.name])
            sub = build_read(related, sub_config, f"{name}{_camel(f.name)}", lookup, nested=True)
        elif not nested and spec is not None:
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

        if to_many:
            item_type: Any = sub.schema if sub else pk_type(related)
            item = sub.reader if sub else _pk
            definitions[f.name] = (list[item_type], _info(f))
            parts.append((f.name, _many_reader(accessor, item)))
            loads.append(Load(accessor, related, sub, scope))
        else:
            one_type: Any = sub.schema if sub else pk_type(related)
            definitions[f.name] = (one_type | None, _info(f))
            parts.append((f.name, _one_reader(accessor, sub.reader if sub else _pk)))
            if scope is not None:  # its own scoped query: a row outside it renders null
                loads.append(Load(accessor, related, sub, scope, single=True))
            else:
                select.append(accessor)
                if sub is not None:
                    select.extend(f"{accessor}__{s}" for s in sub.select)
                    loads.extend(replace(ld, path=f"{accessor}__{ld.path}") for ld in sub.loads)
        if sub is not None:
            scopes.update((s.model, s) for s in sub.scopes)
        if scope is not None:
            scopes[related] = scope

    for custom_name, custom_type, default in config.customs:
        definitions[custom_name] = (custom_type, Field(default=None))
        parts.append((custom_name, _custom_reader(custom_name, default)))

    schema = create_model(name, __base__=Schema, **definitions)
    return ReadPlan(schema, _compose(parts), tuple(select), tuple(loads), tuple(scopes.values()))


class _Payload(Schema):
    """Write payloads refuse unknown keys: a misspelt field is a 422, not silently lost."""

    model_config = ConfigDict(extra="forbid")


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
            python_type: Any = list[storable_pk_type(f.related_model)]
            plan.many[f.name] = f
        elif f.is_relation:
            related_pk = storable_pk_type(f.related_model)
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


def _info(f: Any, *, required: bool = True) -> Any:
    title = str(getattr(f, "verbose_name", f.name)).capitalize()
    description = str(getattr(f, "help_text", "") or "") or None
    default = PydanticUndefined if required else None
    return Field(default=default, title=title, description=description)


def _attr(attname: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, attname)


def _pk(obj: Any) -> Any:
    return obj.pk
