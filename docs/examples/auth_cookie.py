"""Tokens in an HttpOnly cookie, with Django's CSRF check on unsafe methods."""

from django.http import JsonResponse

from docs.examples.auth_keys import PUBLIC_KEY, RSA_PRIVATE
from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtCookie, delete_jwt_cookie, encode_jwt, set_jwt_cookie


class CookieAuth(AsyncJwtCookie):
    jwt_public = PUBLIC_KEY
    cookie_name = "session_jwt"


api = NinjaAIO(urls_namespace="docs-auth-cookie")


@api.post("/login")
async def login(request):
    # check the caller's credentials here (or use token_router, see "Own tokens")
    token = encode_jwt({"sub": "1"}, 900, RSA_PRIVATE)
    return set_jwt_cookie(JsonResponse({"ok": True}), token, name="session_jwt", max_age=900)


@api.get("/me", auth=CookieAuth())
async def me(request):
    return {"sub": request.auth["sub"]}


@api.post("/logout", auth=CookieAuth())  # an unsafe method: the CSRF check applies
async def logout(request):
    return delete_jwt_cookie(JsonResponse({"ok": True}), name="session_jwt")
