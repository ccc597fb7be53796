"""Issuing and checking tokens outside a request, and the JWT cookie helpers."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from joserfc import jwt
from joserfc.jwk import Key, KeySet

from ninja_aio.auth.claims import check_leeway, claim_options
from ninja_aio.auth.keys import (
    StaticKeySource,
    load_static_key,
    normalise_algorithms,
)
from ninja_aio.auth.token import VerifiedToken
from ninja_aio.auth.verify import VerificationPolicy, complete, prepare

__all__ = ["decode_jwt", "delete_jwt_cookie", "encode_jwt", "set_jwt_cookie"]

DEFAULT_COOKIE = "access_token"


def _from_settings(value: Any, name: str, purpose: str) -> Any:
    if value is None:
        value = getattr(settings, name, None)
    if value is None:
        raise ValueError(f"no {purpose}: pass one or set settings.{name}")
    return value


def encode_jwt(
    claims: Mapping[str, Any],
    duration: int | float | timedelta,
    private_key: Any = None,
    algorithm: str = "RS256",
    *,
    header: Mapping[str, Any] | None = None,
) -> str:
    """Sign ``claims`` valid for ``duration`` (seconds or timedelta) from now.

    Sets ``iat``, ``nbf``, ``exp`` and a ``jti``; ``iss`` / ``aud`` default to
    settings.JWT_ISSUER / JWT_AUDIENCE. The header carries the key's ``kid``; an
    asymmetric key without one gets its RFC 7638 thumbprint, an HMAC secret gets
    none (a thumbprint of a shared secret is a hash of the secret: pass a ``kid`` in
    the key or in ``header`` if you need one). ``private_key`` falls back to
    settings.JWT_PRIVATE_KEY.
    """
    algorithms = normalise_algorithms("encode_jwt", algorithm, None)
    key_value = _from_settings(private_key, "JWT_PRIVATE_KEY", "private key")
    key = _signing_key(key_value, algorithms)
    seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration
    now = int(time.time())
    payload: dict[str, Any] = {"iat": now, "nbf": now, "exp": now + int(seconds)}
    payload["jti"] = uuid.uuid4().hex
    for claim, setting in (("iss", "JWT_ISSUER"), ("aud", "JWT_AUDIENCE")):
        value = getattr(settings, setting, None)
        if value is not None:
            payload[claim] = value
    payload.update(claims)
    kid = key.kid
    if kid is None and key.key_type != "oct":
        kid = key.thumbprint()
    protected: dict[str, Any] = {"alg": algorithm, "typ": "JWT"}
    if kid is not None:
        protected["kid"] = kid
    protected.update(header or {})
    return jwt.encode(protected, payload, key, algorithms=[algorithm])


def _signing_key(value: Any, algorithms: tuple[str, ...]) -> Key:
    key = load_static_key("encode_jwt", "private_key", value, algorithms)
    if isinstance(key, KeySet) or (key.key_type != "oct" and not key.is_private):
        raise ValueError("encode_jwt needs one private key (or an HMAC secret)")
    return key


def decode_jwt(
    token: str,
    public_key: Any = None,
    algorithms: Sequence[str] = ("RS256",),
    *,
    claims: Mapping[str, Mapping[str, Any]] | None = None,
    leeway: int = 0,
    require_exp: bool = True,
) -> VerifiedToken:
    """Verify ``token``'s signature and claims; raises ``InvalidToken`` with the reason.

    The claim rules are the authenticators' (``claim_options``): ``exp`` is required
    unless ``require_exp`` is False, ``iss`` / ``aud`` default to settings.JWT_ISSUER /
    JWT_AUDIENCE, and a pinned ``iss`` / ``aud`` is always required. ``public_key``
    falls back to settings.JWT_PUBLIC_KEY.
    """
    allowed = normalise_algorithms("decode_jwt", None, algorithms)
    key_value = _from_settings(public_key, "JWT_PUBLIC_KEY", "public key")
    source = StaticKeySource(load_static_key("decode_jwt", "public_key", key_value, allowed))
    options = claim_options(
        "decode_jwt",
        claims,
        issuer=getattr(settings, "JWT_ISSUER", None),
        audience=getattr(settings, "JWT_AUDIENCE", None),
        require_exp=require_exp,
    )
    policy = VerificationPolicy.build(allowed, options, leeway=check_leeway("decode_jwt", leeway))
    parsed = prepare(token, policy)
    return complete(parsed, source.lookup(parsed.kid, parsed.alg), policy)


def set_jwt_cookie(
    response: HttpResponse,
    token: str,
    *,
    name: str = DEFAULT_COOKIE,
    max_age: int | None = None,
    secure: bool = True,
    samesite: str = "Lax",
    path: str = "/",
    domain: str | None = None,
) -> HttpResponse:
    """Store ``token`` in an HttpOnly cookie that JavaScript cannot read."""
    response.set_cookie(
        name,
        token,
        max_age=max_age,
        path=path,
        domain=domain,
        secure=secure,
        httponly=True,
        samesite=samesite,
    )
    return response


def delete_jwt_cookie(
    response: HttpResponse,
    *,
    name: str = DEFAULT_COOKIE,
    path: str = "/",
    domain: str | None = None,
    samesite: str = "Lax",
) -> HttpResponse:
    """Expire the JWT cookie (same name, path and domain as when it was set)."""
    response.delete_cookie(name, path=path, domain=domain, samesite=samesite)
    return response
