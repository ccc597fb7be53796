"""Bulk routes of a viewset: ``POST`` / ``PATCH`` / ``DELETE`` on ``/bulk/``.

Opt-in with ``bulk_operations = ("create", "update", "delete")``. Bodies: a list of create
payloads; a list of update payloads each with its ``id``; ``{"ids": [...]}``. Each route
has the auth of its single-row twin (``post_auth`` / ``patch_auth`` / ``delete_auth``) and
the scope of ``queryset_request``. ``bulk_atomic`` (default ``True``) chooses between one
422 listing every failing item and nothing written, and a 200 with one result per item.
The bodies are validated item by item (so every failing item is reported), which is why
ninja receives them unvalidated (``SkipValidation``); OpenAPI still shows their schemas.
"""

import dataclasses
import inspect
from typing import Annotated, Any

from django.db import models
from django.http import HttpRequest
from ninja import Body, Schema
from ninja.errors import ConfigError, HttpError, ValidationError
from ninja.responses import Status
from pydantic import ConfigDict, SkipValidation, create_model

from ninja_aio.models.bulk import Outcome, bulk_create, bulk_delete, bulk_update, parse_ids
from ninja_aio.models.fields import storable_pk_type
from ninja_aio.models.hooks import set_request
from ninja_aio.models.schemas import unique_name
from ninja_aio.views.auth_resolution import resolve_auth
from ninja_aio.views.responses import ErrorBody, ValidationErrorItem

__all__ = ["BULK_OPERATIONS", "BulkErrorBody", "BulkOutcome", "add_bulk_routes"]

BULK_OPERATIONS = ("create", "update", "delete")
PATH = "/bulk/"


class BulkErrorItem(ValidationErrorItem):
    """One invalid input of a batch: ``index`` (and ``id``) of its item when it has one."""

    index: int | None = None
    id: Any = None


class BulkErrorBody(Schema):
    """422 of a bulk route: every error of every failing item (nothing was written)."""

    detail: list[BulkErrorItem]


class BulkOutcome(Schema):
    """One item of a partial batch (``bulk_atomic = False``): 201 / 200 / 204 when written,
    else its error status and ``detail`` (a message, or the item's validation errors)."""

    index: int
    id: Any = None
    status: int
    detail: str | list[BulkErrorItem] | None = None


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _items(raw: Any, limit: int, at: tuple[str, ...] = ()) -> list[Any]:
    """The batch as a list, or a 422 (not a list) / 413 (more than ``limit`` items)."""
    if not isinstance(raw, list):
        error = {
            "loc": ["body", "payload", *at],
            "msg": "Input should be a list",
            "type": "list_type",
        }
        raise ValidationError([error])
    if len(raw) > limit:
        raise HttpError(413, f"A batch holds at most {limit} items; this one has {len(raw)}")
    return raw


def _ids(raw: Any, limit: int) -> list[Any]:
    if not isinstance(raw, dict) or set(raw) != {"ids"}:
        msg = 'Input should be an object with exactly one key, "ids"'
        raise ValidationError([{"loc": ["body", "payload"], "msg": msg, "type": "model_type"}])
    return _items(raw["ids"], limit, ("ids",))


