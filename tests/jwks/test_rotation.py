"""Unknown kids: a key rotated in is found at once; floods cost one fetch per cooldown."""

from __future__ import annotations

import asyncio

from tests.jwks.helpers import auth_header, clocked_client, token

#: Long enough that a test which passed by waiting for it would time out instead.
COOLDOWN = 30


def jwks_setup(idp, **attributes):
    """A client, its key cache's fake clock and the cache, with the long cooldown."""
    return clocked_client(idp, **{"jwks_cooldown": COOLDOWN, **attributes})


def jwks_client(idp, **attributes):
    client, clock, _ = jwks_setup(idp, **attributes)
    return client, clock


async def status(client, value: str) -> int:
    return (await client.get("/me", headers=auth_header(value))).status_code


async def test_key_rotated_in_right_after_a_fetch_verifies_on_first_try(
    idp, rsa_key, other_rsa_key
):
    client, _ = jwks_client(idp)
    assert await status(client, token(rsa_key, idp.issuer)) == 200
    idp.set_keys(other_rsa_key, rsa_key)  # the provider rotates and signs with the new key
    assert await status(client, token(other_rsa_key, idp.issuer)) == 200
    assert idp.fetches("jwks") == 2
    assert await status(client, token(rsa_key, idp.issuer)) == 200
    assert idp.fetches("jwks") == 2


async def test_after_a_rotation_a_flood_of_random_kids_costs_one_fetch_per_cooldown(
    idp, rsa_key, other_rsa_key
):
    client, clock = jwks_client(idp)
    assert await status(client, token(rsa_key, idp.issuer)) == 200
    idp.set_keys(other_rsa_key, rsa_key)
    assert await status(client, token(other_rsa_key, idp.issuer)) == 200
    assert idp.fetches("jwks") == 2  # that forced refresh started the cooldown
    for wave in range(3):
        forged = [
            token(rsa_key, idp.issuer, header={"kid": f"random-{wave}-{n}"}) for n in range(100)
        ]
        statuses = await asyncio.gather(*(status(client, value) for value in forged))
        assert set(statuses) == {401}
        # Sequential stragglers inside the same cooldown cost nothing either.
        for n in range(20):
            late = token(rsa_key, idp.issuer, header={"kid": f"late-{wave}-{n}"})
            assert await status(client, late) == 401
        assert idp.fetches("jwks") == 2 + wave
        clock.advance(COOLDOWN)
    # Genuine tokens kept working throughout.
    assert await status(client, token(other_rsa_key, idp.issuer)) == 200
    assert await status(client, token(rsa_key, idp.issuer)) == 200


async def test_flood_right_after_the_first_fetch_costs_one_refresh(idp, rsa_key):
    client, _ = jwks_client(idp)
    assert await status(client, token(rsa_key, idp.issuer)) == 200
    forged = [token(rsa_key, idp.issuer, header={"kid": f"random-{n}"}) for n in range(100)]
    statuses = await asyncio.gather(*(status(client, value) for value in forged))
    assert set(statuses) == {401}
    assert idp.fetches("jwks") == 2


async def test_unknown_kid_on_a_cold_cache_costs_one_fetch(idp, rsa_key):
    """The set was fetched after the token arrived: fetching it again would not help."""
    client, _ = jwks_client(idp)
    forged = token(rsa_key, idp.issuer, header={"kid": "nobody"})
    assert await status(client, forged) == 401
    assert idp.fetches("jwks") == 1


async def test_unknown_kid_is_refused_without_fetch_until_the_cooldown_ends(
    idp, rsa_key, other_rsa_key
):
    client, clock = jwks_client(idp)
    assert await status(client, token(rsa_key, idp.issuer)) == 200
    stranger = token(other_rsa_key, idp.issuer)
    response = await client.get("/me", headers=auth_header(stranger))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert idp.fetches("jwks") == 2
    assert await status(client, stranger) == 401
    assert idp.fetches("jwks") == 2
    clock.advance(COOLDOWN - 1)
    assert await status(client, stranger) == 401
    assert idp.fetches("jwks") == 2
    clock.advance(1)
    assert await status(client, stranger) == 401
    assert idp.fetches("jwks") == 3
    # Published now: found on the next refresh the cooldown allows.
    idp.set_keys(rsa_key, other_rsa_key)
    clock.advance(COOLDOWN)
    assert await status(client, stranger) == 200
    assert idp.fetches("jwks") == 4


async def test_routine_refreshes_do_not_start_the_cooldown(idp, rsa_key, other_rsa_key):
    client, clock, cache = jwks_setup(idp, jwks_ttl=60)
    assert await status(client, token(rsa_key, idp.issuer)) == 200
    for _ in range(3):
        clock.advance(60)  # due: the held keys serve while one refresh runs in the background
        assert await status(client, token(rsa_key, idp.issuer)) == 200
        await cache.settled()
    assert idp.fetches("jwks") == 4
    # The background refreshes done, a key rotated in is still found at once.
    idp.set_keys(other_rsa_key, rsa_key)
    assert await status(client, token(other_rsa_key, idp.issuer)) == 200
    assert idp.fetches("jwks") == 5


async def test_rotated_out_key_is_refused_once_the_set_is_refreshed(idp, rsa_key, other_rsa_key):
    client, clock, cache = jwks_setup(idp, jwks_ttl=60)
    old = token(rsa_key, idp.issuer)
    assert await status(client, old) == 200
    idp.set_keys(other_rsa_key)
    clock.advance(60)
    # Due: the held (stale) set still answers, while the new one is fetched behind it.
    assert await status(client, old) == 200
    await cache.settled()
    assert idp.fetches("jwks") == 2
    assert await status(client, old) == 401  # unknown now: one forced refresh, then refused
    assert await status(client, token(other_rsa_key, idp.issuer)) == 200
    assert idp.fetches("jwks") == 3


async def test_hostile_kids_are_refused_without_fetch(idp, rsa_key):
    client, _ = jwks_client(idp)
    assert await status(client, token(rsa_key, idp.issuer)) == 200
    for kid in ["k" * 300, "../../etc/passwd", "' OR 1=1 --"]:
        forged = token(rsa_key, idp.issuer, header={"kid": kid})
        assert await status(client, forged) == 401
    # The over-long kid is refused before lookup; the others cost the one refresh.
    assert idp.fetches("jwks") == 2
