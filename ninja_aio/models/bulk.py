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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models, router
from django.db.models import signals
from django.http import Http404, HttpRequest
from ninja import Schema
from ninja.errors import HttpError, ValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from ninja_aio.models.guards import OUTSIDE_SCOPE, Check, lock_rows, outside_scope
from ninja_aio.models.hooks import call_async
from ninja_aio.models.payloads import WritePlan
from ninja_aio.models.soft_delete import SoftDelete, soft_delete_row
from ninja_aio.models.spec import ModelSpec
from ninja_aio.models.writes import (
    LOC,
    _check_payload,
    _django_errors,
    _in_transaction,
    _related_scope,
    _run_hook,
    _split,
    create_row,
    created,
    delete_row,
    new_row,
    save_update,
    update_row,
)

__all__ = ["Item", "Outcome", "bulk_create", "bulk_delete", "bulk_update", "parse_ids"]


@dataclass
class Item:
    """One entry of a batch: its position, key, validated payload and errors so far."""

    index: int
    id: Any = None
    payload: Schema | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    split: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
    instance: models.Model | None = None

    def fail(self, errors: Iterable[dict[str, Any]], *, at: tuple[Any, ...] = ()) -> None:
        """Record errors given in single-row form (``loc`` under the payload)."""
        for error in errors:
            loc = list(error.get("loc", ()))
            rest = loc[len(LOC) :] if tuple(loc[: len(LOC)]) == LOC else loc
            entry = {"loc": [*LOC, *at, self.index, *rest], "msg": error["msg"]}
            self.errors.append({**entry, "type": error["type"], "index": self.index, "id": self.id})


@dataclass
class Outcome:
    """The result of one item of a batch written item by item."""

    index: int
    id: Any
    status: int
    detail: Any = None


def _error(msg: str, kind: str, name: str | None = None) -> dict[str, Any]:
    return {"loc": [*LOC, name] if name else list(LOC), "msg": msg, "type": kind}


