"""encode_jwt / decode_jwt and the Django settings fall-backs."""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey
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


# --- decode_jwt applies the bearer's claim rules (one code path) -----------------------

#: (name, claim options, token claims, expected refusal or None): each rule of claim_options.
CLAIM_RULES = [
    ("aud-pinned-missing", {"aud": {"value": "api"}}, {"sub": "u"}, "Missing claim: aud"),
    ("aud-values-missing", {"aud": {"values": ["api", "x"]}}, {"sub": "u"}, "Missing claim: aud"),
    ("aud-pinned-present", {"aud": {"value": "api"}}, {"sub": "u", "aud": "api"}, None),
    ("aud-pinned-other", {"aud": {"value": "api"}}, {"sub": "u", "aud": "x"},
     "Invalid claim: aud"),
    ("iss-pinned-missing", {"iss": {"value": "https://i"}}, {"sub": "u"}, "Missing claim: iss"),
    ("iss-pinned-present", {"iss": {"value": "https://i"}}, {"iss": "https://i"}, None),
    ("iss-not-essential-still-required", {"iss": {"essential": False, "value": "https://i"}},
     {"sub": "u"}, "Missing claim: iss"),
    ("sub-essential", {"sub": {"essential": True}}, {"aud": "api"}, "Missing claim: sub"),
    ("exp-opted-out", {"exp": {"essential": False}}, {"sub": "u"}, None),
]  # fmt: skip


def _without_exp(key, claims):
    return jwt.encode({"alg": "RS256"}, claims, key, algorithms=["RS256"])


def _with_exp(key, claims):
    return _without_exp(key, {"exp": int(time.time()) + 60, **claims})


@pytest.mark.parametrize(
    ("options", "claims", "refusal"), [r[1:] for r in CLAIM_RULES], ids=[r[0] for r in CLAIM_RULES]
)
async def test_decode_jwt_and_the_bearer_refuse_the_same_tokens(
    options, claims, refusal, rsa_key, rsa_public
):
    auth = type("Auth", (AsyncJwtBearer,), {"jwt_public": rsa_public, "claims": options})
    api = new_api()

    @api.get("/p", auth=auth())
    async def view(request):
        return {"sub": request.jwt.claims.get("sub")}

    token = _with_exp(rsa_key, claims)
    by_http = await TestAsyncClient(api).get("/p", headers=bearer(token))
    if refusal is None:
        assert by_http.status_code == 200
        decoded = decode_jwt(token, rsa_public, claims=options).claims
        assert {**decoded, "exp": 0} == {**claims, "exp": 0}
    else:
        assert by_http.json() == {"detail": refusal}
        with pytest.raises(InvalidToken) as refused:
            decode_jwt(token, rsa_public, claims=options)
        assert refused.value.detail == refusal


def test_decode_jwt_requires_a_pinned_aud_or_iss(rsa_key, rsa_public):
    token = encode_jwt({"sub": "u"}, 60, rsa_key)
    with pytest.raises(InvalidToken) as aud:
        decode_jwt(token, rsa_public, claims={"aud": {"value": "api"}})
    assert aud.value.detail == "Missing claim: aud"
    with pytest.raises(InvalidToken) as iss:
        decode_jwt(token, rsa_public, claims={"iss": {"values": ["https://a", "https://b"]}})
    assert iss.value.detail == "Missing claim: iss"


def test_decode_jwt_requires_exp_unless_opted_out(rsa_key, rsa_public):
    token = _without_exp(rsa_key, {"sub": "u"})
    with pytest.raises(InvalidToken) as missing:
        decode_jwt(token, rsa_public)
    assert missing.value.detail == "Missing claim: exp"
    assert decode_jwt(token, rsa_public, require_exp=False).claims == {"sub": "u"}
    assert decode_jwt(token, rsa_public, claims={"exp": {"essential": False}}).claims["sub"] == "u"


def test_decode_jwt_reads_a_list_audience_setting_like_the_bearer(rsa_key, rsa_public):
    with override_settings(JWT_AUDIENCE=["api", "other-api"]):
        accepted = encode_jwt({"sub": "u", "aud": "other-api"}, 60, rsa_key)
        assert decode_jwt(accepted, rsa_public).claims["aud"] == "other-api"
        with pytest.raises(InvalidToken) as refused:
            decode_jwt(encode_jwt({"sub": "u", "aud": "third"}, 60, rsa_key), rsa_public)
        assert refused.value.detail == "Invalid claim: aud"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"claims": {"aud": "api"}}, "decode_jwt.claims['aud']"),
        ({"claims": {"aud": {"valeu": "api"}}}, "decode_jwt.claims['aud']"),
        ({"leeway": -1}, "decode_jwt.leeway"),
        ({"leeway": 3600}, "decode_jwt.leeway"),
    ],
)
def test_decode_jwt_refuses_bad_claim_rules_like_the_bearer(kwargs, message, rsa_key, rsa_public):
    token = encode_jwt({"sub": "u"}, 60, rsa_key)
    with pytest.raises(ImproperlyConfigured) as info:
        decode_jwt(token, rsa_public, **kwargs)
    assert message in str(info.value)


# --- no kid derived from a shared secret -------------------------------------------


async def test_encode_jwt_puts_no_secret_thumbprint_in_kid():
    secret = OctKey.generate_key(256)
    token = encode_jwt({"sub": "u"}, 60, secret, "HS256")
    header = jwt.decode(token, secret, algorithms=["HS256"]).header
    assert "kid" not in header
    assert secret.thumbprint() not in token  # not in the header, not anywhere

    class Hs(AsyncJwtBearer):
        jwt_public = secret
        jwt_alg = "HS256"

    api = new_api()

    @api.get("/p", auth=Hs())
    async def view(request):
        return {"sub": request.jwt.claims["sub"], "kid": request.jwt.header.get("kid")}

    response = await TestAsyncClient(api).get("/p", headers=bearer(token))
    assert response.json() == {"sub": "u", "kid": None}


def test_encode_jwt_hmac_kid_only_when_the_caller_gives_one(hmac_key):
    own = encode_jwt({"sub": "u"}, 60, hmac_key, "HS256")
    assert jwt.decode(own, hmac_key, algorithms=["HS256"]).header["kid"] == "hs-1"
    secret = OctKey.generate_key(256)
    given = encode_jwt({"sub": "u"}, 60, secret, "HS256", header={"kid": "k-2026"})
    assert jwt.decode(given, secret, algorithms=["HS256"]).header["kid"] == "k-2026"
    # A KeySet of shared secrets picks the key by the kid the caller chose.
    keys = KeySet([OctKey.import_key(secret.as_dict(), {"kid": "k-2026"})])
    assert decode_jwt(given, keys, ["HS256"]).claims["sub"] == "u"
