"""Only public signature keys of sound size are trusted; header key hints are ignored."""

from __future__ import annotations

import asyncio

import pytest
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

from ninja_aio.testing import JwksServer
from tests.jwks.helpers import AUDIENCE, auth_header, bearer, client_for, token


def jwks_client(idp, **attributes):
    attributes = {"jwks_url": idp.jwks_url, "issuer": idp.issuer, **attributes}
    return client_for(bearer(**attributes)())


def signed(key, issuer, alg="RS256", **header):
    """Signed with joserfc directly: encode_jwt rightly refuses weak keys."""
    claims = {"sub": "alice", "iss": issuer, "aud": AUDIENCE, "exp": 4_000_000_000}
    return jwt.encode({"alg": alg, "kid": key.kid, **header}, claims, key, algorithms=[alg])


def public(key, **extra):
    return {**key.as_dict(private=False), **extra}


@pytest.fixture(scope="module")
def weak_rsa_key():
    with pytest.warns(SecurityWarning):
        return RSAKey.generate_key(1024, parameters={"kid": "weak"}, private=True)


async def test_only_the_good_key_of_a_hostile_set_is_usable(idp, rsa_key, weak_rsa_key, ec_key):
    hmac = OctKey.generate_key(256, parameters={"kid": "hs"})
    enc = RSAKey.generate_key(2048, parameters={"kid": "enc"})
    private = RSAKey.generate_key(2048, parameters={"kid": "private"})
    not_verify = RSAKey.generate_key(2048, parameters={"kid": "sign-only"})
    x25519 = OKPKey.generate_key("X25519", parameters={"kid": "x25519"})
    idp.publish_raw_keys(
        [
            public(rsa_key),
            hmac.as_dict(private=True),
            public(enc, use="enc"),
            private.as_dict(private=True),
            public(weak_rsa_key),
            public(not_verify, key_ops=["sign"]),
            public(ec_key, alg="ES512"),  # alg inconsistent with the token's ES256
            x25519.as_dict(private=False),
            {"kty": "RSA", "kid": "broken", "n": "AQAB"},
            "not a key",
        ]
    )
    client = jwks_client(idp, algorithms=["RS256", "ES256"])
    good = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert good.status_code == 200
    for key in (enc, private, weak_rsa_key, not_verify):
        response = await client.get("/me", headers=auth_header(signed(key, idp.issuer)))
        assert response.status_code == 401, key.kid
    response = await client.get("/me", headers=auth_header(signed(ec_key, idp.issuer, "ES256")))
    assert response.status_code == 401
    # Those kids were filtered out, so unknown: the first forced one refresh, whose
    # cooldown covered the others.
    assert idp.fetches("jwks") == 2


async def test_a_set_with_no_usable_key_is_a_bad_document(idp, rsa_key, weak_rsa_key):
    hmac = OctKey.generate_key(256, parameters={"kid": "hs"})
    idp.publish_raw_keys(
        [hmac.as_dict(private=True), public(weak_rsa_key), public(rsa_key, use="enc")]
    )
    client = jwks_client(idp)
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 503
    assert idp.fetches("jwks") == 1


async def test_hmac_forgery_with_a_published_oct_key_is_refused(idp, rsa_key):
    secret = OctKey.generate_key(256, parameters={"kid": "hs"})
    idp.publish_raw_keys([public(rsa_key), secret.as_dict(private=True)])
    client = jwks_client(idp, algorithms=["RS256"])
    forged = signed(secret, idp.issuer, "HS256")
    assert (await client.get("/me", headers=auth_header(forged))).status_code == 401


async def test_key_type_must_fit_the_token_algorithm(idp, rsa_key, ec_key, okp_key):
    idp.set_keys(rsa_key, ec_key, okp_key)
    client = jwks_client(idp, algorithms=["RS256", "ES256", "Ed25519"])
    for key, alg in ((rsa_key, "RS256"), (ec_key, "ES256"), (okp_key, "Ed25519")):
        ok = signed(key, idp.issuer, alg)
        assert (await client.get("/me", headers=auth_header(ok))).status_code == 200, alg
    # An RS256 token naming the EC key's kid.
    mismatched = signed(rsa_key, idp.issuer, kid=ec_key.kid)
    assert (await client.get("/me", headers=auth_header(mismatched))).status_code == 401
    assert idp.fetches("jwks") == 1


async def test_token_without_kid_needs_a_single_key_set(idp, rsa_key, other_rsa_key):
    claims = {"sub": "alice", "iss": idp.issuer, "aud": AUDIENCE, "exp": 4_000_000_000}
    no_kid = jwt.encode({"alg": "RS256"}, claims, rsa_key, algorithms=["RS256"])
    client = jwks_client(idp)
    assert (await client.get("/me", headers=auth_header(no_kid))).status_code == 200
    idp.set_keys(rsa_key, other_rsa_key)
    client = jwks_client(idp, jwks_url=idp.jwks_url + "?second")  # another cache
    assert (await client.get("/me", headers=auth_header(no_kid))).status_code == 401
    assert idp.fetches("jwks") == 2


@pytest.mark.parametrize("hint", ["jku", "x5u", "jwk", "x5c"])
async def test_header_key_hints_are_never_fetched_or_trusted(idp, rsa_key, hint):
    attacker = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    with JwksServer([attacker]) as evil:
        values = {
            "jku": evil.jwks_url,
            "x5u": evil.jwks_url,
            "jwk": {"kty": "EC", **ECKey.generate_key("P-256").as_dict(private=False)},
            "x5c": ["MIIB"],
        }
        forged = signed(attacker, idp.issuer, **{hint: values[hint]})
        client = jwks_client(idp)
        assert (await client.get("/me", headers=auth_header(forged))).status_code == 401
        await asyncio.sleep(0.05)
        assert evil.fetches("jwks") == 0
    assert idp.fetches("jwks") <= 1


async def test_a_member_with_an_unhashable_kty_does_not_spoil_the_set(idp, rsa_key):
    # Found by test_fuzz_documents: {"kty": []} raised TypeError in the lookup of its key
    # class, the whole set was refused (503) and the good key in it could not verify.
    idp.publish_raw_keys([{"kty": []}, {"kty": {"RSA": 1}}, public(rsa_key)])
    response = await jwks_client(idp).get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 200


async def test_a_key_listed_twice_is_one_key_not_an_ambiguous_kid(idp, rsa_key):
    idp.publish_raw_keys([public(rsa_key), public(rsa_key)])
    response = await jwks_client(idp).get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 200
