"""Store outages, throttling, enumeration, the JWK Set, cookies and purging."""

from __future__ import annotations

import statistics
import time

import jwt as pyjwt
import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.utils import timezone
from joserfc.jwk import RSAKey
from ninja.testing import TestAsyncClient

from ninja_aio.auth.revocation import CacheRevocationStore
from ninja_aio.contrib.revocation.models import TokenRecord
from ninja_aio.contrib.revocation.store import DatabaseRevocationStore
from tests.issuer.conftest import (
    AUDIENCE,
    ISSUER,
    PASSWORD,
    SIGNING_KEY,
    bearer,
    create_user,
    login,
    make_api,
    make_issuer,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def working():
    issuer = make_issuer(CacheRevocationStore("default", prefix="edges:"))
    return issuer, TestAsyncClient(make_api(issuer))


async def test_store_down_fails_closed_with_503(alice, working):
    issuer, client = working
    pair = (await login(client)).json()
    issuer.store.alias = "unreachable"  # the same store, its server gone
    response = await client.get("/me", headers=bearer(pair["access"]))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"detail": "Revocation service unavailable"}
    refresh = await client.post("/auth/token/refresh/", json={"refresh": pair["refresh"]})
    assert refresh.status_code == 503


async def test_fail_open_accepts_when_the_store_is_down(alice):
    issuer = make_issuer(CacheRevocationStore("unreachable"))
    api = make_api(issuer)

    class Lenient(issuer.bearer()):
        revocation_fail_open = True

    @api.get("/lenient", auth=Lenient())
    async def lenient(request):
        return {"username": request.auth.username}

    pair = await issuer.issue(alice)
    client = TestAsyncClient(api)
    assert (await client.get("/lenient", headers=bearer(pair.access))).status_code == 200
    assert (await client.get("/me", headers=bearer(pair.access))).status_code == 503


async def test_logins_are_throttled_per_ip_and_username(alice, working):
    _, client = working
    await create_user("bob", password=PASSWORD)
    statuses = [(await login(client, "alice", "wrong")).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    # Another username from the same address still has its own budget.
    assert (await login(client, "bob")).status_code == 200


async def test_wrong_credentials_do_not_tell_which_part_was_wrong(alice, working):
    _, client = working
    inactive = await create_user("carol", password=PASSWORD)
    inactive.is_active = False
    await inactive.asave()
    answers = [
        await login(client, "alice", "wrong password"),
        await login(client, "nobody", PASSWORD),
        await login(client, "carol", PASSWORD),
    ]
    assert {a.status_code for a in answers} == {401}
    assert {a.content for a in answers} == {
        b'{"detail":"No active account with these credentials"}'
    }
    assert {a["WWW-Authenticate"] for a in answers} == {
        'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"'
    }


async def test_unknown_users_cost_what_wrong_passwords_cost(alice):
    """Django hashes a password for unknown users too: no timing oracle beyond noise."""
    issuer = make_issuer(CacheRevocationStore("default", prefix="timing:"))
    client = TestAsyncClient(make_api(issuer, login_rate=None, login_ip_rate=None))
    known, unknown = [], []
    for _ in range(15):
        for samples, name in ((known, "alice"), (unknown, "nobody")):
            start = time.perf_counter()
            await login(client, name, "wrong")
            samples.append(time.perf_counter() - start)
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.33 < ratio < 3, ratio


async def test_the_jwks_publishes_public_keys_that_another_library_verifies(alice, working):
    _, client = working
    response = await client.get("/auth/jwks.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    document = response.json()
    assert [k["kid"] for k in document["keys"]] == ["signing-1"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(document["keys"][0])
    pair = (await login(client)).json()
    key = pyjwt.PyJWKSet.from_dict(document)["signing-1"]
    claims = pyjwt.decode(
        pair["access"], key, algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER
    )
    assert claims["sub"] == str(alice.pk)
    assert pyjwt.get_unverified_header(pair["access"])["typ"] == "at+jwt"


async def test_rotation_publishes_both_keys_and_signs_with_the_new_one(alice):
    new_key = RSAKey.generate_key(2048, parameters={"kid": "signing-2"})
    old = make_issuer(CacheRevocationStore("default", prefix="rot:"))
    rotated = make_issuer(
        CacheRevocationStore("default", prefix="rot:"), keys=[new_key, SIGNING_KEY]
    )
    old_token = (await old.issue(alice)).access
    client = TestAsyncClient(make_api(rotated))
    document = (await client.get("/auth/jwks.json")).json()
    assert [k["kid"] for k in document["keys"]] == ["signing-2", "signing-1"]
    fresh = (await login(client)).json()["access"]
    assert pyjwt.get_unverified_header(fresh)["kid"] == "signing-2"
    for token in (old_token, fresh):  # tokens signed before the rotation stay valid
        assert (await client.get("/me", headers=bearer(token))).status_code == 200


async def test_cookies_carry_the_tokens_and_refresh_needs_csrf(alice):
    issuer = make_issuer(CacheRevocationStore("default", prefix="cookies:"))
    client = TestAsyncClient(make_api(issuer, cookies=True, refresh_cookie_path="/auth/token/"))
    response = await login(client)
    access, refresh = response.cookies["access_token"], response.cookies["refresh_token"]
    assert access["httponly"] and refresh["httponly"] and refresh["secure"]
    assert refresh["path"] == "/auth/token/" and refresh["samesite"] == "Strict"

    # ninja's test client skips CSRF unless told otherwise: enforce it as Django would.
    cookies = {"refresh_token": refresh.value}
    no_csrf = await client.post(
        "/auth/token/refresh/", json={}, COOKIES=cookies, _dont_enforce_csrf_checks=False
    )
    assert no_csrf.status_code == 403
    assert no_csrf.json() == {"detail": "CSRF check failed"}
    rotated = await client.post("/auth/token/refresh/", json={}, COOKIES=cookies)
    assert rotated.status_code == 200
    assert rotated.cookies["refresh_token"].value == rotated.json()["refresh"]
    logout = await client.post(
        "/auth/token/revoke/", json={}, COOKIES={"refresh_token": rotated.json()["refresh"]}
    )
    assert logout.status_code == 204
    assert logout.cookies["refresh_token"]["max-age"] == 0


async def test_purge_deletes_only_expired_records(transactional_db):
    store = DatabaseRevocationStore()
    await store.revoke("expired", time.time() - 10)
    await store.revoke("live", time.time() + 3600)
    assert not await store.is_revoked("expired")
    assert await store.is_revoked("live")
    await sync_to_async(call_command)("purge_revoked_tokens", verbosity=0)
    keys = [r.key async for r in TokenRecord.objects.order_by("key")]
    assert keys == ["r:live"]
    assert await TokenRecord.objects.filter(expires_at__lte=timezone.now()).acount() == 0
