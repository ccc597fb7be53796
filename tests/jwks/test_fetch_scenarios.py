"""How the key cache reacts to what the provider's JWKS endpoint answers."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from ninja_aio.testing import JwksServer
from tests.jwks.helpers import (
    FAST,
    auth_header,
    bearer,
    client_for,
    clocked_client,
    token,
)

BAD_DOCUMENTS = [
    JwksServer.UNAVAILABLE,
    JwksServer.SLOW,
    JwksServer.HTML,
    JwksServer.OVERSIZED,
    JwksServer.REDIRECT_OFF_HOST,
    JwksServer.EMPTY,
]


COOLDOWN = FAST["jwks_cooldown"]


def jwks_client(idp: JwksServer, **attributes):
    return client_for(bearer(jwks_url=idp.jwks_url, issuer=idp.issuer, **attributes)())


async def test_keys_are_fetched_once_and_cached(idp, rsa_key):
    client = jwks_client(idp)
    for _ in range(5):
        response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
        assert response.status_code == 200
        assert response.json() == {"sub": "alice"}
    assert idp.fetches("jwks") == 1


@pytest.mark.parametrize("scenario", BAD_DOCUMENTS)
async def test_cold_cache_and_bad_answer_is_503_with_retry_after(idp, rsa_key, scenario):
    idp.jwks_scenario = scenario
    client = jwks_client(idp, jwks_timeout=0.5)
    started = time.monotonic()
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert time.monotonic() - started < 1.2  # jwks_timeout is 0.5 s; the slow server takes 1.5 s
    assert response.status_code == 503
    assert response.json() == {"detail": "Authentication service unavailable"}
    assert response.headers["Retry-After"] == "1"
    assert idp.fetches("jwks") == 1
    # Within the cooldown nobody asks the provider again.
    again = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert again.status_code == 503
    assert idp.fetches("jwks") == 1


@pytest.mark.parametrize("scenario", BAD_DOCUMENTS)
async def test_bad_answer_never_replaces_good_keys(idp, rsa_key, scenario):
    # The slow answer (1.5 s) fails by the fetch timeout.
    timeout = {"jwks_timeout": 1.0} if scenario == JwksServer.SLOW else {}
    client, clock, cache = clocked_client(idp, jwks_ttl=10, **timeout)
    headers = auth_header(token(rsa_key, idp.issuer))
    assert (await client.get("/me", headers=headers)).status_code == 200
    idp.jwks_scenario = scenario
    clock.advance(10)  # due: the held keys answer, the refresh runs behind them and fails
    assert (await client.get("/me", headers=headers)).status_code == 200
    await cache.settled()
    assert (await client.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 2  # no retry within the cooldown
    idp.jwks_scenario = JwksServer.OK
    clock.advance(COOLDOWN)
    assert (await client.get("/me", headers=headers)).status_code == 200
    await cache.settled()
    assert idp.fetches("jwks") == 3
    assert (await client.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 3  # fresh again


async def test_redirect_within_the_same_host_is_followed(idp, rsa_key):
    idp.jwks_scenario = JwksServer.REDIRECT_SAME_HOST
    client = jwks_client(idp)
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 200
    assert idp.fetches("jwks") == 1


async def test_ttl_without_cache_control_is_jwks_ttl(idp, rsa_key):
    client, clock, cache = clocked_client(idp, jwks_ttl=40)
    headers = auth_header(token(rsa_key, idp.issuer))
    assert (await client.get("/me", headers=headers)).status_code == 200
    clock.advance(39)
    assert (await client.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 1
    clock.advance(1)
    assert (await client.get("/me", headers=headers)).status_code == 200
    await cache.settled()
    assert idp.fetches("jwks") == 2


async def test_cache_control_max_age_is_honoured(idp, rsa_key):
    idp.max_age = 100
    client, clock, cache = clocked_client(idp, jwks_ttl=20)
    headers = auth_header(token(rsa_key, idp.issuer))
    assert (await client.get("/me", headers=headers)).status_code == 200
    clock.advance(50)  # past jwks_ttl, within max-age
    assert (await client.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 1
    clock.advance(50)
    assert (await client.get("/me", headers=headers)).status_code == 200
    await cache.settled()
    assert idp.fetches("jwks") == 2


@pytest.mark.parametrize(
    ("max_age", "limits", "fresh_for"),
    [(100_000, {"jwks_max_ttl": 40}, 40), (0, {"jwks_min_ttl": 40}, 40)],
    ids=["clamped-to-max", "clamped-to-min"],
)
async def test_cache_control_max_age_is_clamped(idp, rsa_key, max_age, limits, fresh_for):
    idp.max_age = max_age
    client, clock, cache = clocked_client(idp, **limits)
    headers = auth_header(token(rsa_key, idp.issuer))
    assert (await client.get("/me", headers=headers)).status_code == 200
    clock.advance(fresh_for - 1)
    assert (await client.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 1
    clock.advance(1)
    assert (await client.get("/me", headers=headers)).status_code == 200
    await cache.settled()
    assert idp.fetches("jwks") == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://idp.example.com/jwks",
        "ftp://127.0.0.1/jwks",
        "https://user:pw@idp.example.com/jwks",
        "not a url",
        "https://idp.example.com:99999/jwks",
    ],
)
def test_insecure_or_malformed_urls_are_refused_at_startup(url):
    with pytest.raises(ImproperlyConfigured, match="jwks_url"):
        bearer(jwks_url=url)()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:1/jwks", "http://localhost/jwks", "http://[::1]/j"]
)
def test_plain_http_is_allowed_to_loopback(url):
    bearer(jwks_url=url)()


def test_unknown_cache_alias_is_refused_at_startup(idp):
    with pytest.raises(ImproperlyConfigured, match="jwks_cache"):
        bearer(jwks_url=idp.jwks_url, jwks_cache="nope")()


@pytest.mark.parametrize(
    "attributes",
    [{"jwks_timeout": 0}, {"jwks_cooldown": -1}, {"jwks_min_ttl": 10, "jwks_max_ttl": 5}],
)
def test_nonsense_timings_are_refused_at_startup(idp, attributes):
    with pytest.raises(ImproperlyConfigured):
        bearer(jwks_url=idp.jwks_url, **attributes)()


def test_hmac_algorithms_cannot_use_remote_keys(idp):
    with pytest.raises(ImproperlyConfigured, match="HS"):
        bearer(jwks_url=idp.jwks_url, jwt_alg="HS256")()
