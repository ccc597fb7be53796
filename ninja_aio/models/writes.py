"""Create / update / delete of one row: payload checks (``write_checks.py``), then a
transaction with the hooks.

Create and update render their response before the write commits: once it commits
nothing is left to fail, so a write answers success exactly when it committed (a
connection lost after the commit cannot turn it into a 500). A row written without
hooks is rendered from what the write has (the values written, the related rows its
checks fetched: ``related.py``), with no read after the write; otherwise it is read back
inside the transaction. A create that is one ``INSERT`` opens no transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, models, router, transaction
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError, ValidationError

from ninja_aio.models.guards import Check, ensure_visible, run_check, writable
from ninja_aio.models.hooks import call_async, call_in_thread
from ninja_aio.models.payloads import WritePlan
from ninja_aio.models.related import Related, arecheck, attach, fetch, gather, missing_errors
from ninja_aio.models.schemas import ReadPlan
from ninja_aio.models.spec import ModelSpec
from ninja_aio.models.write_checks import (
    CONFLICT,
    UNSTORABLE,
    _aware,
    _check_key,
    _django_errors,
    _error,
    _not_found,
    _validator_errors,
)

__all__ = ["create_row", "delete_row", "update_row"]

logger = logging.getLogger(__name__)


def _split(
    plan: WritePlan, payload: Schema
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(model field values sent, M2M values sent, customs) from a validated payload."""
    names = type(payload).model_fields if plan.replaces else payload.model_fields_set
    sent = {name: getattr(payload, name) for name in names}
    customs = {name: getattr(payload, name) for name in plan.customs}
    many = {name: sent.pop(name) for name in list(sent) if name in plan.many}
    for name in plan.customs:
        sent.pop(name, None)
    return sent, many, customs


def _assign(instance: models.Model, plan: WritePlan, values: dict[str, Any]) -> None:
    for name, value in values.items():
        f = plan.plain.get(name) or plan.foreign[name]
        setattr(instance, f.attname, value)


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def load_for_write(
    queryset: models.QuerySet, pk: Any, check: Check | None, lock: bool
) -> models.Model:
    """The row a write changes, in its transaction: locked when asked (a check that must
    approve it: the row cannot change between the check and the write), then ``check``-ed.

    A scope PostgreSQL cannot lock through (``DISTINCT``, a union) locks the row by key first.
    """
    if lock and (queryset.query.distinct or queryset.query.combinator):
        manager = queryset.model._default_manager
        list(manager.select_for_update().filter(pk=pk).values_list("pk"))
    elif lock:
        queryset = queryset.select_for_update(of=("self",))
    instance = queryset.get(pk=pk)
    run_check(check, instance)
    return instance


def _deletable(queryset: models.QuerySet) -> bool:
    """Whether ``QuerySet.delete()`` accepts this scope (not distinct, combined or sliced)."""
    query = queryset.query
    return not (query.distinct or query.combinator or query.is_sliced or queryset._fields)


def _run_hook(spec: ModelSpec, name: str, instance: models.Model, *args: Any) -> None:
    hook = spec.hook(name)
    if hook is not None:
        call_in_thread(hook, instance, *args)


def _set_many(instance: models.Model, many: dict[str, Any], *, created: bool) -> None:
    """Write the M2M values sent; a new row has no links yet, so it only adds (no read)."""
    for name, values in many.items():
        manager = getattr(instance, name)
        if not created:
            manager.set(values)
        elif values:
            manager.add(*values)


async def _in_transaction(
    model: type[models.Model], fn: Any, *, atomic: bool = True, found: Related | None = None
) -> Any:
    """Run ``fn`` in a thread, in one transaction; map database / hook errors to HTTP ones.

    Not ``atomic`` (one statement) runs it in autocommit, unless an outer transaction is
    open: then in a savepoint, so that a refused statement leaves that transaction usable.
    ``found``'s related keys are checked first, in the same thread (one hand-off for the
    checks and the write); the keys left to the database's foreign key constraints too
    when an outer transaction is open, which would postpone those (deferred) constraints.
    """
    using = router.db_for_write(model)

    def run() -> Any:
        nested = transaction.get_connection(using).in_atomic_block
        if found is not None:
            errors = [*found.errors, *fetch(found, _error)]
            if nested and found.deferred:
                errors += missing_errors(found, _error)
            if errors:
                raise ValidationError(errors)
        if not atomic and not nested:
            return fn()
        with transaction.atomic(using=using):
            return fn()

    try:
        return await sync_to_async(run)()
    except IntegrityError as exc:
        logger.info("integrity error on %s: %s", model.__name__, exc)
        raise HttpError(409, CONFLICT) from exc
    except (DataError, OverflowError) as exc:
        # A value the schema let through but the database refuses (a hook or custom action
        # writing it; SQLite raises OverflowError past 64 bits): the client's data, so a
        # 422 at the payload, not a 500.
        logger.info("data error on %s: %s", model.__name__, exc)
        raise ValidationError([_error(None, UNSTORABLE, "value_error")]) from exc
    except DjangoValidationError as exc:
        raise ValidationError(_django_errors(exc)) from exc
    except model.DoesNotExist as exc:
        raise _not_found(model) from exc


