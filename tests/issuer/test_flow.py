"""Login -> call -> refresh -> logout, on the Redis store and the database store."""

from __future__ import annotations

import asyncio

import pytest

from tests.issuer.conftest import PASSWORD, bearer, login

pytestmark = pytest.mark.django_db(transaction=True)


async def test_the_whole_flow(setup, alice):
    client = setup.client
    response = await login(client)
    assert response.status_code == 200
    first = response.json()
    assert set(first) == {"access", "refresh", "token_type", "expires_in", "refresh_expires_in"}
    assert (first["token_type"], first["expires_in"], first["refresh_expires_in"]) == (
        "Bearer",
        300,
        86400,
    )
    me = await client.get("/me", headers=bearer(first["access"]))
    assert me.status_code == 200 and me.json()["username"] == "alice"

    response = await client.post("/auth/token/refresh/", json={"refresh": first["refresh"]})
    assert response.status_code == 200
    second = response.json()
    assert second["refresh"] != first["refresh"]
    assert (await client.get("/me", headers=bearer(second["access"]))).status_code == 200

    logout = await client.post(
        "/auth/token/revoke/", json={"refresh": second["refresh"]}, headers=bearer(second["access"])
    )
    assert logout.status_code == 204
    for access in (first["access"], second["access"]):
        response = await client.get("/me", headers=bearer(access))
        assert response.status_code == 401
        assert response.json() == {"detail": "Token has been revoked"}
        assert 'error="invalid_token"' in response["WWW-Authenticate"]
    again = await client.post("/auth/token/refresh/", json={"refresh": second["refresh"]})
    assert again.status_code == 401


async def test_a_replayed_refresh_token_revokes_the_family(setup, alice):
    client = setup.client
    first = (await login(client)).json()
    rotated = (await client.post("/auth/token/refresh/", json={"refresh": first["refresh"]})).json()
    replay = await client.post("/auth/token/refresh/", json={"refresh": first["refresh"]})
    assert replay.status_code == 401
    assert "reuse" in replay.json()["detail"]
    # The thief's and the user's tokens of that login are all dead now.
    assert (await client.get("/me", headers=bearer(rotated["access"]))).status_code == 401
    follow = await client.post("/auth/token/refresh/", json={"refresh": rotated["refresh"]})
    assert follow.status_code == 401
    # Another login is another family: unaffected.
    other = (await login(client)).json()
    assert (await client.get("/me", headers=bearer(other["access"]))).status_code == 200


async def test_concurrent_refreshes_of_one_token_exactly_one_succeeds(setup, alice):
    client = setup.client
    refresh = (await login(client)).json()["refresh"]
    answers = await asyncio.gather(
        *(client.post("/auth/token/refresh/", json={"refresh": refresh}) for _ in range(6))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 401, 401, 401, 401, 401]


async def test_access_and_refresh_tokens_are_not_interchangeable(setup, alice):
    client = setup.client
    pair = (await login(client)).json()
    as_access = await client.get("/me", headers=bearer(pair["refresh"]))
    assert as_access.status_code == 401
    assert as_access.json() == {"detail": "Invalid token type"}
    as_refresh = await client.post("/auth/token/refresh/", json={"refresh": pair["access"]})
    assert as_refresh.status_code == 401
    assert as_refresh.json() == {"detail": "Invalid token type"}


async def test_revoked_tokens_fail_on_every_route_of_the_bearer(setup, admin):
    client = setup.client
    pair = (await login(client, "root")).json()
    assert (await client.get("/admin", headers=bearer(pair["access"]))).status_code == 200
    await client.post("/auth/token/revoke/", json={"refresh": pair["refresh"]})
    for path in ("/me", "/admin"):
        assert (await client.get(path, headers=bearer(pair["access"]))).status_code == 401


async def test_the_claims_hook_feeds_role_checks(setup, alice):
    client = setup.client
    pair = (await login(client)).json()
    response = await client.get("/admin", headers=bearer(pair["access"]))
    assert response.status_code == 403


async def test_inactive_users_cannot_refresh(setup, alice):
    client = setup.client
    pair = (await login(client)).json()
    alice.is_active = False
    await alice.asave()
    assert (
        await client.post("/auth/token/refresh/", json={"refresh": pair["refresh"]})
    ).status_code == 401
    assert (await client.get("/me", headers=bearer(pair["access"]))).status_code == 401


async def test_bad_bodies_are_422_never_500(setup, alice):
    client = setup.client
    for body in ({}, {"username": "alice"}, {"username": "", "password": PASSWORD},
                 {"username": "alice", "password": PASSWORD, "extra": 1}):  # fmt: skip
        assert (await client.post("/auth/token/", json=body)).status_code == 422
    assert (await client.post("/auth/token/refresh/", json={"refresh": 5})).status_code == 422
    missing = await client.post("/auth/token/refresh/", json={})
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Missing refresh token"}
    junk = await client.post("/auth/token/refresh/", json={"refresh": "a.b.c"})
    assert junk.status_code == 401


async def test_testing_helpers_obtain_and_issue_tokens(setup, alice):
    from ninja_aio.testing import issue_tokens, obtain_tokens

    client = setup.client
    logged_in = await obtain_tokens(client, "alice", PASSWORD)
    minted = await issue_tokens(setup.issuer, alice)
    for pair in (logged_in, minted):
        assert (await client.get("/me", headers=bearer(pair["access"]))).status_code == 200
    with pytest.raises(AssertionError, match="login failed \\(401\\)"):
        await obtain_tokens(client, "alice", "wrong")
