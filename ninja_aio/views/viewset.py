"""APIViewSet: async list / create / retrieve / update / delete routes for one model."""

import functools
import logging
from contextvars import ContextVar
from typing import Any, ClassVar

from django.db import models
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.constants import NOT_SET
from ninja.errors import ConfigError
from ninja.pagination import PaginationBase

from ninja_aio.filters import exact_filters, model_lookups
from ninja_aio.models.fields import storable_key
from ninja_aio.models.guards import Check, combine
from ninja_aio.models.soft_delete import SoftDelete
from ninja_aio.models.spec import ModelSpec
from ninja_aio.pagination import PageNumberPagination
from ninja_aio.views.actions import ActionSpec, action_options, bind_action
from ninja_aio.views.auth_resolution import auth_rows, resolve_auth
from ninja_aio.views.bulk import add_bulk_routes
from ninja_aio.views.conditional import ETags
from ninja_aio.views.crud import OPERATIONS, CrudRoutes
from ninja_aio.views.idempotency import Idempotency
from ninja_aio.views.permissions import ObjectPermission, ObjectPermissions
from ninja_aio.views.relations import add_relation_routes, relations_of
from ninja_aio.views.routing import ViewSetRouter, pk_converter
from ninja_aio.views.soft_delete import SoftDeletes

__all__ = ["APIViewSet", "ReadOnlyViewSet", "WriteOnlyViewSet"]

logger = logging.getLogger(__name__)

#: Set while a restore or hard delete asks ``get_queryset`` for the rows it may change:
#: soft-deleted rows are then among them.
_WITH_MARKED: ContextVar[bool] = ContextVar("ninja_aio_with_marked", default=False)


class APIViewSet(CrudRoutes, ObjectPermissions, SoftDeletes):
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
        if self.soft is None or _WITH_MARKED.get():
            return queryset
        return self.soft.hide(queryset)

    async def write_rows(
        self, request: HttpRequest, *, deleted: bool = False
    ) -> models.QuerySet | None:
        """The ``rows=`` of a write: the rows it may change are ``get_queryset``'s (with
        soft-deleted ones when ``deleted``: restore, hard delete). ``None`` when the class
        keeps the default ``get_queryset``: the write applies the same scope itself."""
        if not self._narrowed:
            return None
        token = _WITH_MARKED.set(deleted)
        try:
            return await self.get_queryset(request)
        finally:
            _WITH_MARKED.reset(token)

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
        self._narrowed = type(self).get_queryset is not APIViewSet.get_queryset
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


class ReadOnlyViewSet(APIViewSet):
    """Only list and retrieve."""

    operations = ("list", "retrieve")


class WriteOnlyViewSet(APIViewSet):
    """Only create, update (PATCH and PUT) and delete."""

    operations = ("create", "update", "put", "delete")
