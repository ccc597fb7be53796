"""The guide's "Mock Authentication" example, as written: patch auth_handler, send no token."""

from unittest.mock import patch

import pytest
from django.contrib.auth.models import User
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer, encode_jwt
from tests.auth.conftest import bearer, new_api


class JWTAuth(AsyncJwtBearer):
    jwt_public = {"kty": "oct", "k": "bW9jay10ZXN0LXNlY3JldC1vZi1hdC1sZWFzdC0zMi1ieXRlcw"}
    jwt_alg = "HS256"

    async def auth_handler(self, request):
        return await User.objects.aget(id=self.dcd.claims.get("sub"))


api = new_api()


@api.get("/article/", auth=JWTAuth())
async def articles(request):
    return {"user": request.auth.username}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@patch("tests.auth.test_mocking.JWTAuth.auth_handler")
async def test_with_mock_auth(mock_auth):
    user = await User.objects.acreate(username="testuser")
    mock_auth.return_value = user

    client = TestAsyncClient(api)
    response = await client.get("/article/")

    assert response.status_code == 200
    assert response.json() == {"user": "testuser"}


async def test_without_the_patch_no_token_is_401():
    response = await TestAsyncClient(api).get("/article/")
    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
@patch("tests.auth.test_mocking.JWTAuth.auth_handler")
async def test_a_patched_handler_returning_nothing_still_refuses(mock_auth):
    mock_auth.return_value = None
    client = TestAsyncClient(api)
    assert (await client.get("/article/")).status_code == 401
    # A bad token is still refused before the mock is consulted.
    mock_auth.return_value = await User.objects.acreate(username="x")
    assert (await client.get("/article/", headers=bearer("bad"))).status_code == 401
    assert mock_auth.await_count == 1
    key = JWTAuth.jwt_public
    token = encode_jwt({"sub": "1"}, 60, key, "HS256")
    assert (await client.get("/article/", headers=bearer(token))).status_code == 200