def new_row(spec: ModelSpec, plan: WritePlan, values: dict[str, Any]) -> models.Model:
    """An unsaved row holding ``values``, after the hooks that run before its first save."""
    instance = spec.model()
    _assign(instance, plan, {k: _aware(v) for k, v in values.items()})
    _run_hook(spec, "on_create_before_save", instance)
    _run_hook(spec, "before_save", instance)
    return instance


def created(
    spec: ModelSpec,
    instance: models.Model,
    many: dict[str, Any],
    customs: dict[str, Any],
    request: HttpRequest,
) -> None:
    """After a row's first save: its to-many values, the after-save hooks, change hooks."""
    _set_many(instance, many, created=True)
    _run_hook(spec, "on_create_after_save", instance)
    _run_hook(spec, "after_save", instance)
    _run_hook(spec, "custom_actions", instance, customs)
    spec.changes.created(instance, request)


def save_update(
    spec: ModelSpec,
    plan: WritePlan,
    instance: models.Model,
    split: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
    request: HttpRequest,
) -> None:
    """Write ``split`` (``_split``'s values, to-many values, customs) on a loaded row.

    Only the fields sent, the fields hooks changed and ``auto_now`` fields are saved.
    """
    values, many, customs = split
    before = _snapshot(instance)
    _assign(instance, plan, {k: _aware(v) for k, v in values.items()})
    _run_hook(spec, "before_save", instance)
    after = _snapshot(instance)
    sent = {(plan.plain.get(n) or plan.foreign[n]).attname for n in values}
    changed = {name for name, value in after.items() if value != before[name]}
    update_fields = sent | changed
    if update_fields:
        auto_now = {f.attname for f in instance._meta.concrete_fields if getattr(f, "auto_now", 0)}
        instance.save(update_fields=sorted(update_fields | auto_now))
    _set_many(instance, many, created=False)
    _run_hook(spec, "after_save", instance)
    _run_hook(spec, "custom_actions", instance, customs)
    spec.changes.updated(instance, before, request)


async def _gather(
    request: HttpRequest,
    spec: ModelSpec,
    plan: WritePlan,
    data: dict[str, Any],
    render: ReadPlan | None,
    scopes: Any,
) -> Related:
    """Field validators, then the checks of the related keys (``related.gather``), run
    with the write; a 422 lists every error.

    Keys are left to the database only when no hook runs (a hook may read the related row).
    """
    found = await gather(plan, data, request, render, scopes, defer=spec.silent)
    found.errors = _validator_errors(plan, data)
    return found


async def _written(found: Related, write: Any) -> Any:
    """``write()``; a conflict the deferred keys explain is a 422 at their fields."""
    try:
        return await write()
    except HttpError as exc:
        if exc.status_code != 409 or not found.deferred:
            raise
        errors = await arecheck(found, _error)
        if errors:
            raise ValidationError(errors) from exc
        raise


def _memory(spec: ModelSpec, render: ReadPlan | None) -> ReadPlan | None:
    """``render`` when a row written can be rendered from the write (no hook, columns
    that read back as written), else ``None``."""
    if render is not None and render.from_memory and spec.silent:
        return render
    return None


