"""The query options of one list route, built once from a viewset's attributes.

``ListQuery`` holds the configured pieces (``Filtering``, ``Search``, ``Ordering``,
``FieldSelection``), the query-parameter schemas the route declares, and applies them
in order: filters, search, ordering, field selection (pagination comes after).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Annotated, Any

from django.db import models
from ninja import FilterSchema, Schema
from ninja.errors import ConfigError
from pydantic import AfterValidator, create_model

from ninja_aio.models.schemas import ReadPlan, unique_name
from ninja_aio.models.spec import ModelSpec
from ninja_aio.query.filtering import Filtering, make_filter_schema
from ninja_aio.query.ordering import Ordering
from ninja_aio.query.search import Search
from ninja_aio.query.selection import FieldSelection

__all__ = ["ListOptions", "ListQuery"]


@dataclass(frozen=True)
class ListOptions:
    """What a viewset declares about its list's query options (its class attributes)."""

    ordering_fields: Sequence[str] = ()
    search_fields: Sequence[str] = ()
    filter_schema: type[FilterSchema] | None = None
    filter_fields: Mapping[str, str] | Sequence[str] = ()
    field_selection: bool = False

    @classmethod
    def from_mapping(cls, entry: Any, where: str) -> ListOptions:
        """Options declared as a dict (a relation's ``relation_options`` entry): one that is
        not a mapping, or holds a key that is not an option, is a ``ConfigError``."""
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where} must be a dict of list options")
        keys = [f.name for f in fields(cls)]
        unknown = sorted(set(entry) - set(keys))
        if unknown:
            raise ConfigError(f"{where}: unknown options {unknown}; allowed: {', '.join(keys)}")
        return cls(**entry)


class ListQuery:
    """The list options of one viewset, checked at class creation against its read plan."""

    def __init__(
        self,
        spec: ModelSpec,
        plan: ReadPlan,
        options: ListOptions,
        *,
        where: str,
        taken: Iterable[str] = (),
    ) -> None:
        model, schema = spec.model, plan.schema
        self.ordering = (
            Ordering(model, options.ordering_fields, schema, where)
            if options.ordering_fields
            else None
        )
        self.search = (
            Search(model, options.search_fields, schema, where) if options.search_fields else None
        )
        self.selection = FieldSelection(spec, plan) if options.field_selection else None
        if options.filter_schema is not None and options.filter_fields:
            raise ConfigError(f"{where}: set filter_schema or filter_fields, not both")
        source = options.filter_schema
        if options.filter_fields:
            name = unique_name(f"{schema.__name__}FilterFields", (where, schema), "Query")
            source = make_filter_schema(model, options.filter_fields, name)
        self.filtering = (
            Filtering(model, source, schema, f"{where}.filter_schema") if source else None
        )
        self.plan = plan
        self.options = self._options_schema(schema.__name__)
        self._check_names(where, taken)

    def _options_schema(self, name: str) -> type[Schema] | None:
        fields: dict[str, Any] = {}
        for key, piece in (
            ("ordering", self.ordering),
            ("search", self.search),
            ("fields", self.selection),
        ):
            if piece is not None:
                annotation, info = piece.field()
                fields[key] = (Annotated[annotation, AfterValidator(piece.parse)], info)
        if not fields:
            return None
        return create_model(f"{name}ListOptions", __base__=Schema, **fields)

    def _check_names(self, where: str, taken: Iterable[str]) -> None:
        seen = set(taken)
        for schema in (self.options, self.filtering and self.filtering.schema):
            for name in schema.model_fields if schema else ():
                if name in seen:
                    raise ConfigError(f"{where}: query parameter {name!r} is declared twice")
                seen.add(name)

    @property
    def item_schema(self) -> type[Schema]:
        """The schema of one list item (every field optional with field selection)."""
        return self.selection.schema if self.selection else self.plan.schema

    def apply(
        self, queryset: models.QuerySet, options: Schema | None, filters: Schema | None
    ) -> tuple[models.QuerySet, ReadPlan]:
        """Filters, search, ordering, then field selection: the queryset and its read plan."""
        if self.filtering is not None:
            queryset = self.filtering.apply(queryset, filters)
        if options is None:
            return queryset, self.plan
        if self.search is not None:
            queryset = self.search.apply(queryset, options.search)
        if self.ordering is not None:
            queryset = self.ordering.apply(queryset, options.ordering)
        if self.selection is not None:
            return self.selection.select(queryset, options.fields)
        return queryset, self.plan
