"""Login -> call -> refresh -> logout -> the old tokens fail."""

from ninja.testing import TestAsyncClient

from docs.examples.tokens_api import api

client = TestAsyncClient(api)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


async def walk_through(username, password):
    # 1. Log in: an access token (5 min) and a refresh token (1 day).
    login = await client.post("/auth/token/", json={"username": username, "password": password})
    assert login.status_code == 200
    tokens = login.json()

    # 2. Call a protected route with the access token.
    me = await client.get("/me", headers=bearer(tokens["access"]))
    assert me.json() == {"username": username}

    # 3. Refresh: a new pair; the refresh token used is spent.
    refreshed = await client.post("/auth/token/refresh/", json={"refresh": tokens["refresh"]})
    new = refreshed.json()

    # 4. Replaying a spent refresh token ends the whole session (a stolen token).
    replay = await client.post("/auth/token/refresh/", json={"refresh": tokens["refresh"]})
    assert replay.status_code == 401
    assert (await client.get("/me", headers=bearer(new["access"]))).status_code == 401

    # 5. A new login, then logout: its tokens fail from now on.
    tokens = (await client.post(
        "/auth/token/", json={"username": username, "password": password}
    )).json()  # fmt: skip
    logout = await client.post(
        "/auth/token/revoke/", json={"refresh": tokens["refresh"]}, headers=bearer(tokens["access"])
    )
    assert logout.status_code == 204
    gone = await client.get("/me", headers=bearer(tokens["access"]))
    assert (gone.status_code, gone.json()) == (401, {"detail": "Token has been revoked"})
