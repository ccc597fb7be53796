"""The generated CRUD routes of a viewset: list, create, retrieve, update (PATCH, PUT)
and delete, each built once at registration from the viewset's declared options.

``CrudRoutes`` is a mixin of ``APIViewSet`` (``views/viewset.py``): it reads the
viewset's model, spec, router and options, and registers one route per operation.
"""

import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Schema
from ninja.responses import Status

from ninja_aio.cursor import declared_ordering
from ninja_aio.filters import filters_schema
from ninja_aio.models.guards import combine
from ninja_aio.models.hooks import set_request
from ninja_aio.models.writes import create_row, delete_row, update_row
from ninja_aio.pagination import list_response, make_paginator, paginate
from ninja_aio.query import ListOptions, ListQuery
from ninja_aio.views.auth_resolution import resolve_auth
from ninja_aio.views.conditional import (
    WriteCondition,
    response_param,
    route_options,
    write_condition,
    write_hooks,
)
from ninja_aio.views.idempotency import Idempotency
from ninja_aio.views.responses import error_responses
from ninja_aio.views.soft_delete import add_soft_delete_routes

__all__ = ["OPERATIONS", "CrudRoutes"]

OPERATIONS = ("list", "create", "retrieve", "update", "put", "delete")
#: operation -> (method, path, success status, error statuses, summary verb)
_ROUTES = {
    "list": ("GET", "/", 200, (422,), "List"),
    "create": ("POST", "/", 201, (409, 422), "Create"),
    "retrieve": ("GET", "{id}", 200, (404, 422), "Retrieve"),
    "update": ("PATCH", "{id}/", 200, (404, 409, 422), "Update"),
    "put": ("PUT", "{id}/", 200, (404, 409, 422), "Replace"),
    "delete": ("DELETE", "{id}/", 204, (404, 409, 422), "Delete"),
}


