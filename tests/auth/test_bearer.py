"""AsyncJwtBearer through HTTP: keys, algorithms, claims, responses and helpers."""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey, OKPKey, RSAKey
from ninja import NinjaAPI, Router
from ninja.testing import TestAsyncClient, TestClient

from ninja_aio.auth import AsyncJwtBearer, InsufficientScope, encode_jwt
from tests.auth.conftest import bearer, new_api, public

_KEYS = {}


def key_for(alg: str):
    """One private key per algorithm family, generated once."""
    kty = {"R": "RSA", "P": "RSA", "E": "EC", "H": "oct"}[alg[0]] if alg[0] != "E" else None
    if alg.startswith("Ed") or alg == "EdDSA":
        kty = "OKP:" + ("Ed448" if alg == "Ed448" else "Ed25519")
    elif alg.startswith("ES"):
        kty = "EC:" + {"256": "P-256", "384": "P-384", "512": "P-521"}[alg[2:]]
    if kty not in _KEYS:
        if kty == "RSA":
            _KEYS[kty] = RSAKey.generate_key(2048)
        elif kty == "oct":
            _KEYS[kty] = OctKey.generate_key(512)
        elif kty.startswith("EC:"):
            _KEYS[kty] = ECKey.generate_key(kty[3:])
        else:
            _KEYS[kty] = OKPKey.generate_key(kty[4:])
    return _KEYS[kty]


def protected(auth, path="/p"):
    api = new_api()

    @api.get(path, auth=auth)
    async def view(request):
        return {"auth": request.auth, "sub": request.jwt.claims.get("sub")}

    return TestAsyncClient(api)


ALGORITHMS = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512", "EdDSA", "Ed25519", "HS256", "HS384", "HS512",
]  # fmt: skip


@pytest.mark.parametrize("alg", ALGORITHMS)
async def test_every_algorithm_verifies_with_its_key(alg):
    key = key_for(alg)
    verifier = key if alg.startswith("HS") else public(key)

    class Auth(AsyncJwtBearer):
        jwt_public = verifier
        jwt_alg = alg

    client = protected(Auth())
    ok = await client.get("/p", headers=bearer(encode_jwt({"sub": "u"}, 60, key, alg)))
    assert ok.status_code == 200, ok.json()
    assert ok.json()["sub"] == "u"
    # The same key family under another algorithm of the family is refused.
    other = {"RS": "RS512", "PS": "PS512", "ES": "ES256", "HS": "HS512", "Ed": "EdDSA"}
    twin = other.get(alg[:2], "Ed25519")
    if twin != alg and not (alg.startswith("ES") and twin == "ES256"):
        forged = encode_jwt({"sub": "u"}, 60, key, twin)
        refused = await client.get("/p", headers=bearer(forged))
        assert refused.status_code == 401
        assert refused.json() == {"detail": "Unsupported algorithm"}


@pytest.mark.parametrize(
    "form",
    ["key", "keyset", "pem-text", "pem-bytes", "jwk-dict", "jwks-dict"],
)
async def test_jwt_public_accepts_every_key_form(form, rsa_key):
    pub = public(rsa_key)
    value = {
        "key": pub,
        "keyset": KeySet([pub]),
        "pem-text": pub.as_pem(private=False).decode(),
        "pem-bytes": pub.as_pem(private=False),
        "jwk-dict": pub.as_dict(),
        "jwks-dict": {"keys": [pub.as_dict()]},
    }[form]

    class Auth(AsyncJwtBearer):
        jwt_public = value

    client = protected(Auth())
    response = await client.get("/p", headers=bearer(encode_jwt({"sub": "a"}, 60, rsa_key)))
    assert response.status_code == 200


def test_hmac_secret_given_as_text_is_an_hmac_key():
    class Auth(AsyncJwtBearer):
        jwt_public = "a-shared-secret-of-at-least-32-bytes!!"
        jwt_alg = "HS256"

    token = encode_jwt({"sub": "s"}, 60, OctKey.import_key(Auth.jwt_public), "HS256")
    assert TestClient(protected_sync(Auth())).get("/s", headers=bearer(token)).status_code == 200


