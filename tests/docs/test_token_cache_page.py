"""docs/token-cache.md: the example's bearer, exercised over HTTP."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import override_settings
from joserfc.jwk import RSAKey
from ninja.testing import TestAsyncClient

from ninja_aio.auth import CacheRevocationStore, encode_jwt

pytestmark = pytest.mark.django_db(transaction=True)

KEY = RSAKey.generate_key(2048, parameters={"kid": "docs-cache"})
PUBLIC = RSAKey.import_key(KEY.as_dict(private=False))


@pytest.fixture
def example():
    with override_settings(JWT_PUBLIC_KEY=PUBLIC, JWT_ISSUER="https://id.example.com"):
        from docs.examples import token_cache

        yield token_cache
    token_cache.notes_auth.token_cache.clear()


@pytest.fixture
def signatures(verified_signatures) -> list[bytes]:
    """Every RS256 signature joserfc checks."""
    return verified_signatures("RS256")


def token(sub: str, jti: str) -> str:
    claims = {"sub": sub, "iss": "https://id.example.com", "aud": "notes-api", "jti": jti}
    return encode_jwt(claims, 300, KEY)


async def test_repeated_token_is_verified_once_and_auth_handler_still_decides(example, signatures):
    ada = await sync_to_async(get_user_model().objects.create_user)("ada")
    client = TestAsyncClient(example.api)
    headers = {"Authorization": f"Bearer {token('ada', 'docs-cache-1')}"}
    for _ in range(3):
        response = await client.get("/notes", headers=headers)
        assert response.status_code == 200
        assert response.json() == {"owner": "ada", "notes": []}
    assert len(signatures) == 1
    ada.is_active = False
    await ada.asave()
    assert (await client.get("/notes", headers=headers)).status_code == 401


async def test_a_cached_token_revoked_in_the_store_is_refused(example):
    await sync_to_async(get_user_model().objects.create_user)("bob")
    client = TestAsyncClient(example.api)
    headers = {"Authorization": f"Bearer {token('bob', 'docs-cache-2')}"}
    assert (await client.get("/notes", headers=headers)).status_code == 200
    await CacheRevocationStore().revoke("docs-cache-2", 2**31)
    response = await client.get("/notes", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has been revoked"}
