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
from ninja_aio.auth.issuer import TokenIssuer, TokenPair
from ninja_aio.auth.providers import Auth0JwtBearer, KeycloakJwtBearer
from ninja_aio.auth.remote import reset_remote_caches
from ninja_aio.auth.revocation import CacheRevocationStore, RevocationStore, StoreUnavailable
from ninja_aio.auth.revocation_redis import RedisRevocationStore
from ninja_aio.auth.router import token_router
from ninja_aio.auth.token import TokenClaims, VerifiedToken
from ninja_aio.auth.tokens import decode_jwt, delete_jwt_cookie, encode_jwt, set_jwt_cookie

__all__ = [
    "AllOf",
    "AnyOf",
    "AsyncJwtBearer",
    "AsyncJwtCookie",
    "Auth0JwtBearer",
    "AuthFailure",
    "CacheRevocationStore",
    "CsrfFailed",
    "InsufficientScope",
    "InvalidToken",
    "KeycloakJwtBearer",
    "KeysUnavailable",
    "MissingCredentials",
    "RedisRevocationStore",
    "RevocationStore",
    "StoreUnavailable",
    "TokenClaims",
    "TokenIssuer",
    "TokenPair",
    "VerifiedToken",
    "decode_jwt",
    "delete_jwt_cookie",
    "encode_jwt",
    "reset_remote_caches",
    "set_jwt_cookie",
    "token_router",
]
