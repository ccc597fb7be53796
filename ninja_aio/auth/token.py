"""The verified token, and the context variable that scopes it to one request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["FORCED_AUTH_ATTR", "TokenClaims", "VerifiedToken", "current_token"]

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


#: The token of the request being handled; each request (asyncio task) has its own value.
current_token: ContextVar[VerifiedToken | None] = ContextVar("ninja_aio_token", default=None)
