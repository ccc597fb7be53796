"""Soft-delete routes of a viewset with ``soft_delete_field``.

``DELETE /{id}/`` marks the row (its ``on_delete`` hooks still run), ``DELETE /{id}/?hard=true``
removes it for real (a marked row too), ``POST /{id}/restore/`` brings it back. All three
have ``delete_auth`` and run ``has_object_permission`` (``"delete"``, ``"hard_delete"``,
``"restore"``). Hiding marked rows from lists, retrieve, updates and bulk items is the
viewset's ``get_queryset`` and write checks, not this module's.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

from django.http import HttpRequest
from ninja import Path, Query
from ninja.responses import Status

from ninja_aio.models.hooks import set_request
from ninja_aio.models.soft_delete import SoftDelete, restore_row, soft_delete_row
from ninja_aio.models.writes import delete_row
from ninja_aio.views.auth_resolution import resolve_auth
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
        if hard:
            check = viewset.write_check(request, "hard_delete", deleted=True)
            await delete_row(request, spec, id, check=check, lock=check is not None)
        else:
            check = viewset.write_check(request, "delete")
            await soft_delete_row(request, spec, id, soft, check=check)
        return Status(204, None)

    async def restore(request: HttpRequest, id: Any) -> Any:
        set_request(request)
        check = viewset.write_check(request, "restore", deleted=True)
        return await restore_row(request, spec, id, soft, plan, check=check)

    path = viewset._id_path
    viewset.router.add_route(
        f"{path}/restore/",
        ["POST"],
        _sign(restore, "restore", key),
        resolved,
        response={200: plan.schema, **error_responses(*errors)},
        operation_id=f"{prefix}_restore",
        url_name=f"{prefix}_restore",
        summary=f"Restore {subject}",
    )
    viewset.router.add_route(
        f"{path}/",
        ["DELETE"],
        _sign(delete, "delete", key, hard_param),
        resolved,
        response={204: None, **error_responses(*errors)},
        operation_id=f"{prefix}_delete",
        url_name=f"{prefix}_delete",
        summary=f"Delete {subject} (marked; ?hard=true removes it)",
    )
