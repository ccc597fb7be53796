"""Query-string filters for viewset lists: ``query_params = {name: (type, default)}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from ninja import Schema
from pydantic import create_model, field_validator

from ninja_aio.models.fields import StorableInt, reject_nul, reject_out_of_range
from ninja_aio.models.patterns import NO_NUL_PATTERN

__all__ = ["filters_schema", "model_lookups"]


class _Filters(Schema):
    """Base of the filter schemas: values the database cannot compare are a 422 at
    ``["query", <name>]``: text with NUL, integers SQL cannot bind (past 64 bits)."""

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


def _storable_type(python_type: Any) -> Any:
    """``int`` becomes the bounded integer (its bounds shown in OpenAPI)."""
    return StorableInt if python_type is int else python_type


def filters_schema(name: str, query_params: dict[str, tuple[Any, Any]]) -> type[Schema] | None:
    """A schema of the declared query parameters, or ``None`` when there are none."""
    if not query_params:
        return None
    fields = {
        key: (_storable_type(python_type), default)
        for key, (python_type, default) in query_params.items()
    }
    return create_model(name, __base__=_Filters, **fields)


def model_lookups(model: type[models.Model], names: list[str]) -> frozenset[str]:
    """The names that are ORM lookups on ``model`` (``title``, ``author__name__icontains``).

    The default ``query_params_handler`` filters on these and leaves the others to an
    override, so an unknown name never reaches the ORM.
    """
    result = set()
    for name in names:
        try:
            model._meta.get_field(name.split(LOOKUP_SEP)[0])
        except FieldDoesNotExist:
            continue
        result.add(name)
    return frozenset(result)
