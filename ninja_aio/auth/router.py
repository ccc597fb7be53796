"""``token_router(issuer)``: login, refresh, logout and the JWK Set, mounted in one line.

    api.add_router("/auth", token_router(issuer))

- ``POST /token/``: username and password (Django's ``aauthenticate``) -> a token pair.
- ``POST /token/refresh/``: a refresh token -> a new pair; the old one is consumed.
- ``POST /token/revoke/``: logout; revokes the refresh token's family (and the access
  token sent in ``Authorization``, if any).
- ``GET /jwks.json``: the public keys, for any JWKS client.

ninja reads the views' annotations at run time: this module does not postpone them.
"""

import hashlib
from collections.abc import Awaitable
from typing import Any

import orjson
from django.contrib.auth import aauthenticate, get_user_model
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status
from ninja.throttling import SimpleRateThrottle
from ninja.utils import check_csrf
from pydantic import ConfigDict, Field, create_model

from ninja_aio.auth.errors import CsrfFailed, InvalidToken, KeysUnavailable
from ninja_aio.auth.issuer import TokenIssuer, TokenPair
from ninja_aio.auth.revocation import StoreUnavailable
from ninja_aio.auth.tokens import delete_jwt_cookie, set_jwt_cookie

__all__ = ["LoginThrottle", "token_router"]

REFRESH_COOKIE = "refresh_token"
ACCESS_COOKIE = "access_token"
BAD_CREDENTIALS = "No active account with these credentials"


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class TokenPairOut(Schema):
    access: str
    refresh: str
    token_type: str
    expires_in: int
    refresh_expires_in: int


class RefreshIn(_Strict):
    refresh: str | None = Field(
        None, max_length=8192, description="The refresh token (or the refresh cookie)"
    )


class LoginThrottle(SimpleRateThrottle):
    """Login attempts per client IP and username (``per_ip``: per IP only)."""

    scope = "ninja_aio_login"

    def __init__(self, rate: str, *, username_field: str, per_ip: bool = False) -> None:
        super().__init__(rate)
        self.username_field = username_field
        self.per_ip = per_ip

    def get_cache_key(self, request: HttpRequest) -> str | None:
        ident = self.get_ident(request)
        if self.per_ip:
            return f"throttle_{self.scope}_ip_{ident}"
        try:
            username = str(orjson.loads(request.body).get(self.username_field, ""))
        except (orjson.JSONDecodeError, AttributeError):
            username = ""
        digest = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
        return f"throttle_{self.scope}_{ident}_{digest}"


def _login_schema(username_field: str) -> type[Schema]:
    fields: dict[str, Any] = {
        username_field: (str, Field(min_length=1, max_length=254)),
        "password": (str, Field(min_length=1, max_length=4096)),
    }
    return create_model("TokenObtainIn", __base__=_Strict, **fields)


async def _stored(operation: Awaitable[Any]) -> Any:
    """``operation``'s result; a store that cannot answer is a 503 with Retry-After."""
    try:
        return await operation
    except StoreUnavailable as exc:
        raise KeysUnavailable("Revocation service unavailable", retry_after=5) from exc


def token_router(
    issuer: TokenIssuer,
    *,
    username_field: str | None = None,
    cookies: bool = False,
    cookie_secure: bool = True,
    refresh_cookie_path: str = "/",
    login_rate: str | None = "5/min",
    login_ip_rate: str | None = "30/min",
    tags: list[str] | None = None,
) -> Router:
    """A ``Router`` with the token routes of ``issuer``.

    ``username_field``: the login field name (default: the user model's
    ``USERNAME_FIELD``), passed to ``aauthenticate`` as ``username``. ``cookies``: also
    set HttpOnly cookies (``access_token``, ``refresh_token``); refresh and logout then
    accept the refresh cookie, under Django's CSRF check. ``login_rate`` throttles
    attempts per IP and username, ``login_ip_rate`` per IP (None: off).
    """
    field = username_field or get_user_model().USERNAME_FIELD
    login_in = _login_schema(field)
    throttles = [
        LoginThrottle(rate, username_field=field, per_ip=per_ip)
        for rate, per_ip in ((login_rate, False), (login_ip_rate, True))
        if rate
    ]
    router = Router(tags=tags or ["Tokens"])

    def _answer(pair: TokenPair, response: HttpResponse) -> dict[str, Any]:
        if cookies:
            set_jwt_cookie(
                response, pair.access, name=ACCESS_COOKIE,
                max_age=pair.access_expires_in, secure=cookie_secure,
            )  # fmt: skip
            set_jwt_cookie(
                response, pair.refresh, name=REFRESH_COOKIE, max_age=pair.refresh_expires_in,
                secure=cookie_secure, path=refresh_cookie_path, samesite="Strict",
            )  # fmt: skip
        return pair.as_dict()

    def _refresh_token(request: HttpRequest, payload: RefreshIn) -> str:
        if payload.refresh:
            return payload.refresh
        cookie = request.COOKIES.get(REFRESH_COOKIE) if cookies else None
        if not cookie:
            raise InvalidToken("Missing refresh token")
        if check_csrf(request) is not None:
            raise CsrfFailed()
        return cookie

    @router.post(
        "/token/",
        response={200: TokenPairOut},
        throttle=throttles,
        auth=None,
        summary="Obtain a token pair",
        operation_id="token_obtain",
        openapi_extra={"responses": {401: {"description": "Wrong credentials"}}},
    )
    async def obtain(request: HttpRequest, payload: login_in, response: HttpResponse):  # type: ignore[valid-type]
        """Log in with a username and password; answers an access and a refresh token."""
        user = await aauthenticate(
            request, username=getattr(payload, field), password=payload.password
        )
        if user is None:
            raise InvalidToken(BAD_CREDENTIALS)
        return _answer(await _stored(issuer.issue(user)), response)

    @router.post(
        "/token/refresh/",
        response={200: TokenPairOut},
        auth=None,
        summary="Rotate a refresh token",
        operation_id="token_refresh",
    )
    async def refresh(request: HttpRequest, payload: RefreshIn, response: HttpResponse):
        """Consume a refresh token and answer a new pair; a replayed one ends the session."""
        token = _refresh_token(request, payload)
        return _answer(await _stored(issuer.refresh(token)), response)

    @router.post(
        "/token/revoke/",
        response={204: None},
        auth=None,
        summary="Log out",
        operation_id="token_revoke",
    )
    async def revoke(request: HttpRequest, payload: RefreshIn, response: HttpResponse):
        """Revoke the refresh token's session, and the access token in Authorization."""
        token = _refresh_token(request, payload)
        scheme, _, access = request.headers.get("Authorization", "").partition(" ")
        await _stored(issuer.revoke(token, access.strip() if scheme.lower() == "bearer" else None))
        if cookies:
            delete_jwt_cookie(response, name=ACCESS_COOKIE)
            delete_jwt_cookie(response, name=REFRESH_COOKIE, path=refresh_cookie_path)
        return Status(204, None)

    @router.get("/jwks.json", auth=None, summary="Public signing keys", operation_id="jwks")
    async def jwks(request: HttpRequest, response: HttpResponse):
        """The JWK Set verifiers use (public keys only)."""
        response["Cache-Control"] = "public, max-age=300"
        return issuer.keys.jwks

    return router
