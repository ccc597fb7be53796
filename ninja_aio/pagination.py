"""List pagination for viewsets: any ninja pagination class, sync or async, page-number default;
cursor pagination is ``ninja_aio.cursor``'s."""

from __future__ import annotations

import copy
import functools
import inspect
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DataError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ValidationError
from ninja.pagination import AsyncPaginationBase, PageNumberPagination, PaginationBase
from ninja.pagination import CursorPagination as NinjaCursorPagination
from pydantic import ValidationError as PydanticValidationError
from pydantic import create_model

from ninja_aio.cursor import CursorPagination
from ninja_aio.models.schemas import unique_name

__all__ = [
    "CursorPagination",
    "PageNumberPagination",
    "list_response",
    "make_paginator",
    "paginate",
]


def make_paginator(
    pagination_class: type[PaginationBase] | PaginationBase, **options: Any
) -> PaginationBase:
    """Instantiate ``pagination_class`` with the ``options`` its constructor accepts.

    An instance is used as it is; this is how a viewset's ``page_size`` and
    ``max_page_size`` reach ``PageNumberPagination`` (or a custom class taking them).
    ninja's own ``CursorPagination`` (class or instance) becomes ours, with its settings:
    its cursors can be forged and its pages move when rows are inserted.
    """
    if type(pagination_class) is NinjaCursorPagination:
        pagination_class = CursorPagination(
            ordering=pagination_class.ordering,
            page_size=pagination_class.page_size,
            max_page_size=pagination_class.max_page_size,
        )
    elif pagination_class is NinjaCursorPagination:
        pagination_class = CursorPagination
    if isinstance(pagination_class, PaginationBase):
        paginator = pagination_class
    else:
        params = inspect.signature(pagination_class.__init__).parameters
        takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
        accepted = {
            k: v for k, v in options.items() if v is not None and (k in params or takes_any)
        }
        paginator = pagination_class(**accepted)
    paginator.Input = _documented_input(paginator)
    return paginator


def _documented_input(paginator: PaginationBase) -> type[Schema]:
    """The paginator's ``Input`` with ``page_size`` documented as it behaves: the
    paginator's default, and its ``max_page_size`` (larger values are capped to it)."""
    field = paginator.Input.model_fields.get("page_size")
    size, cap = getattr(paginator, "page_size", None), getattr(paginator, "max_page_size", None)
    if field is None or not isinstance(size, int):
        return paginator.Input
    documented = copy.copy(field)
    extra = {"default": size} | ({"maximum": cap} if isinstance(cap, int) else {})
    documented.json_schema_extra = {**(field.json_schema_extra or {}), **extra}  # type: ignore[dict-item]
    return create_model(
        paginator.Input.__name__,
        __base__=paginator.Input,
        page_size=(field.annotation, documented),
    )


def list_response(paginator: PaginationBase | None, item: type[Schema]) -> Any:
    """A list route's response schema: ``list[item]``, or the paginator's ``Output`` with
    its items typed as ``item`` (one schema per paginator class and item)."""
    if paginator is None:
        return list[item]
    kind = type(paginator)
    name = unique_name(f"Paged{item.__name__}", (kind, item), kind.__name__)
    return create_model(
        name, __base__=paginator.Output, **{paginator.items_attribute: (list[item], ...)}
    )


#: SQL ``LIMIT`` / ``OFFSET`` are 64-bit integers: no row lies past this position.
MAX_ROWS = 2**63 - 1


class _BoundedSlices:
    """QuerySet mixin: a slice past ``MAX_ROWS`` (``?page=10**30``) is empty, or ends there,
    instead of an ``OFFSET`` / ``LIMIT`` the database refuses."""

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice) and isinstance(k.start or 0, int):
            start = k.start or 0
            if start > MAX_ROWS:
                return self.none()  # type: ignore[attr-defined]
            if isinstance(k.stop, int) and k.stop - start > MAX_ROWS:
                k = slice(k.start, start + MAX_ROWS, k.step)
        return super().__getitem__(k)  # type: ignore[misc]


@functools.cache
def _bounded_class(queryset_class: type[QuerySet]) -> type[QuerySet]:
    return type(queryset_class.__name__, (_BoundedSlices, queryset_class), {})


def _bounded(queryset: QuerySet) -> QuerySet:
    queryset = queryset.all()
    queryset.__class__ = _bounded_class(type(queryset))
    return queryset


def _query_errors(exc: Exception) -> ValidationError:
    """A paginator's refusal of its query parameters (a forged cursor) as a 422 at the query."""
    if isinstance(exc, PydanticValidationError):
        errors = [
            {"loc": ["query", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
        return ValidationError(errors)
    errors = []
    for error in exc.errors:  # type: ignore[attr-defined]
        if isinstance(error, dict) and "loc" in error:
            errors.append(error)
        elif isinstance(error, dict):
            errors += [
                {"loc": ["query", key], "msg": str(msg), "type": "value_error"}
                for key, msg in error.items()
            ]
        else:
            errors.append({"loc": ["query"], "msg": str(error), "type": "value_error"})
    return ValidationError(errors)


async def paginate(
    paginator: PaginationBase,
    queryset: QuerySet,
    params: Any,
    request: HttpRequest,
    *,
    scope: str | None = None,
) -> dict[str, Any]:
    """One page of ``queryset`` as the paginator's output dict, items as model instances.

    ``scope`` names the list (a viewset's route): cursors are valid only where issued.
    """
    extra = {"scope": scope} if isinstance(paginator, CursorPagination) and scope else {}
    if params is None:
        params = paginator.Input()
    attr = paginator.items_attribute
    if isinstance(queryset, QuerySet):
        queryset = _bounded(queryset)
    try:
        if isinstance(paginator, AsyncPaginationBase):
            page = await paginator.apaginate_queryset(
                queryset, pagination=params, request=request, **extra
            )
            items = page[attr]
            if isinstance(items, QuerySet):
                page[attr] = [obj async for obj in items]
            return page

        def run() -> dict[str, Any]:
            page = paginator.paginate_queryset(
                queryset, pagination=params, request=request, **extra
            )
            page[attr] = list(page[attr])
            return page

        return await sync_to_async(run)()
    except (ValidationError, PydanticValidationError) as exc:
        raise _query_errors(exc) from exc
    except DataError as exc:
        # A value decoded from the query (a cursor position with NUL) the database refuses.
        error = {"loc": ["query"], "msg": "Invalid pagination parameters", "type": "value_error"}
        raise ValidationError([error]) from exc
