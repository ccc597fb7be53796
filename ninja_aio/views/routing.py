"""Route helpers: a router that answers with and without trailing slash, typed pk converters."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from ninja import Router

from ninja_aio.models.fields import pk_type, storable_pk_type

__all__ = ["ViewSetRouter", "pk_converter"]


class ViewSetRouter(Router):
    """A ``Router`` where every path also answers in its other slash form.

    ``/stats/`` and ``/stats`` both reach the view; OpenAPI lists only the path as
    written. Static paths registered first keep winning over ``{id}`` paths.
    """

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Any, **kwargs: Any
    ) -> None:
        super().add_api_operation(path, methods, view_func, **kwargs)
        twin = path[:-1] if path.endswith("/") else f"{path}/"
        if twin.strip("/") == path.strip("/") and twin != path:
            url_name = kwargs.get("url_name")
            kwargs.update(include_in_schema=False, url_name=url_name and f"{url_name}-twin")
            super().add_api_operation(twin, methods, view_func, **kwargs)


def pk_converter(model: type[models.Model]) -> tuple[str, Any]:
    """Django path converter and Python type for the primary key of ``model``.

    ``int`` and ``uuid`` keys get typed converters, so a path such as ``/stats/`` can
    never be taken for a key, and ``/abc`` is a 404, not a 500. An integer key outside
    its column's range is a 422 at ``["path", "id"]``.
    """
    python_type = pk_type(model)
    if python_type is int:  # Django's ``int`` converter takes any digits: bound the value
        return "int", storable_pk_type(model)
    if python_type is uuid.UUID:
        return "uuid", uuid.UUID
    return "str", python_type
