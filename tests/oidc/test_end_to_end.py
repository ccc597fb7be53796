"""End to end: tokens from a real OpenID provider against a protected viewset."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time

import httpx
import pytest
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.views import APIViewSet
from tests.jwks.helpers import clocked
from tests.oidc.conftest import API, OTHER_API, OidcProvider
from tests.testapp.models import Tag

pytestmark = pytest.mark.usefixtures("transactional_db")

_namespaces = itertools.count()


def provider_bearer(provider: OidcProvider, **attributes) -> AsyncJwtBearer:
    """A bearer that only knows the provider's issuer (and ``attributes``)."""
    auth = type(
        "ProviderBearer",
        (AsyncJwtBearer,),
        {
            "issuer": provider.issuer,
            "audience": API,
            "token_types": ["at+jwt"],
            "required_scopes": ["read:items"],
            "jwks_timeout": 1.0,
            "jwks_cooldown": 0.2,
            **attributes,
        },
    )
    return auth()


def tags_behind(auth: AsyncJwtBearer) -> TestAsyncClient:
    """The ``Tag`` CRUD viewset behind ``auth``."""
    api = NinjaAIO(urls_namespace=f"oidc-{next(_namespaces)}")

    @api.viewset(Tag, auth=auth)
    class TagViewSet(APIViewSet):
        pass

    return TestAsyncClient(api)


def protected_tags(provider: OidcProvider, **attributes) -> TestAsyncClient:
    return tags_behind(provider_bearer(provider, **attributes))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unverified(token: str, part: int) -> dict:
    segment = token.split(".")[part]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


async def test_provider_token_opens_the_viewset(oidc_provider):
    client = protected_tags(oidc_provider)
    token = await oidc_provider.token(scope="read:items write:items")
    assert unverified(token, 0)["typ"] == "at+jwt"
    created = await client.post("/tag/", json={"name": "oidc"}, headers=bearer(token))
    assert created.status_code == 201, created.content
    listed = await client.get("/tag/", headers=bearer(token))
    assert listed.status_code == 200
    assert [item["name"] for item in listed.json()["items"]] == ["oidc"]
    anonymous = await client.get("/tag/")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")


async def test_token_for_another_audience_is_refused(oidc_provider):
    client = protected_tags(oidc_provider)
    token = await oidc_provider.token(resource=OTHER_API, scope="read:items")
    assert unverified(token, 1)["aud"] == OTHER_API
    response = await client.get("/tag/", headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


async def test_expired_token_is_refused(oidc_provider):
    client = protected_tags(oidc_provider)
    # A 2 s lifetime: exp is a whole second, so the token stays valid for at least 1 s.
    token = await oidc_provider.token(client="short-lived", scope="read:items")
    assert (await client.get("/tag/", headers=bearer(token))).status_code == 200
    expires = unverified(token, 1)["exp"]
    await asyncio.sleep(max(0.0, expires - time.time()) + 0.1)
    response = await client.get("/tag/", headers=bearer(token))
    assert response.status_code == 401


async def test_token_without_required_scope_is_forbidden(oidc_provider):
    client = protected_tags(oidc_provider)
    token = await oidc_provider.token(scope="write:items")
    response = await client.get("/tag/", headers=bearer(token))
    assert response.status_code == 403


async def test_key_rotated_in_right_after_a_fetch_verifies_on_first_try(oidc_provider):
    # A long cooldown: the new kid must not wait for it.
    client = protected_tags(oidc_provider, jwks_cooldown=30)
    old = await oidc_provider.token(scope="read:items")
    assert (await client.get("/tag/", headers=bearer(old))).status_code == 200
    assert await oidc_provider.rotate() == ["key-2", "key-1"]
    new = await oidc_provider.token(scope="read:items")
    assert unverified(new, 0)["kid"] == "key-2"
    assert (await client.get("/tag/", headers=bearer(new))).status_code == 200
    assert (await client.get("/tag/", headers=bearer(old))).status_code == 200


async def test_rotated_out_key_is_refused_once_the_set_is_refreshed(oidc_provider):
    async with httpx.AsyncClient(timeout=5) as http:
        discovery = await http.get(f"{oidc_provider.issuer}/.well-known/openid-configuration")
    auth = provider_bearer(oidc_provider, jwks_url=discovery.json()["jwks_uri"], jwks_ttl=60)
    (clock, cache), client = clocked(auth), tags_behind(auth)
    old = await oidc_provider.token(scope="read:items")
    assert (await client.get("/tag/", headers=bearer(old))).status_code == 200
    await oidc_provider.rotate()
    new = await oidc_provider.token(scope="read:items")
    assert (await client.get("/tag/", headers=bearer(new))).status_code == 200
    assert await oidc_provider.retire() == ["key-2"]
    clock.advance(60)
    # Due: the held set still answers while the new one is fetched behind it ...
    assert (await client.get("/tag/", headers=bearer(old))).status_code == 200
    await cache.settled()
    # ... and once it is in, the retired key is refused.
    assert (await client.get("/tag/", headers=bearer(old))).status_code == 401
    assert (await client.get("/tag/", headers=bearer(new))).status_code == 200
