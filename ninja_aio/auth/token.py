"""The verified token, and how it is scoped to the one request that carried it.

A ``ContextVar`` follows asyncio tasks and threads, not requests, so two things
keep ``current_token`` (what ``self.dcd`` reads) from outliving its request:

- **Django's request signals.** Under WSGI a request runs in the server thread's
  own context, which lives as long as the thread; ninja verifies tokens for sync
  views inside ``async_to_sync``, and Django runs async views the same way, and
  ``async_to_sync`` copies the context back into the calling thread (that is how
  a sync view sees the token). Left alone, the next request on that thread would
  see it. ``_forget_token`` clears it on ``request_started`` and
  ``request_finished``; it is a *sync* receiver on purpose: ``Signal.send()``
  (WSGI handler, ``django.test.Client``, ``HttpResponse.close()``) runs it in the
  request thread's own context, so the reset sticks. Under ASGI each request is
  processed in a task of its own (Django's ``ASGIHandler``), so nothing set while
  handling it leaks out; there ``asend()`` runs sync receivers through
  ``sync_to_async`` inside ``asyncio.gather`` (a child task whose context is
  discarded), so the start-of-request reset has no effect and needs none, and the
  end-of-request one goes through ``sync_to_async(response.close)``, which copies
  the context back. This works for any ``NinjaAPI``.
- **The request itself.** ``bind_token`` sets ``request.jwt`` and
  ``current_token`` together, and every authenticator run starts by re-reading
  ``request.jwt``, so within a chain ``self.dcd`` is always the current request's
  token, or None, even where no Django handler sends the signals (ninja's
  ``TestClient`` / ``TestAsyncClient``).
"""

from __future__ import annotations

from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.core.signals import request_finished, request_started

__all__ = ["TokenClaims", "VerifiedToken", "bind_token", "current_token", "request_token"]


class TokenClaims(dict):
    """The claims of a verified token; always truthy, so an empty claim set still authenticates."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """A token whose signature and claims were checked: ``header``, ``claims`` and ``raw``."""

    header: MappingProxyType
    claims: MappingProxyType
    raw: str

    def __repr__(self) -> str:
        return f"VerifiedToken(alg={self.header.get('alg')!r}, sub={self.claims.get('sub')!r})"


#: The token of the request being handled, or None (see the module docstring).
current_token: ContextVar[VerifiedToken | None] = ContextVar("ninja_aio_token", default=None)


def request_token(request: Any) -> VerifiedToken | None:
    """The token an authenticator verified for ``request`` (``request.jwt``), else None."""
    token = getattr(request, "jwt", None)
    return token if isinstance(token, VerifiedToken) else None


def bind_token(request: Any, token: VerifiedToken | None) -> None:
    """Make ``token`` the request's verified token; None removes every trace of one."""
    if token is None:
        with suppress(AttributeError):
            del request.jwt
    else:
        request.jwt = token
    current_token.set(token)


def _forget_token(**kwargs: Any) -> None:
    current_token.set(None)


request_started.connect(_forget_token, dispatch_uid="ninja_aio.auth.token.request_started")
request_finished.connect(_forget_token, dispatch_uid="ninja_aio.auth.token.request_finished")
