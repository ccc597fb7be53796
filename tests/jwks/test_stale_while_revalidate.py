"""A due refresh never holds up requests whose key is cached (stale-while-revalidate).

The provider is held (``JwksServer.hold``) so a refresh stays in flight as long as the
test needs; the fetch timeout is far longer than the test's own deadline, so a request
that waited for the refresh fails the test instead of answering late.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from ninja_aio.auth import jwks_cache
from ninja_aio.testing import JwksServer
from tests.jwks.helpers import (
    FAST,
    auth_header,
    bearer,
    clocked,
    clocked_client,
    sync_client_for,
    token,
)

TTL, MAX_STALE = 60, 600
#: Far beyond DEADLINE: a request that waits for a held fetch cannot answer in time.
SLOW_FETCH = 30.0
DEADLINE = 5.0


TIMINGS = {"jwks_ttl": TTL, "jwks_max_stale": MAX_STALE, "jwks_timeout": SLOW_FETCH}


async def primed(idp, key):
    """A client whose key cache (on a fake clock) holds ``idp``'s set, and the headers
    of a token whose kid is in it."""
    client, clock, cache = clocked_client(idp, **TIMINGS)
    cached = auth_header(token(key, idp.issuer))
    assert (await client.get("/me", headers=cached)).status_code == 200
    return client, clock, cache, cached


async def test_cached_kid_answers_at_once_while_the_due_refresh_is_slow(
    idp, rsa_key, other_rsa_key
):
    client, clock, cache, cached = await primed(idp, rsa_key)
    idp.hold()
    idp.set_keys(other_rsa_key)  # what the held refresh will bring
    clock.advance(TTL)
    async with asyncio.timeout(DEADLINE):
        first = await client.get("/me", headers=cached)
        await asyncio.to_thread(idp.wait_for_fetches, 2)  # the refresh is at the provider
        rest = await asyncio.gather(*(client.get("/me", headers=cached) for _ in range(50)))
    assert [r.status_code for r in [first, *rest]] == [200] * 51
    # An unknown kid waits for that same refresh, and gets the key it brings.
    newcomer = asyncio.ensure_future(
        client.get("/me", headers=auth_header(token(other_rsa_key, idp.issuer, sub="bob")))
    )
    idp.release()
    async with asyncio.timeout(DEADLINE):
        response = await newcomer
        await cache.settled()
    assert response.status_code == 200 and response.json() == {"sub": "bob"}
    assert idp.fetches("jwks") == 2  # one refresh, however many requests saw it due
    # The new set is in: the rotated-out key is refused now.
    assert (await client.get("/me", headers=cached)).status_code == 401


def test_sync_views_answer_at_once_and_the_refresh_outlives_their_loops(
    idp, rsa_key, other_rsa_key, caplog
):
    """Each sync view authenticates on an event loop closed when it returns."""
    auth = bearer(jwks_url=idp.jwks_url, issuer=idp.issuer, **TIMINGS)()
    (clock, cache), client = clocked(auth), sync_client_for(auth)
    cached = auth_header(token(rsa_key, idp.issuer))
    assert client.get("/me-sync", headers=cached).status_code == 200
    idp.hold()
    idp.set_keys(other_rsa_key, rsa_key)
    clock.advance(TTL)
    with ThreadPoolExecutor(max_workers=4) as pool:
        calls = [pool.submit(client.get, "/me-sync", headers=cached) for _ in range(8)]
        statuses = [call.result(timeout=DEADLINE).status_code for call in calls]
    assert statuses == [200] * 8
    idp.wait_for_fetches(2)
    idp.release()  # every loop that saw the refresh due is closed by now
    asyncio.run(asyncio.wait_for(cache.settled(), DEADLINE))
    newcomer = auth_header(token(other_rsa_key, idp.issuer))
    assert client.get("/me-sync", headers=newcomer).status_code == 200
    assert idp.fetches("jwks") == 2
    assert not [r for r in caplog.records if "destroyed but it is pending" in r.getMessage()]


async def test_unknown_kid_with_stale_keys_and_no_refresh_in_flight_waits_for_one(
    idp, rsa_key, other_rsa_key
):
    client, clock, cache, cached = await primed(idp, rsa_key)
    idp.jwks_scenario = JwksServer.UNAVAILABLE
    clock.advance(TTL)
    assert (await client.get("/me", headers=cached)).status_code == 200
    await cache.settled()  # that refresh failed: no other before the cooldown
    idp.jwks_scenario = JwksServer.OK
    idp.set_keys(other_rsa_key, rsa_key)
    idp.hold()
    newcomer = asyncio.ensure_future(
        client.get("/me", headers=auth_header(token(other_rsa_key, idp.issuer)))
    )
    async with asyncio.timeout(DEADLINE):
        await asyncio.to_thread(idp.wait_for_fetches, 3)  # the new kid forced a fetch
        idp.release()
        response = await newcomer
    assert response.status_code == 200
    assert idp.fetches("jwks") == 3


@pytest.mark.parametrize(
    ("scenario", "expected"), [(JwksServer.OK, 200), (JwksServer.UNAVAILABLE, 503)]
)
async def test_keys_past_max_stale_wait_for_the_fetch(idp, rsa_key, scenario, expected):
    client, clock, _, cached = await primed(idp, rsa_key)
    idp.hold()
    clock.advance(TTL + MAX_STALE + 1)
    waiting = asyncio.ensure_future(client.get("/me", headers=cached))
    async with asyncio.timeout(DEADLINE):
        await asyncio.to_thread(idp.wait_for_fetches, 2)  # this request's own fetch
        idp.jwks_scenario = scenario
        idp.release()
        response = await waiting
    # What the provider answered after the release decided: the request waited for it.
    assert response.status_code == expected
    assert idp.fetches("jwks") == 2


async def test_failed_background_refresh_keeps_the_keys_and_retries_after_the_cooldown(
    idp, rsa_key, caplog
):
    client, clock, cache, cached = await primed(idp, rsa_key)
    idp.jwks_scenario = JwksServer.HTML
    clock.advance(TTL)
    with caplog.at_level(logging.WARNING, logger="ninja_aio.auth"):
        assert (await client.get("/me", headers=cached)).status_code == 200
        await cache.settled()
    assert "reason=not_json" in caplog.text
    assert (await client.get("/me", headers=cached)).status_code == 200
    assert idp.fetches("jwks") == 2
    idp.jwks_scenario = JwksServer.OK
    clock.advance(FAST["jwks_cooldown"])
    assert (await client.get("/me", headers=cached)).status_code == 200
    await cache.settled()
    assert idp.fetches("jwks") == 3
    assert (await client.get("/me", headers=cached)).status_code == 200
    assert idp.fetches("jwks") == 3  # fresh again


async def test_a_refresh_thread_that_cannot_start_leaves_no_flight_behind(
    idp, rsa_key, monkeypatch
):
    client, clock, cache, cached = await primed(idp, rsa_key)

    class NoThreads:
        def __init__(self, **_):
            pass

        def start(self):
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(jwks_cache, "threading", SimpleNamespace(Thread=NoThreads))
    clock.advance(TTL)
    assert (await client.get("/me", headers=cached)).status_code == 200
    assert idp.fetches("jwks") == 1
    monkeypatch.undo()
    assert (await client.get("/me", headers=cached)).status_code == 200
    await cache.settled()
    assert idp.fetches("jwks") == 2