class _Bulk:
    """The bulk routes of one viewset (its spec, router, auth and limits)."""

    def __init__(self, viewset: Any) -> None:
        self.viewset = viewset
        self.spec = viewset.spec
        self.model: type[models.Model] = viewset.model
        self.atomic = bool(viewset.bulk_atomic)
        self.limit = int(viewset.bulk_max_items)
        self.owner = (viewset.spec.hook_owner or self.model, type(viewset).__name__)

    def _schema(self, kind: str, base: type[Schema], **fields: Any) -> type[Schema]:
        prefix = self.model._meta.app_label.title().replace("_", "")
        name = unique_name(f"{self.spec.base_name}{kind}", (self.owner, kind), prefix)
        return create_model(name, __base__=base, **fields)

    async def rows(self, request: HttpRequest, keys: list[Any]) -> list[dict[str, Any]]:
        """The written rows as read schemas, in the order of ``keys`` (one query per load)."""
        plan = self.spec.read
        queryset = self.model._default_manager.filter(pk__in=keys)
        by_key = {obj.pk: obj async for obj in await plan.apply(queryset, request)}
        return [plan.reader(by_key[key]) for key in keys]

    def add(self, operation: str, method: str, body: Any, view: Any, status: int) -> None:
        viewset = self.viewset
        written = {status: None if status == 204 else list[self.spec.read.schema]}
        conflicts = {409: ErrorBody}
        narrowed = viewset.spec.scoped or viewset._narrowed
        if viewset.permission.active or (narrowed and operation != "delete"):
            conflicts[403] = ErrorBody  # an item refused, or written outside the scope
        if not self.atomic:
            written, conflicts = {200: list[BulkOutcome]}, {}
        name = f"{viewset.router.name_prefix}_bulk_{operation}"
        subject = self.model._meta.verbose_name_plural
        payload = inspect.Parameter(
            "payload",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[body, SkipValidation],
            default=Body(...),
        )
        request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        view.__signature__ = inspect.Signature([request, payload])
        view.__name__ = view.__qualname__ = f"bulk_{operation}"
        viewset.router.add_api_operation(
            PATH,
            [method],
            view,
            auth=resolve_auth(viewset, method).auth,
            response={**written, **conflicts, 413: ErrorBody, 422: BulkErrorBody},
            operation_id=name,
            url_name=name,
            summary=f"{operation.title()} {subject} in bulk",
        )

    async def done(self, request: HttpRequest, outcomes: list[Outcome], status: int) -> Any:
        """200 with the outcomes (partial batches), else ``status`` with the rows written."""
        if not self.atomic:
            return Status(200, [dataclasses.asdict(o) for o in outcomes])
        if status == 204:
            return Status(204, None)
        return Status(status, await self.rows(request, [o.id for o in outcomes]))

    def create(self) -> None:
        spec, bulk = self.spec, self

        async def view(request: HttpRequest, payload: Any) -> Any:
            set_request(request)
            raw = _items(payload, bulk.limit)
            check = bulk.viewset.permission.in_transaction(request, "create")
            rows = await bulk.viewset.write_rows(request)
            outcomes = await bulk_create(
                request, spec, raw, atomic=bulk.atomic, check=check, rows=rows
            )
            return await bulk.done(request, outcomes, 201)

        self.add("create", "POST", list[spec.create.schema], view, 201)

    def update(self) -> None:
        spec, bulk = self.spec, self
        key = storable_pk_type(self.model)
        item = self._schema("BulkUpdateItem", spec.update.schema, id=(key, ...))

        async def view(request: HttpRequest, payload: Any) -> Any:
            set_request(request)
            raw = _items(payload, bulk.limit)
            check = bulk.viewset.write_check(request, "update")
            rows = await bulk.viewset.write_rows(request)
            outcomes = await bulk_update(
                request, spec, raw, item, atomic=bulk.atomic, check=check, rows=rows
            )
            return await bulk.done(request, outcomes, 200)

        self.add("update", "PATCH", list[item], view, 200)

    def delete(self) -> None:
        spec, bulk, model = self.spec, self, self.model
        key = storable_pk_type(model)
        body = self._schema("BulkDelete", _Strict, ids=(list[key], ...))

        async def view(request: HttpRequest, payload: Any) -> Any:
            set_request(request)
            items = parse_ids(_ids(payload, bulk.limit), model, key)
            check, soft = bulk.viewset.write_check(request, "delete"), bulk.viewset.soft
            rows = await bulk.viewset.write_rows(request)
            outcomes = await bulk_delete(
                request, spec, items, atomic=bulk.atomic, check=check, soft=soft, rows=rows
            )
            return await bulk.done(request, outcomes, 204)

        self.add("delete", "DELETE", body, view, 204)


def add_bulk_routes(viewset: Any) -> None:
    """Register the ``bulk_operations`` of ``viewset`` (before its ``{id}`` routes)."""
    wanted = tuple(viewset.bulk_operations or ())
    unknown = [op for op in wanted if op not in BULK_OPERATIONS]
    if unknown:
        raise ConfigError(f"{type(viewset).__name__}: unknown bulk operations {unknown}")
    bulk = _Bulk(viewset)
    for operation in BULK_OPERATIONS:
        if operation not in wanted:
            continue
        if operation != "delete" and getattr(viewset.spec, operation) is None:
            raise ConfigError(
                f"{type(viewset).__name__}: bulk {operation} needs a "
                f"{operation.title()}Serializer (or Meta.{operation})"
            )
        getattr(bulk, operation)()
