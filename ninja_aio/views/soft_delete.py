"""Soft-delete routes of a viewset with ``soft_delete_field``.

``DELETE /{id}/`` marks the row (its ``on_delete`` hooks still run), ``DELETE /{id}/?hard=true``
removes it for real (a marked row too), ``POST /{id}/restore/`` brings it back. All three
have ``delete_auth`` and run ``has_object_permission`` (``"delete"``, ``"hard_delete"``,
``"restore"``), and honour ``If-Match`` / ``If-None-Match`` (and ``require_if_match``) like
the plain CRUD writes, through ``views/conditional.py``: the precondition is checked on
the locked row after the permission check; a stale tag is a 412 and nothing is written.
Hiding marked rows from lists, retrieve, updates and bulk items is the viewset's
``get_queryset`` and write checks, not this module's.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query
from ninja.responses import Status

from ninja_aio.models.hooks import set_request
from ninja_aio.models.soft_delete import SoftDelete, restore_row, soft_delete_row
from ninja_aio.models.writes import delete_row
from ninja_aio.views.auth_resolution import resolve_auth
from ninja_aio.views.conditional import response_param, route_options
from ninja_aio.views.responses import error_responses

__all__ = ["SoftDeletes", "add_soft_delete_routes"]


class SoftDeletes:
    """The soft-delete option of ``APIViewSet``, checked as soon as a class knows its model."""

    #: A nullable DateTimeField or a BooleanField: DELETE marks rows instead of removing them.
    soft_delete_field: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = getattr(getattr(cls, "serializer_class", None), "Meta", None)
        model = getattr(cls, "model", None) or getattr(meta, "model", None)
        if model is not None and cls.soft_delete_field:
            SoftDelete.for_model(model, cls.soft_delete_field, cls.__name__)


def _param(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _sign(fn: Any, name: str, *params: inspect.Parameter) -> Any:
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    fn.__signature__ = inspect.Signature([request, *params])
    fn.__name__ = fn.__qualname__ = name
    return fn


def _conditions(viewset: Any, status: int) -> dict[str, Any]:
    """A write route's conditional statuses and header documentation (none when the
    viewset has conditional requests off)."""
    if viewset._etags is None:
        return {"errors": (), "openapi_extra": None}
    return route_options(status, write=True, required=viewset.require_if_match)


def add_soft_delete_routes(viewset: Any) -> None:
    """Register the soft ``DELETE /{id}/`` (with ``?hard=true``) and ``POST /{id}/restore/``."""
    soft, spec, plan = viewset.soft, viewset.spec, viewset.spec.read
    prefix = viewset.path.replace("/", "_")
    key = _param("id", viewset._pk_type, Path(...))
    hard_param = _param(
        "hard", bool, Query(False, description="Remove the row for real, not only mark it")
    )
    errors = (404, 409, 422, *((403,) if viewset.permission.active else ()))
    subject = viewset.model._meta.verbose_name
    resolved = resolve_auth(viewset, "DELETE")

    async def delete(request: HttpRequest, id: Any, hard: bool = False) -> Any:
        set_request(request)
        operation = "hard_delete" if hard else "delete"
        _, guards = await viewset._guards(request, operation, deleted=hard, tagged=False)
        if hard:
            await delete_row(request, spec, id, **guards)
        else:
            await soft_delete_row(request, spec, id, soft, **guards)
        return Status(204, None)

    async def restore(request: HttpRequest, id: Any, response: HttpResponse | None = None) -> Any:
        set_request(request)
        condition, guards = await viewset._guards(request, "restore", deleted=True)
        body = await restore_row(request, spec, id, soft, plan, **guards)
        return body if condition is None else condition.tag_response(response, body)

    path = viewset._id_path
    options = _conditions(viewset, 200)
    viewset.router.add_route(
        f"{path}/restore/",
        ["POST"],
        _sign(restore, "restore", key, response_param()),
        resolved,
        response={200: plan.schema, **error_responses(*errors, *options["errors"])},
        openapi_extra=options["openapi_extra"],
        operation_id=f"{prefix}_restore",
        url_name=f"{prefix}_restore",
        summary=f"Restore {subject}",
    )
    options = _conditions(viewset, 204)
    viewset.router.add_route(
        f"{path}/",
        ["DELETE"],
        _sign(delete, "delete", key, hard_param),
        resolved,
        response={204: None, **error_responses(*errors, *options["errors"])},
        openapi_extra=options["openapi_extra"],
        operation_id=f"{prefix}_delete",
        url_name=f"{prefix}_delete",
        summary=f"Delete {subject} (marked; ?hard=true removes it)",
    )
