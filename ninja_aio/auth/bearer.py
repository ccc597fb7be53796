"""AsyncJwtBearer and AsyncJwtCookie: credential -> verified token -> ``auth_handler``.

An authenticator instance is shared by every concurrent request, so it holds
configuration only. The verified token belongs to the request: it is set on
``request.jwt`` and in a context variable that ``self.dcd`` reads, for the
request's lifetime only (see ``ninja_aio.auth.token``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from unittest.mock import NonCallableMock

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from ninja_aio.auth.claims import (
    check_leeway,
    claim_options,
    granted_roles,
    granted_scopes,
)
from ninja_aio.auth.combine import CombinableAuth
from ninja_aio.auth.errors import (
    AuthFailure,
    CsrfFailed,
    InsufficientScope,
    InvalidToken,
    MissingCredentials,
    is_scope_token,
)
from ninja_aio.auth.keys import (
    KeySource,
    StaticKeySource,
    load_static_key,
    normalise_algorithms,
)
from ninja_aio.auth.remote import remote_key_source
from ninja_aio.auth.revocation_check import RevocationCheck
from ninja_aio.auth.token import (
    FORCED_AUTH_ATTR,
    TokenClaims,
    VerifiedToken,
    bind_token,
    current_token,
    request_token,
)
from ninja_aio.auth.token_cache import TokenCache
from ninja_aio.auth.verify import VerificationPolicy, complete, prepare

__all__ = ["AsyncJwtBearer", "AsyncJwtCookie"]

logger = logging.getLogger(__name__)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Rank of a refusal by ``auth_handler``: the token itself was fine.
_HANDLER_RANK = 30


@dataclass(frozen=True, slots=True)
class _Compiled:
    """Everything an authenticator class needs per request, built once."""

    algorithms: tuple[str, ...]
    policy: VerificationPolicy
    keys: KeySource | None
    issuer: str | None
    required_scopes: frozenset[str]
    scope_text: str
    required_roles: frozenset[str]
    roles_paths: tuple[str, ...]
    token_cache_size: int


def _string_tuple(owner: str, attribute: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(item, str) for item in value or ()):
        raise ImproperlyConfigured(f"{owner}.{attribute}: must be a list of strings")
    return tuple(value or ())


def _claim_options(owner: str, cls: type[JwtAuthBase], issuer: str | None) -> dict[str, dict]:
    audience = cls.audience if cls.audience is not None else _setting("JWT_AUDIENCE")
    return claim_options(
        owner, cls.claims, issuer=issuer, audience=audience, require_exp=cls.require_exp
    )


def _is_patched(handler: Any) -> bool:
    return isinstance(handler, NonCallableMock)


def _setting(name: str) -> Any:
    return getattr(settings, name, None)


class JwtAuthBase(CombinableAuth, AuthBase):
    """Shared machinery of the bearer and cookie authenticators; subclass those instead."""

    #: Verification key: a joserfc key or KeySet, PEM text/bytes, or a JWK (set) dict.
    jwt_public: Any = None
    #: The one accepted algorithm; ``algorithms`` (a list) takes precedence when set.
    jwt_alg: str = "RS256"
    algorithms: Sequence[str] | None = None
    #: joserfc claim options: ``{"claim": {"essential": bool, "value": x, "values": [...]}}``.
    claims: ClassVar[dict[str, dict[str, Any]]] = {}
    #: Exact ``iss`` and accepted ``aud`` (str or list); fall back to JWT_ISSUER / JWT_AUDIENCE.
    issuer: str | None = None
    audience: str | Sequence[str] | None = None
    #: Seconds of clock skew tolerated on exp / nbf / iat.
    leeway: int = 0
    #: Set False to accept tokens without ``exp`` (not recommended).
    require_exp: bool = True
    #: Accepted header ``typ`` values (e.g. ``["at+jwt"]`` for RFC 9068); None skips the check.
    token_types: Sequence[str] | None = None
    max_token_length: int = 8192
    #: Every one of these must be granted by ``scope`` (space-delimited) or ``scp``.
    required_scopes: Sequence[str] = ()
    #: At least one of these must appear at ``roles_claim`` (a dotted path, or several).
    required_roles: Sequence[str] = ()
    roles_claim: str | Sequence[str] = "roles"
    realm: str = "api"
    #: Verified tokens remembered per instance, so a repeated token skips the signature
    #: and claim checks (0: off). See docs/token-cache.md for the trade-off.
    token_cache_size: int = 0

    # Remote keys (see ninja_aio.auth.remote).
    jwks_url: str | None = None
    openid_configuration_url: str | None = None
    jwks_cache: str | None = None
    jwks_ttl: int = 600
    jwks_min_ttl: int = 60
    jwks_max_ttl: int = 86400
    jwks_cooldown: int = 30
    jwks_max_stale: int = 86400
    jwks_timeout: float = 5.0
    jwks_max_bytes: int = 65536

    # Revocation (see ninja_aio.auth.revocation).
    #: Look every verified token's ``jti`` and family (``fam``) up in the store.
    check_revocation: bool = False
    #: A store or a dotted path to one; default: ``CacheRevocationStore()`` (default cache).
    revocation_store: Any = None
    #: When the store cannot answer: 503 with Retry-After (False) or accept (True).
    revocation_fail_open: bool = False
    revocation_retry_after: int = 5
    #: Seconds a "not revoked" answer is reused in this process (0: ask every time).
    revocation_cache_seconds: float = 0

    _compiled: ClassVar[_Compiled | None] = None
    #: Keys that replace the configured ones (``ninja_aio.testing.TokenFactory.trust``).
    _key_override: ClassVar[KeySource | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._compiled = None
        if cls.jwt_public is not None:
            cls._compile()  # a key that does not fit fails here, at import time

    @classmethod
    def _has_remote_keys(cls) -> bool:
        """Keys come from a URL, an issuer, or a ``get_jwks`` / ``get_public_key`` override."""
        remote = cls.jwks_url or cls.openid_configuration_url or cls.issuer
        return bool(remote) or hasattr(cls, "get_jwks") or hasattr(cls, "get_public_key")

    @classmethod
    def _compile(cls) -> _Compiled:
        owner = cls.__qualname__
        realm = cls.realm
        # It is sent inside a quoted-string of the WWW-Authenticate header.
        if not isinstance(realm, str) or not (realm.isascii() and realm.isprintable()):
            raise ImproperlyConfigured(f"{owner}.realm: printable ASCII text only")
        if '"' in realm or "\\" in realm:
            raise ImproperlyConfigured(f"{owner}.realm: no quotes or backslashes")
        algorithms = normalise_algorithms(owner, cls.jwt_alg, cls.algorithms)
        check_leeway(owner, cls.leeway)
        attribute, key_value = "jwt_public", cls.jwt_public
        if key_value is None:
            attribute, key_value = "JWT_PUBLIC_KEY", _setting("JWT_PUBLIC_KEY")
            if cls._has_remote_keys():
                key_value = None  # remote keys configured on the class win over settings
        keys = (
            StaticKeySource(load_static_key(owner, attribute, key_value, algorithms))
            if key_value is not None
            else None
        )
        issuer = cls.issuer
        if issuer is None and "iss" not in (cls.claims or {}):
            issuer = _setting("JWT_ISSUER")
        roles_claim = cls.roles_claim
        scopes = _string_tuple(owner, "required_scopes", cls.required_scopes)
        for scope in scopes:
            # They are sent in the ``scope`` auth-param of a 403's WWW-Authenticate.
            if not is_scope_token(scope):
                raise ImproperlyConfigured(
                    f"{owner}.required_scopes: {scope!r} is not an RFC 6749 scope-token "
                    "(printable ASCII without spaces, quotes or backslashes)"
                )
        cache_size = cls.token_cache_size
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 0:
            raise ImproperlyConfigured(f"{owner}.token_cache_size: a whole number, 0 for none")
        compiled = _Compiled(
            algorithms=algorithms,
            policy=VerificationPolicy.build(
                algorithms,
                _claim_options(owner, cls, issuer),
                leeway=cls.leeway,
                token_types=_string_tuple(owner, "token_types", cls.token_types) or None,
                max_length=cls.max_token_length,
            ),
            keys=keys,
            issuer=issuer,
            required_scopes=frozenset(scopes),
            scope_text=" ".join(scopes),
            required_roles=frozenset(_string_tuple(owner, "required_roles", cls.required_roles)),
            roles_paths=(roles_claim,)
            if isinstance(roles_claim, str)
            else _string_tuple(owner, "roles_claim", roles_claim),
            token_cache_size=cache_size,
        )
        cls._compiled = compiled
        return compiled

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        compiled = cls._compiled or cls._compile()
        self._config = compiled
        self.issuer = compiled.issuer
        keys = compiled.keys
        if keys is None:
            keys = remote_key_source(self, compiled.algorithms)
        if keys is None:
            raise ImproperlyConfigured(
                f"{cls.__qualname__}.jwt_public: no verification key; set jwt_public "
                "(or settings.JWT_PUBLIC_KEY), jwks_url, openid_configuration_url or issuer"
            )
        self._keys = keys
        self._revocation = RevocationCheck.for_bearer(self) if cls.check_revocation else None
        size = compiled.token_cache_size
        #: The verified-token cache (``token_cache_size``), or None.
        self.token_cache = TokenCache(size, compiled.policy.claims) if size else None
        # Only remote sources cost I/O; refuse other issuers' tokens before asking them.
        self._peek_issuer = compiled.issuer if not isinstance(keys, StaticKeySource) else None

    @property
    def dcd(self) -> VerifiedToken | None:
        """The current request's verified token (``.claims``, ``.header``), else None.

        None on a request no bearer verified (no token, a refused one, a request
        another authenticator of the chain accepted) and outside requests.
        """
        return current_token()

    def get_credential(self, request: HttpRequest) -> str | None:
        """The raw token carried by the request, or None when there is none."""
        raise NotImplementedError

    async def __call__(self, request: HttpRequest) -> Any:
        forced = request.__dict__.get(FORCED_AUTH_ATTR)
        if forced is not None:  # ninja_aio.testing.force_auth: set by test clients only
            return forced.accept(request)
        # Only this request's own token (one an earlier authenticator verified) may show.
        own = request_token(request)
        if current_token() is not own:
            bind_token(request, own)
        token = self.get_credential(request)
        if token is None:
            if _is_patched(type(self).auth_handler):
                # The guide's "Mock Authentication": a test that patched auth_handler with
                # unittest.mock runs without tokens. A real handler never sees this path.
                return await self.auth_handler(request)
            MissingCredentials(realm=self.realm).remember(request)
            return None
        return await self.authenticate(request, token)

    async def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Verify ``token``; on success run ``auth_handler`` and return its result.

        A bad token is remembered on the request and None returned, so the next
        authenticator of the chain still runs; 403 and 503 end the chain. Only an
        accepted token stays on the request (``request.jwt``, ``self.dcd``).
        """
        previous = request_token(request)
        try:
            verified = await self._verify(token)
            self._authorize(verified.claims)
            if self._revocation is not None:
                await self._revocation.check(verified.claims)
        except AuthFailure as failure:
            failure.realm = self.realm
            failure.remember(request)
            if failure.status_code == 401:
                return None
            raise
        bind_token(request, verified)
        try:
            result = await self.auth_handler(request)
        except (ObjectDoesNotExist, DjangoValidationError, ValueError, TypeError) as exc:
            logger.info("%s.auth_handler refused a token: %s", type(self).__qualname__, exc)
            result = None
        except BaseException:
            bind_token(request, previous)  # a refused token leaves no trace on the request
            raise
        if not result:
            bind_token(request, previous)
            InvalidToken("Token rejected", realm=self.realm, rank=_HANDLER_RANK).remember(request)
            return None
        return result

    async def _verify(self, token: str) -> VerifiedToken:
        keys = self._key_override or self._keys
        cache = self.token_cache
        verified = None if cache is None else await cache.lookup(token, keys)
        parsed = None
        if verified is None:
            policy = self._config.policy
            parsed = prepare(token, policy, self._peek_issuer if keys is self._keys else None)
            key = await keys.get_key(parsed.kid, parsed.alg)
            verified = complete(parsed, key, policy)
        source_issuer = keys.issuer
        discovered = self._config.issuer is None and source_issuer is not None
        if discovered and verified.claims.get("iss") != source_issuer:
            raise InvalidToken("Invalid claim: iss")
        if cache is not None and parsed is not None:
            cache.put(parsed, key)
        return verified

    def _authorize(self, claims: Mapping[str, Any]) -> None:
        config = self._config
        if config.required_scopes and not config.required_scopes <= granted_scopes(claims):
            raise InsufficientScope("Insufficient scope", scope=config.scope_text)
        if config.required_roles and not config.required_roles & granted_roles(
            claims, config.roles_paths
        ):
            raise InsufficientScope("Missing required role")

    async def auth_handler(self, request: HttpRequest) -> Any:
        """Turn the verified token (``self.dcd``) into ``request.auth``; falsy refuses.

        The default authenticates with the token's claims.
        """
        return TokenClaims(self.dcd.claims)