def protected_sync(auth):
    api = new_api()

    @api.get("/s", auth=auth)
    def view(request):
        return {"sub": request.jwt.claims["sub"]}

    return api


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"jwt_alg": "HS256", "jwt_public": "rsa"}, "jwt_public"),
        ({"jwt_alg": "RS256", "jwt_public": "oct"}, "jwt_public"),
        ({"jwt_alg": "ES256", "jwt_public": "rsa"}, "jwt_public"),
        ({"jwt_alg": "none", "jwt_public": "rsa"}, "jwt_alg"),
        ({"algorithms": ["RS256", "none"], "jwt_public": "rsa"}, "algorithms"),
        ({"algorithms": ["RS256", "HS256"], "jwt_public": "rsa"}, "algorithms"),
        ({"algorithms": "RS256", "jwt_public": "rsa"}, "algorithms"),
        ({"jwt_alg": "RS256", "jwt_public": "rsa1024"}, "2048"),
        ({"jwt_alg": "RS256", "jwt_public": "garbage"}, "jwt_public"),
        ({"jwt_alg": "RS256", "jwt_public": "jwks-with-oct"}, "jwt_public"),
        ({"jwt_public": "rsa", "claims": {"iss": "https://x"}}, "claims['iss']"),
        ({"jwt_public": "rsa", "required_scopes": "read"}, "required_scopes"),
        ({"jwt_public": "rsa", "realm": 'a"b'}, "realm"),
    ],
)
def test_misconfiguration_fails_at_class_creation(attrs, message, rsa_key):
    keys = {
        "rsa": public(rsa_key),
        "oct": OctKey.generate_key(256),
        "rsa1024": RSAKey.generate_key(1024, private=False),
        "garbage": b"-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----",
        "jwks-with-oct": {"keys": [public(rsa_key).as_dict(), OctKey.generate_key(256).as_dict()]},
    }
    attrs = {**attrs, "jwt_public": keys[attrs["jwt_public"]]}
    with pytest.raises(ImproperlyConfigured) as info:
        type("Misfit", (AsyncJwtBearer,), attrs)
    assert "Misfit." in str(info.value)
    assert message in str(info.value)


def test_missing_key_fails_at_instantiation_naming_the_class():
    class NoKey(AsyncJwtBearer):
        pass

    with pytest.raises(ImproperlyConfigured, match=r"NoKey\.jwt_public"):
        NoKey()


# --- claims -------------------------------------------------------------------


def raw_token(key, claims, alg="RS256", header=None):
    return jwt.encode({"alg": alg, **(header or {})}, claims, key, algorithms=[alg])


async def test_exp_is_required_unless_the_class_opts_out(rsa_key, rsa_public):
    class Strict(AsyncJwtBearer):
        jwt_public = rsa_public

    class Lenient(AsyncJwtBearer):
        jwt_public = rsa_public
        require_exp = False

    token = raw_token(rsa_key, {"sub": "u"})
    strict = await protected(Strict()).get("/p", headers=bearer(token))
    assert strict.status_code == 401
    assert strict.json() == {"detail": "Missing claim: exp"}
    lenient = await protected(Lenient()).get("/p", headers=bearer(token))
    assert lenient.status_code == 200


