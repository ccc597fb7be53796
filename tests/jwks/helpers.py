"""Helpers for remote-key tests: fast bearer classes, a protected API, tokens, a clock."""

from __future__ import annotations

import itertools
from typing import Any

from joserfc.jwk import Key
from ninja import Router
from ninja.testing import TestAsyncClient, TestClient

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer, encode_jwt
from ninja_aio.auth.jwks_cache import RemoteValue

AUDIENCE = "https://api.example.test"
_namespaces = itertools.count()

#: Short timings so that every scenario runs in well under a second.
FAST = {
    "jwks_timeout": 3.0,  # generous: a loaded CI machine must not turn a slow answer into an outage
    "jwks_cooldown": 0.3,
    "jwks_min_ttl": 0.2,
    "jwks_ttl": 60,
    "jwks_max_stale": 60,
}


def bearer(**attributes: Any) -> type[AsyncJwtBearer]:
    """A bearer class with fast cache timings, ``AUDIENCE`` and ``attributes``."""
    return type("RemoteBearer", (AsyncJwtBearer,), {"audience": AUDIENCE, **FAST, **attributes})


def _api(auth: Any) -> NinjaAIO:
    """An API with protected ``GET /me`` (async view) and ``GET /me-sync`` (sync view)."""
    api = NinjaAIO(urls_namespace=f"jwks-{next(_namespaces)}")
    router = Router()

    @router.get("/me", auth=auth)
    async def me(request):
        return {"sub": request.jwt.claims["sub"]}

    @router.get("/me-sync", auth=auth)
    def me_sync(request):
        return {"sub": request.jwt.claims["sub"]}

    api.add_router("", router)
    return api


def client_for(auth: Any) -> TestAsyncClient:
    return TestAsyncClient(_api(auth))


def sync_client_for(auth: Any) -> TestClient:
    """ninja runs the async authenticator of a sync view on a new event loop per call."""
    return TestClient(_api(auth))


def token(key: Key, issuer: str, *, sub: str = "alice", **claims: Any) -> str:
    header = claims.pop("header", None)
    return encode_jwt(
        {"sub": sub, "iss": issuer, "aud": AUDIENCE, **claims}, 60, key, header=header
    )


def auth_header(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


class FakeClock:
    """A monotonic clock that tests move on, for ``RemoteValue.clock``: no sleeping.

    Each reading ticks a microsecond, as a real clock would between two calls.
    """

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        self.now += 1e-6
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def clocked(auth: AsyncJwtBearer) -> tuple[FakeClock, RemoteValue]:
    """Run the key-set cache of ``auth`` (a ``jwks_url`` or callback bearer) on a
    ``FakeClock``, before its first fetch; the clock and the cache."""
    cache = auth._keys.keys.value
    cache.clock = clock = FakeClock()
    return clock, cache


def clocked_client(idp: Any, **attributes: Any) -> tuple[TestAsyncClient, FakeClock, RemoteValue]:
    """A client of a bearer reading ``idp``'s JWKS URL, its cache's fake clock, the cache."""
    auth = bearer(jwks_url=idp.jwks_url, issuer=idp.issuer, **attributes)()
    return (client_for(auth), *clocked(auth))
