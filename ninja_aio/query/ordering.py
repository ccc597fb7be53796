"""``?ordering=-created_at,title``: client-chosen ordering among the fields a viewset lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import models
from ninja.errors import ConfigError
from pydantic import BaseModel

from ninja_aio.query.paths import check_exposed, resolve, text_param

__all__ = ["Ordering", "order_queryset"]

#: Longest ``?ordering=`` value accepted (a 422 past it).
MAX_LENGTH = 500


def order_queryset(queryset: models.QuerySet, terms: Sequence[str]) -> models.QuerySet:
    """``queryset`` ordered by ``terms``, then by primary key unless it is among them, so
    that rows with equal values keep one order across pages."""
    pk_name = queryset.model._meta.pk.name
    if not {"pk", pk_name} & {t.removeprefix("-") for t in terms}:
        terms = [*terms, "pk"]
    return queryset.order_by(*terms)


class Ordering:
    """The ``ordering_fields`` of a viewset, checked once: each a path to a column (one the
    read ``schema`` shows, when given) through forward relations only (a to-many path
    repeats rows). ``Ordering(model, fields).apply(queryset, raw)`` orders any queryset."""

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        schema: type[BaseModel] | None = None,
        where: str = "ordering",
    ) -> None:
        if isinstance(fields, str):
            raise ConfigError(f"{where}: ordering_fields must be a list of field names")
        for name in fields:
            lookup = resolve(model, name)
            if lookup.lookups or lookup.column.is_relation or lookup.to_many:
                raise ConfigError(
                    f"{where}: ordering field {name!r} must end on a column through forward "
                    "relations (author__name, not author or tags__name)"
                )
            if schema is not None:
                check_exposed(schema, lookup, f"{where}.ordering_fields")
        self.fields = tuple(fields)
        choices = "|".join(re.escape(f) for f in self.fields)
        self._pattern = f"^-?({choices})(,-?({choices}))*$"

    def parse(self, raw: str | None) -> str | None:
        """The validator of ``?ordering=``: an unknown or unlisted field is a ``ValueError``
        naming it (a 422 at ``["query", "ordering"]``)."""
        if raw is None or not raw.strip():
            return None
        terms = self.terms(raw)
        unknown = [t for t in terms if t.removeprefix("-") not in self.fields]
        if unknown:
            names = ", ".join(repr(t[:50]) for t in unknown[:5])
            raise ValueError(
                f"cannot order by {names}; allowed: {', '.join(self.fields)} (prefix - to reverse)"
            )
        return ",".join(terms)

    @staticmethod
    def terms(raw: str) -> list[str]:
        return [t.strip() for t in raw.split(",") if t.strip()]

    def apply(self, queryset: models.QuerySet, raw: str | None) -> models.QuerySet:
        """``queryset`` ordered by a validated ``?ordering=`` value (unchanged without one)."""
        return queryset if not raw else order_queryset(queryset, self.terms(raw))

    def field(self) -> Any:
        """The query parameter: its allowed values in OpenAPI (description, pattern, enum
        of single terms as an example list)."""
        allowed = ", ".join(self.fields)
        return text_param(
            f"Comma-separated fields to order by, `-` for descending. Allowed: {allowed}.",
            MAX_LENGTH,
            pattern=self._pattern,
            examples=[f"-{self.fields[0]}", ",".join(self.fields[:2])],
        )
