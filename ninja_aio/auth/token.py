"""The verified token, and how it is scoped to the one request that carried it.

A ``ContextVar`` follows asyncio tasks and threads, not requests, so the token is
kept in a fresh ``_Slot`` per binding and two things stop it outliving its request:

- **Django's request signals.** Under WSGI a request runs in the server thread's
  context, which lives as long as the thread; ninja verifies tokens for sync
  views inside ``async_to_sync`` (and Django runs async views the same way), and
  ``async_to_sync`` copies the context back into the calling thread: that is how
  a sync view sees the token, and why the next request on that thread would see
  it too. ``_forget_token`` runs on ``request_started`` and ``request_finished``
  and empties the slot *in place*, then unsets the variable. In place matters
  under ASGI: ``Signal.asend()`` runs sync receivers through ``sync_to_async``
  inside ``asyncio.gather``, i.e. in a child task's copy of the context, where
  ``ContextVar.set`` would be discarded; the copy still refers to the same slot
  object, so emptying it reaches the request's own context. With ``send()``
  (WSGI handler, ``django.test.Client``, ``HttpResponse.close()``) the receiver
  runs in the request thread's context and both steps apply. Each binding makes
  a new slot inside the request's own context, so emptying one never reaches a
  concurrent request (each ASGI request is processed in a task of its own).
  This works for any ``NinjaAPI``, whatever the server.
- **The request itself.** ``bind_token`` sets ``request.jwt`` and the slot
  together, and every authenticator run starts from ``request.jwt``, so within a
  chain ``self.dcd`` is always the current request's token or None, even where
  no Django handler sends the signals (ninja's ``TestClient`` /
  ``TestAsyncClient`` call views directly: there, a view that no bearer guards
  should read ``request.jwt``, since ``self.dcd`` is the last token the test's
  own context saw).
"""

from __future__ import annotations

from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.core.signals import request_finished, request_started

__all__ = [
    "FORCED_AUTH_ATTR",
    "TokenClaims",
    "VerifiedToken",
    "bind_token",
    "current_token",
    "request_token",
]

#: Request attribute through which ``ninja_aio.testing.force_auth`` hands the bearer an
#: identity. Only code in the process can set it: no HTTP input reaches it.
FORCED_AUTH_ATTR = "_ninja_aio_forced_auth"


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


@dataclass(slots=True)
class _Slot:
    """One binding of a token to the request being handled; emptied when the request ends."""

    token: VerifiedToken | None


_slot: ContextVar[_Slot | None] = ContextVar("ninja_aio_token", default=None)


def current_token() -> VerifiedToken | None:
    """The token of the request being handled, or None (see the module docstring)."""
    slot = _slot.get()
    return None if slot is None else slot.token


def request_token(request: Any) -> VerifiedToken | None:
    """The token an authenticator verified for ``request`` (``request.jwt``), else None."""
    return getattr(request, "jwt", None)


def bind_token(request: Any, token: VerifiedToken | None) -> None:
    """Make ``token`` the request's verified token; None removes every trace of one."""
    if token is None:
        with suppress(AttributeError):
            del request.jwt
        _slot.set(None)
    else:
        request.jwt = token
        _slot.set(_Slot(token))


def _forget_token(**kwargs: Any) -> None:
    slot = _slot.get()
    if slot is not None:
        slot.token = None
    _slot.set(None)


request_started.connect(_forget_token, dispatch_uid="ninja_aio.auth.token.request_started")
request_finished.connect(_forget_token, dispatch_uid="ninja_aio.auth.token.request_finished")
