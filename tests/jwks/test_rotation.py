"""Unknown kids: one rate-limited refresh, negative caching, rotation in and out."""

from __future__ import annotations

import asyncio

from tests.jwks.helpers import auth_header, bearer, client_for, token

COOLDOWN = 0.3


def jwks_client(idp, **attributes):
    return client_for(bearer(jwks_url=idp.jwks_url, issuer=idp.issuer, **attributes)())


async def test_rotated_in_key_is_fetched_on_first_sight(idp, rsa_key, other_rsa_key):
    client = jwks_client(idp)
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    idp.set_keys(rsa_key, other_rsa_key)
    await asyncio.sleep(COOLDOWN + 0.05)
    response = await client.get("/me", headers=auth_header(token(other_rsa_key, idp.issuer)))
    assert response.status_code == 200
    assert idp.fetches("jwks") == 2


async def test_unknown_kid_one_refresh_then_refused_and_remembered(idp, rsa_key, other_rsa_key):
    client = jwks_client(idp)
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    await asyncio.sleep(COOLDOWN + 0.05)
    stranger = auth_header(token(other_rsa_key, idp.issuer))
    response = await client.get("/me", headers=stranger)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert idp.fetches("jwks") == 2
    # The same kid again, after the cooldown: negatively cached for the cooldown only.
    assert (await client.get("/me", headers=stranger)).status_code == 401
    assert idp.fetches("jwks") == 2
    await asyncio.sleep(COOLDOWN + 0.05)
    assert (await client.get("/me", headers=stranger)).status_code == 401
    assert idp.fetches("jwks") == 3


async def test_unknown_kid_within_cooldown_is_refused_without_fetch(idp, rsa_key, other_rsa_key):
    client = jwks_client(idp)
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    response = await client.get("/me", headers=auth_header(token(other_rsa_key, idp.issuer)))
    assert response.status_code == 401
    assert idp.fetches("jwks") == 1


async def test_flood_of_random_kids_costs_one_fetch_per_cooldown(idp, rsa_key):
    client = jwks_client(idp)
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    await asyncio.sleep(COOLDOWN + 0.05)
    for wave in range(2):
        tokens = [
            token(rsa_key, idp.issuer, header={"kid": f"random-{wave}-{n}"}) for n in range(100)
        ]
        responses = await asyncio.gather(
            *(client.get("/me", headers=auth_header(t)) for t in tokens)
        )
        assert {r.status_code for r in responses} == {401}
        # Sequential stragglers inside the same cooldown cost nothing either.
        for n in range(20):
            late = token(rsa_key, idp.issuer, header={"kid": f"late-{wave}-{n}"})
            assert (await client.get("/me", headers=auth_header(late))).status_code == 401
        assert idp.fetches("jwks") == 2 + wave
        await asyncio.sleep(COOLDOWN + 0.05)
    # Genuine tokens kept working throughout.
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200


async def test_rotated_out_key_is_refused_once_the_set_is_refreshed(idp, rsa_key, other_rsa_key):
    client = jwks_client(idp, jwks_ttl=0.4)
    old = auth_header(token(rsa_key, idp.issuer))
    assert (await client.get("/me", headers=old)).status_code == 200
    idp.set_keys(other_rsa_key)
    await asyncio.sleep(0.5)
    assert (await client.get("/me", headers=old)).status_code == 401
    new = auth_header(token(other_rsa_key, idp.issuer))
    assert (await client.get("/me", headers=new)).status_code == 200
    assert idp.fetches("jwks") == 2


async def test_hostile_kids_are_refused_without_fetch(idp, rsa_key):
    client = jwks_client(idp)
    assert (
        await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    ).status_code == 200
    await asyncio.sleep(COOLDOWN + 0.05)
    for kid in ["k" * 300, "../../etc/passwd", "' OR 1=1 --"]:
        forged = token(rsa_key, idp.issuer, header={"kid": kid})
        assert (await client.get("/me", headers=auth_header(forged))).status_code == 401
    # The over-long kid is refused before lookup; the others cost the one refresh.
    assert idp.fetches("jwks") == 2
