"""Async JWT authentication for django-ninja."""

from ninja_aio.auth.bearer import AsyncJwtBearer, AsyncJwtCookie
from ninja_aio.auth.combine import AllOf, AnyOf
from ninja_aio.auth.errors import (
    AuthFailure,
    CsrfFailed,
    InsufficientScope,
    InvalidToken,
    KeysUnavailable,
    MissingCredentials,
)
from ninja_aio.auth.token import TokenClaims, VerifiedToken
from ninja_aio.auth.tokens import decode_jwt, delete_jwt_cookie, encode_jwt, set_jwt_cookie

__all__ = [
    "AllOf",
    "AnyOf",
    "AsyncJwtBearer",
    "AsyncJwtCookie",
    "AuthFailure",
    "CsrfFailed",
    "InsufficientScope",
    "InvalidToken",
    "KeysUnavailable",
    "MissingCredentials",
    "TokenClaims",
    "VerifiedToken",
    "decode_jwt",
    "delete_jwt_cookie",
    "encode_jwt",
    "set_jwt_cookie",
]
