"""The verified-token cache follows the remote key set: a refresh or rotation clears it."""

from __future__ import annotations

import pytest

from tests.jwks.helpers import auth_header, clocked_client, token

TTL = 60


@pytest.fixture
def signatures(verified_signatures) -> list[bytes]:
    """Every RS256 signature joserfc checks."""
    return verified_signatures("RS256")


async def test_rotation_clears_the_cache_and_a_removed_key_refuses(
    idp, rsa_key, other_rsa_key, signatures
):
    idp.set_keys(rsa_key, other_rsa_key)
    client, clock, keys = clocked_client(idp, token_cache_size=10, jwks_ttl=TTL)
    old, kept = token(rsa_key, idp.issuer, sub="old"), token(other_rsa_key, idp.issuer, sub="kept")

    async def get(value: str):
        return await client.get("/me", headers=auth_header(value))

    for value in (old, kept, old, kept):
        assert (await get(value)).status_code == 200
    assert len(signatures) == 2  # two tokens, each verified once
    # The provider drops rsa-1; once the set is past its TTL a refresh brings the new set.
    idp.set_keys(other_rsa_key)
    clock.advance(TTL + 1)
    assert (await get(kept)).status_code == 200  # stale set served, refresh started
    await keys.settled()
    assert idp.fetches("jwks") == 2
    # The set changed: the cached entry is not trusted, the token is verified again.
    assert (await get(kept)).status_code == 200
    assert len(signatures) == 3
    assert (await get(kept)).status_code == 200
    assert len(signatures) == 3
    # The token signed with the removed key is refused, cached or not.
    response = await get(old)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unknown key"}


async def test_a_static_key_set_never_clears_the_cache(idp, rsa_key, signatures):
    """Same set, no refresh due: every repeat is a hit."""
    client, _, _ = clocked_client(idp, token_cache_size=10, jwks_ttl=TTL)
    value = token(rsa_key, idp.issuer)
    for _ in range(4):
        assert (await client.get("/me", headers=auth_header(value))).status_code == 200
    assert len(signatures) == 1
    assert idp.fetches("jwks") == 1
