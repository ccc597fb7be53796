"""The verified-token cache (``token_cache_size``), through HTTP.

A cached token skips only the signature and claim checks: these tests count the
signature checks joserfc makes, move the claims clock by hand (no sleeping), and
show that expiry, eviction, revocation, ``auth_handler`` and refusals behave as
without the cache.
"""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import OctKey
from ninja.testing import TestAsyncClient, TestClient

from ninja_aio.auth import AsyncJwtBearer, CacheRevocationStore, encode_jwt
from ninja_aio.auth import claims as claims_module
from tests.auth.conftest import bearer, new_api

SECRET = OctKey.generate_key(256, parameters={"kid": "hs-cache"})
#: The claims clock's "now" in these tests: whole seconds, far from the real clock.
START = 1_700_000_000


class Clock:
    """The claims clock (``claims._clock`` reads ``time.time``), moved by the test."""

    def __init__(self) -> None:
        self.now: float = START

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(claims_module, "time", SimpleNamespace(time=clock.time))
    return clock


@pytest.fixture
def signatures(verified_signatures) -> list[bytes]:
    """Every HS256 signature joserfc checks."""
    return verified_signatures("HS256")


def token(sub: str = "alice", *, lifetime: int = 60, at: float = START, **claims) -> str:
    """An HS256 token minted at ``at`` (claims clock), valid ``lifetime`` seconds."""
    return encode_jwt(
        {"sub": sub, "iat": at, "nbf": at, "exp": at + lifetime, **claims},
        lifetime,
        SECRET,
        "HS256",
    )


def bearer_class(**attributes) -> type[AsyncJwtBearer]:
    base = {"jwt_public": SECRET, "jwt_alg": "HS256", "token_cache_size": 100}
    return type("CachedBearer", (AsyncJwtBearer,), {**base, **attributes})


def client_for(auth: AsyncJwtBearer) -> TestAsyncClient:
    api = new_api()

    @api.get("/me", auth=auth)
    async def me(request):
        return {"sub": request.jwt.claims["sub"], "raw": request.jwt.raw}

    @api.get("/me-sync", auth=auth)
    def me_sync(request):
        return {"sub": request.jwt.claims["sub"], "raw": request.jwt.raw}

    return TestAsyncClient(api)


async def get(client: TestAsyncClient, value: str):
    return await client.get("/me", headers=bearer(value))


async def test_a_repeated_token_is_verified_once(clock, signatures):
    auth = bearer_class()()
    client, value = client_for(auth), token()
    for _ in range(5):
        response = await get(client, value)
        assert response.status_code == 200
        assert response.json() == {"sub": "alice", "raw": value}
    assert len(signatures) == 1
    assert len(auth.token_cache) == 1


async def test_without_the_cache_every_request_is_verified(clock, signatures):
    auth = bearer_class(token_cache_size=0)()
    client, value = client_for(auth), token()
    for _ in range(3):
        assert (await get(client, value)).status_code == 200
    assert len(signatures) == 3
    assert auth.token_cache is None


@pytest.mark.parametrize("leeway", [0, 3])
async def test_a_cached_token_expires_to_the_second(clock, signatures, leeway):
    client = client_for(bearer_class(leeway=leeway)())
    value = token(lifetime=10)
    assert (await get(client, value)).status_code == 200
    clock.now = START + 10 + leeway - 0.001  # still valid: served from the cache
    assert (await get(client, value)).status_code == 200
    assert len(signatures) == 1
    clock.now = START + 10 + leeway  # exp <= now - leeway: expired
    response = await get(client, value)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has expired"}
    assert (await get(client, value)).status_code == 401


async def test_a_clock_set_back_before_iat_and_nbf_refuses_a_cached_token(clock):
    client = client_for(bearer_class()())
    value = token(at=START + 5)
    clock.now = START + 5
    assert (await get(client, value)).status_code == 200
    clock.now = START + 4  # the wall clock went back: iat and nbf are in the future again
    response = await get(client, value)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token was issued in the future"}


async def test_size_is_bounded_and_the_least_recently_used_goes_first(clock, signatures):
    auth = bearer_class(token_cache_size=2)()
    client = client_for(auth)
    first, second, third = token("a"), token("b"), token("c")
    for value in (first, second, first):  # first is now the most recently used
        assert (await get(client, value)).status_code == 200
    assert len(signatures) == 2
    assert (await get(client, third)).status_code == 200  # evicts second, not first
    assert len(auth.token_cache) == 2
    assert (await get(client, first)).status_code == 200
    assert len(signatures) == 3
    assert (await get(client, second)).status_code == 200
    assert len(signatures) == 4
    assert len(auth.token_cache) == 2


