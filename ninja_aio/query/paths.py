"""Lookup paths (``author__name__icontains``): what they reach, whether the read schema
exposes it, and whether a query value fits the column it is compared with.

Ordering, search and filters all take paths from the viewset's configuration; these
checks run once, at class creation, so that no client can sort, search or filter on a
value the API does not show (or on rows of another scope), and a value the column cannot
hold is a 422, not a database error.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from ninja import Schema
from ninja.errors import ConfigError
from pydantic import BaseModel, Field, field_validator

from ninja_aio.models.fields import INT64, int_range, reject_nul, reject_out_of_range
from ninja_aio.models.patterns import NO_NUL_PATTERN
from ninja_aio.models.spec import spec_for

__all__ = [
    "TEXT_LOOKUPS",
    "LookupPath",
    "StorableQuery",
    "check_exposed",
    "resolve",
    "text_param",
]

#: Lookups whose value is text matched inside the column (no conversion to its type).
TEXT_LOOKUPS = frozenset(
    {"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}
)
#: Lookups whose value (or each item of it) is converted to the column's type.
_TYPED_LOOKUPS = frozenset({"exact", "iexact", "gt", "gte", "lt", "lte", "in", "range"})


def text_param(description: str, max_length: int, **schema: Any) -> Any:
    """An optional text query parameter (``str | None``): a list option's declaration, with
    its description and JSON schema keywords (``pattern``, ``examples``) for OpenAPI."""
    field = Field(None, max_length=max_length, description=description, json_schema_extra=schema)
    return (str | None, field)


class StorableQuery(Schema):
    """Base of query-parameter schemas compared with columns: values the database cannot
    compare are a 422 at ``["query", <name>]`` (text with NUL, integers past 64 bits)."""

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return reject_out_of_range(reject_nul(value))

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """OpenAPI says it too: text parameters carry the no-NUL pattern."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        for prop in schema.get("properties", {}).values():
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "string":
                    option.setdefault("pattern", NO_NUL_PATTERN)
        return schema


@dataclass(frozen=True)
class LookupPath:
    """A resolved path: the fields it walks and the lookup left at its end."""

    path: str
    fields: tuple[models.Field, ...]
    lookups: tuple[str, ...]

    @property
    def column(self) -> models.Field:
        """The field the path ends on (a relation's own column for a relation)."""
        return self.fields[-1]

    @property
    def to_many(self) -> bool:
        """Whether the path crosses a to-many relation (a join that repeats rows)."""
        return any(f.is_relation and (f.many_to_many or f.one_to_many) for f in self.fields)

    @property
    def lookup(self) -> str:
        return self.lookups[0] if self.lookups else "exact"

    def check_value(self, value: Any) -> Any:
        """``value`` converted to the column's type for a typed lookup (each item for ``in`` /
        ``range``); ``ValueError`` when the column cannot hold it (text in an integer
        column, an integer past its range, NUL)."""
        reject_nul(value)
        if len(self.lookups) > 1 or self.lookup not in _TYPED_LOOKUPS:
            return reject_out_of_range(value, *INT64)
        column = self.column
        while column.is_relation and column.target_field is not None:
            column = column.target_field
        bounds = int_range(column) or INT64

        def one(item: Any) -> Any:
            try:
                converted = column.to_python(item)
            except (DjangoValidationError, TypeError, ValueError):
                raise ValueError(f"not a valid value for {self.path}") from None
            return reject_out_of_range(converted, *bounds)

        if self.lookup in ("in", "range") and isinstance(value, list | tuple):
            return [one(item) for item in value]
        return one(value)


def resolve(model: type[models.Model], path: str) -> LookupPath:
    """Walk ``path`` over ``model``'s fields; the names past the last field are lookups."""
    parts = path.split(LOOKUP_SEP)
    fields: list[models.Field] = []
    current: type[models.Model] | None = model
    for index, part in enumerate(parts):
        if current is None:
            return LookupPath(path, tuple(fields), tuple(parts[index:]))
        try:
            field = current._meta.pk if part == "pk" else current._meta.get_field(part)
        except FieldDoesNotExist:
            if not fields:
                raise ConfigError(f"{model.__name__} has no field {part!r} ({path})") from None
            return LookupPath(path, tuple(fields), tuple(parts[index:]))
        fields.append(field)
        current = field.related_model if field.is_relation else None
    return LookupPath(path, tuple(fields), ())


def _nested_schema(annotation: Any) -> type[BaseModel] | None:
    """The schema a response field renders (through ``list[...]`` and ``| None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (
        typing.Union,
        list,
    ):
        for arg in typing.get_args(annotation):
            found = _nested_schema(arg)
            if found is not None:
                return found
    return None


def check_exposed(schema: type[BaseModel], lookup: LookupPath, where: str) -> None:
    """Refuse (``ConfigError``) a path whose values the read ``schema`` does not show, or
    that enters a related model scoped by ``queryset_request`` past its key: sorting,
    searching or filtering on it would let clients probe hidden values."""
    current: type[BaseModel] | None = schema
    for index, field in enumerate(lookup.fields):
        last = index == len(lookup.fields) - 1
        # a relation rendered as its key (no nested schema) shows only that key
        shown = field.primary_key if current is None else field.name in current.model_fields
        if not shown:
            raise ConfigError(
                f"{where}: {lookup.path!r} is not in the read schema; only exposed fields "
                "can be sorted, searched or filtered"
            )
        if field.is_relation:
            related = spec_for(field.related_model)
            to_many = field.many_to_many or field.one_to_many
            if related is not None and related.scoped and (to_many or not last):
                next_is_key = not last and lookup.fields[index + 1].primary_key
                if to_many or not next_is_key:
                    raise ConfigError(
                        f"{where}: {lookup.path!r} enters {field.related_model.__name__}, "
                        "which queryset_request scopes; only its key can be used"
                    )
            current = (
                _nested_schema(current.model_fields[field.name].annotation) if current else None
            )
