"""APIViewSet: async list / create / retrieve / update / delete routes for one model."""

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query, Schema
from ninja.constants import NOT_SET
from ninja.errors import ConfigError
from ninja.pagination import PaginationBase
from ninja.responses import Status

from ninja_aio.cursor import declared_ordering
from ninja_aio.filters import exact_filters, filters_schema, model_lookups
from ninja_aio.models.fields import storable_key
from ninja_aio.models.guards import Check, combine
from ninja_aio.models.hooks import set_request
from ninja_aio.models.schemas import unique_name
from ninja_aio.models.soft_delete import SoftDelete
from ninja_aio.models.spec import ModelSpec
from ninja_aio.models.writes import create_row, delete_row, update_row
from ninja_aio.pagination import PageNumberPagination, make_paginator, paged_schema, paginate
from ninja_aio.query import ListOptions, ListQuery
from ninja_aio.views.actions import ActionSpec, action_options, bind_action
from ninja_aio.views.auth_resolution import auth_rows, resolve_auth
from ninja_aio.views.bulk import add_bulk_routes
from ninja_aio.views.conditional import (
    ETags,
    header_params,
    route_options,
    write_condition,
    write_hooks,
)
from ninja_aio.views.idempotency import Idempotency
from ninja_aio.views.permissions import ObjectPermission, ObjectPermissions
from ninja_aio.views.relations import add_relation_routes, relations_of
from ninja_aio.views.responses import error_responses
from ninja_aio.views.routing import ViewSetRouter, pk_converter
from ninja_aio.views.soft_delete import SoftDeletes, add_soft_delete_routes

__all__ = ["APIViewSet", "ReadOnlyViewSet", "WriteOnlyViewSet"]

logger = logging.getLogger(__name__)

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