async def test_each_request_gets_its_own_claims(clock, signatures):
    """A view that changes a nested claim changes nothing for the next request."""
    auth = bearer_class()()
    api = new_api()

    @api.get("/roles", auth=auth)
    async def roles(request):
        seen = list(request.jwt.claims["roles"])
        request.jwt.claims["roles"].append("admin")
        request.auth["roles"].append("root")
        return {"roles": seen}

    client, value = TestAsyncClient(api), token(roles=["reader"])
    for _ in range(3):
        response = await client.get("/roles", headers=bearer(value))
        assert response.json() == {"roles": ["reader"]}
    assert len(signatures) == 1


async def test_a_token_revoked_after_it_was_cached_is_refused(clock):
    store = CacheRevocationStore()
    auth = bearer_class(check_revocation=True, revocation_store=store)()
    client, value = client_for(auth), token(jti="jti-cached")
    assert (await get(client, value)).status_code == 200
    assert (await get(client, value)).status_code == 200
    assert len(auth.token_cache) == 1
    await store.revoke("jti-cached", START + 60)
    response = await get(client, value)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has been revoked"}


async def test_auth_handler_runs_on_every_request(clock, signatures):
    calls: list[str] = []
    active = {"alice"}

    class Auth(bearer_class()):
        async def auth_handler(self, request):
            sub = self.dcd.claims["sub"]
            calls.append(sub)
            return sub if sub in active else None

    client, value = client_for(Auth()), token()
    assert (await get(client, value)).status_code == 200
    assert (await get(client, value)).status_code == 200
    active.clear()  # the user is deactivated: the cached token no longer authenticates
    response = await get(client, value)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token rejected"}
    assert calls == ["alice"] * 3
    assert len(signatures) == 1


async def test_a_failing_token_is_never_cached(clock, signatures):
    auth = bearer_class()()
    client = client_for(auth)
    good = token()
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BA")
    early = token(at=START + 30)
    for _ in range(2):
        assert (await get(client, forged)).json() == {"detail": "Invalid signature"}
        assert (await get(client, early)).json() == {"detail": "Token was issued in the future"}
    assert len(auth.token_cache) == 0
    assert len(signatures) == 4  # each refusal was a fresh verification
    clock.now = START + 30  # the early token becomes valid: nothing remembered its refusal
    assert (await get(client, early)).status_code == 200
    assert len(auth.token_cache) == 1


async def test_a_token_of_another_issuer_is_refused_even_when_cached_elsewhere(clock):
    """Two bearers, two caches: what one accepted says nothing to the other."""
    strict = bearer_class(issuer="https://one")()
    lenient = bearer_class()()
    value = token(iss="https://two")
    assert (await get(client_for(lenient), value)).status_code == 200
    response = await get(client_for(strict), value)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid claim: iss"}
    assert len(strict.token_cache) == 0


async def test_concurrent_requests_each_see_their_own_token(clock, signatures):
    auth = bearer_class(token_cache_size=4)()
    client = client_for(auth)
    values = {f"user-{n}": token(f"user-{n}") for n in range(8)}
    requests = [(sub, value) for _ in range(5) for sub, value in values.items()]
    responses = await asyncio.gather(*(get(client, value) for _, value in requests))
    assert [r.json() for r in responses] == [{"sub": s, "raw": v} for s, v in requests]
    assert len(auth.token_cache) == 4


def test_threads_with_their_own_event_loops_share_one_cache(clock, signatures):
    """Sync views: ninja runs the authenticator on a new event loop per call, in threads."""
    auth = bearer_class(token_cache_size=16)()
    api = new_api()

    @api.get("/me-sync", auth=auth)
    def me_sync(request):
        return {"sub": request.jwt.claims["sub"]}

    client = TestClient(api)
    values = {f"user-{n}": token(f"user-{n}") for n in range(4)}
    failures: list[object] = []

    def worker() -> None:
        for _ in range(25):
            for sub, value in values.items():
                response = client.get("/me-sync", headers=bearer(value))
                if response.status_code != 200 or response.json() != {"sub": sub}:
                    failures.append(response.json())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(auth.token_cache) == 4
    # Each token was verified at least once and far fewer times than it was used.
    assert 4 <= len(signatures) < 4 * 4 * 25


@pytest.mark.parametrize("size", [-1, True, "100", 2.5])
def test_a_bad_size_is_refused_at_class_creation(size):
    with pytest.raises(ImproperlyConfigured, match="token_cache_size"):
        bearer_class(token_cache_size=size)
