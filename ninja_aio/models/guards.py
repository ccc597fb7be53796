"""Checks a write runs inside its transaction: the row written must stay in the caller's scope.

A create (or update) payload may name a column that ``queryset_request`` scopes on (a
``tenant``): without this check tenant A could write rows of tenant B. After the write,
still inside the transaction, the rows are looked up through ``queryset_request``; one
that is not there rolls the whole write back with a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections, models, router
from django.http import HttpRequest
from ninja.errors import HttpError

from ninja_aio.models.spec import ModelSpec

__all__ = [
    "OUTSIDE_SCOPE",
    "Check",
    "combine",
    "ensure_visible",
    "lock_rows",
    "outside_scope",
    "run_check",
    "writable",
]

#: A callable run on a row loaded (or written) inside a write's transaction; raising
#: ``Http404`` / ``HttpError`` refuses the row and rolls the transaction back.
Check = Callable[[models.Model], None]

OUTSIDE_SCOPE = "The row written would lie outside the rows you may access"


def outside_scope(queryset: models.QuerySet | None, keys: Iterable[Any]) -> list[Any]:
    """The ``keys`` not visible through ``queryset`` (``None``: no scope, nothing hidden).

    Call it inside the transaction, after the write: one query for every key.
    """
    keys = list(keys)
    if queryset is None or not keys:
        return []
    found = set(queryset.filter(pk__in=keys).values_list("pk", flat=True))
    return [key for key in keys if key not in found]


async def writable(
    request: HttpRequest, spec: ModelSpec, rows: models.QuerySet | None
) -> tuple[models.QuerySet, bool]:
    """The rows a write may change, and whether they are narrowed (the row written must
    then stay among them): ``rows`` when the view narrows them (a viewset overriding
    ``get_queryset``), else the serializer's ``queryset_request``."""
    if rows is not None:
        return rows, True
    return await spec.queryset(request), spec.scoped


def ensure_visible(queryset: models.QuerySet | None, key: Any) -> None:
    """403 (rolling the write back) when the row ``key`` is outside ``queryset``."""
    if outside_scope(queryset, [key]):
        raise HttpError(403, OUTSIDE_SCOPE)


def lock_rows(model: type[models.Model], keys: Iterable[Any]) -> None:
    """Lock the rows ``keys`` until the transaction ends (``SELECT ... FOR UPDATE`` where the
    database has it), before they are loaded for a check: the row a check approves cannot
    change between the check and the write. Databases without row locks (SQLite) already
    let one write transaction run at a time."""
    using = router.db_for_write(model)
    keys = list(keys)
    if keys and connections[using].features.has_select_for_update:
        rows = model._base_manager.using(using).select_for_update().filter(pk__in=keys)
        list(rows.order_by("pk").values_list("pk", flat=True))


def run_check(check: Check | None, row: models.Model) -> None:
    """Run ``check`` on ``row`` when there is one."""
    if check is not None:
        check(row)


def combine(*checks: Check | None) -> Check | None:
    """One check running ``checks`` in order (``None`` ones skipped); ``None`` if none."""
    present = [check for check in checks if check is not None]
    if not present:
        return None
    if len(present) == 1:
        return present[0]

    def check(row: models.Model) -> None:
        for one in present:
            one(row)

    return check
