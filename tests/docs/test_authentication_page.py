"""docs/authentication.md: its examples (docs/examples/auth_*.py) over HTTP."""

import base64
import hashlib
import hmac
import json
import time
from unittest.mock import patch

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import AsyncClient
from django.urls import path
from joserfc import jwk
from ninja.testing import TestAsyncClient

from docs.examples import auth_cookie, auth_handlers, auth_keys, auth_quickstart
from ninja_aio.auth import encode_jwt

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def ada():
    return await sync_to_async(get_user_model().objects.create_user)("ada")


async def test_quick_start(ada):
    client = TestAsyncClient(auth_quickstart.api)
    claims = {"sub": str(ada.pk), "iss": "https://your-issuer.com", "aud": "your-api"}
    token = encode_jwt(claims, 60, auth_quickstart.PRIVATE_KEY)
    assert (await client.get("/me", headers=bearer(token))).json() == {"username": "ada"}
    assert (await client.get("/article/", headers=bearer(token))).status_code == 200
    response = await client.get("/article/")
    assert (response.status_code, response.headers["WWW-Authenticate"]) == (
        401,
        'Bearer realm="api"',
    )
    other_audience = encode_jwt({**claims, "aud": "other"}, 60, auth_quickstart.PRIVATE_KEY)
    response = await client.get("/me", headers=bearer(other_audience))
    assert response.json() == {"detail": "Invalid claim: aud"}


@pytest.mark.parametrize(
    ("route", "key", "alg"),
    [
        ("rs256", auth_keys.RSA_PRIVATE, "RS256"),
        ("rs512", auth_keys.RSA_PRIVATE, "RS512"),
        ("jwk", auth_keys.RSA_PRIVATE, "RS256"),
        ("hs256", jwk.OctKey.import_key(auth_keys.SECRET), "HS256"),
        ("es256", auth_keys.EC_PRIVATE, "ES256"),
        ("ed25519", auth_keys.ED_PRIVATE, "Ed25519"),
        ("keyset", auth_keys.RSA_PRIVATE, "RS256"),
        ("keyset", auth_keys.EC_PRIVATE, "ES256"),
    ],
)
async def test_each_kind_of_key_verifies_its_tokens(route, key, alg):
    client = TestAsyncClient(auth_keys.api)
    token = encode_jwt({"sub": "7"}, 60, key, alg)
    assert (await client.get(f"/{route}", headers=bearer(token))).json() == {"sub": "7"}


async def test_keys_refuse_other_algorithms_and_expired_or_early_tokens():
    client = TestAsyncClient(auth_keys.api)
    # an HS256 token "signed" with the RSA public key is refused by the RSA route
    forged = hs256({"alg": "HS256"}, {"sub": "7", "exp": time.time() + 60}, auth_keys.PUBLIC_KEY)
    response = await client.get("/rs256", headers=bearer(forged))
    assert response.json() == {"detail": "Unsupported algorithm"}
    expired = encode_jwt({"sub": "7"}, -10, auth_keys.RSA_PRIVATE)
    assert (await client.get("/rs256", headers=bearer(expired))).json() == {
        "detail": "Token has expired"
    }
    early = encode_jwt({"sub": "7", "nbf": int(time.time()) + 600}, 900, auth_keys.RSA_PRIVATE)
    assert (await client.get("/rs256", headers=bearer(early))).json() == {
        "detail": "Token is not yet valid"
    }


def hs256(header: dict, claims: dict, secret: str) -> str:
    """A token MAC'ed with ``secret`` by hand (no library refuses to do it)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def user_token(user, **claims):
    return bearer(encode_jwt({"sub": str(user.pk), **claims}, 60, auth_keys.RSA_PRIVATE))


async def test_auth_handlers(ada):
    client = TestAsyncClient(auth_handlers.api)
    assert (await client.get("/me", headers=user_token(ada))).json() == {"username": "ada"}
    context = await client.get("/context", headers=user_token(ada, scope="a b", roles=["x"]))
    expected = {"user_id": str(ada.pk), "email": None, "roles": ["x"], "scopes": ["a", "b"]}
    assert context.json() == expected
    assert (await client.get("/cached", headers=user_token(ada))).json() == {"username": "ada"}
    ada.is_active = False
    await ada.asave()
    assert (await client.get("/me", headers=user_token(ada))).status_code == 401


async def test_roles_scopes_and_tenants(ada):
    client = TestAsyncClient(auth_handlers.api)
    assert (await client.post("/articles", headers=user_token(ada))).status_code == 403
    response = await client.post("/articles", headers=user_token(ada, roles=["editor"]))
    assert response.json() == {"created_by": "ada"}
    assert (await client.delete("/articles", headers=user_token(ada, roles=["editor"]))).json() == {
        "detail": "Missing required role"
    }
    response = await client.get("/reports", headers=user_token(ada, scope="read:admin"))
    assert (response.status_code, response.json()) == (403, {"detail": "Insufficient scope"})
    response = await client.get("/reports", headers=user_token(ada, scope="read write"))
    assert response.json() == {"scopes": ["read", "write"]}
    response = await client.get("/tenant", headers=user_token(ada))
    assert response.json() == {"detail": "Missing claim: tenant_id"}
    assert (await client.get("/tenant", headers=user_token(ada, tenant_id=4))).json() == {
        "tenant_id": 4
    }


async def test_custom_validation_and_api_keys(ada):
    client = TestAsyncClient(auth_handlers.api)
    assert (await client.get("/strict", headers=user_token(ada))).json() == {
        "detail": "Invalid token type"
    }
    token = encode_jwt(
        {"sub": str(ada.pk), "allowed_ips": ["10.0.0.1"]},
        60,
        auth_keys.RSA_PRIVATE,
        header={"typ": "at+jwt"},
    )
    assert (await client.get("/strict", headers=bearer(token))).status_code == 401
    response = await client.get("/strict", headers=bearer(token), META={"REMOTE_ADDR": "10.0.0.1"})
    assert response.json() == {"ok": True}
    assert (await client.get("/either", headers={"X-API-Key": "k-123"})).json() == {
        "who": "reporting-job"
    }
    assert (await client.get("/either", headers=user_token(ada))).json() == {"who": "ada"}
    assert (await client.get("/either", headers={"X-API-Key": "nope"})).status_code == 401


# --8<-- [start:mock]
async def test_mocking_auth_handler_as_the_guide_does(ada):
    client = TestAsyncClient(auth_handlers.api)
    with patch("docs.examples.auth_handlers.JWTAuth.auth_handler") as mock_auth:
        mock_auth.return_value = ada
        assert (await client.get("/me")).json() == {"username": "ada"}


# --8<-- [end:mock]


urlpatterns = [path("api/", auth_cookie.api.urls)]


@pytest.mark.urls(__name__)
async def test_cookies_with_csrf():
    # Django's client through the request handler (ninja's test client skips CSRF checks)
    client = AsyncClient(enforce_csrf_checks=True)
    login = await client.post("/api/login")
    cookie = login.cookies["session_jwt"]
    assert cookie["httponly"] and cookie["secure"]
    assert (await client.get("/api/me")).json() == {"sub": "1"}
    response = await client.post("/api/logout")
    assert (response.status_code, response.json()) == (403, {"detail": "CSRF check failed"})
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    csrf = {"X-CSRFToken": _mask_cipher_secret(secret)}
    response = await client.post("/api/logout", headers=csrf)
    assert response.json() == {"ok": True}
    assert response.cookies["session_jwt"]["max-age"] == 0
