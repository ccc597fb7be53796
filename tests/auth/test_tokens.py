"""encode_jwt / decode_jwt and the Django settings fall-backs."""

import time

import pytest
from django.test import override_settings
from joserfc import jwt
from joserfc.jwk import KeySet
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer, InvalidToken, decode_jwt, encode_jwt
from tests.auth.conftest import bearer, new_api, public


def test_encode_sets_times_jti_and_kid(rsa_key):
    before = int(time.time())
    token = encode_jwt({"sub": "u"}, 120, rsa_key)
    parsed = jwt.decode(token, public(rsa_key), algorithms=["RS256"])
    assert parsed.header["kid"] == "rsa-1"
    assert parsed.header["alg"] == "RS256"
    claims = parsed.claims
    assert before <= claims["iat"] == claims["nbf"] <= int(time.time())
    assert claims["exp"] == claims["iat"] + 120
    assert isinstance(claims["jti"], str) and len(claims["jti"]) == 32
    assert encode_jwt({"sub": "u"}, 120, rsa_key) != token  # a fresh jti each time


def test_encode_uses_the_thumbprint_when_the_key_has_no_kid():
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048)
    token = encode_jwt({"sub": "u"}, 60, key)
    header = jwt.decode(token, key, algorithms=["RS256"]).header
    assert header["kid"] == key.thumbprint()
    # ...which is the kid a KeySet assigns, so the token verifies against a JWKS.
    keyset = KeySet([public(key)])
    assert decode_jwt(token, keyset).claims["sub"] == "u"


def test_encode_refuses_a_public_key(rsa_key):
    with pytest.raises(ValueError, match="private"):
        encode_jwt({"sub": "u"}, 60, public(rsa_key))


def test_decode_verifies_signature_and_claims(rsa_key, other_rsa_key):
    token = encode_jwt({"sub": "u", "aud": "api"}, 60, rsa_key)
    verified = decode_jwt(token, public(rsa_key), ["RS256"], claims={"aud": {"value": "api"}})
    assert verified.claims["sub"] == "u"
    assert verified.header["kid"] == "rsa-1"
    with pytest.raises(InvalidToken) as expired:
        decode_jwt(encode_jwt({"sub": "u"}, -1, rsa_key), public(rsa_key))
    assert expired.value.detail == "Token has expired"
    with pytest.raises(InvalidToken) as forged:
        decode_jwt(encode_jwt({"sub": "u"}, 60, other_rsa_key), public(rsa_key))
    assert forged.value.detail == "Invalid signature"
    with pytest.raises(InvalidToken) as audience:
        decode_jwt(token, public(rsa_key), claims={"aud": {"essential": True, "value": "x"}})
    assert audience.value.detail == "Invalid claim: aud"


async def test_settings_fall_backs(rsa_key):
    private_pem = rsa_key.as_pem(private=True).decode()
    public_pem = rsa_key.as_pem(private=False).decode()
    with override_settings(
        JWT_PRIVATE_KEY=private_pem,
        JWT_PUBLIC_KEY=public_pem,
        JWT_ISSUER="https://settings.example",
        JWT_AUDIENCE="settings-api",
    ):
        token = encode_jwt({"sub": "from-settings"}, 60)
        claims = decode_jwt(token).claims
        assert claims["iss"] == "https://settings.example"
        assert claims["aud"] == "settings-api"

        class SettingsAuth(AsyncJwtBearer):
            pass

        api = new_api()

        @api.get("/p", auth=SettingsAuth())
        async def view(request):
            return {"sub": request.auth["sub"]}

        client = TestAsyncClient(api)
        assert (await client.get("/p", headers=bearer(token))).json() == {"sub": "from-settings"}
        foreign = encode_jwt({"sub": "x", "iss": "https://other"}, 60)
        response = await client.get("/p", headers=bearer(foreign))
        assert response.json() == {"detail": "Invalid claim: iss"}


def test_helpers_without_keys_say_which_setting_is_missing():
    with pytest.raises(ValueError, match="JWT_PRIVATE_KEY"):
        encode_jwt({"sub": "u"}, 60)
    with pytest.raises(ValueError, match="JWT_PUBLIC_KEY"):
        decode_jwt("a.b.c")
