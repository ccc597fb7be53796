"""Relation routes of a viewset: ``GET`` / ``POST`` on ``/{id}/<relation>/``.

``relations = ["tags"]`` names to-many relations of the model (a many-to-many, either
side, or a reverse foreign key). ``GET`` pages through the related rows the caller may
see (the related model's ``queryset_request``), rendered with its serializer's read
schema (its primary key only when it has none). ``POST {"add": [...], "remove": [...]}``
links and unlinks rows in one transaction and answers what it did and what it refused:
an id that does not exist and an id outside the caller's scope are both ``"not found"``.

The parent row is loaded through the viewset's ``get_object`` (its scope, and whatever
checks it makes), so a parent the caller cannot see is a 404. Auth: ``relation_auth``
for the relation when declared (``None``: public), else the viewset's auth of ``GET``
for reading and of ``PATCH`` for changing (``auth_resolution.resolve_auth``).

``relation_options = {"tags": {"search_fields": [...], ...}}`` gives a relation's ``GET``
the list options of ``ninja_aio/query/`` (the keys of ``ListOptions``), checked like a
list's against the related read schema: ``?search=``, ``?ordering=``, filters, ``?fields=``.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from django.db import models
from django.http import HttpRequest
from ninja import Body, Path, Query, Schema
from ninja.errors import ConfigError, HttpError, ValidationError
from pydantic import ConfigDict, SkipValidation, create_model
from pydantic import ValidationError as PydanticValidationError

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.hooks import set_request
from ninja_aio.models.schemas import ReadPlan, build_read, unique_name
from ninja_aio.models.spec import spec_for
from ninja_aio.models.writes import _in_transaction
from ninja_aio.pagination import list_response, make_paginator, paginate
from ninja_aio.query import ListQuery
from ninja_aio.views.auth_resolution import ResolvedAuth, resolve_auth
from ninja_aio.views.relation_config import Relation, relations_of
from ninja_aio.views.responses import ErrorBody, ValidationErrorBody

__all__ = ["Refused", "Relation", "add_relation_routes", "relations_of"]

#: Why an id of a ``POST`` body was not applied.
NOT_FOUND = "not found"
DUPLICATE = "duplicate"
BOTH = "in both add and remove"
ALREADY = "already related"
NOT_RELATED = "not related"


class Refused(Schema):
    """An id of the body left untouched, and why (``"not found"``, ``"duplicate"``...)."""

    id: Any
    reason: str


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


async def _scope(request: HttpRequest, model: type[models.Model]) -> models.QuerySet:
    """The related rows ``request`` may see: their serializer's ``queryset_request``."""
    spec = spec_for(model)
    return await spec.queryset(request) if spec else model._default_manager.all()


def _read_plan(relation: Relation) -> ReadPlan:
    """The related model's read plan, or a primary-key-only schema when it has no serializer
    (no column is served that nobody chose to serve)."""
    spec = spec_for(relation.model)
    if spec is not None:
        return spec.read
    pk = relation.model._meta.pk.name
    name = unique_name(f"{relation.model.__name__}Key", (relation.model, "key"), "Related")
    return build_read(relation.model, SchemaConfig(fields=[pk]), name, spec_for)


