"""One authenticator instance, hundreds of concurrent requests: each sees only its own token."""

import asyncio
import random

from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer, encode_jwt
from tests.auth.conftest import bearer, new_api

CONCURRENT = 300


async def test_concurrent_requests_keep_their_own_identity(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

        async def auth_handler(self, request):
            # Yield to the other requests between reading the token and returning.
            await asyncio.sleep(random.random() / 100)
            before = self.dcd.claims["sub"]
            await asyncio.sleep(random.random() / 100)
            return {"sub": before, "after_await": self.dcd.claims["sub"]}

    auth = Auth()
    api = new_api()

    @api.get("/who", auth=auth)
    async def who(request):
        await asyncio.sleep(random.random() / 100)
        return {
            **request.auth,
            "view_dcd": auth.dcd.claims["sub"],
            "request_jwt": request.jwt.claims["sub"],
        }

    client = TestAsyncClient(api)
    tokens = [encode_jwt({"sub": f"user-{n}"}, 60, rsa_key) for n in range(CONCURRENT)]
    # Interleave failing requests: a refusal must not leave its token to anyone else.
    requests = [client.get("/who", headers=bearer(token)) for token in tokens]
    requests += [client.get("/who", headers=bearer("x.y.z")) for _ in range(50)]
    responses = await asyncio.gather(*requests)

    for n, response in enumerate(responses[:CONCURRENT]):
        expected = f"user-{n}"
        assert response.status_code == 200
        assert response.json() == {
            "sub": expected,
            "after_await": expected,
            "view_dcd": expected,
            "request_jwt": expected,
        }
    assert {r.status_code for r in responses[CONCURRENT:]} == {401}
    # Outside any request there is no current token.
    assert auth.dcd is None
