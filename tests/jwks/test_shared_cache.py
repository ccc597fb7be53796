"""``jwks_cache``: documents shared through Django's Redis cache across worker processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from ninja_aio.auth.remote import reset_remote_caches
from ninja_aio.testing import JwksServer
from tests.jwks.helpers import auth_header, bearer, client_for, clocked, token

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unique_url(idp):
    """A JWKS URL of its own, so no document from another run is in Redis."""
    return f"{idp.jwks_url}?run={uuid.uuid4().hex}"


def worker(url: str, issuer: str, **attributes):
    """A bearer as a fresh worker process would build it: no in-process cache yet."""
    reset_remote_caches()
    return client_for(bearer(jwks_url=url, issuer=issuer, jwks_cache="redis", **attributes)())


@pytest.mark.redis
async def test_second_worker_uses_the_document_the_first_one_fetched(idp, rsa_key, unique_url):
    headers = auth_header(token(rsa_key, idp.issuer))
    for _ in range(3):
        response = await worker(unique_url, idp.issuer).get("/me", headers=headers)
        assert response.status_code == 200
    assert idp.fetches("jwks") == 1


@pytest.mark.redis
def test_another_process_uses_the_shared_document(idp, rsa_key, unique_url):
    headers = auth_header(token(rsa_key, idp.issuer))
    assert (
        asyncio.run(worker(unique_url, idp.issuer).get("/me", headers=headers)).status_code == 200
    )
    script = textwrap.dedent(
        f"""
        import asyncio, django
        django.setup()
        from ninja_aio.auth import AsyncJwtBearer

        class Auth(AsyncJwtBearer):
            jwks_url = {unique_url!r}
            issuer = {idp.issuer!r}
            jwks_cache = "redis"

        print(asyncio.run(Auth()._keys.get_key("rsa-1", "RS256")).kid)
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "rsa-1"
    assert idp.fetches("jwks") == 1


@pytest.mark.redis
async def test_rotation_seen_by_one_worker_reaches_the_others(
    idp, rsa_key, other_rsa_key, unique_url
):
    first = worker(unique_url, idp.issuer)
    second = worker(unique_url, idp.issuer)
    old = auth_header(token(rsa_key, idp.issuer))
    assert (await first.get("/me", headers=old)).status_code == 200
    assert (await second.get("/me", headers=old)).status_code == 200
    assert idp.fetches("jwks") == 1
    idp.set_keys(rsa_key, other_rsa_key)
    new = auth_header(token(other_rsa_key, idp.issuer))
    assert (await first.get("/me", headers=new)).status_code == 200
    assert (await second.get("/me", headers=new)).status_code == 200
    assert idp.fetches("jwks") == 2


@pytest.mark.redis
async def test_a_shared_set_older_than_the_token_does_not_hide_a_new_key(
    idp, rsa_key, other_rsa_key, unique_url
):
    first = worker(unique_url, idp.issuer)
    second = worker(unique_url, idp.issuer)
    assert (
        await first.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    assert (
        await second.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    # The first worker refreshes (an unknown kid) before the provider rotates: the shared
    # set is newer than the second worker's, and still lacks the new key.
    stray = token(rsa_key, idp.issuer, header={"kid": "stray"})
    assert (await first.get("/me", headers=auth_header(stray))).status_code == 401
    assert idp.fetches("jwks") == 2
    idp.set_keys(other_rsa_key, rsa_key)
    new = auth_header(token(other_rsa_key, idp.issuer))
    assert (await second.get("/me", headers=new)).status_code == 200
    assert idp.fetches("jwks") == 3


@pytest.mark.redis
async def test_background_refreshes_share_the_document_through_the_cache(
    idp, rsa_key, other_rsa_key, unique_url
):
    workers = []
    for _ in range(2):
        reset_remote_caches()
        auth = bearer(jwks_url=unique_url, issuer=idp.issuer, jwks_cache="redis", jwks_ttl=60)()
        workers.append((client_for(auth), *clocked(auth)))
    headers = auth_header(token(rsa_key, idp.issuer))
    for client, _, _ in workers:
        assert (await client.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 1
    idp.set_keys(other_rsa_key, rsa_key)
    for client, clock, cache in workers:
        clock.advance(60)  # due: each answers at once and refreshes in a thread of its own
        assert (await client.get("/me", headers=headers)).status_code == 200
        await cache.settled()
    # The first refresh asked the provider; the second took its document from Redis.
    assert idp.fetches("jwks") == 2
    new = auth_header(token(other_rsa_key, idp.issuer))
    for client, _, _ in workers:
        assert (await client.get("/me", headers=new)).status_code == 200
    assert idp.fetches("jwks") == 2


@pytest.mark.redis
async def test_worker_starting_during_an_outage_uses_the_stale_shared_document(
    idp, rsa_key, unique_url
):
    headers = auth_header(token(rsa_key, idp.issuer))
    assert (
        await worker(unique_url, idp.issuer, jwks_ttl=0.2).get("/me", headers=headers)
    ).status_code == 200
    idp.jwks_scenario = JwksServer.UNAVAILABLE
    await asyncio.sleep(0.3)
    late = worker(unique_url, idp.issuer, jwks_ttl=0.2)
    assert (await late.get("/me", headers=headers)).status_code == 200
    assert idp.fetches("jwks") == 2


async def test_unreachable_shared_cache_falls_back_to_http(idp, rsa_key, unique_url):
    broken = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    with override_settings(CACHES=broken):
        client = worker(unique_url, idp.issuer)
        response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 200
    assert idp.fetches("jwks") == 1
