"""Single flight: N concurrent callers that need keys cause exactly one fetch, on any loop."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from ninja_aio.testing import JwksServer
from tests.jwks.helpers import auth_header, bearer, client_for, sync_client_for, token


async def test_200_concurrent_requests_cold_cache_one_fetch(idp, rsa_key):
    idp.jwks_scenario = JwksServer.SLOW  # answers after 0.2 s: every request overlaps the fetch
    idp.slow_seconds = 0.2
    client = client_for(bearer(jwks_url=idp.jwks_url, issuer=idp.issuer)())
    tokens = [token(rsa_key, idp.issuer, sub=f"user{n}") for n in range(200)]
    responses = await asyncio.gather(*(client.get("/me", headers=auth_header(t)) for t in tokens))
    assert [r.status_code for r in responses] == [200] * 200
    # Each request sees its own token's claims.
    assert [r.json()["sub"] for r in responses] == [f"user{n}" for n in range(200)]
    assert idp.fetches("jwks") == 1


async def test_200_concurrent_requests_new_key_one_refresh(idp, rsa_key, other_rsa_key):
    client = client_for(bearer(jwks_url=idp.jwks_url, issuer=idp.issuer)())
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    idp.set_keys(rsa_key, other_rsa_key)
    idp.jwks_scenario = JwksServer.SLOW
    idp.slow_seconds = 0.2
    tokens = [token(other_rsa_key, idp.issuer, sub=f"user{n}") for n in range(200)]
    responses = await asyncio.gather(*(client.get("/me", headers=auth_header(t)) for t in tokens))
    assert [r.status_code for r in responses] == [200] * 200
    assert idp.fetches("jwks") == 2


async def test_200_concurrent_requests_through_discovery_one_fetch_each(idp, rsa_key):
    idp.jwks_scenario = idp.discovery_scenario = JwksServer.SLOW
    idp.slow_seconds = 0.1
    client = client_for(bearer(issuer=idp.issuer)())
    tokens = [token(rsa_key, idp.issuer, sub=f"user{n}") for n in range(200)]
    responses = await asyncio.gather(*(client.get("/me", headers=auth_header(t)) for t in tokens))
    assert [r.status_code for r in responses] == [200] * 200
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 1)


def test_sync_views_on_many_loops_and_threads_share_one_fetch(idp, rsa_key):
    """ninja runs the authenticator of a sync view through async_to_sync: a new loop per call."""
    idp.jwks_scenario = JwksServer.SLOW
    idp.slow_seconds = 0.2
    client = sync_client_for(bearer(jwks_url=idp.jwks_url, issuer=idp.issuer)())

    def call(n: int) -> tuple[int, str]:
        response = client.get(
            "/me-sync", headers=auth_header(token(rsa_key, idp.issuer, sub=f"u{n}"))
        )
        return response.status_code, response.json().get("sub")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, range(64)))
    assert results == [(200, f"u{n}") for n in range(64)]
    assert idp.fetches("jwks") == 1

    # Later calls, each on its own fresh loop, keep using the cache.
    for _ in range(5):
        assert (
            client.get("/me-sync", headers=auth_header(token(rsa_key, idp.issuer))).status_code
            == 200
        )
    assert idp.fetches("jwks") == 1


def test_key_source_is_safe_across_event_loops(idp):
    """Callers on separate loops in separate threads join one flight, without loop errors."""
    idp.jwks_scenario = JwksServer.SLOW
    idp.slow_seconds = 0.2
    source = bearer(jwks_url=idp.jwks_url, issuer=idp.issuer)()._keys
    barrier = threading.Barrier(6)

    def on_own_loop() -> str:
        async def run() -> str:
            barrier.wait()
            key = await source.get_key("rsa-1", "RS256")
            return key.kid

        return asyncio.run(run())

    with ThreadPoolExecutor(max_workers=6) as pool:
        kids = list(pool.map(lambda _: on_own_loop(), range(6)))
    assert kids == ["rsa-1"] * 6
    assert idp.fetches("jwks") == 1
