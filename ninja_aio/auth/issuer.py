"""``TokenIssuer``: access and refresh tokens of our own, rotation, reuse detection.

Every login starts a *family*: its access and refresh tokens carry the family id in
``fam``. A refresh consumes the presented refresh token (once only) and returns a new
pair of the same family; presenting a consumed refresh token again is a replay, which
revokes the whole family. Access tokens are typed ``at+jwt`` (RFC 9068) and refresh
tokens ``refresh+jwt``, so neither is accepted in place of the other.
"""

from __future__ import annotations

import inspect
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from ninja_aio.auth.bearer import AsyncJwtBearer
from ninja_aio.auth.errors import InvalidToken
from ninja_aio.auth.revocation import (
    CacheRevocationStore,
    RevocationStore,
    family_key,
    load_store,
)
from ninja_aio.auth.signing import SigningKeys
from ninja_aio.auth.token import VerifiedToken
from ninja_aio.auth.tokens import encode_jwt
from ninja_aio.auth.verify import VerificationPolicy, verify_token

__all__ = ["ACCESS_TYPE", "REFRESH_TYPE", "TokenIssuer", "TokenPair"]

ACCESS_TYPE = "at+jwt"
REFRESH_TYPE = "refresh+jwt"
#: Claims the issuer sets itself; the claims hook cannot replace them.
_RESERVED = frozenset({"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "fam"})

ClaimsHook = Callable[[Any], Mapping[str, Any]]


@dataclass(frozen=True)
class TokenPair:
    """An access token and a refresh token, with their lifetimes in seconds."""

    access: str
    refresh: str
    access_expires_in: int
    refresh_expires_in: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "access": self.access,
            "refresh": self.refresh,
            "token_type": "Bearer",
            "expires_in": self.access_expires_in,
            "refresh_expires_in": self.refresh_expires_in,
        }


class TokenIssuer:
    """Issues, rotates and revokes tokens for the users of this Django project.

    ``keys``: private keys (default: settings.JWT_SIGNING_KEYS / JWT_PRIVATE_KEY);
    ``issuer`` / ``audience``: default settings.JWT_ISSUER / JWT_AUDIENCE (required);
    ``store``: a revocation store (default: Django's default cache);
    ``claims``: ``fn(user) -> dict`` (sync or async) adding claims (roles, tenant, scope).
    """

    def __init__(
        self,
        *,
        keys: Any = None,
        algorithm: str = "RS256",
        issuer: str | None = None,
        audience: str | None = None,
        access_lifetime: int = 300,
        refresh_lifetime: int = 86400,
        store: RevocationStore | str | None = None,
        claims: ClaimsHook | None = None,
    ) -> None:
        from django.conf import settings

        self.keys = SigningKeys(keys, algorithm=algorithm)
        self.issuer = issuer or getattr(settings, "JWT_ISSUER", None)
        self.audience = audience or getattr(settings, "JWT_AUDIENCE", None)
        if not self.issuer or not self.audience:
            raise ValueError("TokenIssuer needs issuer and audience (or JWT_ISSUER / JWT_AUDIENCE)")
        if not 0 < access_lifetime <= refresh_lifetime:
            raise ValueError("TokenIssuer: 0 < access_lifetime <= refresh_lifetime")
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.store = load_store(store) if store is not None else CacheRevocationStore()
        self.claims_hook = claims
        options = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.audience},
            "exp": {"essential": True},
        }
        self._refresh_policy = VerificationPolicy.build(
            (algorithm,), options, token_types=(REFRESH_TYPE,)
        )
        self._access_policy = VerificationPolicy.build(
            (algorithm,), options, token_types=(ACCESS_TYPE,)
        )
        self._bearer: type[AsyncJwtBearer] | None = None

    # -- issuing ------------------------------------------------------------------

    async def _extra_claims(self, user: Any) -> dict[str, Any]:
        if self.claims_hook is None:
            return {}
        extra = self.claims_hook(user)
        if inspect.isawaitable(extra):
            extra = await extra
        clash = _RESERVED & set(extra)
        if clash:
            raise ValueError(f"the claims hook may not set {', '.join(sorted(clash))}")
        return dict(extra)

    def _sign(self, claims: dict[str, Any], lifetime: int, typ: str) -> str:
        key = self.keys.current
        header = {"typ": typ, "kid": key.kid}
        return encode_jwt(claims, lifetime, key, self.keys.algorithm, header=header)

    async def issue(self, user: Any, *, family: str | None = None) -> TokenPair:
        """A new pair for ``user``: a new family unless ``family`` continues one."""
        base = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user.pk),
            "fam": family or uuid.uuid4().hex,
            **await self._extra_claims(user),
        }
        access = self._sign(dict(base), self.access_lifetime, ACCESS_TYPE)
        refresh = self._sign(dict(base), self.refresh_lifetime, REFRESH_TYPE)
        return TokenPair(access, refresh, self.access_lifetime, self.refresh_lifetime)

    # -- checking -----------------------------------------------------------------

    async def verify_refresh(self, token: str) -> VerifiedToken:
        """A refresh token of ours, signature and claims checked (not yet consumed)."""
        verified = await verify_token(token, self._refresh_policy, self.keys.verification)
        claims = verified.claims
        if not isinstance(claims.get("jti"), str) or not isinstance(claims.get("fam"), str):
            raise InvalidToken("Invalid claims")
        return verified

    async def verify_access(self, token: str) -> VerifiedToken:
        """An access token of ours (signature, claims, type); revocation not checked."""
        return await verify_token(token, self._access_policy, self.keys.verification)

    async def refresh(self, token: str) -> TokenPair:
        """Rotate: consume ``token`` and return a new pair of its family.

        A consumed token presented again revokes its family. Raises ``InvalidToken``
        (401) or ``StoreUnavailable``.
        """
        verified = await self.verify_refresh(token)
        claims = verified.claims
        if await self.store.is_revoked(claims["jti"], family_key(claims["fam"])):
            raise InvalidToken("Token has been revoked")
        if not await self.store.consume(claims["jti"], claims["exp"]):
            await self.revoke_family(claims["fam"])
            raise InvalidToken("Refresh token reuse detected: the session is revoked")
        user = await _active_user(claims.get("sub"))
        if user is None:
            await self.revoke_family(claims["fam"])
            raise InvalidToken("Token rejected")
        return await self.issue(user, family=claims["fam"])

    async def revoke_family(self, family: str) -> None:
        """Revoke every token of ``family``, for as long as any of them can live."""
        await self.store.revoke(family_key(family), time.time() + self.refresh_lifetime)

    async def revoke(self, refresh_token: str, access_token: str | None = None) -> None:
        """Logout: revoke the refresh token's family (and so its access tokens)."""
        claims = (await self.verify_refresh(refresh_token)).claims
        await self.revoke_family(claims["fam"])
        if access_token:
            try:
                access = (await self.verify_access(access_token)).claims
            except InvalidToken:
                return
            if isinstance(access.get("jti"), str):
                await self.store.revoke(access["jti"], access["exp"])

    # -- verifying ----------------------------------------------------------------

    def bearer(self) -> type[AsyncJwtBearer]:
        """An ``AsyncJwtBearer`` class accepting this issuer's access tokens only, with
        revocation checked on every request; subclass it to add roles or a handler."""
        if self._bearer is None:
            owner = self

            class IssuedTokenBearer(AsyncJwtBearer):
                jwt_public = {"keys": owner.keys.jwks["keys"]}
                jwt_alg = owner.keys.algorithm
                issuer = owner.issuer
                audience = owner.audience
                token_types = [ACCESS_TYPE]
                check_revocation = True
                revocation_store = owner.store

                async def auth_handler(self, request: HttpRequest) -> Any:
                    return await _active_user(self.dcd.claims.get("sub"))

            self._bearer = IssuedTokenBearer
        return self._bearer


async def _active_user(sub: Any) -> Any:
    """The active user whose primary key is ``sub``, else None."""
    users = get_user_model()._default_manager
    try:
        user = await users.aget(pk=sub)
    except (users.model.DoesNotExist, ValueError, TypeError):
        return None
    return user if getattr(user, "is_active", True) else None