class AsyncJwtBearer(JwtAuthBase):
    """JWT in the ``Authorization: Bearer <token>`` header (RFC 6750 §2.1)."""

    openapi_type: str = "http"
    openapi_scheme: str = "bearer"
    openapi_bearerFormat: str = "JWT"

    def get_credential(self, request: HttpRequest) -> str | None:
        # request.headers builds a mapping of every header: read META first. (ninja's
        # test clients store headers in META under their own spelling, so fall back.)
        value = request.META.get("HTTP_AUTHORIZATION") or request.headers.get("Authorization")
        if not value:
            return None
        scheme, _, token = value.partition(" ")
        # Another scheme (Basic, Token...) is not ours: step aside for the next authenticator.
        # RFC 6750 §2.1: "Bearer" 1*SP b64token.
        return token.lstrip(" ") if scheme.lower() == "bearer" else None


class AsyncJwtCookie(JwtAuthBase):
    """JWT in an HttpOnly cookie; unsafe methods must pass Django's CSRF check."""

    openapi_type: str = "apiKey"
    openapi_in: str = "cookie"
    cookie_name: str = "access_token"
    openapi_name: str = cookie_name
    #: Enforce CSRF on POST / PUT / PATCH / DELETE when the cookie is the credential.
    csrf: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        cls.openapi_name = cls.cookie_name
        super().__init_subclass__(**kwargs)

    def get_credential(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.cookie_name) or None

    def _needs_csrf(self, request: HttpRequest) -> bool:
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        return self.csrf and not exempt and request.method not in _SAFE_METHODS

    async def authenticate(self, request: HttpRequest, token: str) -> Any:
        if self._needs_csrf(request) and check_csrf(request) is not None:
            failure = CsrfFailed(realm=self.realm)
            failure.remember(request)
            raise failure
        return await super().authenticate(request, token)
