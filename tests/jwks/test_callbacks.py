"""The guide's integration examples: ``get_jwks`` / ``get_public_key`` overrides, cached."""

from __future__ import annotations

import asyncio

import httpx
from joserfc import jwk

from ninja_aio.auth import AsyncJwtBearer
from tests.jwks.helpers import AUDIENCE, FAST, auth_header, client_for, token


async def test_get_jwks_override_is_called_lazily_once_and_cached(idp, rsa_key):
    calls = []

    class Auth0JWT(AsyncJwtBearer):
        jwt_alg = "RS256"
        jwks_cooldown = FAST["jwks_cooldown"]

        def __init__(self):
            super().__init__()
            self.domain = idp.url  # set after super().__init__(), as in the guide

        async def get_jwks(self):
            calls.append(1)
            async with httpx.AsyncClient() as client:
                response = await client.get(f"{self.domain}/jwks")
                return response.json()

        claims = {
            "iss": {"essential": True, "value": idp.issuer},
            "aud": {"essential": True, "value": AUDIENCE},
        }

        async def auth_handler(self, request):
            return {"user_id": self.dcd.claims.get("sub")}

    client = client_for(Auth0JWT())
    headers = auth_header(token(rsa_key, idp.issuer))
    responses = await asyncio.gather(*(client.get("/me", headers=headers) for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    assert len(calls) == 1
    wrong_issuer = await client.get("/me", headers=auth_header(token(rsa_key, "https://x.test")))
    assert wrong_issuer.status_code == 401
    assert len(calls) == 1


async def test_get_public_key_override_keycloak_style(idp, rsa_key):
    pem = rsa_key.as_pem(private=False).decode()

    class KeycloakJWT(AsyncJwtBearer):
        jwt_alg = "RS256"
        audience = AUDIENCE

        def __init__(self):
            super().__init__()
            self.realm_url = idp.url

        async def get_public_key(self):
            return jwk.RSAKey.import_key(pem)

        claims = {"iss": {"essential": True, "value": idp.issuer}}

    client = client_for(KeycloakJWT())
    # The key from code has no kid: it serves tokens whatever kid they name.
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 200
    other = jwk.RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    forged = await client.get("/me", headers=auth_header(token(other, idp.issuer)))
    assert forged.status_code == 401


async def test_get_public_key_may_return_pem_text(rsa_key):
    pem = rsa_key.as_pem(private=False)

    class PemAuth(AsyncJwtBearer):
        audience = AUDIENCE
        issuer = "https://issuer.test"

        async def get_public_key(self):
            return pem

    response = await client_for(PemAuth()).get(
        "/me", headers=auth_header(token(rsa_key, "https://issuer.test"))
    )
    assert response.status_code == 200


async def test_failing_callback_is_503_and_retried_after_cooldown(rsa_key):
    calls = []

    class Flaky(AsyncJwtBearer):
        audience = AUDIENCE
        issuer = "https://issuer.test"
        jwks_cooldown = 0.3

        async def get_jwks(self):
            calls.append(1)
            if len(calls) == 1:
                raise httpx.ConnectError("down")
            return {"keys": [rsa_key.as_dict(private=False)]}

    client = client_for(Flaky())
    headers = auth_header(token(rsa_key, "https://issuer.test"))
    first = await client.get("/me", headers=headers)
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "1"
    assert (await client.get("/me", headers=headers)).status_code == 503
    assert len(calls) == 1
    await asyncio.sleep(0.35)
    assert (await client.get("/me", headers=headers)).status_code == 200
    assert len(calls) == 2


async def test_callback_returning_garbage_or_secrets_is_503(rsa_key, hmac_key):
    for value in ("<html>", {"keys": [hmac_key.as_dict(private=True)]}, ["x"]):

        class Bad(AsyncJwtBearer):
            audience = AUDIENCE
            issuer = "https://issuer.test"

            async def get_jwks(self, value=value):
                return value

        response = await client_for(Bad()).get(
            "/me", headers=auth_header(token(rsa_key, "https://issuer.test"))
        )
        assert response.status_code == 503, value


async def test_callback_sources_belong_to_each_instance(rsa_key, other_rsa_key):
    class PerTenant(AsyncJwtBearer):
        audience = AUDIENCE
        issuer = "https://issuer.test"

        def __init__(self, key):
            super().__init__()
            self.key = key

        async def get_public_key(self):
            return self.key.as_dict(private=False)

    first = client_for(PerTenant(rsa_key))
    second = client_for(PerTenant(other_rsa_key))
    headers = auth_header(token(rsa_key, "https://issuer.test"))
    assert (await first.get("/me", headers=headers)).status_code == 200
    assert (await second.get("/me", headers=headers)).status_code == 401
