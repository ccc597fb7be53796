"""Schema generation: pydantic schemas, readers (``readers.py``) and query plans, built
once per serializer.

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

import copy
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ConfigError
from pydantic import Field, create_model
from pydantic_core import PydanticUndefined

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.fields import pk_type, read_type
from ninja_aio.models.readers import (
    Reader,
    _attr,
    _compose,
    _custom_reader,
    _many_reader,
    _one_reader,
    _pk,
    _plain_reader,
)

if TYPE_CHECKING:
    from ninja_aio.models.spec import ModelSpec

__all__ = [
    "ReadPlan",
    "build_read",
    "field_info",
    "model_field",
    "model_field_names",
    "selected_fields",
    "unique_name",
]

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


@dataclass(frozen=True)
class Link:
    """A relation the reader renders: how a write can hand it the related rows it has.

    ``sub`` is the plan of the related rows (``None``: rendered as keys), ``scope`` the
    related model's spec when it defines ``queryset_request``.
    """

    field: Any
    accessor: str
    sub: ReadPlan | None
    scope: ModelSpec | None
    to_many: bool


@dataclass
class ReadPlan:
    """A read schema, the reader that fills it and the query plan the reader relies on.

    ``select`` lists the joined relations, ``loads`` the prefetched ones and ``scopes``
    the specs (with a ``queryset_request``) whose querysets the loads need, each once.
    ``links`` are the relations rendered. ``exact``: the reader's output is what the
    schema would validate it to (no custom values, whose types the schema coerces), so a
    response can be rendered from it without validating it again. ``from_memory``: a row
    just written can be rendered from the values written (its rendered columns read back
    unchanged from the database), with no read after the write.
    """

    schema: type[Schema]
    reader: Reader
    select: tuple[str, ...] = ()
    loads: tuple[Load, ...] = ()
    scopes: tuple[ModelSpec, ...] = ()
    links: tuple[Link, ...] = ()
    exact: bool = False
    from_memory: bool = False

    def link(self, name: str) -> Link | None:
        """The rendered relation of field ``name``, if any."""
        return next((ln for ln in self.links if ln.field.name == name), None)

    async def apply(self, queryset: models.QuerySet, request: HttpRequest) -> models.QuerySet:
        """Add the joins and prefetches the reader needs, related rows scoped by ``request``.

        Awaits each related model's ``queryset_request(request)`` (once per model); the
        related rows are then fetched with ``queryset``, one query per ``Load``.
        """
        return self.plan_queryset(queryset, await self.scoped(request))

    async def scoped(self, request: HttpRequest) -> Scopes:
        """The related models' querysets for ``request`` (``queryset_request``, once each),
        for ``plan_queryset`` in code that cannot await (a write's transaction)."""
        return {spec.model: await spec.queryset(request) for spec in self.scopes}

    def render(self, model: type[models.Model], pk: Any, scopes: Scopes) -> dict[str, Any]:
        """Read row ``pk`` in any scope (it was just written) and render it; sync ORM.

        Its relations are rendered in ``scopes``. Writes call this inside their
        transaction, so that the response exists exactly when the write commits.
        """
        queryset = self.plan_queryset(model._default_manager.all(), scopes)
        return self.reader(queryset.get(pk=pk))

    def plan_queryset(
        self, queryset: models.QuerySet, scopes: Scopes, skip: Collection[str] = ()
    ) -> models.QuerySet:
        """``apply`` with the related models' scoped querysets already built.

        ``skip``: relations not to prefetch (a write replacing them has their rows).
        """
        scoped_singles = [ld.path.split("__") for ld in self.loads if ld.single and ld.scope]
        if scoped_singles and queryset.query.select_related:
            queryset = _unjoin(queryset, scoped_singles)
        if self.select:
            queryset = queryset.select_related(*self.select)
        loads = [load.prefetch(scopes) for load in self.loads if load.path not in skip]
        if loads:
            queryset = queryset.prefetch_related(*loads)
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


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


#: Columns never served or written by default (a serializer must name them).
SECRET_FIELDS = frozenset({"password"})


def model_field_names(model: type[models.Model], writable: bool) -> list[str]:
    """Concrete fields and forward M2M (only editable ones when ``writable``)."""
    names = []
    for f in model._meta.get_fields():
        if f.auto_created and not f.concrete:
            continue
        if writable and (isinstance(f, models.AutoField) or not getattr(f, "editable", True)):
            continue
        names.append(f.name)
    return names


def model_field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ConfigError(f"{model.__name__} has no field {name!r}") from None


def selected_fields(model: type[models.Model], config: SchemaConfig) -> list[Any]:
    """Fields of a read schema: ``fields``, else every field but ``excludes``.

    The fallback never includes a secret column (``password``) silently: a read schema
    of a model that has one must list its fields or exclude it.
    """
    if config.fields:
        return [model_field(model, name) for name in config.fields]
    names = [n for n in model_field_names(model, writable=False) if n not in config.excludes]
    secret = sorted(SECRET_FIELDS.intersection(names))
    if secret:
        raise ConfigError(
            f"{model.__name__}: a read schema without `fields` would serve "
            f'{", ".join(secret)}; list the fields to serve (fields = ["id", ...])'
        )
    return [model_field(model, name) for name in names]


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
    plain: dict[str, str] = {}
    select: list[str] = []
    loads: list[Load] = []
    links: list[Link] = []
    scopes: dict[type[models.Model], ModelSpec] = {}
    exact = not config.customs
    from_memory = exact and all(_round_trips(f) for f in model._meta.concrete_fields)

    for f in selected_fields(model, config):
        if not f.is_relation:
            definitions[f.name] = (read_type(f), field_info(f))
            parts.append((f.name, _plain_reader(f)))
            if not isinstance(f, models.FileField) and f.get_internal_type() != "BinaryField":
                plain[f.name] = f.attname
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
                field_info(f),
            )
            parts.append((f.name, _attr(f.attname)))
            plain[f.name] = f.attname
            continue
        else:
            sub = None

        if to_many:
            item_type: Any = sub.schema if sub else pk_type(related)
            item = sub.reader if sub else _pk
            definitions[f.name] = (list[item_type], field_info(f))
            parts.append((f.name, _many_reader(f, accessor, item)))
            loads.append(Load(accessor, related, sub, scope))
        else:
            one_type: Any = sub.schema if sub else pk_type(related)
            definitions[f.name] = (one_type | None, field_info(f))
            parts.append((f.name, _one_reader(accessor, sub.reader if sub else _pk)))
            if scope is not None:  # its own scoped query: a row outside it renders null
                loads.append(Load(accessor, related, sub, scope, single=True))
            else:
                select.append(accessor)
                if sub is not None:
                    select.extend(f"{accessor}__{s}" for s in sub.select)
                    loads.extend(replace(ld, path=f"{accessor}__{ld.path}") for ld in sub.loads)
        links.append(Link(f, accessor, sub, scope, bool(to_many)))
        if sub is not None:
            exact = exact and sub.exact
            from_memory = from_memory and not (sub.select or sub.loads)
            scopes.update((s.model, s) for s in sub.scopes)
        if scope is not None:
            scopes[related] = scope

    for custom_name, custom_type, default in config.customs:
        definitions[custom_name] = (custom_type, Field(default=None))
        parts.append((custom_name, _custom_reader(custom_name, default)))

    schema = create_model(name, __base__=Schema, **definitions)
    return ReadPlan(
        schema,
        _compose(parts, plain),
        tuple(select),
        tuple(loads),
        tuple(scopes.values()),
        tuple(links),
        exact,
        from_memory,
    )


#: Columns whose value as written is the value read back (no rounding, no conversion).
_ROUND_TRIP = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "BooleanField",
        "CharField",
        "TextField",
        "SlugField",
        "UUIDField",
        "DateField",
        "DateTimeField",
        "ForeignKey",
        "OneToOneField",
    }
)


def _round_trips(f: models.Field) -> bool:
    """Whether a row just written renders ``f`` as a read would: Django's own field types
    that store the value unchanged (``DateTimeField``: in the connection's time zone),
    without a database default or a generated value."""
    return (
        type(f).__module__.startswith("django.db.models.fields")
        and f.get_internal_type() in _ROUND_TRIP
        and not hasattr(f, "from_db_value")
        and f.db_default is models.NOT_PROVIDED
        and not getattr(f, "generated", False)
    )


def field_info(f: Any, *, required: bool = True) -> Any:
    title = str(getattr(f, "verbose_name", f.name)).capitalize()
    description = str(getattr(f, "help_text", "") or "") or None
    default = PydanticUndefined if required else None
    return Field(default=default, title=title, description=description)