@pytest.mark.parametrize(
    ("claims", "status", "detail"),
    [
        ({"iss": "https://idp", "aud": "api"}, 200, None),
        ({"iss": "https://idp", "aud": ["other", "api"]}, 200, None),
        ({"iss": "https://idp/", "aud": "api"}, 401, "Invalid claim: iss"),
        ({"iss": "HTTPS://IDP", "aud": "api"}, 401, "Invalid claim: iss"),
        ({"aud": "api"}, 401, "Missing claim: iss"),
        ({"iss": "https://idp"}, 401, "Missing claim: aud"),
        ({"iss": "https://idp", "aud": "other"}, 401, "Invalid claim: aud"),
        ({"iss": "https://idp", "aud": ["other"]}, 401, "Invalid claim: aud"),
        ({"iss": "https://idp", "aud": []}, 401, "Invalid claim: aud"),
        ({"iss": "https://idp", "aud": [5]}, 401, "Invalid claim: aud"),
    ],
)
@pytest.mark.parametrize("style", ["attributes", "claims-dict"])
async def test_iss_and_aud_are_matched_exactly(style, claims, status, detail, rsa_key, rsa_public):
    if style == "attributes":
        attrs = {"issuer": "https://idp", "audience": "api"}
    else:
        # Not marked essential: a configured iss / aud is still required.
        attrs = {"claims": {"iss": {"value": "https://idp"}, "aud": {"values": ["api"]}}}
    auth = type("IssAud", (AsyncJwtBearer,), {"jwt_public": rsa_public, **attrs})()
    token = raw_token(rsa_key, {"sub": "u", "exp": int(time.time()) + 60, **claims})
    response = await protected(auth).get("/p", headers=bearer(token))
    assert response.status_code == status
    if detail:
        assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("claim", "offset", "leeway", "status", "detail"),
    [
        ("exp", -5, 0, 401, "Token has expired"),
        ("exp", -5, 30, 200, None),
        ("exp", -60, 30, 401, "Token has expired"),
        ("nbf", 30, 0, 401, "Token is not yet valid"),
        ("nbf", 5, 30, 200, None),
        ("iat", 30, 0, 401, "Token was issued in the future"),
        ("iat", 5, 30, 200, None),
    ],
)
async def test_leeway_applies_to_exp_nbf_iat(
    claim, offset, leeway, status, detail, rsa_key, rsa_public
):
    auth = type("Skew", (AsyncJwtBearer,), {"jwt_public": rsa_public, "leeway": leeway})()
    now = int(time.time())
    claims = {"sub": "u", "exp": now + 120, claim: now + offset}
    response = await protected(auth).get("/p", headers=bearer(raw_token(rsa_key, claims)))
    assert response.status_code == status
    if detail:
        assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("option", "value", "accepted"),
    [
        ({"values": [1]}, 1, True),
        ({"values": [1]}, True, False),
        ({"value": False}, 0, False),
        ({"value": "1"}, 1, False),
        ({"value": "read"}, "read write", True),
        ({"value": "read"}, "read:admin", False),
        ({"essential": True}, None, False),
    ],
)
async def test_custom_claims_match_strictly(option, value, accepted, rsa_key, rsa_public):
    name = "scope" if isinstance(value, str) and "read" in value else "level"
    auth = type("Custom", (AsyncJwtBearer,), {"jwt_public": rsa_public, "claims": {name: option}})()
    claims = {"sub": "u", "exp": int(time.time()) + 60}
    if value is not None:
        claims[name] = value
    response = await protected(auth).get("/p", headers=bearer(raw_token(rsa_key, claims)))
    assert response.status_code == (200 if accepted else 401)


# --- default handler and what views see --------------------------------------


