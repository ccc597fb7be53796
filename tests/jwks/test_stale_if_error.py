"""When the provider is down, keys already held keep verifying up to ``jwks_max_stale``."""

from __future__ import annotations

import asyncio

from ninja_aio.testing import JwksServer
from tests.jwks.helpers import (
    FAST,
    auth_header,
    bearer,
    client_for,
    clocked_client,
    token,
)


async def test_stale_keys_verify_until_max_stale_then_503(idp, rsa_key):
    client, clock, cache = clocked_client(idp, jwks_ttl=10, jwks_max_stale=30)
    headers = auth_header(token(rsa_key, idp.issuer))
    assert (await client.get("/me", headers=headers)).status_code == 200
    idp.jwks_scenario = JwksServer.UNAVAILABLE
    clock.advance(10)
    assert (await client.get("/me", headers=headers)).status_code == 200  # stale, refreshing
    await cache.settled()
    assert (await client.get("/me", headers=headers)).status_code == 200  # stale, in cooldown
    assert idp.fetches("jwks") == 2
    clock.advance(30)  # now past expiry + max_stale: the request waits for a fetch
    response = await client.get("/me", headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "WWW-Authenticate" not in response.headers
    assert idp.fetches("jwks") == 3
    assert (await client.get("/me", headers=headers)).status_code == 503  # in cooldown
    assert idp.fetches("jwks") == 3
    idp.jwks_scenario = JwksServer.OK
    clock.advance(FAST["jwks_cooldown"])
    assert (await client.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 4


async def test_unknown_kid_during_an_outage_is_401_not_503(idp, rsa_key, other_rsa_key):
    client = client_for(bearer(jwks_url=idp.jwks_url, issuer=idp.issuer)())
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    idp.jwks_scenario = JwksServer.UNAVAILABLE
    response = await client.get("/me", headers=auth_header(token(other_rsa_key, idp.issuer)))
    assert response.status_code == 401
    assert idp.fetches("jwks") == 2


async def test_retry_after_counts_down_the_cooldown(idp, rsa_key):
    idp.jwks_scenario = JwksServer.UNAVAILABLE
    client = client_for(bearer(jwks_url=idp.jwks_url, issuer=idp.issuer, jwks_cooldown=30)())
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 503
    assert 29 <= int(response.headers["Retry-After"]) <= 30


async def test_a_cancelled_fetch_does_not_block_the_next_caller(idp):
    idp.jwks_scenario = JwksServer.SLOW
    idp.slow_seconds = 0.3
    source = bearer(jwks_url=idp.jwks_url, issuer=idp.issuer, jwks_timeout=1.0)()._keys
    leader = asyncio.ensure_future(source.get_key("rsa-1", "RS256"))
    async with asyncio.timeout(2):
        while idp.fetches("jwks") == 0:  # the leader's request is at the server
            await asyncio.sleep(0.01)
    leader.cancel()
    idp.jwks_scenario = JwksServer.OK
    key = await asyncio.wait_for(source.get_key("rsa-1", "RS256"), 2)
    assert key.kid == "rsa-1"
    assert idp.fetches("jwks") == 2