async def create_row(
    request: HttpRequest,
    spec: ModelSpec,
    payload: Schema,
    render: ReadPlan | None = None,
    *,
    check: Check | None = None,
    rows: models.QuerySet | None = None,
) -> Any:
    """Create a row from ``payload``; returns it rendered by ``render`` before the write
    commits (its primary key when ``render`` is None).

    The new row must be visible through ``queryset_request`` (or ``rows``, as in
    ``update_row``), else a 403 and nothing is written; ``check`` then runs on it, in the
    transaction.

    ``post_create`` runs after the commit; the row is stored by then, so its exceptions
    are logged, never answered: the client gets the success it is owed.
    """
    plan = spec.create
    assert plan is not None
    values, many, customs = _split(plan, payload)
    memory = _memory(spec, render)
    if memory is not None and any(
        ln.field.name not in values for ln in memory.links if ln.field.concrete and not ln.to_many
    ):
        memory = None  # a nested relation left to its default: read the row back
    scopes = await render.scoped(request) if render is not None else {}
    found = await _gather(request, spec, plan, {**values, **many}, memory, scopes)
    scope = rows  # the rows the new ones must be among: the view's, else the scope's
    if scope is None and spec.scoped:
        scope = await spec.queryset(request)

    def write() -> tuple[models.Model, Any]:
        instance = new_row(spec, plan, values)
        instance.save(force_insert=True)
        created(spec, instance, many, customs, request)
        ensure_visible(scope, instance.pk)
        run_check(check, instance)
        if render is None:
            return instance, instance.pk
        if memory is None:
            return instance, render.render(spec.model, instance.pk, scopes)
        attach(instance, memory, found, created=True)
        return instance, memory.reader(instance)

    # One INSERT needs no transaction; links, hooks, a read back or a check after it do.
    atomic = not spec.silent or any(many.values()) or (render is not None and memory is None)
    atomic = atomic or scope is not None or check is not None
    instance, body = await _written(
        found, lambda: _in_transaction(spec.model, write, atomic=atomic, found=found)
    )
    hook = spec.hook("post_create")
    if hook is not None:
        try:
            await call_async(hook, instance)
        except Exception:
            logger.exception("post_create of %s %s failed", spec.model.__name__, instance.pk)
    return body


async def update_row(
    request: HttpRequest,
    spec: ModelSpec,
    pk: Any,
    payload: Schema,
    render: ReadPlan | None = None,
    *,
    plan: WritePlan | None = None,
    check: Check | None = None,
    lock: bool = False,
    rows: models.QuerySet | None = None,
) -> Any:
    """Update the fields sent in ``payload`` on a row visible to ``request``; returns it
    rendered by ``render`` inside the transaction (its primary key when ``render`` is None).

    Only the fields sent, the fields hooks changed and ``auto_now`` fields are written
    (``update_fields``), so concurrent updates of different fields do not overwrite
    each other. ``plan`` defaults to the update one; PUT's (``replaces``) writes every field.
    ``check`` sees the row right after it is loaded in the transaction, locked first when
    ``lock`` (``select_for_update``); raising there rolls the write back. The
    row saved must still be visible through ``queryset_request`` (else 403). ``rows``:
    the rows the caller may change, when narrower than ``queryset_request`` (the row saved
    must then stay among them).
    """
    plan = plan or spec.update
    assert plan is not None
    _check_key(spec.model, pk)
    values, many, customs = _split(plan, payload)
    queryset, scoped = await writable(request, spec, rows)
    memory = _memory(spec, render)
    scopes = await render.scoped(request) if render is not None else {}
    found = await _gather(request, spec, plan, {**values, **many}, memory, scopes)

    def write() -> Any:
        if memory is not None:  # loaded as the response reads it, but what is replaced
            loading = memory.plan_queryset(queryset, scopes, skip=found.many)
        else:
            loading = queryset
        instance = load_for_write(loading, pk, check, lock)
        save_update(spec, plan, instance, (values, many, customs), request)
        if scoped:
            ensure_visible(queryset, instance.pk)
        if render is None:
            return instance.pk
        if memory is None:
            return render.render(spec.model, instance.pk, scopes)
        attach(instance, memory, found, created=False)
        return memory.reader(instance)

    # One UPDATE after the read needs no transaction (a check raising before it leaves
    # nothing written); a lock, links, hooks, a scope check or a read back do.
    atomic = lock or not spec.silent or bool(many) or scoped
    atomic = atomic or (render is not None and memory is None)
    return await _written(
        found, lambda: _in_transaction(spec.model, write, atomic=atomic, found=found)
    )


async def delete_row(
    request: HttpRequest,
    spec: ModelSpec,
    pk: Any,
    *,
    check: Check | None = None,
    lock: bool = False,
    rows: models.QuerySet | None = None,
) -> None:
    """Delete a row visible to ``request``, after its ``on_delete`` hook; ``check``,
    ``lock`` and ``rows`` as in ``update_row``."""
    _check_key(spec.model, pk)
    queryset, _ = await writable(request, spec, rows)
    if check is None and not lock and spec.deletes_by_query and _deletable(queryset):
        # Nothing decides on the row or reacts to it: one queryset delete, which reads the
        # row (and what cascades) and deletes it as ``instance.delete()`` would.
        def delete() -> None:
            if not queryset.filter(pk=pk).delete()[0]:
                raise spec.model.DoesNotExist

        await _in_transaction(spec.model, delete, atomic=False)
        return

    def write() -> None:
        instance = load_for_write(queryset, pk, check, lock)
        _run_hook(spec, "on_delete", instance)
        spec.changes.deleting(instance, request)
        instance.delete()

    # Without a lock or hooks the row is read outside a transaction; Django's delete opens
    # its own around its statements where it needs one (cascades, signals).
    await _in_transaction(spec.model, write, atomic=lock or not spec.silent)
