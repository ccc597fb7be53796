"""The items of a bulk write: parsing, per-item errors, and the checks every batch runs
before writing (model validators and related keys for the whole batch at once, the rows
loaded in one scoped query, object checks, row locks, the scope after the write).

Each failure is recorded on its ``Item`` in single-row form re-rooted at the item's index,
so that an all-or-nothing batch can answer one ``ValidationError`` listing them all.
The writers that use these are in ``models/bulk.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models, router
from django.http import Http404, HttpRequest
from ninja import Schema
from ninja.errors import HttpError, ValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from ninja_aio.models.guards import OUTSIDE_SCOPE, Check, lock_rows, outside_scope
from ninja_aio.models.payloads import WritePlan
from ninja_aio.models.write_checks import LOC, _check_payload, _django_errors, _related_scope
from ninja_aio.models.writes import _split

__all__ = [
    "Item",
    "Outcome",
    "check_items",
    "check_rows",
    "ensure_in_scope",
    "hooked",
    "load_rows",
    "lock_items",
    "parse",
    "parse_ids",
    "prepare",
    "raise_failed",
    "refuse_duplicates",
    "related_values",
]


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


def raise_failed(items: Iterable[Item]) -> None:
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
    refuse_duplicates(result, at=("ids",))
    return result


def refuse_duplicates(items: list[Item], at: tuple[Any, ...] = ()) -> None:
    seen: set[Any] = set()
    for item in items:
        if item.errors:
            continue
        key = item.id
        if key in seen:
            error = _error("This id is already in the batch", "duplicate", None if at else "id")
            item.fail([error], at=at)
        seen.add(key)


async def check_items(request: HttpRequest, plan: WritePlan, items: list[Item]) -> None:
    """Model validators of each item, and related keys: one query per relation."""
    plain = dataclasses.replace(plan, foreign={}, many={})
    valid = [item for item in items if not item.errors]
    for item in valid:
        item.fail(await _check_payload(request, plain, item.split[0]))
    for name, f in {**plan.foreign, **plan.many}.items():
        wanted = {
            value: None for item in valid for value in related_values(item, name, f.many_to_many)
        }
        if not wanted:
            continue
        scope = await _related_scope(request, f.related_model)
        keys = _lookup_keys(f.related_model, wanted)
        found = {pk async for pk in scope.filter(pk__in=keys).values_list("pk", flat=True)}
        for item in valid:
            missing = [v for v in related_values(item, name, f.many_to_many) if v not in found]
            if missing:
                msg = f"No {f.related_model.__name__} with pk {', '.join(map(str, missing))}"
                item.fail([_error(msg, "not_found", name)])


def related_values(item: Item, name: str, many: bool) -> list[Any]:
    values, to_many, _ = item.split
    if many:
        return list(dict.fromkeys(to_many.get(name) or ()))
    value = values.get(name)
    return [] if value is None else [value]


def prepare(plan: WritePlan, items: list[Item]) -> None:
    for item in items:
        if not item.errors:
            item.split = _split(plan, item.payload)


def hooked(items: list[Item], fn: Callable[[Item], Any]) -> None:
    """Run ``fn`` (a row's hooks) for each item; a ``ValidationError`` is that item's error,
    an ``HttpError`` stops the batch naming the item; then fail if any item failed."""
    for item in items:
        _hook(item, fn)
    raise_failed(items)


def _hook(item: Item, fn: Callable[[Item], Any]) -> None:
    try:
        fn(item)
    except DjangoValidationError as exc:
        item.fail(_django_errors(exc))
    except HttpError as exc:
        raise HttpError(exc.status_code, f"Item {item.index}: {exc}") from exc


def load_rows(
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


def check_rows(
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


def lock_items(items: list[Item], model: type[models.Model], check: Check | None) -> None:
    """Before a checked batch loads its rows: lock them (see ``guards.lock_rows``)."""
    if check is not None:
        lock_rows(model, _lookup_keys(model, (item.id for item in items if not item.errors)))


def ensure_in_scope(scope: models.QuerySet | None, items: list[Item]) -> None:
    """After the write: a row outside ``queryset_request`` rolls the batch back (403)."""
    hidden = set(outside_scope(scope, [item.instance.pk for item in items]))
    for item in items:
        if item.instance.pk in hidden:
            raise HttpError(403, f"Item {item.index}: {OUTSIDE_SCOPE}")
