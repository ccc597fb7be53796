"""Remote verification keys: a JWKS URL, OpenID discovery, or the bearer's own callbacks.

``remote_key_source(bearer, algorithms)`` picks the source from the bearer's class:

1. ``async def get_jwks(self)`` or ``async def get_public_key(self)`` defined on it
   (called lazily, cached per bearer instance);
2. ``jwks_url``;
3. ``openid_configuration_url``, or ``issuer`` alone (discovery at
   ``{issuer}/.well-known/openid-configuration``).

Caches of URL sources are shared per URL across bearer instances and classes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet, import_key

from ninja_aio.auth.errors import InvalidToken
from ninja_aio.auth.jwks_cache import CachePolicy, Loaded, RemoteValue
from ninja_aio.auth.jwks_http import FetchError, check_url, fetch_json
from ninja_aio.auth.jwks_keys import MAX_KID_LENGTH, KeyIndex, index_keys, parse_jwks
from ninja_aio.auth.jwks_store import SharedStore
from ninja_aio.auth.keys import ALGORITHM_KEY_TYPES, KeySource

if TYPE_CHECKING:
    from ninja_aio.auth.bearer import AsyncJwtBearer

__all__ = [
    "CallbackKeySource",
    "DiscoveryKeySource",
    "JwksKeySource",
    "KeyCache",
    "discovery_url",
    "remote_key_source",
    "reset_remote_caches",
]

logger = logging.getLogger(__name__)

_WELL_KNOWN = "/.well-known/openid-configuration"
#: Newer sets an unknown ``kid`` waits for: the refresh in flight, a forced one, and one
#: more when the forced one brought a set another worker had fetched before.
_MAX_REFRESHES = 3

S = TypeVar("S")


class KeyCache:
    """The keys of one JWK Set, looked up by ``kid``.

    A token whose ``kid`` is not in the set held waits for a newer set: the refresh in
    flight, or one forced at once unless the set was fetched after the token arrived or
    a forced refresh was made less than a cooldown ago (``RemoteValue.refresh``). Then
    it is refused. So a key rotated in is found on first sight, and a flood of random
    kids costs at most one fetch per cooldown.
    """

    def __init__(self, value: RemoteValue[KeyIndex]) -> None:
        self.value = value

    async def get_key(self, kid: str | None, alg: str) -> Key:
        """The key for a token's ``kid`` and ``alg``; ``InvalidToken`` or ``KeysUnavailable``."""
        if kid is not None and (not isinstance(kid, str) or len(kid) > MAX_KID_LENGTH):
            raise InvalidToken("Unknown key")
        arrived = self.value.clock()
        index, version = await self.value.get()
        refreshes = 0
        while not (kid is None or index.has_kid(kid)):
            if refreshes == _MAX_REFRESHES:
                raise InvalidToken("Unknown key")
            refreshed = await self.value.refresh(version, arrived)
            if refreshed is None:
                raise InvalidToken("Unknown key")
            index, version = refreshed
            refreshes += 1
        return index.select(kid, alg)


class JwksKeySource:
    """Keys from a JWKS URL; the bearer checks ``iss`` against its own ``issuer``."""

    issuer: str | None = None

    def __init__(self, keys: KeyCache) -> None:
        self.keys = keys

    async def get_key(self, kid: str | None, alg: str) -> Key:
        return await self.keys.get_key(kid, alg)


@dataclass(frozen=True, slots=True)
class Discovery:
    """The parts of an OpenID Provider's metadata we use."""

    issuer: str
    jwks_uri: str


def parse_discovery(document: dict[str, Any], expected_issuer: str | None) -> Discovery:
    """Read ``issuer`` and ``jwks_uri``; the issuer must equal the configured one exactly."""
    issuer, jwks_uri = document.get("issuer"), document.get("jwks_uri")
    if not isinstance(issuer, str) or not issuer:
        raise FetchError("bad_discovery")
    if expected_issuer is not None and issuer != expected_issuer:
        raise FetchError("issuer_mismatch")
    if not isinstance(jwks_uri, str) or check_url(jwks_uri) is not None:
        raise FetchError("bad_jwks_uri")
    return Discovery(issuer, jwks_uri)


