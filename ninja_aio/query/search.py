"""``?search=term``: case-insensitive search over a viewset's ``search_fields``.

Each whitespace-separated term must match (AND); a term matches when any field matches
(OR). A field is ``name`` (contains), ``^name`` (starts with) or ``=name`` (equals).
Paths through to-many relations are tested with an ``EXISTS`` subquery, so rows are
never repeated and the page needs no ``DISTINCT`` nor any extra query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from ninja.errors import ConfigError
from pydantic import BaseModel

from ninja_aio.models.patterns import NO_NUL_PATTERN
from ninja_aio.query.paths import LookupPath, check_exposed, resolve, text_param

__all__ = ["Search"]

#: Longest ``?search=`` value accepted (a 422 past it): it bounds the number of terms.
MAX_LENGTH = 200
_PREFIXES = {"^": "istartswith", "=": "iexact", "": "icontains"}


@dataclass(frozen=True)
class _Target:
    lookup: LookupPath
    operator: str
    text: bool
    #: Built once: the lookup keyword, and the path that checks a term against a
    #: non-text column (``None`` for text).
    keyword: str = field(init=False)
    exact: LookupPath | None = field(init=False)

    def __post_init__(self) -> None:
        operator = self.operator if self.text else "exact"
        object.__setattr__(self, "keyword", f"{self.lookup.path}__{operator}")
        exact = None if self.text else LookupPath(self.lookup.path, self.lookup.fields, ())
        object.__setattr__(self, "exact", exact)

    def condition(self, model: type[models.Model], term: str) -> Q | None:
        """The condition of ``term`` on this field, or ``None`` if the term cannot equal
        a value of a non-text column (``=views`` searched with ``abc``)."""
        value: Any = term
        if self.exact is not None:
            try:
                value = self.exact.check_value(term)
            except ValueError:
                return None
        q = Q(**{self.keyword: value})
        if not self.lookup.to_many:
            return q
        rows = model._base_manager.filter(q, pk=OuterRef("pk"))
        return Q(Exists(rows))


def _is_text(field: models.Field) -> bool:
    return isinstance(field, models.CharField | models.TextField)


class Search:
    """The ``search_fields`` of a viewset, checked once (against the read ``schema`` when
    given); ``Search(model, fields).apply(queryset, raw)`` searches any queryset."""

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        schema: type[BaseModel] | None = None,
        where: str = "search",
    ) -> None:
        if isinstance(fields, str):
            raise ConfigError(f"{where}: search_fields must be a list of field names")
        targets = []
        for spec in fields:
            prefix = spec[:1] if spec[:1] in ("^", "=") else ""
            lookup = resolve(model, spec[len(prefix) :])
            if lookup.lookups or lookup.column.is_relation:
                raise ConfigError(f"{where}: search field {spec!r} must end on a column")
            if schema is not None:
                check_exposed(schema, lookup, f"{where}.search_fields")
            text = _is_text(lookup.column)
            if not text and prefix != "=":
                raise ConfigError(
                    f"{where}: search field {spec!r} is not text; search it exactly ('={spec}')"
                )
            targets.append(_Target(lookup, _PREFIXES[prefix], text))
        self.model = model
        self.targets = tuple(targets)
        self.fields = tuple(fields)

    def parse(self, raw: str | None) -> str | None:
        """The validator of ``?search=``: NUL is a ``ValueError`` (a 422; PostgreSQL cannot
        compare text holding it)."""
        if raw is None or not raw.split():
            return None
        if "\x00" in raw:
            raise ValueError("NUL characters are not allowed")
        return raw

    def condition(self, raw: str) -> Q:
        """Every term matches some field; a term no field can match matches no row."""
        result = Q()
        for term in raw.split():
            term_q = Q()
            for target in self.targets:
                q = target.condition(self.model, term)
                if q is not None:
                    term_q |= q
            result &= term_q if term_q else Q(pk__in=[])
        return result

    def apply(self, queryset: models.QuerySet, raw: str | None) -> models.QuerySet:
        """``queryset`` narrowed to the rows matching a validated ``?search=`` value."""
        return queryset.filter(self.condition(raw)) if raw else queryset

    def field(self) -> Any:
        return text_param(
            "Whitespace-separated terms, each found (case-insensitive) in one of: "
            f"{', '.join(self.fields)} (^ starts with, = equals).",
            MAX_LENGTH,
            pattern=NO_NUL_PATTERN,
        )
