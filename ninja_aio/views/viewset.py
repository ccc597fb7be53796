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

from ninja_aio.filters import filters_schema, model_lookups
from ninja_aio.models.fields import storable_key
from ninja_aio.models.hooks import set_request
from ninja_aio.models.schemas import unique_name
from ninja_aio.models.spec import ModelSpec
from ninja_aio.models.writes import create_row, delete_row, update_row
from ninja_aio.pagination import PageNumberPagination, make_paginator, paged_schema, paginate
from ninja_aio.views.actions import ActionSpec, action_options, bind_action
from ninja_aio.views.auth_resolution import auth_rows, resolve_auth
from ninja_aio.views.bulk import add_bulk_routes
from ninja_aio.views.idempotency import Idempotency
from ninja_aio.views.responses import error_responses
from ninja_aio.views.routing import ViewSetRouter, pk_converter

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


class APIViewSet:
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

    pagination_class: ClassVar[type[PaginationBase] | PaginationBase | None] = PageNumberPagination
    page_size: ClassVar[int | None] = 20
    max_page_size: ClassVar[int | None] = 100
    query_params: ClassVar[dict[str, tuple[Any, Any]]] = {}
    ordering: ClassVar[tuple[str, ...] | None] = None
    #: ``Idempotency(...)`` (or ``True`` for its defaults): POST honours ``Idempotency-Key``.
    idempotency: ClassVar[Idempotency | bool | None] = None

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
        self.path = (self.api_route_path or self.model._meta.model_name).strip("/")
        self.router = ViewSetRouter(
            auth=self.auth,
            tags=self.tags or [self.model.__name__],
            resolver=functools.partial(resolve_auth, self, custom=True),
            name_prefix=self.path.replace("/", "_"),
        )
        self._registered = False

    # -- extension points -------------------------------------------------------------

    def views(self) -> None:
        """Register custom routes on ``self.router``; they are added before the CRUD ones."""

    async def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        """Rows ``request`` may see: the serializer's ``queryset_request``."""
        return await self.spec.queryset(request)

    async def get_object(self, request: HttpRequest, pk: Any) -> models.Model:
        """One visible row with the detail read plan applied (relations scoped), or a 404."""
        if not storable_key(pk):
            raise Http404(f"No {self.model.__name__} matches the given query.")
        queryset = await self.spec.detail.apply(await self.get_queryset(request), request)
        try:
            return await queryset.aget(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404(f"No {self.model.__name__} matches the given query.") from None

    async def query_params_handler(
        self, queryset: models.QuerySet, filters: dict[str, Any]
    ) -> models.QuerySet:
        """Apply list filters: by default, exact filters for names that are model lookups."""
        lookups = {k: v for k, v in filters.items() if k in self._lookups}
        return queryset.filter(**lookups) if lookups else queryset

    # -- registration -----------------------------------------------------------------

    def add_views_to_route(self) -> ViewSetRouter:
        """Register custom views, actions, then the CRUD routes, and mount them on the api."""
        if self._registered:
            raise ConfigError(f"{type(self).__name__} is already registered")
        self._registered = True
        self._converter, self._pk_type = pk_converter(self.model)
        self._lookups = model_lookups(self.model, list(self.query_params))
        self.views()
        self._add_actions(detail=False)
        self._add_actions(detail=True)
        add_bulk_routes(self)
        for operation in OPERATIONS:
            if operation in self.operations:
                getattr(self, f"_add_{operation}")()
        self.api.add_router(self.path, self.router)
        if logger.isEnabledFor(logging.DEBUG):
            rows = auth_rows(self.router.auth_table.items(), self.path, self.api.auth)
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
        trusted: bool = False,
    ) -> None:
        """Register a generated view: method, path, status codes and summary from ``_ROUTES``
        (plus ``errors``); ``trusted``: it answers a read plan's output (``rendering.py``)."""
        method, path, status, route_errors, verb = _ROUTES[operation]
        errors = (*route_errors, *errors)
        path = path.format(id=self._id_path)
        name = f"{self.path.replace('/', '_')}_{operation}"
        plural = operation == "list"
        subject = self.model._meta.verbose_name_plural if plural else self.model._meta.verbose_name
        self.router.add_route(
            path,
            [method],
            _endpoint(view, operation, list(params)),
            resolve_auth(self, method),
            response={status: schema, **error_responses(*errors)},
            operation_id=name,
            url_name=name,
            summary=f"{verb} {subject}",
            trusted=trusted,
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

        async def view(
            request: HttpRequest, pagination: Any = None, filters: Schema | None = None
        ) -> Any:
            set_request(request)
            queryset = await self.get_queryset(request)
            if filters is not None:
                values = {k: v for k, v in filters.model_dump().items() if v is not None}
                queryset = await self.query_params_handler(queryset, values)
            queryset = await plan.apply(self._ordered(queryset), request)
            if paginator is None:
                return [plan.reader(obj) async for obj in queryset]
            page = await paginate(paginator, queryset, pagination, request)
            page[paginator.items_attribute] = [
                plan.reader(o) for o in page[paginator.items_attribute]
            ]
            return page

        if paginator is None:
            response: Any = list[plan.schema]
        else:
            owner = (type(paginator), plan.schema)
            name = unique_name(f"Paged{plan.schema.__name__}", owner, type(paginator).__name__)
            response = paged_schema(paginator, plan.schema, name)
        self._route("list", view, response, *params, trusted=plan.exact)

    def _ordered(self, queryset: models.QuerySet) -> models.QuerySet:
        ordering = list(queryset.query.order_by) or list(
            self.ordering or self.model._meta.ordering or ()
        )
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
        route = f"{self.api.urls_namespace}:{self.path}:create"

        async def view(
            request: HttpRequest,
            payload: Schema,
            idempotency_key: str | None = None,
            response: HttpResponse | None = None,
        ) -> Any:
            set_request(request)

            async def create() -> tuple[int, Any]:
                return 201, await create_row(request, self.spec, payload, plan)

            if not idempotency:
                return Status(*await create())
            return Status(*await idempotency.run(request, idempotency_key, route, create, response))

        errors = (503,) if idempotency else ()
        self._route("create", view, plan.schema, *params, errors=errors, trusted=plan.exact)

    def _add_retrieve(self) -> None:
        plan = self.spec.detail

        async def view(request: HttpRequest, id: Any) -> Any:
            set_request(request)
            return plan.reader(await self.get_object(request, id))

        pk = _param("id", self._pk_type, Path(...))
        self._route("retrieve", view, plan.schema, pk, trusted=plan.exact)

    def _add_update(self, operation: str = "update") -> None:
        write = self.spec.replace if operation == "put" else self.spec.update
        if write is None:
            return
        plan = self.spec.read

        async def view(request: HttpRequest, id: Any, payload: Schema) -> Any:
            set_request(request)
            return await update_row(request, self.spec, id, payload, plan, plan=write)

        payload = _param("payload", write.schema, inspect.Parameter.empty)
        pk = _param("id", self._pk_type, Path(...))
        self._route(operation, view, plan.schema, pk, payload, trusted=plan.exact)

    def _add_put(self) -> None:
        """PUT: the update route with the replacement payload (``spec.replace``)."""
        self._add_update("put")

    def _add_delete(self) -> None:
        async def view(request: HttpRequest, id: Any) -> Any:
            set_request(request)
            await delete_row(request, self.spec, id)
            return Status(204, None)

        self._route("delete", view, None, _param("id", self._pk_type, Path(...)))


class ReadOnlyViewSet(APIViewSet):
    """Only list and retrieve."""

    operations = ("list", "retrieve")


class WriteOnlyViewSet(APIViewSet):
    """Only create, update (PATCH and PUT) and delete."""

    operations = ("create", "update", "put", "delete")
