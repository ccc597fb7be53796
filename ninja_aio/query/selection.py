"""``?fields=id,title``: a list answers only the chosen fields of its read schema.

The query is narrowed to match: ``only()`` the chosen columns, and only the joins and
prefetches the chosen relations need. The plan of each distinct choice is built once
(and kept, up to ``CACHE_SIZE`` choices). The documented response has every field
optional: a field is left out of each item unless chosen (or no choice is made).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import models
from ninja import Schema
from pydantic import Field, create_model

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.schemas import ReadPlan, build_read, unique_name
from ninja_aio.models.spec import ModelSpec, spec_for

__all__ = ["FieldSelection"]

#: Longest ``?fields=`` value accepted (a 422 past it), and choices whose plans are kept.
MAX_LENGTH = 1000
CACHE_SIZE = 64


class FieldSelection:
    """Field selection over the read plan of ``spec`` (its ``read`` schema)."""

    def __init__(self, spec: ModelSpec, plan: ReadPlan) -> None:
        self.spec = spec
        self.plan = plan
        self.names = tuple(plan.schema.model_fields)
        config = spec.configs.get("read") or SchemaConfig()
        self._config = config
        self._customs = {custom[0]: custom for custom in config.customs}
        fields = {
            name: (info.annotation, Field(None, title=info.title, description=info.description))
            for name, info in plan.schema.model_fields.items()
        }
        name = unique_name(f"{plan.schema.__name__}Fields", (type(self), plan.schema), "Partial")
        #: The response item: every field optional, left out when not chosen.
        self.schema: type[Schema] = create_model(name, __base__=Schema, **fields)
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
        return (
            str | None,
            Field(
                None,
                max_length=MAX_LENGTH,
                description=(
                    "Comma-separated fields to answer (default: all). "
                    f"Allowed: {', '.join(self.names)}."
                ),
                json_schema_extra={"examples": [",".join(self.names[:2])]},
            ),
        )

    def select(
        self, queryset: models.QuerySet, raw: str | None
    ) -> tuple[models.QuerySet, ReadPlan]:
        """``queryset`` narrowed to a validated ``?fields=`` choice, and the plan that
        reads it (the full read plan without a choice)."""
        if not raw:
            return queryset, self.plan
        chosen = tuple(raw.split(","))
        plan, columns = self._plan(frozenset(chosen))
        if columns is not None:  # no custom value read: nothing else of the row is needed
            queryset = queryset.select_related(None).prefetch_related(None).only(*columns)
        return queryset, plan

    def _build(self, chosen: frozenset[str]) -> tuple[ReadPlan, tuple[str, ...] | None]:
        model = self.spec.model
        pk_name = model._meta.pk.name
        ordered = [n for n in self.names if n in chosen]
        fields = [n for n in ordered if n not in self._customs]
        if pk_name not in fields:
            fields.insert(0, pk_name)
        config = SchemaConfig(
            fields=tuple(fields),
            customs=tuple(self._customs[n] for n in ordered if n in self._customs),
            relations={k: v for k, v in self._config.relations.items() if k in chosen},
        )
        plan = build_read(model, config, f"{self.plan.schema.__name__}Chosen", spec_for)
        if pk_name not in chosen:
            full = plan.reader

            def reader(obj: Any) -> dict[str, Any]:
                row = full(obj)
                del row[pk_name]
                return row

            plan = ReadPlan(plan.schema, reader, plan.select, plan.loads, plan.scopes)
        columns = None
        if not config.customs:
            concrete = {f.name for f in model._meta.concrete_fields}
            columns = tuple(n for n in fields if n in concrete)
        return plan, columns
