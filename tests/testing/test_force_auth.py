"""``force_auth``: requests authenticated without a token, and the pytest fixtures."""

from __future__ import annotations

import pytest
from ninja.testing import TestAsyncClient, TestClient

from ninja_aio.testing import force_auth
from tests.testing.apis import EditorAuth, RealmAuth, api


async def test_forced_requests_reach_the_view_as_the_given_identity():
    client = force_auth(TestAsyncClient(api), "alice", claims={"sub": "alice", "tenant": 2})
    response = await client.get("/editor")
    assert response.status_code == 200
    assert response.json() == {"auth": "alice", "claims": {"sub": "alice", "tenant": 2}}


def test_the_sync_client_works_too():
    client = force_auth(TestClient(api), {"id": 5})
    response = client.get("/sync")
    assert response.status_code == 200
    assert response.json() == {"auth": {"id": 5}, "claims": {}}


async def test_the_wrapped_client_is_left_untouched():
    plain = TestAsyncClient(api)
    force_auth(plain, "alice")
    assert (await plain.get("/editor")).status_code == 401


def test_no_identity_is_refused():
    with pytest.raises(ValueError):
        force_auth(TestClient(api), None)


async def test_plugin_fixture_trusts_the_key_for_the_test(jwt_tokens):
    tokens = jwt_tokens(EditorAuth)
    realm = jwt_tokens(RealmAuth)
    client = TestAsyncClient(api)
    editor = await client.get("/editor", headers={"Authorization": f"Bearer {tokens.make_token()}"})
    writer = await client.get("/realm", headers={"Authorization": f"Bearer {realm.make_token()}"})
    assert (editor.status_code, writer.status_code) == (200, 200)


def test_the_fixture_trust_is_gone_after_the_test():
    assert "_key_override" not in vars(EditorAuth)
    assert "_key_override" not in vars(RealmAuth)


async def test_plugin_force_auth_fixture(force_auth):
    client = force_auth(TestAsyncClient(api), "bob")
    assert (await client.get("/idp")).json()["auth"] == "bob"


async def test_plugin_jwks_server_fixture(jwks_server):
    assert jwks_server.signing_key.kid == "jwks-server-1"
    assert jwks_server.fetches() == 0
