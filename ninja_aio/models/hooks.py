"""Calling user hooks (sync or async) from async code and from inside a transaction."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.http import HttpRequest

from ninja_aio.request_scope import RequestScoped

__all__ = ["call_async", "call_in_thread", "current_request"]

#: Scoped to the request's lifetime, not the thread (see ninja_aio.request_scope).
_request: RequestScoped[HttpRequest] = RequestScoped("ninja_aio_request")


def current_request() -> HttpRequest | None:
    """The request being served by a viewset, for hooks that need ``request.auth``."""
    return _request.get()


def set_request(request: HttpRequest) -> None:
    """Make ``request`` the current one for this task (and the threads it calls into)."""
    _request.set(request)


async def _wait(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def call_in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a hook from a ``sync_to_async`` thread; an async hook runs on the event loop.

    ORM calls the async hook makes are sent back to this thread (asgiref's
    thread-sensitive mode), so they share its connection and transaction.
    """
    result = fn(*args)
    if inspect.isawaitable(result):
        result = async_to_sync(_wait)(result)
    return result


async def call_async(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a hook from async code; a sync hook runs in a thread (it may use the ORM)."""
    if inspect.iscoroutinefunction(fn):
        return await fn(*args)
    result = await sync_to_async(fn)(*args)
    if inspect.isawaitable(result):
        result = await result
    return result
