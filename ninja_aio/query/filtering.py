"""Typed list filters: django-ninja's ``FilterSchema`` on a viewset, and ready-made ones.

``filter_schema = ArticleFilter`` (a ``ninja.FilterSchema``) is checked once: every lookup
it names must reach a field the read schema shows. ``filter_fields`` builds such a schema
from one line per field (``{"title": "icontains", "views": "range"}``). At request time
each value is checked against the column it is compared with, so a value the column
cannot hold is a 422 at ``["query", <name>]``, never a database error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from ninja import FilterLookup, FilterSchema
from ninja.errors import ConfigError, ValidationError
from pydantic import BaseModel, create_model

from ninja_aio.models.fields import storable_key_type
from ninja_aio.query.paths import LookupPath, StorableQuery, check_exposed, resolve

__all__ = ["FILTER_KINDS", "Filtering", "make_filter_schema"]

#: The ready-made filters: the query parameters each adds for a field ``name``.
FILTER_KINDS = ("exact", "icontains", "in", "range")


def _lookups(schema: type[FilterSchema], name: str, info: Any) -> list[str] | None:
    """The lookups a field filters with, or ``None`` when code of the schema builds its
    condition (a ``filter_<name>`` method, or ``custom_expression``)."""
    custom = schema.custom_expression is not FilterSchema.custom_expression
    if custom or callable(getattr(schema, f"filter_{name}", None)):
        return None
    q = None
    for item in info.metadata:
        if isinstance(item, FilterLookup):
            q = item.q
    if q is None:
        q = (
            (info.json_schema_extra or {}).get("q")
            if isinstance(info.json_schema_extra, dict)
            else None
        )
    paths = [q] if isinstance(q, str) else list(q or [name])
    return [f"{name}{p}" if p.startswith("__") else p for p in paths]


class Filtering:
    """A ``FilterSchema`` checked against a model and its read schema, and applied to
    querysets with each value checked against its column."""

    def __init__(
        self,
        model: type[models.Model],
        schema: type[FilterSchema],
        read: type[BaseModel] | None = None,
        where: str = "filter_schema",
    ) -> None:
        if not (isinstance(schema, type) and issubclass(schema, FilterSchema)):
            raise ConfigError(f"{where} must be a ninja.FilterSchema subclass")
        self.paths: dict[str, tuple[LookupPath, ...]] = {}
        #: Fields that may join a to-many relation (or a ``filter_<name>`` method, which
        #: may): when one is given, the filters run as one ``EXISTS`` subquery.
        self.joins: set[str] = set()
        for name, info in schema.model_fields.items():
            lookups = _lookups(schema, name, info)
            if lookups is None:
                self.joins.add(name)
                continue
            resolved = tuple(resolve(model, path) for path in lookups)
            if read is not None:
                for lookup in resolved:
                    check_exposed(read, lookup, f"{where}.{name}")
            self.paths[name] = resolved
            if any(lookup.to_many for lookup in resolved):
                self.joins.add(name)
        self.model = model
        #: The user's schema, refusing NUL and integers SQL cannot bind (a 422).
        self.schema: type[FilterSchema] = create_model(
            schema.__name__, __base__=(schema, StorableQuery)
        )

    def apply(self, queryset: models.QuerySet, values: FilterSchema | None) -> models.QuerySet:
        """``queryset`` filtered by ``values`` (an instance of ``self.schema``); through
        to-many relations as one ``EXISTS`` subquery, so that no row is repeated."""
        if values is None:
            return queryset
        errors = []
        for name, paths in self.paths.items():
            value = getattr(values, name)
            if value is None:
                continue
            for lookup in paths:
                try:
                    lookup.check_value(value)
                except ValueError as exc:
                    errors.append({"loc": ["query", name], "msg": str(exc), "type": "value_error"})
                    break
        if errors:
            raise ValidationError(errors)
        try:
            condition = values.get_filter_expression()
            if not condition:
                return queryset
            if not any(getattr(values, name) is not None for name in self.joins):
                return queryset.filter(condition)
            rows = self.model._base_manager.filter(condition, pk=OuterRef("pk"))
            return queryset.filter(Exists(rows))
        except (DjangoValidationError, ValueError, TypeError) as exc:
            # a ``filter_<name>`` method comparing a value its column cannot hold
            error = {"loc": ["query"], "msg": f"Invalid filter: {exc}", "type": "value_error"}
            raise ValidationError([error]) from None


def _value_type(lookup: LookupPath) -> Any:
    return storable_key_type(lookup.column)


def make_filter_schema(
    model: type[models.Model], filters: Mapping[str, str] | Sequence[str], name: str | None = None
) -> type[FilterSchema]:
    """A ``FilterSchema`` from one line per field: ``{"status": "exact", "title":
    "icontains", "tags": "in", "views": "range"}`` (a list means ``exact`` for each).

    ``exact`` adds ``?name=``, ``icontains`` adds ``?name=`` (text fields), ``in`` adds a
    repeatable ``?name=a&name=b``, ``range`` adds ``?name__gte=`` and ``?name__lte=``.
    A relation filters by the related row's key (``?author=3``).
    """
    kinds = dict.fromkeys(filters, "exact") if not isinstance(filters, Mapping) else filters
    fields: dict[str, Any] = {}
    for path, kind in kinds.items():
        lookup = resolve(model, path)
        if lookup.lookups:
            raise ConfigError(f"filter_fields: {path!r} must name a field, not a lookup")
        if kind not in FILTER_KINDS:
            raise ConfigError(f"filter_fields: {path!r}: {kind!r} is not one of {FILTER_KINDS}")
        value_type = _value_type(lookup)
        if kind == "icontains":
            if not isinstance(lookup.column, models.CharField | models.TextField):
                raise ConfigError(f"filter_fields: {path!r} is not text; icontains needs text")
            fields[path] = (Annotated[value_type | None, FilterLookup(f"{path}__icontains")], None)
        elif kind == "exact":
            fields[path] = (Annotated[value_type | None, FilterLookup(path)], None)
        elif kind == "in":
            fields[path] = (Annotated[list[value_type] | None, FilterLookup(f"{path}__in")], None)
        else:
            for bound in ("gte", "lte"):
                key = f"{path}__{bound}"
                fields[key] = (Annotated[value_type | None, FilterLookup(key)], None)
    return create_model(name or f"{model.__name__}Filters", __base__=FilterSchema, **fields)
