"""List pagination for viewsets: any ninja pagination class, sync or async, page-number default."""

from __future__ import annotations

import inspect
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import AsyncPaginationBase, PageNumberPagination, PaginationBase
from pydantic import create_model

__all__ = ["PageNumberPagination", "make_paginator", "paged_schema", "paginate"]


def make_paginator(
    pagination_class: type[PaginationBase] | PaginationBase, **options: Any
) -> PaginationBase:
    """Instantiate ``pagination_class`` with the ``options`` its constructor accepts.

    An instance is used as it is; this is how a viewset's ``page_size`` and
    ``max_page_size`` reach ``PageNumberPagination`` (or a custom class taking them).
    """
    if isinstance(pagination_class, PaginationBase):
        return pagination_class
    params = inspect.signature(pagination_class.__init__).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    accepted = {k: v for k, v in options.items() if v is not None and (k in params or takes_any)}
    return pagination_class(**accepted)


def paged_schema(paginator: PaginationBase, item: type[Schema], name: str) -> type[Schema]:
    """The paginator's ``Output`` schema with its items typed as ``item``."""
    return create_model(
        name, __base__=paginator.Output, **{paginator.items_attribute: (list[item], ...)}
    )


async def paginate(
    paginator: PaginationBase, queryset: QuerySet, params: Any, request: HttpRequest
) -> dict[str, Any]:
    """One page of ``queryset`` as the paginator's output dict, items as model instances."""
    if params is None:
        params = paginator.Input()
    attr = paginator.items_attribute
    if isinstance(paginator, AsyncPaginationBase):
        page = await paginator.apaginate_queryset(queryset, pagination=params, request=request)
        items = page[attr]
        if isinstance(items, QuerySet):
            page[attr] = [obj async for obj in items]
        return page

    def run() -> dict[str, Any]:
        page = paginator.paginate_queryset(queryset, pagination=params, request=request)
        page[attr] = list(page[attr])
        return page

    return await sync_to_async(run)()
