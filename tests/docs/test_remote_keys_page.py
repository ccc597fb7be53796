"""docs/remote-keys.md: its presets and its JwksServer walk-through, over HTTP."""

import pytest
from ninja.testing import TestAsyncClient

from docs.examples import remote_providers
from docs.examples.remote_jwks_server import walk_through
from ninja_aio.auth import reset_remote_caches
from ninja_aio.testing import TokenFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    reset_remote_caches()
    yield
    reset_remote_caches()


@pytest.fixture
def client():
    return TestAsyncClient(remote_providers.api)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_auth0_preset_reads_scope_and_permissions(client):
    with TokenFactory(remote_providers.Auth0).trust() as tokens:
        claims = tokens.claims()
        assert claims["iss"] == "https://my-tenant.eu.auth0.com/"
        assert claims["aud"] == "https://api.example.com"
        assert claims["permissions"] == ["orders:admin"]
        assert (await client.get("/orders", headers=bearer(tokens.make_token()))).status_code == 200
        response = await client.get("/orders", headers=bearer(tokens.make_token(roles=[])))
        assert response.json() == {"detail": "Missing required role"}
        response = await client.get("/orders", headers=bearer(tokens.make_token(scope="")))
        assert response.json() == {"detail": "Insufficient scope"}


async def test_the_keycloak_preset_checks_azp_typ_and_realm_roles(client):
    with TokenFactory(remote_providers.Keycloak).trust() as tokens:
        claims = tokens.claims()
        assert claims["iss"] == "https://sso.example.com/realms/shop"
        assert (claims["azp"], claims["typ"]) == ("shop-frontend", "Bearer")
        assert (await client.get("/shop", headers=bearer(tokens.make_token()))).status_code == 200
        id_token = tokens.make_token(claims={"typ": "ID"})
        assert (await client.get("/shop", headers=bearer(id_token))).json() == {
            "detail": "Invalid claim: typ"
        }
        other_client = tokens.make_token(claims={"azp": "other"})
        assert (await client.get("/shop", headers=bearer(other_client))).status_code == 401


async def test_firebase_and_discovery_bearers_pin_issuer_and_audience(client):
    with TokenFactory(remote_providers.FirebaseAuth).trust() as tokens:
        claims = tokens.claims()
        assert (claims["iss"], claims["aud"]) == (
            "https://securetoken.google.com/my-project",
            "my-project",
        )
        assert (
            await client.get("/profile", headers=bearer(tokens.make_token(sub="u1")))
        ).json() == {"uid": "u1"}
        wrong = tokens.make_token(claims={"aud": "another-project"})
        assert (await client.get("/profile", headers=bearer(wrong))).status_code == 401
    with TokenFactory(remote_providers.ApiAuth, alg="ES256").trust() as tokens:
        assert (await client.get("/main", headers=bearer(tokens.make_token()))).status_code == 200


async def test_the_jwks_server_walk_through_runs_as_written():
    await walk_through()
