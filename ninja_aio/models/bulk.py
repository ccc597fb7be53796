"""Bulk writes: a batch of rows checked together, then written all-or-nothing or item by item.

All-or-nothing (``atomic``): every item is validated (schema, model validators, related
keys: one query per relation for the whole batch, through the related model's
``queryset_request``), the rows to change are loaded in one scoped query, and any failure
anywhere is one ``ValidationError`` listing each failing item; only then, in one
transaction, are the rows written, with the model hooks of each row. Inserts use
``bulk_create`` when nothing needs a per-row ``save()`` (no ``save`` override, no
``pre_save`` / ``post_save`` receivers, a backend that returns the new keys).

Item by item (not ``atomic``): each valid item is written like a single-row request, in
its own transaction; the answer is one ``Outcome`` per item.

Parsing and the per-item checks are in ``models/bulk_items.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections, models, router
from django.db.models import signals
from django.http import Http404, HttpRequest
from ninja import Schema
from ninja.errors import HttpError, ValidationError

from ninja_aio.models.bulk_items import (
    Item,
    Outcome,
    check_items,
    check_rows,
    ensure_in_scope,
    hooked,
    load_rows,
    lock_items,
    parse,
    parse_ids,
    prepare,
    raise_failed,
    refuse_duplicates,
    related_values,
)
from ninja_aio.models.guards import Check, writable
from ninja_aio.models.hooks import call_async
from ninja_aio.models.payloads import WritePlan
from ninja_aio.models.soft_delete import SoftDelete, soft_delete_row
from ninja_aio.models.spec import ModelSpec
from ninja_aio.models.writes import (
    _in_transaction,
    _run_hook,
    create_row,
    created,
    delete_row,
    new_row,
    save_update,
    update_row,
)

__all__ = ["Item", "Outcome", "bulk_create", "bulk_delete", "bulk_update", "parse_ids"]


# -- all or nothing ---------------------------------------------------------------------


def _bulk_insertable(model: type[models.Model]) -> bool:
    using = router.db_for_write(model)
    return (
        connections[using].features.can_return_rows_from_bulk_insert
        and model.save is models.Model.save
        and not model._meta.parents
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )


def _insert_many(plan: WritePlan, items: list[Item]) -> set[str]:
    """Write the to-many values of fresh rows with one insert per relation; returns the
    relations written (a custom ``through`` or ``m2m_changed`` receivers need ``set()``)."""
    done = set()
    for name, f in plan.many.items():
        through = f.remote_field.through
        if not through._meta.auto_created or signals.m2m_changed.has_listeners(through):
            continue
        source = through._meta.get_field(f.m2m_field_name()).attname
        target = through._meta.get_field(f.m2m_reverse_field_name()).attname
        rows = [
            through(**{source: item.instance.pk, target: pk})
            for item in items
            for pk in related_values(item, name, True)
        ]
        through._default_manager.bulk_create(rows)
        done.add(name)
    return done


async def bulk_create(
    request: HttpRequest,
    spec: ModelSpec,
    raw: list[Any],
    *,
    atomic: bool,
    check: Check | None = None,
    rows: models.QuerySet | None = None,
) -> list[Outcome]:
    """Create a row per item of ``raw``; returns one ``Outcome`` (status 201) per item.

    Every new row must be visible through ``queryset_request`` (or ``rows``, as in
    ``update_row``); ``check`` runs on each.
    """
    plan = spec.create
    assert plan is not None
    items = parse(raw, plan.schema)
    if not atomic:
        return await _one_by_one(
            items,
            201,
            lambda item: create_row(request, spec, item.payload, check=check, rows=rows),
        )
    scope = rows  # the rows the new ones must be among: the view's, else the scope's
    if scope is None and spec.scoped:
        scope = await spec.queryset(request)
    prepare(plan, items)
    await check_items(request, plan, items)
    raise_failed(items)

    written: set[str] = set()

    def build(item: Item) -> None:
        item.instance = new_row(spec, plan, item.split[0])

    def finish(item: Item) -> None:
        _, many, customs = item.split
        rest = {name: values for name, values in many.items() if name not in written}
        created(spec, item.instance, rest, customs, request)

    def write() -> None:
        hooked(items, build)
        rows = [item.instance for item in items]
        if _bulk_insertable(spec.model):
            spec.model._default_manager.bulk_create(rows)
            written.update(_insert_many(plan, items))
        else:
            for row in rows:
                row.save(force_insert=True)
        hooked(items, finish)
        ensure_in_scope(scope, items)
        check_rows(items, check, spec.model, by_ids=False)
        raise_failed(items)

    await _in_transaction(spec.model, write)
    hook = spec.hook("post_create")
    for item in items:
        item.id = item.instance.pk
        if hook is not None:
            await call_async(hook, item.instance)
    return [Outcome(item.index, item.id, 201) for item in items]


async def bulk_update(
    request: HttpRequest,
    spec: ModelSpec,
    raw: list[Any],
    item_schema: type[Schema],
    *,
    atomic: bool,
    check: Check | None = None,
    rows: models.QuerySet | None = None,
) -> list[Outcome]:
    """Update the row named by each item's ``id``; returns one ``Outcome`` (200) per item.

    ``check`` runs on each row as loaded; the rows saved must stay in scope (else 403);
    ``rows`` as in ``update_row``.
    """
    plan = spec.update
    assert plan is not None
    pk_name = "id"
    items = parse(raw, item_schema, pk_name)
    for item in items:
        if item.payload is not None:
            sent = item.payload.model_fields_set - {pk_name}
            data = {name: getattr(item.payload, name) for name in type(item.payload).model_fields}
            data.pop(pk_name)
            item.payload = plan.schema.model_construct(sent, **data)
    refuse_duplicates(items)
    if not atomic:
        return await _one_by_one(
            items,
            200,
            lambda item: update_row(
                request, spec, item.id, item.payload, check=check, lock=check is not None, rows=rows
            ),
        )
    prepare(plan, items)
    await check_items(request, plan, items)
    queryset, scoped = await writable(request, spec, rows)

    def save(item: Item) -> None:
        save_update(spec, plan, item.instance, item.split, request)

    def write() -> None:
        lock_items(items, spec.model, check)
        load_rows(queryset, items, spec.model, by_ids=False)
        check_rows(items, check, spec.model, by_ids=False)
        raise_failed(items)
        hooked(items, save)
        if scoped:
            ensure_in_scope(queryset, items)

    await _in_transaction(spec.model, write)
    return [Outcome(item.index, item.id, 200) for item in items]


async def bulk_delete(
    request: HttpRequest,
    spec: ModelSpec,
    items: list[Item],
    *,
    atomic: bool,
    check: Check | None = None,
    soft: SoftDelete | None = None,
    rows: models.QuerySet | None = None,
) -> list[Outcome]:
    """Delete the rows of ``items`` (from ``parse_ids``); one ``Outcome`` (204) per item.

    ``check`` runs on each row as loaded; with ``soft`` the rows are marked, not removed;
    ``rows`` as in ``update_row``.
    """
    if not atomic:
        if soft is not None:
            return await _one_by_one(
                items,
                204,
                lambda item: soft_delete_row(
                    request, spec, item.id, soft, check=check, lock=check is not None, rows=rows
                ),
            )
        return await _one_by_one(
            items,
            204,
            lambda item: delete_row(
                request, spec, item.id, check=check, lock=check is not None, rows=rows
            ),
        )
    queryset, _ = await writable(request, spec, rows)

    def deleting(item: Item) -> None:
        _run_hook(spec, "on_delete", item.instance)
        spec.changes.deleting(item.instance, request)

    def write() -> None:
        lock_items(items, spec.model, check)
        load_rows(queryset, items, spec.model, by_ids=True)
        check_rows(items, check, spec.model, by_ids=True)
        raise_failed(items)
        hooked(items, deleting)
        keys = [item.id for item in items]
        if soft is not None:
            soft.mark_many(spec.model, keys)
        else:
            spec.model._default_manager.filter(pk__in=keys).delete()

    await _in_transaction(spec.model, write)
    return [Outcome(item.index, item.id, 204) for item in items]


# -- item by item -----------------------------------------------------------------------


async def _one_by_one(
    items: list[Item], status: int, write: Callable[[Item], Any]
) -> list[Outcome]:
    """Write each valid item as its own request would; failures become their outcome."""
    outcomes = []
    for item in items:
        if item.errors:
            outcomes.append(Outcome(item.index, item.id, 422, item.errors))
            continue
        try:
            result = await write(item)
        except ValidationError as exc:
            item.fail(exc.errors)
            outcomes.append(Outcome(item.index, item.id, 422, item.errors))
        except Http404 as exc:
            outcomes.append(Outcome(item.index, item.id, 404, str(exc)))
        except HttpError as exc:
            outcomes.append(Outcome(item.index, item.id, exc.status_code, str(exc)))
        else:
            if status == 201:
                item.id = result
            outcomes.append(Outcome(item.index, item.id, status))
    return outcomes
