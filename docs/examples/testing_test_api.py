"""Tests of the api above: tokens it accepts, without the identity provider."""

from ninja.testing import TestAsyncClient

from docs.examples.testing_api import JWTAuth, api
from ninja_aio.testing import TokenFactory, force_auth

client = TestAsyncClient(api)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_the_api_accepts(jwt_tokens):
    tokens = jwt_tokens(JWTAuth)  # JWTAuth trusts a test key until the test ends
    response = await client.get("/me", headers=bearer(tokens.make_token(sub="ada")))
    assert response.status_code == 200
    assert response.json() == {"sub": "ada"}


async def test_a_token_without_the_scope_is_refused(jwt_tokens):
    token = jwt_tokens(JWTAuth).make_token(sub="ada", scope="")
    response = await client.get("/me", headers=bearer(token))
    assert response.status_code == 403


async def test_an_expired_token_is_refused():
    factory = TokenFactory(JWTAuth)  # the same, without the pytest fixture
    with factory.trust():
        response = await client.get("/me", headers=bearer(factory.make_token(expires_in=-60)))
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has expired"}


async def test_something_else_than_auth():
    logged_in = force_auth(client, {"sub": "ada"})
    response = await logged_in.get("/me")
    assert response.json() == {"sub": "ada"}
