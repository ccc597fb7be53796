"""The verified token, and how it is scoped to the one request that carried it.

Two things stop a token outliving its request:

- **Django's request signals** empty it when a request starts and when it ends, under
  WSGI and ASGI alike, for any ``NinjaAPI`` (``ninja_aio.request_scope`` says why that
  takes a slot emptied in place rather than a plain ``ContextVar.set``).
- **The request itself.** ``bind_token`` sets ``request.jwt`` and the scoped
  value together, and every authenticator run starts from ``request.jwt``, so within a
  chain ``self.dcd`` is always the current request's token or None, even where
  no Django handler sends the signals (ninja's ``TestClient`` /
  ``TestAsyncClient`` call views directly: there, a view that no bearer guards
  should read ``request.jwt``, since ``self.dcd`` is the last token the test's
  own context saw).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ninja_aio.request_scope import RequestScoped

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


#: The verified token of the request being handled (see ninja_aio.request_scope).
_token: RequestScoped[VerifiedToken] = RequestScoped("ninja_aio_token")


def current_token() -> VerifiedToken | None:
    """The token of the request being handled, or None (see the module docstring)."""
    return _token.get()


def request_token(request: Any) -> VerifiedToken | None:
    """The token an authenticator verified for ``request`` (``request.jwt``), else None."""
    return getattr(request, "jwt", None)


def bind_token(request: Any, token: VerifiedToken | None) -> None:
    """Make ``token`` the request's verified token; None removes every trace of one."""
    if token is None:
        with suppress(AttributeError):
            del request.jwt
        _token.set(None)
    else:
        request.jwt = token
        _token.set(token)
