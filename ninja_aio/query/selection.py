"""``?fields=id,title``: a list answers only the chosen fields of its read schema.

The query is narrowed to match: ``only()`` the chosen columns, and only the joins and
prefetches the chosen relations need. Each field's read plan is built once, with the
viewset; a choice joins them (kept for up to ``CACHE_SIZE`` distinct choices). The
documented response has every field optional: a field is left out of each item unless
chosen (or no choice is made).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.db import models
from ninja import Schema
from pydantic import Field, create_model

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.schemas import ReadPlan, build_read, unique_name
from ninja_aio.models.spec import ModelSpec, spec_for
from ninja_aio.query.paths import text_param

__all__ = ["FieldSelection"]

#: Longest ``?fields=`` value accepted (a 422 past it), and choices whose plans are kept.
MAX_LENGTH = 1000
CACHE_SIZE = 64


_OPTIONAL: dict[type[Schema], type[Schema]] = {}


def _optional_schema(schema: type[Schema]) -> type[Schema]:
    """``schema`` with every field optional: one class per read schema (one OpenAPI
    component, however many viewsets serve it)."""
    if schema not in _OPTIONAL:
        fields = {
            name: (info.annotation, Field(None, title=info.title, description=info.description))
            for name, info in schema.model_fields.items()
        }
        name = unique_name(f"{schema.__name__}Fields", (_optional_schema, schema), "Partial")
        _OPTIONAL[schema] = create_model(name, __base__=Schema, **fields)
    return _OPTIONAL[schema]


class FieldSelection:
    """Field selection over the read plan of ``spec`` (its ``read`` schema)."""

    def __init__(self, spec: ModelSpec, plan: ReadPlan) -> None:
        self.spec = spec
        self.plan = plan
        self.names = tuple(plan.schema.model_fields)
        config = spec.configs.get("read") or SchemaConfig()
        self._config = config
        self._customs = {custom[0]: custom for custom in config.customs}
        #: The response item: every field optional, left out when not chosen.
        self.schema = _optional_schema(plan.schema)
        self._parts = {name: self._part(name) for name in self.names}
        choices = "|".join(re.escape(name) for name in self.names)
        self._pattern = f"^ *({choices})? *(, *({choices})? *)*$"
        self._plan = functools.lru_cache(maxsize=CACHE_SIZE)(self._build)

    def parse(self, raw: str | None) -> str | None:
        """The validator of ``?fields=``: a name not in the read schema is a ``ValueError``
        naming it (a 422 at ``["query", "fields"]``)."""
        if raw is None or not raw.strip():
            return None
        chosen = [n.strip() for n in raw.split(",") if n.strip()]
        unknown = [n for n in chosen if n not in self.names]
        if unknown:
            names = ", ".join(repr(n[:50]) for n in unknown[:5])
            raise ValueError(f"unknown fields {names}; allowed: {', '.join(self.names)}")
        return ",".join(dict.fromkeys(chosen))

    def field(self) -> Any:
        return text_param(
            f"Comma-separated fields to answer (default: all). Allowed: {', '.join(self.names)}.",
            MAX_LENGTH,
            pattern=self._pattern,
            examples=[",".join(self.names[:2])],
        )

    def select(
        self, queryset: models.QuerySet, raw: str | None
    ) -> tuple[models.QuerySet, ReadPlan]:
        """``queryset`` narrowed to a validated ``?fields=`` choice, and the plan that
        reads it (the full read plan without a choice)."""
        if not raw:
            return queryset, self.plan
        plan, columns = self._plan(frozenset(raw.split(",")))
        if columns is not None:  # no custom value read: nothing else of the row is needed
            queryset = queryset.select_related(None).prefetch_related(None).only(*columns)
        return queryset, plan

    def _part(self, name: str) -> ReadPlan:
        """The read plan of one field (built once, like the read plan itself)."""
        custom = self._customs.get(name)
        config = SchemaConfig(
            fields=(self.spec.model._meta.pk.name,) if custom else (name,),
            customs=(custom,) if custom else (),
            relations={k: v for k, v in self._config.relations.items() if k == name},
        )
        return build_read(self.spec.model, config, f"{self.plan.schema.__name__}_{name}", spec_for)

    def _build(self, chosen: frozenset[str]) -> tuple[ReadPlan, tuple[str, ...] | None]:
        """The plan of a choice: its fields' plans joined (their joins, prefetches and
        scopes each once), and the columns to load (``None`` when a custom is chosen)."""
        ordered = [n for n in self.names if n in chosen]
        parts = [(name, self._parts[name]) for name in ordered]
        getters = [(name, part.reader) for name, part in parts]

        def reader(obj: Any) -> dict[str, Any]:
            return {name: read(obj)[name] for name, read in getters}

        plans = [part for _, part in parts]
        select = tuple(dict.fromkeys(s for p in plans for s in p.select))
        loads = tuple({ld.path: ld for p in plans for ld in p.loads}.values())
        scopes = tuple({s.model: s for p in plans for s in p.scopes}.values())
        plan = ReadPlan(self.plan.schema, reader, select, loads, scopes)
        if any(name in self._customs for name in ordered):
            return plan, None
        model = self.spec.model
        concrete = {f.name for f in model._meta.concrete_fields}
        columns = (model._meta.pk.name, *(n for n in ordered if n in concrete))
        return plan, tuple(dict.fromkeys(columns))
