"""``force_auth``: requests that are authenticated without a token, for tests about
something else (like DRF's ``force_authenticate``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.http import HttpRequest

from ninja_aio.auth.token import FORCED_AUTH_ATTR, VerifiedToken, bind_token

__all__ = ["ForcedAuthClient", "force_auth"]

_METHODS = ("get", "post", "put", "patch", "delete", "request")


@dataclass(frozen=True)
class _Forced:
    """What the bearer accepts instead of verifying a token."""

    user: Any
    claims: Mapping[str, Any] = field(default_factory=dict)

    def accept(self, request: HttpRequest) -> Any:
        token = VerifiedToken(
            MappingProxyType({"alg": "none", "typ": "JWT"}),
            MappingProxyType(dict(self.claims)),
            "",
        )
        bind_token(request, token)
        return self.user


class ForcedAuthClient:
    """A ninja ``TestClient`` / ``TestAsyncClient`` whose requests authenticate as ``user``.

    Every ``AsyncJwtBearer`` / ``AsyncJwtCookie`` on the route accepts the request
    without a token: ``request.auth`` is ``user`` and ``self.dcd.claims`` /
    ``request.jwt.claims`` are ``claims``. ``auth_handler``, required roles and scopes
    are skipped: test those with real tokens (``TokenFactory``).
    """

    def __init__(self, client: Any, user: Any, claims: Mapping[str, Any] | None = None) -> None:
        if user is None:
            raise ValueError("force_auth needs a user (or any truthy identity)")
        self._client = client
        self._forced = _Forced(user, dict(claims or {}))

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in _METHODS:
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            kwargs[FORCED_AUTH_ATTR] = self._forced
            return attribute(*args, **kwargs)

        return call


def force_auth(
    client: Any, user: Any, *, claims: Mapping[str, Any] | None = None
) -> ForcedAuthClient:
    """``client`` (ninja's test client) with every request authenticated as ``user``."""
    return ForcedAuthClient(client, user, claims)