class APIViewSet(ObjectPermissions, SoftDeletes):
    """CRUD routes for ``model`` on ``api``; call ``add_views_to_route()`` to register them.

    Routes (base path = ``api_route_path`` or the model name): ``GET /`` list,
    ``POST /`` create, ``GET /{id}`` retrieve, ``PATCH /{id}/`` update, ``PUT /{id}/``
    replace, ``DELETE /{id}/`` delete; each also answers in its other slash form. Opt-in
    ``bulk_operations`` add ``POST`` / ``PATCH`` / ``DELETE /bulk/`` (``views/bulk.py``).
    """

    model: ClassVar[type[models.Model] | None] = None
    api: ClassVar[NinjaAPI | None] = None
    serializer_class: ClassVar[type | None] = None
    api_route_path: ClassVar[str | None] = None
    tags: ClassVar[list[str] | None] = None
    operations: ClassVar[tuple[str, ...]] = OPERATIONS

    auth: ClassVar[Any] = NOT_SET
    get_auth: ClassVar[Any] = NOT_SET
    post_auth: ClassVar[Any] = NOT_SET
    patch_auth: ClassVar[Any] = NOT_SET
    put_auth: ClassVar[Any] = NOT_SET
    delete_auth: ClassVar[Any] = NOT_SET

    bulk_operations: ClassVar[tuple[str, ...]] = ()
    bulk_atomic: ClassVar[bool] = True
    bulk_max_items: ClassVar[int] = 100

    #: To-many relations with ``GET`` / ``POST /{id}/<name>/`` routes (``views/relations.py``).
    relations: ClassVar[tuple[str, ...] | list[str]] = ()
    #: Auth of a relation's routes, by name (``None``: public); unset: the viewset's.
    relation_auth: ClassVar[dict[str, Any]] = {}
    #: List options of a relation's ``GET``, by name: ``ListOptions`` keys
    #: (``search_fields``, ``ordering_fields``, ``filter_fields``...; ``ninja_aio/query/``).
    relation_options: ClassVar[dict[str, dict[str, Any]]] = {}

    pagination_class: ClassVar[type[PaginationBase] | PaginationBase | None] = PageNumberPagination
    page_size: ClassVar[int | None] = 20
    max_page_size: ClassVar[int | None] = 100
    query_params: ClassVar[dict[str, tuple[Any, Any]]] = {}
    ordering: ClassVar[tuple[str, ...] | None] = None
    #: List query options (``ninja_aio/query/``): ``?ordering=``, ``?search=``, a
    #: ``ninja.FilterSchema`` (or one built from ``filter_fields``) and ``?fields=``.
    ordering_fields: ClassVar[tuple[str, ...] | list[str]] = ()
    search_fields: ClassVar[tuple[str, ...] | list[str]] = ()
    filter_schema: ClassVar[type | None] = None
    filter_fields: ClassVar[dict[str, str] | list[str]] = {}
    field_selection: ClassVar[bool] = False
    #: ``Idempotency(...)`` (or ``True`` for its defaults): POST honours ``Idempotency-Key``.
    idempotency: ClassVar[Idempotency | bool | None] = None
    #: The ``APIRouter`` (``views/routers.py``) this viewset is mounted under, if any.
    router_group: ClassVar[Any] = None
    #: ETags on reads, ``If-None-Match`` / ``If-Match`` honoured (``views/conditional.py``).
    conditional_requests: ClassVar[bool] = True
    #: A field that changes on every write (``updated_at``): tags cost no rendering.
    etag_field: ClassVar[str | None] = None
    #: PATCH / PUT / DELETE without ``If-Match`` are a 428.
    require_if_match: ClassVar[bool] = False

    def __init__(
        self, api: NinjaAPI | None = None, model: type[models.Model] | None = None
    ) -> None:
        self.api = api or type(self).api
        serializer = self.serializer_class
        self.model = (
            model or type(self).model or getattr(getattr(serializer, "Meta", None), "model", None)
        )
        if self.api is None or self.model is None:
            raise ConfigError(
                f"{type(self).__name__} needs `api` and `model` (or `serializer_class`)"
            )
        self.spec: ModelSpec = serializer._spec if serializer else ModelSpec.for_model(self.model)
        if self.spec.model is not self.model:
            raise ConfigError(f"{type(self).__name__}: serializer_class is for another model")
        self._relations = relations_of(self)
        self.path = (self.api_route_path or self.model._meta.model_name).strip("/")
        # Only the class's own: a subclass of a grouped viewset is not in that group.
        group = self.router_group = vars(type(self)).get("router_group")
        #: Where the routes live under the api: the group's prefix, then ``path``.
        self.mount_path = f"{group.prefix}/{self.path}".strip("/") if group else self.path
        self.router = ViewSetRouter(
            auth=self.auth,
            tags=self.tags or [self.model.__name__],
            resolver=functools.partial(resolve_auth, self, custom=True),
            name_prefix=(f"{group.name}_{self.path}" if group else self.path).replace("/", "_"),
        )
        self._registered = False
        self.soft: SoftDelete | None = None
        if self.soft_delete_field:
            self.soft = SoftDelete.for_model(
                self.model, self.soft_delete_field, type(self).__name__
            )
        self.permission = ObjectPermission(self)

    # -- extension points -------------------------------------------------------------

    def views(self) -> None:
        """Register custom routes on ``self.router``; they are added before the CRUD ones."""

    async def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        """Rows ``request`` may see: the serializer's ``queryset_request``, without
        soft-deleted rows."""
        queryset = await self.spec.queryset(request)
        return self.soft.hide(queryset) if self.soft is not None else queryset

    async def get_object(
        self, request: HttpRequest, pk: Any, *, operation: str = "retrieve"
    ) -> models.Model:
        """One visible row with the detail read plan applied (relations scoped), or a 404;
        a 403 when ``has_object_permission`` refuses ``operation`` on it."""
        if not storable_key(pk):
            raise Http404(f"No {self.model.__name__} matches the given query.")
        queryset = await self.spec.detail.apply(await self.get_queryset(request), request)
        try:
            obj = await queryset.aget(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404(f"No {self.model.__name__} matches the given query.") from None
        await self.permission.check(request, obj, operation)
        return obj

    def write_check(
        self, request: HttpRequest, operation: str, *, deleted: bool = False
    ) -> Check | None:
        """The ``check=`` of a write on one row: soft-deleted rows are a 404 (unless
        ``deleted``), then ``has_object_permission`` for ``operation``."""
        hide = self.soft.refuse_deleted if self.soft is not None and not deleted else None
        return combine(hide, self.permission.in_transaction(request, operation))

    async def query_params_handler(
        self, queryset: models.QuerySet, filters: dict[str, Any]
    ) -> models.QuerySet:
        """Apply list filters: by default, exact filters for names that are model lookups."""
        lookups = exact_filters(self._lookups, filters)
        return queryset.filter(**lookups) if lookups else queryset

    async def relation_queryset(
        self, request: HttpRequest, relation: str, queryset: models.QuerySet
    ) -> models.QuerySet:
        """The related rows a relation's ``GET`` pages through (already scoped); override
        to narrow or order them."""
        return queryset

    # -- registration -----------------------------------------------------------------

    def add_views_to_route(self) -> ViewSetRouter:
        """Register custom views, actions, then the CRUD routes, and mount them on the api."""
        if self._registered:
            raise ConfigError(f"{type(self).__name__} is already registered")
        self._registered = True
        self._converter, self._pk_type = pk_converter(self.model)
        self._lookups = model_lookups(self.model, list(self.query_params), self.spec.read.schema)
        self._etags = None
        if self.conditional_requests:
            spec = self.spec
            self._etags = ETags.build(self.model, spec.detail, spec.read, self.etag_field)
        self.views()
        self._add_actions(detail=False)
        self._add_actions(detail=True)
        add_bulk_routes(self)
        add_relation_routes(self)
        for operation in OPERATIONS:
            if operation in self.operations:
                getattr(self, f"_add_{operation}")()
        (self.router_group or self.api).add_router(self.path, self.router)
        if logger.isEnabledFor(logging.DEBUG):
            rows = auth_rows(self.router.auth_table.items(), self.mount_path, self.api.auth)
            routes = "; ".join(f"{method} {path} -> {auth}" for method, path, auth in rows)
            logger.debug("%s routes: %s", type(self).__name__, routes)
        return self.router

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
        (plus ``errors`` and other ``responses``)."""
        method, path, status, route_errors, verb = _ROUTES[operation]
        # 403: a row refused by has_object_permission, or written outside queryset_request
        refused = self.permission.active and operation != "list"
        refused |= self.spec.scoped and operation in ("create", "update", "put")
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

    def _add_actions(self, *, detail: bool) -> None:
        seen: set[str] = set()
        for klass in type(self).__mro__:
            for attr, value in vars(klass).items():
                spec: ActionSpec | None = getattr(value, "_ninja_aio_action", None)
                if spec is None or spec.detail is not detail or attr in seen:
                    continue
                seen.add(attr)
                endpoint, pk_name = bind_action(getattr(self, attr))
                if detail:
                    if pk_name is None:
                        raise ConfigError(f"detail action {attr} needs a primary-key parameter")
                    path = f"/{{{self._converter}:{pk_name}}}/{spec.url_path}/"
                else:
                    path = f"/{spec.url_path}/"
                name = f"{self.router.name_prefix}_{attr}"
                options = action_options(spec, endpoint, detail=detail)
                options = {"operation_id": name, "url_name": name, **options}
                self.router.add_custom(path, list(spec.methods), endpoint, spec.auth, **options)

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
        tags = self._etags
        scope = f"{self.api.urls_namespace}:{self.mount_path}"

        async def view(
            request: HttpRequest,
            pagination: Any = None,
            filters: Schema | None = None,
            options: Schema | None = None,
            filtering: Schema | None = None,
            if_none_match: str | None = None,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)
            queryset = await self.get_queryset(request)
            if filters is not None:
                values = {k: v for k, v in filters.model_dump().items() if v is not None}
                queryset = await self.query_params_handler(queryset, values)
            queryset, read = listing.apply(self._ordered(queryset), options, filtering)
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
            return tags.read_page(request, page, rows, body, if_none_match, response)

        item = listing.item_schema
        if paginator is None:
            response: Any = list[item]
        else:
            owner = (type(paginator), item)
            name = unique_name(f"Paged{item.__name__}", owner, type(paginator).__name__)
            response = paged_schema(paginator, item, name)
        extra: dict[str, Any] = {}
        if tags is not None:
            params += header_params(write=False, required=False)
            extra = route_options(200, write=False, required=False)
        if listing.selection:
            # with field selection, fields not chosen are left out (not rendered as null)
            extra["exclude_unset"] = True
        self._route("list", view, response, *params, **extra)

    def _list_options(self) -> ListOptions:
        return ListOptions(
            ordering_fields=self.ordering_fields,
            search_fields=self.search_fields,
            filter_schema=self.filter_schema,
            filter_fields=self.filter_fields,
            field_selection=self.field_selection,
        )

    def _ordered(self, queryset: models.QuerySet) -> models.QuerySet:
        default = self.ordering or declared_ordering(self.pagination_class)
        ordering = list(queryset.query.order_by) or list(default or self.model._meta.ordering or ())
        if not {"pk", "-pk", self.model._meta.pk.name, f"-{self.model._meta.pk.name}"} & set(
            map(str, ordering)
        ):
            ordering.append("pk")
        return queryset.order_by(*ordering)

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
                return 201, await create_row(request, self.spec, payload, plan, check=check)

            if not idempotency:
                return Status(*await create())
            return Status(*await idempotency.run(request, idempotency_key, route, create, response))

        self._route("create", view, plan.schema, *params, errors=(503,) if idempotency else ())

    def _conditional_route(self, operation: str, view: Any, schema: Any, *params: Any) -> None:
        """Register a read or write route with its conditional-request headers and statuses."""
        options: dict[str, Any] = {}
        if self._etags is not None:
            write, required = operation != "retrieve", self.require_if_match
            params = (*params, *header_params(write=write, required=required))
            options = route_options(_ROUTES[operation][2], write=write, required=required)
        self._route(operation, view, schema, *params, **options)

    def _add_retrieve(self) -> None:
        plan = self.spec.detail
        tags = self._etags

        async def view(
            request: HttpRequest,
            id: Any,
            if_none_match: str | None = None,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)
            obj = await self.get_object(request, id)
            if tags is None:
                return plan.reader(obj)
            return tags.read_row(obj, if_none_match, response)

        id_param = _param("id", self._pk_type, Path(...))
        self._conditional_route("retrieve", view, plan.schema, id_param)

    def _add_update(self, operation: str = "update") -> None:
        write = self.spec.replace if operation == "put" else self.spec.update
        if write is None:
            return
        plan = self.spec.read

        async def view(
            request: HttpRequest,
            id: Any,
            payload: Schema,
            if_match: str | None = None,
            if_none_match: str | None = None,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)
            condition = await write_condition(
                self._etags, request, if_match, if_none_match, required=self.require_if_match
            )
            hooks = write_hooks(condition)
            check = combine(self.write_check(request, operation), hooks.pop("check", None))
            body = await update_row(
                request, self.spec, id, payload, plan, plan=write, check=check, **hooks
            )
            return body if condition is None else condition.tag_response(response, body)

        payload = _param("payload", write.schema, inspect.Parameter.empty)
        id_param = _param("id", self._pk_type, Path(...))
        self._conditional_route(operation, view, plan.schema, id_param, payload)

    def _add_put(self) -> None:
        """PUT: the update route with the replacement payload (``spec.replace``)."""
        self._add_update("put")

    def _add_delete(self) -> None:
        if self.soft is not None:
            add_soft_delete_routes(self)
            return

        async def view(
            request: HttpRequest,
            id: Any,
            if_match: str | None = None,
            if_none_match: str | None = None,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)
            condition = await write_condition(
                self._etags, request, if_match, if_none_match, required=self.require_if_match
            )
            hooks = write_hooks(condition)
            check = combine(self.write_check(request, "delete"), hooks.pop("check", None))
            await delete_row(request, self.spec, id, check=check, **hooks)
            return Status(204, None)

        self._conditional_route("delete", view, None, _param("id", self._pk_type, Path(...)))


class ReadOnlyViewSet(APIViewSet):
    """Only list and retrieve."""

    operations = ("list", "retrieve")


class WriteOnlyViewSet(APIViewSet):
    """Only create, update (PATCH and PUT) and delete."""

    operations = ("create", "update", "put", "delete")
