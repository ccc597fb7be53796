"""A local identity provider for tests: discovery, a JWKS, key rotation, an outage."""

from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer, encode_jwt
from ninja_aio.testing import JwksServer, generate_key


async def walk_through() -> None:
    signing_key = generate_key("RS256", kid="key-1")
    with JwksServer([signing_key]) as idp:  # publishes the public parts only

        class Auth(AsyncJwtBearer):
            issuer = idp.issuer  # http://127.0.0.1:PORT, discovered from there
            audience = "api"

        api = NinjaAIO(urls_namespace="docs-jwks-server")

        @api.get("/me", auth=Auth())
        async def me(request):
            return {"sub": request.auth["sub"]}

        client = TestAsyncClient(api)

        def signed(key):
            token = encode_jwt({"sub": "ada", "iss": idp.issuer, "aud": "api"}, 60, key)
            return {"Authorization": f"Bearer {token}"}

        assert (await client.get("/me", headers=signed(signing_key))).json() == {"sub": "ada"}
        assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 1)

        # rotation: the provider publishes a new key and signs with it at once
        new_key = generate_key("RS256", kid="key-2")
        idp.set_keys(new_key, signing_key)
        assert (await client.get("/me", headers=signed(new_key))).status_code == 200
        assert idp.fetches("jwks") == 2  # one refresh, forced by the unknown kid

        # an outage: keys already held keep verifying
        idp.jwks_scenario = JwksServer.UNAVAILABLE
        assert (await client.get("/me", headers=signed(signing_key))).status_code == 200
