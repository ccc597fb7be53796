"""The related rows of a single-row write: checked, fetched for the response, or left to
the database.

A key sent for a relation must name a row the caller may see. Where the response nests
that row, the check fetches it (the query the response needs anyway) and the write hands
it to the reader; where the relation is rendered as a key, its model has no
``queryset_request`` and the database enforces the foreign key, no query runs: the
constraint refuses a missing row and ``recheck`` turns that refusal into the same 422 at
the field. A scoped relation is always checked through its scope before the write.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections, models, router
from django.http import HttpRequest

from ninja_aio.models.payloads import WritePlan
from ninja_aio.models.readers import prefetch_cache_name
from ninja_aio.models.schemas import Link, ReadPlan, Scopes
from ninja_aio.models.spec import spec_for

__all__ = ["Related", "arecheck", "attach", "fetch", "gather", "missing_errors"]

Error = dict[str, Any]


@dataclass
class Related:
    """The related keys of one write: the checks to run (``lookups``, by ``fetch``), the
    rows they found for the response, the keys only the database checks (``deferred``)."""

    plan: WritePlan
    lookups: list[tuple[str, Any, models.QuerySet, Link | None, Any]] = field(default_factory=list)
    ones: dict[str, models.Model | None] = field(default_factory=dict)
    many: dict[str, list[models.Model]] = field(default_factory=dict)
    deferred: dict[str, Any] = field(default_factory=dict)
    #: Errors found before (field validators), answered with those of the checks.
    errors: list[Error] = field(default_factory=list)


def _not_found(error: Any, name: str, f: Any, keys: Any) -> Error:
    return error(name, f"No {f.related_model.__name__} with pk {keys}", "not_found")


def _enforced(f: Any) -> bool:
    """Whether the database refuses a key of ``f`` with no row (a foreign key constraint
    on the same database)."""
    using = router.db_for_write(f.model)
    return (
        f.db_constraint
        and connections[using].features.supports_foreign_keys
        and router.db_for_write(f.related_model) == using
    )


def _scoped(f: Any) -> bool:
    spec = spec_for(f.related_model)
    return spec is not None and spec.scoped


async def _base(request: HttpRequest, f: Any) -> models.QuerySet:
    spec = spec_for(f.related_model)
    if spec is None:
        return f.related_model._default_manager.all()
    return await spec.queryset(request)


def _rows(link: Link, base: models.QuerySet, scopes: Scopes) -> models.QuerySet:
    """The related rows as the read plan would load them (its order, its own plan)."""
    model = link.field.related_model
    queryset = base.order_by(*(model._meta.ordering or ()), "pk") if link.to_many else base
    return queryset if link.sub is None else link.sub.plan_queryset(queryset, scopes)


async def gather(
    plan: WritePlan,
    data: dict[str, Any],
    request: HttpRequest,
    render: ReadPlan | None,
    scopes: Scopes,
    *,
    defer: bool,
) -> Related:
    """The checks of the related keys of ``data`` (querysets through each related model's
    scope, not run yet: ``fetch`` runs them, in the write's thread). Rows ``render`` nests
    are fetched whole (``None``: the response is not rendered from the write); with
    ``defer``, unscoped keys the database enforces are left to it."""
    found = Related(plan)
    for name, f in (*plan.foreign.items(), *plan.many.items()):
        if name not in data:
            continue
        to_many = name in plan.many
        value = set(data[name] or ()) if to_many else data[name]
        link = render.link(name) if render is not None else None
        if not value and (to_many or value is None):
            if link is not None:
                (found.many if to_many else found.ones)[name] = [] if to_many else None
            continue
        if link is None and defer and not _scoped(f) and _enforced(f):
            found.deferred[name] = value
            continue
        base = await _base(request, f)
        lookup = {"pk__in": value} if to_many else {f.target_field.attname: value}
        queryset = base.filter(**lookup)
        if link is not None:
            queryset = _rows(link, queryset, scopes)
        found.lookups.append((name, f, queryset, link, value))
    return found


def fetch(found: Related, error: Any) -> list[Error]:
    """Run ``found``'s checks (sync ORM); keep the rows fetched; the errors of missing keys."""
    errors = []
    for name, f, queryset, link, value in found.lookups:
        if isinstance(value, set):
            if link is None:
                keys = set(queryset.values_list("pk", flat=True))
            else:
                found.many[name] = list(queryset)
                keys = {row.pk for row in found.many[name]}
            missing = sorted(value - keys, key=str)
            if missing:
                errors.append(_not_found(error, name, f, ", ".join(map(str, missing))))
            continue
        if link is None:
            exists = queryset.exists()
        else:
            found.ones[name] = queryset.first()
            exists = found.ones[name] is not None
        if not exists:
            errors.append(_not_found(error, name, f, value))
    return errors


def missing_errors(found: Related, error: Any) -> list[Error]:
    """Which deferred keys have no row (sync ORM): when the database refused the write, or
    before it when an outer transaction would postpone the constraint past it."""
    errors, plan = [], found.plan
    for name, value in found.deferred.items():
        f = plan.foreign.get(name) or plan.many[name]
        manager = f.related_model._default_manager
        if name in plan.foreign:
            if not manager.filter(**{f.target_field.attname: value}).exists():
                errors.append(_not_found(error, name, f, value))
            continue
        keys = set(manager.filter(pk__in=value).values_list("pk", flat=True))
        missing = sorted(value - keys, key=str)
        if missing:
            errors.append(_not_found(error, name, f, ", ".join(map(str, missing))))
    return errors


async def arecheck(found: Related, error: Any) -> list[Error]:
    """``missing_errors`` from async code."""
    return await sync_to_async(missing_errors)(found, error)


def _cache_rows(instance: models.Model, link: Link, rows: list[models.Model]) -> None:
    """Make ``rows`` what the reader finds for a to-many relation, as a prefetch would."""
    name = prefetch_cache_name(link.field)
    queryset = link.field.related_model._default_manager.none()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def attach(instance: models.Model, render: ReadPlan, found: Related, *, created: bool) -> None:
    """Give a row just written what ``render`` reads from it, without a query: the rows
    ``gather`` fetched, no related rows yet for a new row, its date-times as read back."""
    for link in render.links:
        name = link.field.name
        if link.to_many:
            if name in found.many:
                _cache_rows(instance, link, found.many[name])
            elif created:
                _cache_rows(instance, link, [])
        elif link.field.concrete:
            if name in found.ones:
                setattr(instance, name, found.ones[name])
        elif created:  # the reverse side of a one-to-one: a new row has none
            link.field.set_cached_value(instance, None)
    if settings.USE_TZ:
        zone = connections[router.db_for_write(type(instance))].timezone
        for f in instance._meta.concrete_fields:
            value = instance.__dict__.get(f.attname)
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                instance.__dict__[f.attname] = value.astimezone(zone)