class DiscoveryKeySource:
    """Keys found through an OpenID discovery document (OIDC Discovery 1.0 §4)."""

    def __init__(
        self, discovery: RemoteValue[Discovery], policy: CachePolicy, alias: str | None
    ) -> None:
        self.discovery = discovery
        self._policy = policy
        self._alias = alias

    @property
    def issuer(self) -> str | None:
        """The discovery document's ``issuer`` once it has been fetched."""
        held = self.discovery.peek()
        return None if held is None else held.issuer

    async def get_key(self, kid: str | None, alg: str) -> Key:
        found, _ = await self.discovery.get()
        keys = _jwks_cache(found.jwks_uri, self._policy, self._alias)
        return await keys.get_key(kid, alg)


class CallbackKeySource:
    """Keys from the bearer's ``get_jwks()`` / ``get_public_key()``, called on first need."""

    issuer: str | None = None

    def __init__(
        self, bearer: AsyncJwtBearer, policy: CachePolicy, families: tuple[str, ...]
    ) -> None:
        self._bearer = bearer
        self._families = families
        has_jwks = callable(getattr(type(bearer), "get_jwks", None))
        name = f"{type(bearer).__qualname__}.{'get_jwks' if has_jwks else 'get_public_key'}"
        load = self._load_jwks if has_jwks else self._load_public_key
        self.keys = KeyCache(RemoteValue(name, load, policy))

    async def get_key(self, kid: str | None, alg: str) -> Key:
        return await self.keys.get_key(kid, alg)

    async def _load_jwks(self) -> Loaded[KeyIndex]:
        name = self.keys.value.name
        value = await self._bearer.get_jwks()  # type: ignore[attr-defined]
        if isinstance(value, KeySet):
            return Loaded(index_keys(value.keys, name))
        if isinstance(value, str | bytes):
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError:
                raise FetchError("bad_json") from None
        if not isinstance(value, dict):
            raise FetchError("not_an_object")
        return Loaded(parse_jwks(value, name))

    async def _load_public_key(self) -> Loaded[KeyIndex]:
        value = await self._bearer.get_public_key()  # type: ignore[attr-defined]
        key = value if isinstance(value, Key) else self._import(value)
        return Loaded(index_keys([key], self.keys.value.name, any_kid=True))

    def _import(self, value: Any) -> Key:
        """A JWK dict, or PEM text of one of the allowed algorithms' key types."""
        for family in (None,) if isinstance(value, dict) else self._families:
            try:
                return import_key(value, family)
            except (JoseError, ValueError, TypeError, KeyError):
                continue
        raise FetchError("bad_key")


_registry: dict[Hashable, Any] = {}
_registry_lock = threading.Lock()


def _shared(key: Hashable, factory: Callable[[], S]) -> S:
    with _registry_lock:
        found = _registry.get(key)
        if found is None:
            found = _registry[key] = factory()
        return found


def reset_remote_caches() -> None:
    """Forget every shared JWKS / discovery cache of this process (for tests)."""
    with _registry_lock:
        _registry.clear()


def _jwks_cache(url: str, policy: CachePolicy, alias: str | None) -> KeyCache:
    def build() -> KeyCache:
        async def load() -> Loaded[KeyIndex]:
            fetched = await fetch_json(url, timeout=policy.timeout, max_bytes=policy.max_bytes)
            return Loaded(parse_jwks(fetched.document, url), fetched.max_age, fetched.document)

        store = SharedStore(alias, "jwks", url, policy.timeout) if alias else None
        return KeyCache(
            RemoteValue(url, load, policy, shared=store, revive=lambda doc: parse_jwks(doc, url))
        )

    return _shared(("jwks", url, policy, alias), build)