def _ordered(queryset: models.QuerySet) -> models.QuerySet:
    """A stable order for pages: the scope's order, else the model's, then the key."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering or ())
    return queryset.order_by(*ordering, "pk")


def _parse(body_schema: type[Schema], raw: Any, limit: int) -> Schema:
    """The body, validated: 413 past ``limit`` ids (before any id is parsed), 422 else."""
    if isinstance(raw, dict):
        sizes = [len(v) for k, v in raw.items() if k in ("add", "remove") and isinstance(v, list)]
        if sum(sizes) > limit:
            raise HttpError(413, f"A body holds at most {limit} ids; this one has {sum(sizes)}")
    try:
        return body_schema.model_validate(raw)
    except PydanticValidationError as exc:
        errors = [
            {"loc": ["body", "payload", *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise ValidationError(errors) from None


def _sort(add: list[Any], remove: list[Any]) -> tuple[list[Any], list[Any], list[Refused]]:
    """Drop repeated ids and ids asked both ways; they are refused, the rest go on."""
    refused: list[Refused] = []
    both = set(add) & set(remove)
    kept: tuple[list[Any], list[Any]] = ([], [])
    for ids, out in ((add, kept[0]), (remove, kept[1])):
        seen: set[Any] = set()
        for key in ids:
            if key in both:
                refused.append(Refused(id=key, reason=BOTH))
            elif key in seen:
                refused.append(Refused(id=key, reason=DUPLICATE))
            else:
                out.append(key)
            seen.add(key)
    return kept[0], kept[1], refused


class _Routes:
    """The two routes of one relation on one viewset."""

    def __init__(self, viewset: Any, relation: Relation) -> None:
        self.viewset = viewset
        self.relation = relation
        self.path = f"/{{{viewset._converter}:id}}/{relation.name}/"
        self.name = f"{viewset.router.name_prefix}_{relation.name}"
        self.subject = f"{relation.name} of a {viewset.model._meta.verbose_name}"
        self.plan = _read_plan(relation)

    def _auth(self, method: str) -> ResolvedAuth:
        declared = self.viewset.relation_auth or {}
        if self.relation.name in declared:
            return ResolvedAuth(declared[self.relation.name], "relation_auth")
        return resolve_auth(self.viewset, method)

    def _register(self, method: str, view: Any, params: list[inspect.Parameter], **kw: Any) -> None:
        request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        view.__signature__ = inspect.Signature([request, *params])
        view.__name__ = view.__qualname__ = kw["operation_id"]
        auth = self._auth("GET" if method == "GET" else "PATCH")
        self.viewset.router.add_route(
            self.path, [method], view, auth, url_name=kw["operation_id"], **kw
        )

    def _id(self) -> inspect.Parameter:
        return inspect.Parameter(
            "id",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=self.viewset._pk_type,
            default=Path(...),
        )

    async def related(self, request: HttpRequest, parent: models.Model) -> models.QuerySet:
        """The related rows of ``parent`` the caller may see, before the read plan."""
        linked = getattr(parent, self.relation.name)
        scope = await _scope(request, self.relation.model)
        return scope.filter(pk__in=linked.values("pk"))

    def add_list(self) -> None:
        viewset, plan, relation = self.viewset, self.plan, self.relation
        paginator = None
        if viewset.pagination_class is not None:
            paginator = make_paginator(
                viewset.pagination_class,
                page_size=viewset.page_size,
                max_page_size=viewset.max_page_size,
            )
        params = [self._id()]
        if paginator is not None and paginator.Input.model_fields:
            params.append(self._query("pagination", paginator.Input))
        listing = self._listing(paginator)
        if listing is not None and listing.options is not None:
            params.append(self._query("options", listing.options))
        if listing is not None and listing.filtering is not None:
            params.append(self._query("filtering", listing.filtering.schema))
        scope = f"{viewset.api.urls_namespace}:{viewset.mount_path}:{relation.name}"

        async def view(
            request: HttpRequest,
            id: Any,
            pagination: Any = None,
            options: Schema | None = None,
            filtering: Schema | None = None,
        ) -> Any:
            set_request(request)
            parent = await viewset.get_object(request, id)
            queryset = await self.related(request, parent)
            queryset = await viewset.relation_queryset(request, relation.name, queryset)
            queryset, read = _ordered(queryset), plan
            if listing is not None:
                queryset, read = listing.apply(queryset, options, filtering)
            queryset = await read.apply(queryset, request)
            if paginator is None:
                return [read.reader(obj) async for obj in queryset]
            # a cursor is valid only on the relation of the parent row it was issued for
            page = await paginate(
                paginator, queryset, pagination, request, scope=f"{scope}:{parent.pk}"
            )
            attr = paginator.items_attribute
            page[attr] = [read.reader(obj) for obj in page[attr]]
            return page

        item = listing.item_schema if listing is not None else plan.schema
        response = list_response(paginator, item)
        # with field selection, fields not chosen are left out (not rendered as null)
        extra = {"exclude_unset": True} if listing is not None and listing.selection else {}
        self._register(
            "GET",
            view,
            params,
            response={200: response, 404: ErrorBody, 422: ValidationErrorBody, **self._refusal},
            operation_id=f"{self.name}_list",
            summary=f"List the {self.subject}",
            **extra,
        )

    @property
    def _refusal(self) -> dict[int, Any]:
        """The 403 of a parent row ``has_object_permission`` refuses, when the viewset has one."""
        return {403: ErrorBody} if self.viewset.permission.active else {}

    @staticmethod
    def _query(name: str, schema: Any) -> inspect.Parameter:
        return inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, annotation=schema, default=Query(...)
        )

    def _listing(self, paginator: Any) -> ListQuery | None:
        """The relation's list options, checked against the related read schema (a field
        it hides is refused), or ``None`` when none are declared."""
        options = self.relation.options
        if options is None:
            return None
        where = f"{type(self.viewset).__name__}.relation_options[{self.relation.name!r}]"
        spec = spec_for(self.relation.model)
        if spec is None:
            raise ConfigError(
                f"{where}: {self.relation.model.__name__} has no serializer: its rows are "
                "served as keys only, with no field to search, order or filter on"
            )
        taken = ["id", *(paginator.Input.model_fields if paginator else ())]
        return ListQuery(spec, self.plan, options, where=where, taken=taken)

    def _schemas(self) -> tuple[type[Schema], type[Schema]]:
        model, key = self.viewset.model, self.relation.key_type
        prefix = model._meta.app_label.title().replace("_", "")
        base = f"{self.viewset.spec.base_name}{self.relation.name.title().replace('_', '')}"
        owner = self.relation.field  # same relation, same key type: the same schemas
        body = create_model(
            unique_name(f"{base}Change", (owner, "body"), prefix),
            __base__=_Strict,
            add=(list[key], []),
            remove=(list[key], []),
        )
        answer = create_model(
            unique_name(f"{base}Changed", (owner, "answer"), prefix),
            __base__=Schema,
            added=(list[key], ...),
            removed=(list[key], ...),
            refused=(list[Refused], ...),
        )
        return body, answer

    def add_change(self) -> None:
        viewset, relation = self.viewset, self.relation
        body, answer = self._schemas()
        limit = int(viewset.bulk_max_items)
        payload = inspect.Parameter(
            "payload",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[body, SkipValidation],
            default=Body(...),
        )

        async def view(request: HttpRequest, id: Any, payload: Any) -> Any:
            set_request(request)
            change = _parse(body, payload, limit)
            parent = await viewset.get_object(request, id, operation="update")
            scope = await _scope(request, relation.model)
            return await _in_transaction(
                relation.model, lambda: _apply(relation, parent, scope, change.add, change.remove)
            )

        self._register(
            "POST",
            view,
            [self._id(), payload],
            response={
                200: answer,
                404: ErrorBody,
                409: ErrorBody,
                413: ErrorBody,
                422: ValidationErrorBody,
                **self._refusal,
            },
            operation_id=f"{self.name}_change",
            summary=f"Add or remove {self.subject}",
        )


def _apply(
    relation: Relation,
    parent: models.Model,
    scope: models.QuerySet,
    add: list[Any],
    remove: list[Any],
) -> dict[str, Any]:
    """Link ``add`` and unlink ``remove`` (sync, inside the transaction); what was refused."""
    add, remove, refused = _sort(add, remove)
    keys = [*add, *remove]  # typed by the related key: each fits its column
    visible = set(scope.filter(pk__in=keys).values_list("pk", flat=True)) if keys else set()
    manager = getattr(parent, relation.name)
    linked = set(manager.filter(pk__in=visible).values_list("pk", flat=True)) if visible else set()
    added, removed = [], []
    for key in add:
        if key not in visible:
            refused.append(Refused(id=key, reason=NOT_FOUND))
        elif key in linked:
            refused.append(Refused(id=key, reason=ALREADY))
        else:
            added.append(key)
    for key in remove:
        if key not in visible:
            refused.append(Refused(id=key, reason=NOT_FOUND))
        elif key not in linked:
            refused.append(Refused(id=key, reason=NOT_RELATED))
        elif not relation.removable:
            fk = relation.reverse_fk
            reason = (
                f"{fk.model.__name__}.{fk.name} cannot be empty: delete or move the row instead"
            )
            refused.append(Refused(id=key, reason=reason))
        else:
            removed.append(key)
    if relation.reverse_fk is None:
        if added:
            manager.add(*added)
        if removed:
            manager.remove(*removed)
    else:
        rows = relation.model._base_manager
        if added:
            rows.filter(pk__in=added).update(**{relation.reverse_fk.name: parent})
        if removed:
            rows.filter(pk__in=removed).update(**{relation.reverse_fk.name: None})
    return {"added": added, "removed": removed, "refused": refused}


def add_relation_routes(viewset: Any) -> None:
    """Register the ``GET`` route of each of the viewset's ``relations``, and its ``POST``
    route when the viewset updates rows (``"update"`` in ``operations``)."""
    changes = "update" in viewset.operations  # a read-only viewset changes no relation
    for relation in viewset._relations.values():
        routes = _Routes(viewset, relation)
        routes.add_list()
        if changes:
            routes.add_change()
