"""Values that live exactly as long as the request being handled.

A ``ContextVar`` follows asyncio tasks and threads, not requests: under WSGI the server
thread's context outlives each request, and ``async_to_sync`` (how Django and ninja run
async code for a sync server) copies context changes back into that thread. So each
binding is a fresh ``_Slot`` in the variable, and Django's ``request_started`` /
``request_finished`` signals empty the current slot *in place* and unset the variable.
In place matters under ASGI, where ``Signal.asend()`` runs sync receivers in a child
task's copy of the context: a ``set`` there would be lost, but the copy refers to the
same slot object. Each binding makes a new slot in the request's own context, so
emptying one never reaches a concurrent request.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.signals import request_finished, request_started

__all__ = ["RequestScoped"]

T = TypeVar("T")


@dataclass(slots=True)
class _Slot(Generic[T]):
    value: T | None


class RequestScoped(Generic[T]):
    """One value per request: ``set`` it, ``get`` it; gone when the request ends."""

    def __init__(self, name: str) -> None:
        self._var: ContextVar[_Slot[T] | None] = ContextVar(name, default=None)
        uid = f"ninja_aio.request_scope.{name}"
        request_started.connect(self._forget, dispatch_uid=f"{uid}.started", weak=False)
        request_finished.connect(self._forget, dispatch_uid=f"{uid}.finished", weak=False)

    def get(self) -> T | None:
        slot = self._var.get()
        return None if slot is None else slot.value

    def set(self, value: T | None) -> None:
        self._var.set(None if value is None else _Slot(value))

    def _forget(self, **kwargs: Any) -> None:
        slot = self._var.get()
        if slot is not None:
            slot.value = None
        self._var.set(None)
