"""Query-string filters for viewset lists: ``query_params = {name: (type, default)}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from ninja import Schema
from ninja.errors import ValidationError
from pydantic import BaseModel, create_model

from ninja_aio.models.fields import StorableInt
from ninja_aio.query.paths import LookupPath, StorableQuery, check_exposed, resolve

__all__ = ["exact_filters", "filters_schema", "model_lookups"]


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
    return create_model(name, __base__=StorableQuery, **fields)


def model_lookups(
    model: type[models.Model], names: list[str], read: type[BaseModel] | None = None
) -> dict[str, LookupPath]:
    """The names that are ORM lookups on ``model`` (``title``, ``author__name__icontains``),
    each resolved to the column it compares with.

    The default ``query_params_handler`` filters on these and leaves the others to an
    override, so an unknown name never reaches the ORM. With the ``read`` schema, a
    lookup on a field it does not show is refused (``ConfigError``): clients could probe
    hidden values with it.
    """
    result = {}
    for name in names:
        try:
            model._meta.get_field(name.split(LOOKUP_SEP)[0])
        except FieldDoesNotExist:
            continue
        result[name] = resolve(model, name)
        if read is not None:
            check_exposed(read, result[name], f"query_params[{name!r}]")
    return result


def exact_filters(lookups: dict[str, LookupPath], values: dict[str, Any]) -> dict[str, Any]:
    """The ``filter()`` arguments for the ``values`` named in ``lookups``, each checked
    against its column: a value the column cannot hold (``?owner=abc`` on a key declared
    ``str``, an integer past the column's range) is a 422 at ``["query", <name>]``."""
    result, errors = {}, []
    for name, value in values.items():
        lookup = lookups.get(name)
        if lookup is None:
            continue
        try:
            result[name] = lookup.check_value(value)
        except ValueError as exc:
            errors.append({"loc": ["query", name], "msg": str(exc), "type": "value_error"})
    if errors:
        raise ValidationError(errors)
    return result