def _pydantic_errors(exc: PydanticValidationError) -> list[dict[str, Any]]:
    return [{"loc": [*LOC, *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


def _raise(items: Iterable[Item]) -> None:
    errors = [error for item in items for error in item.errors]
    if errors:
        raise ValidationError(errors)


def _not_found(model: type[models.Model]) -> str:
    return f"No {model.__name__} matches the given query."


def _lookup_keys(model: type[models.Model], keys: Iterable[Any]) -> list[Any]:
    """Keys a ``pk__in`` lookup can take: integers out of the column's range cannot match
    (and would make some drivers raise), so they are left out."""
    pk = model._meta.pk
    while pk.is_relation:
        pk = pk.target_field
    ops = connections[router.db_for_read(model)].ops
    try:
        low, high = ops.integer_field_range(pk.get_internal_type())
    except KeyError:
        return list(keys)
    return [
        k
        for k in keys
        if not isinstance(k, int) or ((low is None or k >= low) and (high is None or k <= high))
    ]


# -- parsing and checks --------------------------------------------------------------


def parse(items: list[Any], schema: type[Schema], pk_name: str | None = None) -> list[Item]:
    """Validate each raw item against ``schema``; ``pk_name`` is the key field of the item."""
    result = []
    for index, raw in enumerate(items):
        item = Item(index, raw.get(pk_name) if pk_name and isinstance(raw, dict) else None)
        try:
            item.payload = schema.model_validate(raw)
        except PydanticValidationError as exc:
            item.fail(_pydantic_errors(exc))
        else:
            if pk_name is not None:
                item.id = getattr(item.payload, pk_name)
        result.append(item)
    return result


def parse_ids(ids: list[Any], model: type[models.Model], key_type: Any) -> list[Item]:
    """Validate each key of a bulk delete body (errors at ``["body", "payload", "ids", i]``)."""
    adapter = TypeAdapter(key_type)
    result = []
    for index, raw in enumerate(ids):
        item = Item(index, raw)
        try:
            item.id = adapter.validate_python(raw)
        except PydanticValidationError as exc:
            item.fail(_pydantic_errors(exc), at=("ids",))
        result.append(item)
    _refuse_duplicates(result, at=("ids",))
    return result


def _refuse_duplicates(items: list[Item], at: tuple[Any, ...] = ()) -> None:
    seen: set[Any] = set()
    for item in items:
        if item.errors:
            continue
        key = item.id
        if key in seen:
            error = _error("This id is already in the batch", "duplicate", None if at else "id")
            item.fail([error], at=at)
        seen.add(key)


async def _check(request: HttpRequest, plan: WritePlan, items: list[Item]) -> None:
    """Model validators of each item, and related keys: one query per relation."""
    plain = dataclasses.replace(plan, foreign={}, many={})
    valid = [item for item in items if not item.errors]
    for item in valid:
        item.fail(await _check_payload(request, plain, item.split[0]))
    for name, f in {**plan.foreign, **plan.many}.items():
        wanted = {
            value: None for item in valid for value in _related_values(item, name, f.many_to_many)
        }
        if not wanted:
            continue
        scope = await _related_scope(request, f.related_model)
        keys = _lookup_keys(f.related_model, wanted)
        found = {pk async for pk in scope.filter(pk__in=keys).values_list("pk", flat=True)}
        for item in valid:
            missing = [v for v in _related_values(item, name, f.many_to_many) if v not in found]
            if missing:
                msg = f"No {f.related_model.__name__} with pk {', '.join(map(str, missing))}"
                item.fail([_error(msg, "not_found", name)])


def _related_values(item: Item, name: str, many: bool) -> list[Any]:
    values, to_many, _ = item.split
    if many:
        return list(dict.fromkeys(to_many.get(name) or ()))
    value = values.get(name)
    return [] if value is None else [value]


def _prepare(plan: WritePlan, items: list[Item]) -> None:
    for item in items:
        if not item.errors:
            item.split = _split(plan, item.payload)


def _hooked(items: list[Item], fn: Callable[[Item], Any]) -> None:
    """Run ``fn`` (a row's hooks) for each item; a ``ValidationError`` is that item's error,
    an ``HttpError`` stops the batch naming the item; then fail if any item failed."""
    for item in items:
        _hook(item, fn)
    _raise(items)


def _hook(item: Item, fn: Callable[[Item], Any]) -> None:
    try:
        fn(item)
    except DjangoValidationError as exc:
        item.fail(_django_errors(exc))
    except HttpError as exc:
        raise HttpError(exc.status_code, f"Item {item.index}: {exc}") from exc


def _loaded(
    queryset: models.QuerySet, items: list[Item], model: type[models.Model], *, by_ids: bool
) -> None:
    """Attach each item's row from one scoped query; a key the caller cannot see fails
    (at the item's ``id``, or at its place in ``ids``), exactly like a key that does not exist.
    """
    keys = _lookup_keys(model, (item.id for item in items if not item.errors))
    rows = {row.pk: row for row in queryset.filter(pk__in=keys)}
    for item in items:
        if not item.errors:
            item.instance = rows.get(item.id)
            if item.instance is None:
                error = _error(_not_found(model), "not_found", None if by_ids else "id")
                item.fail([error], at=("ids",) if by_ids else ())


def _checked(
    items: list[Item], check: Check | None, model: type[models.Model], *, by_ids: bool
) -> None:
    """Run ``check`` on each loaded row: a ``Http404`` fails the item like a missing key,
    an ``HttpError`` (a permission refusal) stops the batch naming the item."""
    if check is None:
        return
    for item in items:
        if item.errors or item.instance is None:
            continue
        try:
            _hook(item, lambda it: check(it.instance))
        except Http404:
            error = _error(_not_found(model), "not_found", None if by_ids else "id")
            item.fail([error], at=("ids",) if by_ids else ())


def _lock(items: list[Item], model: type[models.Model], check: Check | None) -> None:
    """Before a checked batch loads its rows: lock them (see ``guards.lock_rows``)."""
    if check is not None:
        lock_rows(model, _lookup_keys(model, (item.id for item in items if not item.errors)))


def _in_scope(scope: models.QuerySet | None, items: list[Item]) -> None:
    """After the write: a row outside ``queryset_request`` rolls the batch back (403)."""
    hidden = set(outside_scope(scope, [item.instance.pk for item in items]))
    for item in items:
        if item.instance.pk in hidden:
            raise HttpError(403, f"Item {item.index}: {OUTSIDE_SCOPE}")


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
            for pk in _related_values(item, name, True)
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
) -> list[Outcome]:
    """Create a row per item of ``raw``; returns one ``Outcome`` (status 201) per item.

    Every new row must be visible through ``queryset_request``; ``check`` runs on each.
    """
    plan = spec.create
    assert plan is not None
    items = parse(raw, plan.schema)
    if not atomic:
        return await _one_by_one(
            items, 201, lambda item: create_row(request, spec, item.payload, check=check)
        )
    scope = await spec.queryset(request) if spec.scoped else None
    _prepare(plan, items)
    await _check(request, plan, items)
    _raise(items)

    written: set[str] = set()

    def build(item: Item) -> None:
        item.instance = new_row(spec, plan, item.split[0])

    def finish(item: Item) -> None:
        _, many, customs = item.split
        rest = {name: values for name, values in many.items() if name not in written}
        created(spec, item.instance, rest, customs, request)

    def write() -> None:
        _hooked(items, build)
        rows = [item.instance for item in items]
        if _bulk_insertable(spec.model):
            spec.model._default_manager.bulk_create(rows)
            written.update(_insert_many(plan, items))
        else:
            for row in rows:
                row.save(force_insert=True)
        _hooked(items, finish)
        _in_scope(scope, items)
        _checked(items, check, spec.model, by_ids=False)
        _raise(items)

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
) -> list[Outcome]:
    """Update the row named by each item's ``id``; returns one ``Outcome`` (200) per item.

    ``check`` runs on each row as loaded; the rows saved must stay in scope (else 403).
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
    _refuse_duplicates(items)
    if not atomic:
        return await _one_by_one(
            items,
            200,
            lambda item: update_row(
                request, spec, item.id, item.payload, check=check, lock=check is not None
            ),
        )
    _prepare(plan, items)
    await _check(request, plan, items)
    queryset = await spec.queryset(request)

    def save(item: Item) -> None:
        save_update(spec, plan, item.instance, item.split, request)

    def write() -> None:
        _lock(items, spec.model, check)
        _loaded(queryset, items, spec.model, by_ids=False)
        _checked(items, check, spec.model, by_ids=False)
        _raise(items)
        _hooked(items, save)
        if spec.scoped:
            _in_scope(queryset, items)

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
) -> list[Outcome]:
    """Delete the rows of ``items`` (from ``parse_ids``); one ``Outcome`` (204) per item.

    ``check`` runs on each row as loaded; with ``soft`` the rows are marked, not removed.
    """
    if not atomic:
        if soft is not None:
            return await _one_by_one(
                items, 204, lambda item: soft_delete_row(request, spec, item.id, soft, check=check)
            )
        return await _one_by_one(
            items,
            204,
            lambda item: delete_row(request, spec, item.id, check=check, lock=check is not None),
        )
    queryset = await spec.queryset(request)

    def deleting(item: Item) -> None:
        _run_hook(spec, "on_delete", item.instance)
        spec.changes.deleting(item.instance, request)

    def write() -> None:
        _lock(items, spec.model, check)
        _loaded(queryset, items, spec.model, by_ids=True)
        _checked(items, check, spec.model, by_ids=True)
        _raise(items)
        _hooked(items, deleting)
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