def _discovery(
    url: str, expected_issuer: str | None, policy: CachePolicy, alias: str | None
) -> RemoteValue[Discovery]:
    def build() -> RemoteValue[Discovery]:
        async def load() -> Loaded[Discovery]:
            fetched = await fetch_json(url, timeout=policy.timeout, max_bytes=policy.max_bytes)
            found = parse_discovery(fetched.document, expected_issuer)
            return Loaded(found, fetched.max_age, fetched.document)

        store = SharedStore(alias, "oidc", url, policy.timeout) if alias else None
        return RemoteValue(
            url,
            load,
            policy,
            shared=store,
            revive=lambda doc: parse_discovery(doc, expected_issuer),
        )

    return _shared(("oidc", url, expected_issuer, policy, alias), build)


def discovery_url(issuer: str) -> str:
    """Where an issuer publishes its metadata (OIDC Discovery 1.0 §4)."""
    return issuer.rstrip("/") + _WELL_KNOWN


def _policy(bearer: Any, owner: str) -> CachePolicy:
    policy = CachePolicy(
        ttl=bearer.jwks_ttl,
        min_ttl=bearer.jwks_min_ttl,
        max_ttl=bearer.jwks_max_ttl,
        cooldown=bearer.jwks_cooldown,
        max_stale=bearer.jwks_max_stale,
        timeout=bearer.jwks_timeout,
        max_bytes=bearer.jwks_max_bytes,
    )
    for name in ("ttl", "min_ttl", "max_ttl", "timeout", "max_bytes"):
        if not getattr(policy, name) > 0:
            raise ImproperlyConfigured(f"{owner}.jwks_{name} must be positive")
    for name in ("cooldown", "max_stale"):
        if getattr(policy, name) < 0:
            raise ImproperlyConfigured(f"{owner}.jwks_{name} cannot be negative")
    if policy.min_ttl > policy.max_ttl:
        raise ImproperlyConfigured(f"{owner}.jwks_min_ttl is larger than jwks_max_ttl")
    return policy


def _checked_url(owner: str, attribute: str, url: str) -> str:
    if check_url(url) is not None:
        raise ImproperlyConfigured(
            f"{owner}.{attribute} must be an https:// URL (http:// only for loopback hosts)"
        )
    return url


def _cache_alias(bearer: Any, owner: str) -> str | None:
    alias = bearer.jwks_cache
    if alias is not None and alias not in settings.CACHES:
        raise ImproperlyConfigured(f"{owner}.jwks_cache: no cache named {alias!r} in CACHES")
    return alias


def remote_key_source(bearer: AsyncJwtBearer, algorithms: tuple[str, ...]) -> KeySource | None:
    """The remote key source configured on ``bearer``'s class, or ``None`` when there is none."""
    cls = type(bearer)
    owner = cls.__qualname__
    has_callback = any(
        callable(getattr(cls, name, None)) for name in ("get_jwks", "get_public_key")
    )
    jwks_url = bearer.jwks_url
    configuration_url = bearer.openid_configuration_url
    issuer = bearer.issuer
    if not (has_callback or jwks_url or configuration_url or issuer):
        return None
    if any(ALGORITHM_KEY_TYPES[alg] == "oct" for alg in algorithms):
        raise ImproperlyConfigured(f"{owner}: remote keys are public keys; HS* cannot be allowed")
    policy = _policy(bearer, owner)
    if has_callback:
        families = tuple(dict.fromkeys(ALGORITHM_KEY_TYPES[alg] for alg in algorithms))
        return CallbackKeySource(bearer, policy, families)
    alias = _cache_alias(bearer, owner)
    if jwks_url:
        return JwksKeySource(_jwks_cache(_checked_url(owner, "jwks_url", jwks_url), policy, alias))
    if configuration_url:
        url = _checked_url(owner, "openid_configuration_url", configuration_url)
    else:
        url = _checked_url(owner, "issuer", discovery_url(issuer))
    return DiscoveryKeySource(_discovery(url, issuer, policy, alias), policy, alias)