def _param(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _endpoint(
    fn: Callable[..., Any], name: str, params: list[inspect.Parameter]
) -> Callable[..., Any]:
    """Give a generated view its name and the signature ninja reads its inputs from."""
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    fn.__signature__ = inspect.Signature([request, *params])  # type: ignore[attr-defined]
    fn.__name__ = fn.__qualname__ = name
    return fn


class CrudRoutes:
    """Registers the CRUD routes named in ``operations`` (``_add_<operation>``)."""

    def _route(
        self,
        operation: str,
        view: Callable[..., Any],
        schema: Any,
        *params: inspect.Parameter,
        errors: tuple[int, ...] = (),
        responses: dict[int, Any] | None = None,
        openapi_extra: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        """Register a generated view: method, path, status codes and summary from ``_ROUTES``
        (plus ``errors`` and other ``responses``); ``options`` go to
        ``ViewSetRouter.add_route`` (``trusted``: it answers a read plan's output)."""
        method, path, status, route_errors, verb = _ROUTES[operation]
        # 403: a row refused by has_object_permission, or written outside queryset_request
        # (or outside an overridden get_queryset)
        refused = self.permission.active and operation != "list"
        narrowed = self.spec.scoped or self._narrowed
        refused |= narrowed and operation in ("create", "update", "put")
        refusals = (403,) if refused else ()
        errors = (*route_errors, *errors, *refusals)
        path = path.format(id=self._id_path)
        name = f"{self.router.name_prefix}_{operation}"
        plural = operation == "list"
        subject = self.model._meta.verbose_name_plural if plural else self.model._meta.verbose_name
        self.router.add_route(
            path,
            [method],
            _endpoint(view, operation, list(params)),
            resolve_auth(self, method),
            response={status: schema, **error_responses(*errors), **(responses or {})},
            openapi_extra=openapi_extra,
            operation_id=name,
            url_name=name,
            summary=f"{verb} {subject}",
            **options,
        )

    @property
    def _id_path(self) -> str:
        return f"/{{{self._converter}:id}}"

    # -- CRUD routes ------------------------------------------------------------------

    def _add_list(self) -> None:
        plan = self.spec.read
        paginator = None
        if self.pagination_class is not None:
            paginator = make_paginator(
                self.pagination_class, page_size=self.page_size, max_page_size=self.max_page_size
            )
        filters = filters_schema(f"{plan.schema.__name__}Filters", self.query_params)
        params = []
        if paginator is not None and paginator.Input.model_fields:
            params.append(_param("pagination", paginator.Input, Query(...)))
        if filters is not None:
            params.append(_param("filters", filters, Query(...)))
        taken = [*(paginator.Input.model_fields if paginator else ()), *self.query_params]
        listing = ListQuery(
            self.spec, plan, self._list_options(), where=type(self).__name__, taken=taken
        )
        if listing.options is not None:
            params.append(_param("options", listing.options, Query(...)))
        if listing.filtering is not None:
            params.append(_param("filtering", listing.filtering.schema, Query(...)))
        tags, ordered = self._etags, self._list_ordering()
        scope = f"{self.api.urls_namespace}:{self.mount_path}"
        # a trusted page is answered as built: rendered here once, for its tag and body
        trusted, renderer = plan.exact, self.api.renderer

        async def view(
            request: HttpRequest,
            pagination: Any = None,
            filters: Schema | None = None,
            options: Schema | None = None,
            filtering: Schema | None = None,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)
            queryset = await self.get_queryset(request)
            if filters is not None:
                values = {k: v for k, v in filters.model_dump().items() if v is not None}
                queryset = await self.query_params_handler(queryset, values)
            queryset, read = listing.apply(ordered(queryset), options, filtering)
            queryset = await read.apply(queryset, request)
            if paginator is None:
                page, rows = None, [obj async for obj in queryset]
            else:
                page = await paginate(paginator, queryset, pagination, request, scope=scope)
                rows = page.pop(paginator.items_attribute)

            def body() -> Any:
                items = [read.reader(o) for o in rows]
                return items if page is None else {**page, paginator.items_attribute: items}

            if tags is None:
                return body()
            render = partial(renderer.render, request, response_status=200) if trusted else None
            return tags.read_page(request, page, rows, body, response, render)

        response = list_response(paginator, listing.item_schema)
        extra: dict[str, Any] = {}
        if tags is not None:
            params.append(response_param())
            extra = route_options(200, write=False, required=False)
        if listing.selection:
            # with field selection, fields not chosen are left out (not rendered as null)
            extra["exclude_unset"] = True
        extra["trusted"] = trusted
        self._route("list", view, response, *params, **extra)

    def _list_options(self) -> ListOptions:
        return ListOptions(
            ordering_fields=self.ordering_fields,
            search_fields=self.search_fields,
            filter_schema=self.filter_schema,
            filter_fields=self.filter_fields,
            field_selection=self.field_selection,
        )

    def _list_ordering(self) -> Callable[[models.QuerySet], models.QuerySet]:
        """The list's base ordering, its class-only parts built once: the queryset's own
        ``order_by``, else the viewset's ``ordering`` (or its cursor paginator's, or the
        model's), then the key unless among them, so that pages never overlap."""
        pk = self.model._meta.pk.name
        keys = {"pk", "-pk", pk, f"-{pk}"}

        def with_key(ordering: list[Any]) -> list[Any]:
            return ordering if keys & set(map(str, ordering)) else [*ordering, "pk"]

        declared = self.ordering or declared_ordering(self.pagination_class)
        default = with_key(list(declared or self.model._meta.ordering or ()))

        def ordered(queryset: models.QuerySet) -> models.QuerySet:
            own = queryset.query.order_by
            return queryset.order_by(*(with_key(list(own)) if own else default))

        return ordered

    def _add_create(self) -> None:
        write = self.spec.create
        if write is None:
            return
        plan = self.spec.read
        params = [_param("payload", write.schema, inspect.Parameter.empty)]
        idempotency = Idempotency() if self.idempotency is True else self.idempotency
        if idempotency:
            params.append(_param("idempotency_key", str, idempotency.header()))
            params.append(_param("response", HttpResponse, inspect.Parameter.empty))
        route = f"{self.api.urls_namespace}:{self.mount_path}:create"

        async def view(
            request: HttpRequest,
            payload: Schema,
            idempotency_key: str | None = None,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)

            async def create() -> tuple[int, Any]:
                check = self.permission.in_transaction(request, "create")
                rows = await self.write_rows(request)
                body = await create_row(request, self.spec, payload, plan, check=check, rows=rows)
                return 201, body

            if not idempotency:
                return Status(*await create())
            return Status(*await idempotency.run(request, idempotency_key, route, create, response))

        errors = (503,) if idempotency else ()
        self._route("create", view, plan.schema, *params, errors=errors, trusted=plan.exact)

    def _conditional_route(
        self, operation: str, view: Any, schema: Any, *params: Any, **extra: Any
    ) -> None:
        """Register a read or write route with its conditional-request statuses and header
        documentation (the views read the headers from the request)."""
        options: dict[str, Any] = {}
        if self._etags is not None:
            write, required = operation != "retrieve", self.require_if_match
            options = route_options(_ROUTES[operation][2], write=write, required=required)
        self._route(operation, view, schema, *params, **options, **extra)

    async def _guards(
        self, request: HttpRequest, operation: str, *, deleted: bool = False, tagged: bool = True
    ) -> tuple[WriteCondition | None, dict[str, Any]]:
        """A one-row write's preconditions, and the ``check`` / ``lock`` keywords of its
        write: soft delete (``deleted``: marked rows allowed) and ``has_object_permission``
        first, then ``If-Match``; the rows it may change (``write_rows``). ``tagged``: the
        response carries the row's new ``ETag``. The soft-delete routes use it too."""
        condition = await write_condition(self._etags, request, required=self.require_if_match)
        guards = write_hooks(condition, tagged=tagged)
        own = self.write_check(request, operation, deleted=deleted)
        guards["check"] = combine(own, guards.pop("check", None))
        # A precondition or a permission decides on the row: lock it while it does.
        guards["lock"] = guards.get("lock", False) or own is not None
        guards["rows"] = await self.write_rows(request, deleted=deleted)
        return condition, guards

    def _add_retrieve(self) -> None:
        plan = self.spec.detail
        tags = self._etags

        async def view(request: HttpRequest, id: Any, response: HttpResponse | None = None) -> Any:
            set_request(request)
            obj = await self.get_object(request, id)
            if tags is None:
                return plan.reader(obj)
            return tags.read_row(obj, request, response)

        params = [_param("id", self._pk_type, Path(...)), response_param()]
        self._conditional_route("retrieve", view, plan.schema, *params, trusted=plan.exact)

    def _add_update(self, operation: str = "update") -> None:
        write = self.spec.replace if operation == "put" else self.spec.update
        if write is None:
            return
        plan = self.spec.read

        async def view(
            request: HttpRequest,
            id: Any,
            payload: Schema,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)
            condition, guards = await self._guards(request, operation)
            body = await update_row(request, self.spec, id, payload, plan, plan=write, **guards)
            return body if condition is None else condition.tag_response(response, body)

        payload = _param("payload", write.schema, inspect.Parameter.empty)
        params = [_param("id", self._pk_type, Path(...)), payload, response_param()]
        self._conditional_route(operation, view, plan.schema, *params, trusted=plan.exact)

    def _add_put(self) -> None:
        """PUT: the update route with the replacement payload (``spec.replace``)."""
        self._add_update("put")

    def _add_delete(self) -> None:
        if self.soft is not None:
            add_soft_delete_routes(self)
            return

        async def view(request: HttpRequest, id: Any) -> Any:
            set_request(request)
            _, guards = await self._guards(request, "delete", tagged=False)
            await delete_row(request, self.spec, id, **guards)
            return Status(204, None)

        self._conditional_route("delete", view, None, _param("id", self._pk_type, Path(...)))