async def test_default_auth_handler_authenticates_with_the_claims(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public
        require_exp = False

    client = protected(Auth())
    token = encode_jwt({"sub": "alice", "role": "x"}, 60, rsa_key)
    body = (await client.get("/p", headers=bearer(token))).json()
    assert body["auth"]["sub"] == "alice"
    assert body["auth"]["role"] == "x"
    # Even a token with no claims at all authenticates (claims are always truthy).
    empty = await client.get("/p", headers=bearer(raw_token(rsa_key, {})))
    assert empty.status_code == 200
    assert empty.json()["auth"] == {}


async def test_auth_handler_refusal_and_lookup_errors_are_401(rsa_key, rsa_public):
    from django.contrib.auth.models import User

    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

        async def auth_handler(self, request):
            if self.dcd.claims["sub"] == "refuse":
                return False
            return await User.objects.aget(id=self.dcd.claims["sub"])

    client = protected(Auth())
    for sub in ("refuse", "not-a-number"):
        response = await client.get("/p", headers=bearer(encode_jwt({"sub": sub}, 60, rsa_key)))
        assert response.status_code == 401
        assert response.json() == {"detail": "Token rejected"}
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.django_db(transaction=True)
async def test_auth_handler_unknown_user_is_401_not_500(rsa_key, rsa_public):
    from django.contrib.auth.models import User

    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

        async def auth_handler(self, request):
            return await User.objects.aget(id=self.dcd.claims.get("sub"))

    user = await User.objects.acreate(username="known")
    api = new_api()

    @api.get("/me", auth=Auth())
    async def me(request):
        return {"username": request.auth.username}

    client = TestAsyncClient(api)
    ok = await client.get("/me", headers=bearer(encode_jwt({"sub": str(user.id)}, 60, rsa_key)))
    assert ok.json() == {"username": "known"}
    missing = await client.get("/me", headers=bearer(encode_jwt({"sub": "999999"}, 60, rsa_key)))
    assert missing.status_code == 401


# --- responses -------------------------------------------------------------------


async def test_rfc6750_challenges(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public
        realm = "articles"
        required_scopes = ["read", "write"]

    client = protected(Auth())
    none = await client.get("/p")
    assert none.status_code == 401
    assert none.headers["WWW-Authenticate"] == 'Bearer realm="articles"'
    assert "detail" in none.json()

    bad = await client.get("/p", headers=bearer("x.y.z"))
    assert bad.status_code == 401
    assert bad.headers["WWW-Authenticate"] == (
        'Bearer realm="articles", error="invalid_token", '
        'error_description="The access token is invalid"'
    )

    token = encode_jwt({"sub": "u", "scope": "read"}, 60, rsa_key)
    scoped = await client.get("/p", headers=bearer(token))
    assert scoped.status_code == 403
    assert scoped.json() == {"detail": "Insufficient scope"}
    challenge = scoped.headers["WWW-Authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="read write"' in challenge
    assert token not in challenge and token not in scoped.content.decode()


async def test_plain_ninja_api_still_gets_the_right_status(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public
        required_scopes = ["admin"]

    api = NinjaAPI(urls_namespace="plain-ninja-status")

    @api.get("/p", auth=Auth())
    async def view(request):
        return {"ok": True}

    client = TestAsyncClient(api)
    assert (await client.get("/p")).status_code == 401
    assert (await client.get("/p", headers=bearer("garbage"))).status_code == 401
    expired = encode_jwt({"sub": "u", "scope": "admin"}, -1, rsa_key)
    assert (await client.get("/p", headers=bearer(expired))).status_code == 401
    weak = encode_jwt({"sub": "u", "scope": "read"}, 60, rsa_key)
    assert (await client.get("/p", headers=bearer(weak))).status_code == 403
    good = encode_jwt({"sub": "u", "scope": "admin"}, 60, rsa_key)
    assert (await client.get("/p", headers=bearer(good))).json() == {"ok": True}


# --- declarative scopes and roles ---------------------------------------------


@pytest.mark.parametrize(
    ("required", "claims", "status"),
    [
        (["read"], {"scope": "read write"}, 200),
        (["read"], {"scope": "read:admin"}, 403),
        (["read"], {"scope": "reader"}, 403),
        (["read", "write"], {"scope": "read"}, 403),
        (["read", "write"], {"scp": ["write", "read"]}, 200),
        (["read"], {"scp": "read"}, 200),
        (["read"], {}, 403),
        (["read"], {"scope": ["read"]}, 200),
    ],
)
async def test_required_scopes(required, claims, status, rsa_key, rsa_public):
    auth = type(
        "Scoped", (AsyncJwtBearer,), {"jwt_public": rsa_public, "required_scopes": required}
    )
    response = await protected(auth()).get(
        "/p", headers=bearer(encode_jwt({"sub": "u", **claims}, 60, rsa_key))
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("path", "claims", "status"),
    [
        ("roles", {"roles": ["editor"]}, 200),
        ("roles", {"roles": ["viewer"]}, 403),
        ("roles", {"roles": "editor"}, 200),
        ("realm_access.roles", {"realm_access": {"roles": ["admin"]}}, 200),
        ("realm_access.roles", {"realm_access": ["admin"]}, 403),
        ("realm_access.roles", {"roles": ["admin"]}, 403),
        ("permissions", {"permissions": ["admin", "x"]}, 200),
        (["realm_access.roles", "resource_access.app.roles"],
         {"resource_access": {"app": {"roles": ["editor"]}}}, 200),
    ],
)  # fmt: skip
async def test_required_roles_with_claim_paths(path, claims, status, rsa_key, rsa_public):
    attrs = {"jwt_public": rsa_public, "required_roles": ["admin", "editor"], "roles_claim": path}
    auth = type("Roles", (AsyncJwtBearer,), attrs)()
    response = await protected(auth).get(
        "/p", headers=bearer(encode_jwt({"sub": "u", **claims}, 60, rsa_key))
    )
    assert response.status_code == status
    if status == 403:
        assert response.json() == {"detail": "Missing required role"}


async def test_auth_handler_can_raise_insufficient_scope(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

        async def auth_handler(self, request):
            if not self.dcd.claims.get("paid"):
                raise InsufficientScope("Subscription required", scope="premium")
            return self.dcd.claims

    client = protected(Auth())
    free = await client.get("/p", headers=bearer(encode_jwt({"sub": "u"}, 60, rsa_key)))
    assert free.status_code == 403
    assert free.json() == {"detail": "Subscription required"}
    assert 'scope="premium"' in free.headers["WWW-Authenticate"]


# --- works everywhere -------------------------------------------------------------


def router_api(auth_cls):
    api = new_api(auth=auth_cls())
    router = Router(auth=auth_cls())

    @api.get("/api-level")
    async def api_level(request):
        return {"sub": request.auth["sub"]}

    @router.get("/router-level")
    def router_level(request):
        return {"sub": request.jwt.claims["sub"], "dcd": auth_cls().dcd.claims["sub"]}

    @api.get("/public", auth=None)
    async def public_view(request):
        return {"ok": True}

    api.add_router("/r", router)
    return api


async def test_api_level_auth_async_view(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

    client = TestAsyncClient(router_api(Auth))
    token = encode_jwt({"sub": "zed"}, 60, rsa_key)
    assert (await client.get("/api-level")).status_code == 401
    assert (await client.get("/api-level", headers=bearer(token))).json() == {"sub": "zed"}
    assert (await client.get("/public")).json() == {"ok": True}


def test_router_level_auth_sync_view_sees_dcd(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

    client = TestClient(router_api(Auth))
    token = encode_jwt({"sub": "zed"}, 60, rsa_key)
    assert client.get("/r/router-level").status_code == 401
    assert client.get("/r/router-level", headers=bearer(token)).json() == {
        "sub": "zed",
        "dcd": "zed",
    }


def test_sync_views_reuse_one_instance_across_event_loops(rsa_key, rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

    client = TestClient(protected_sync(Auth()))
    for n in range(5):
        token = encode_jwt({"sub": f"s{n}"}, 60, rsa_key)
        assert client.get("/s", headers=bearer(token)).json() == {"sub": f"s{n}"}
        assert client.get("/s", headers=bearer("bad")).status_code == 401


def test_openapi_shows_bearer_jwt_and_documents_401(rsa_public):
    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

    api = new_api()

    @api.get("/p", auth=Auth())
    async def view(request):
        return {}

    schema = api.get_openapi_schema(path_prefix="")
    assert schema["components"]["securitySchemes"]["Bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    operation = schema["paths"]["/p"]["get"]
    assert operation["security"] == [{"Bearer": []}]
    assert "401" in operation["responses"]


async def test_configuration_is_built_once_per_class(rsa_key, rsa_public, monkeypatch):
    from ninja_aio.auth import verify

    class Auth(AsyncJwtBearer):
        jwt_public = rsa_public

    first, second = Auth(), Auth()
    assert first._config is second._config
    built = []
    original = verify.VerificationPolicy.build.__func__
    monkeypatch.setattr(
        verify.VerificationPolicy,
        "build",
        classmethod(lambda cls, *a, **k: built.append(1) or original(cls, *a, **k)),
    )
    client = protected(first)
    token = encode_jwt({"sub": "u"}, 60, rsa_key)
    for _ in range(20):
        assert (await client.get("/p", headers=bearer(token))).status_code == 200
    assert built == []
