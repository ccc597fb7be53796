"""Change hooks: a serializer's reactions to a row created, changed (named fields) or deleted.

Declared with ``@on_create``, ``@on_change("status")`` and ``@on_delete`` on a
``ModelSerializer`` (methods of the row) or a ``Serializer`` (methods receiving the row).
They run after the transaction commits, or inside it with ``in_transaction=True``, where an
exception rolls the write back. ``on_change`` compares the row as the update loaded it with
the row as saved: no extra query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.http import HttpRequest
from ninja.errors import ConfigError

from ninja_aio.models.hooks import call_in_thread

__all__ = ["Changes", "on_change", "on_create", "on_delete"]

logger = logging.getLogger(__name__)

_MARK = "_ninja_aio_reactions"


@dataclass(frozen=True)
class Reaction:
    """One declared reaction: its kind, the fields it watches (``change``) and when it runs."""

    kind: str
    fields: tuple[str, ...] = ()
    in_transaction: bool = False


def _mark(fn: Callable[..., Any], reaction: Reaction) -> Callable[..., Any]:
    fn.__dict__.setdefault(_MARK, []).append(reaction)
    return fn


def on_create(fn: Callable[..., Any] | None = None, *, in_transaction: bool = False) -> Any:
    """React to a created row: ``def f(self, request)``.

    On a ``Serializer`` the row comes first: ``def f(self, row, request)``.
    """
    if fn is None:
        return lambda f: _mark(f, Reaction("create", (), in_transaction))
    return _mark(fn, Reaction("create", (), in_transaction))


def on_change(*fields: str, in_transaction: bool = False) -> Callable[[Any], Any]:
    """React to an update that changed one of ``fields``: ``def f(self, old, new, request)``.

    Called once per changed field (``Serializer``: ``(self, row, old, new, request)``).
    A relation field gives its primary key (``author`` -> ``author_id``).
    """
    if not fields or not all(isinstance(name, str) for name in fields):
        raise ConfigError('on_change needs the names of the fields it watches: on_change("status")')
    return lambda fn: _mark(fn, Reaction("change", fields, in_transaction))


def on_delete(fn: Callable[..., Any] | None = None, *, in_transaction: bool = False) -> Any:
    """React to a deleted row: ``def f(self, request)``; the row keeps its primary key."""
    if fn is None:
        return lambda f: _mark(f, Reaction("delete", (), in_transaction))
    return _mark(fn, Reaction("delete", (), in_transaction))


def _watched(model: type[models.Model], name: str, attr: str) -> str:
    try:
        f = model._meta.get_field(name)
    except FieldDoesNotExist:
        f = None
    if f is None or not getattr(f, "concrete", False) or f.many_to_many:
        raise ConfigError(
            f"{model.__name__}.{attr}: on_change({name!r}) needs a concrete field of the model"
        )
    return f.attname


class Changes:
    """The reactions declared on ``owner`` (a model or a ``Serializer`` class), found once.

    ``created`` / ``updated`` / ``deleting`` are called inside the write's transaction (in
    its thread): reactions declared ``in_transaction`` run there and then, the others are
    queued with ``transaction.on_commit`` (a failure there is logged, the write stands).
    """

    def __init__(self, model: type[models.Model], owner: type | None) -> None:
        self.model = model
        self._reactions: dict[str, list[tuple[Callable[..., Any], Reaction, tuple[str, ...]]]]
        self._reactions = {"create": [], "change": [], "delete": []}
        if owner is None:
            return
        on_model = isinstance(owner, type) and issubclass(owner, models.Model)
        seen: set[str] = set()
        for klass in owner.__mro__:
            for attr, value in vars(klass).items():
                if attr in seen or not hasattr(value, _MARK):
                    continue
                seen.add(attr)
                call = _bound(owner, attr, on_model)
                for reaction in getattr(value, _MARK):
                    attnames = tuple(_watched(model, n, attr) for n in reaction.fields)
                    self._reactions[reaction.kind].append((call, reaction, attnames))

    def __bool__(self) -> bool:
        return any(self._reactions.values())

    def _run(self, call: Callable[..., Any], reaction: Reaction, *args: Any) -> None:
        if reaction.in_transaction:
            call_in_thread(call, *args)
        else:
            self._queue(lambda: call_in_thread(call, *args))

    def _queue(self, fn: Callable[[], Any]) -> None:
        transaction.on_commit(fn, using=router.db_for_write(self.model), robust=True)

    def created(self, instance: models.Model, request: HttpRequest | None) -> None:
        """A row was inserted (with its relations and hooks), in the transaction."""
        for call, reaction, _ in self._reactions["create"]:
            self._run(call, reaction, instance, request)

    def updated(
        self, instance: models.Model, before: dict[str, Any], request: HttpRequest | None
    ) -> None:
        """A row was saved; ``before`` holds its column values as loaded (by attname)."""
        for call, reaction, attnames in self._reactions["change"]:
            for attname in attnames:
                old, new = before.get(attname), getattr(instance, attname)
                if old != new:
                    self._run(call, reaction, instance, old, new, request)

    def deleting(self, instance: models.Model, request: HttpRequest | None) -> None:
        """A row is about to be deleted: in-transaction reactions run now, the others after
        the commit, with the row's primary key put back (``delete()`` clears it)."""
        for call, reaction, _ in self._reactions["delete"]:
            if reaction.in_transaction:
                call_in_thread(call, instance, request)
            else:
                self._queue(_after_delete(call, instance, request))


def _after_delete(call: Callable[..., Any], instance: Any, request: Any) -> Callable[[], None]:
    """The after-commit call of a delete reaction: the row gets its key back first."""
    pk = instance.pk

    def react() -> None:
        instance.pk = pk
        call_in_thread(call, instance, request)

    return react


def _bound(owner: type, attr: str, on_model: bool) -> Callable[..., Any]:
    if on_model:
        return lambda instance, *args: getattr(instance, attr)(*args)
    return lambda instance, *args: getattr(owner(), attr)(instance, *args)
