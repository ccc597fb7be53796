"""AsyncJwtCookie: token from an HttpOnly cookie, CSRF on unsafe methods, cookie helpers."""

from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import AsyncClient, override_settings
from django.urls import path
from joserfc.jwk import RSAKey
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtCookie, delete_jwt_cookie, encode_jwt, set_jwt_cookie
from tests.auth.conftest import new_api, public


def cookie_api(rsa_key):
    class CookieAuth(AsyncJwtCookie):
        jwt_public = public(rsa_key)
        cookie_name = "session_jwt"

    api = new_api()

    @api.get("/me", auth=CookieAuth())
    async def me(request):
        return {"sub": request.auth["sub"]}

    @api.post("/write", auth=CookieAuth())
    async def write(request):
        return {"wrote": request.auth["sub"]}

    @api.post("/login")
    async def login(request, response=None):
        from django.http import JsonResponse

        token = encode_jwt({"sub": "cookie-user"}, 300, rsa_key)
        return set_jwt_cookie(JsonResponse({"ok": True}), token, name="session_jwt")

    @api.post("/logout")
    async def logout(request):
        from django.http import JsonResponse

        return delete_jwt_cookie(JsonResponse({"ok": True}), name="session_jwt")

    return api, CookieAuth


async def test_cookie_login_read_and_logout(rsa_key):
    api, _ = cookie_api(rsa_key)
    client = TestAsyncClient(api)
    login = await client.post("/login")
    morsel = login.cookies["session_jwt"]
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"] == "Lax"
    token = morsel.value
    me = await client.get("/me", COOKIES={"session_jwt": token})
    assert me.json() == {"sub": "cookie-user"}
    assert (await client.get("/me")).status_code == 401
    bad = await client.get("/me", COOKIES={"session_jwt": "nope"})
    assert bad.status_code == 401
    assert bad.json() == {"detail": "Malformed token"}
    logout = await client.post("/logout")
    assert logout.cookies["session_jwt"].value == ""
    assert logout.cookies["session_jwt"]["max-age"] == 0


_csrf_api, _ = cookie_api(RSAKey.generate_key(2048))
urlpatterns = [path("api/", _csrf_api.urls)]


@override_settings(ROOT_URLCONF=__name__)
async def test_unsafe_methods_need_csrf_when_the_cookie_is_the_credential():
    # Django's own client through the real request handler: ninja's test client skips CSRF.
    client = AsyncClient(enforce_csrf_checks=True)
    login = await client.post("/api/login")
    assert login.status_code == 200
    refused = await client.post("/api/write")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check failed"}
    assert (await client.get("/api/me")).json() == {"sub": "cookie-user"}
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    accepted = await client.post("/api/write", headers={"X-CSRFToken": _mask_cipher_secret(secret)})
    assert accepted.json() == {"wrote": "cookie-user"}


def test_openapi_documents_the_cookie(rsa_key):
    api, _ = cookie_api(rsa_key)
    schema = api.get_openapi_schema(path_prefix="")
    assert schema["components"]["securitySchemes"]["cookie.session_jwt"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "session_jwt",
    }
