"""Revoked tokens and families, behind a small interface with a Django-cache store.

A store answers three questions, each in one round trip:

- ``revoke(key, expires_at)``: remember that ``key`` (a token's ``jti``, or a family
  id ``fam:<id>``) is revoked until ``expires_at`` (a Unix time: the entry is useless
  once the token it names has expired).
- ``is_revoked(*keys)``: whether any of ``keys`` is revoked.
- ``consume(jti, expires_at)``: atomically mark a refresh token as used; True only the
  first time, so two concurrent refreshes of one token cannot both succeed.

``CacheRevocationStore`` uses one of Django's caches (``add`` is atomic on Redis and
the database cache); ``RedisRevocationStore`` (``ninja_aio.auth.revocation_redis``)
talks to Redis without a thread hop, the cheapest per request; and
``ninja_aio.contrib.revocation`` has a database store.
"""

from __future__ import annotations

import time
from typing import Any, Protocol, runtime_checkable

from django.core.cache import caches
from django.utils.module_loading import import_string

__all__ = [
    "CacheRevocationStore",
    "RevocationStore",
    "StoreUnavailable",
    "entry_ttl",
    "family_key",
    "load_store",
]


class StoreUnavailable(Exception):
    """The store cannot be reached; callers fail closed (503) unless told otherwise."""


def family_key(family: str) -> str:
    """The store key of a token family (every token descended from one login)."""
    return f"fam:{family}"


@runtime_checkable
class RevocationStore(Protocol):
    """What a revocation store provides; every method raises ``StoreUnavailable`` when
    its backend cannot answer."""

    async def revoke(self, key: str, expires_at: float) -> None: ...

    async def is_revoked(self, *keys: str) -> bool: ...

    async def consume(self, jti: str, expires_at: float) -> bool: ...


def entry_ttl(expires_at: float) -> int:
    """Seconds an entry must live: until its token expires, at least one second."""
    return max(1, int(expires_at - time.time()) + 1)


class CacheRevocationStore:
    """A store in one of Django's caches (``alias``), entries expiring with their token."""

    def __init__(self, alias: str = "default", *, prefix: str = "ninja_aio:revocation:") -> None:
        self.alias = alias
        self.prefix = prefix

    @property
    def _cache(self) -> Any:
        return caches[self.alias]

    async def revoke(self, key: str, expires_at: float) -> None:
        try:
            await self._cache.aset(f"{self.prefix}r:{key}", 1, entry_ttl(expires_at))
        except Exception as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    async def is_revoked(self, *keys: str) -> bool:
        try:
            found = await self._cache.aget_many([f"{self.prefix}r:{key}" for key in keys])
        except Exception as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        return bool(found)

    async def consume(self, jti: str, expires_at: float) -> bool:
        try:
            return bool(await self._cache.aadd(f"{self.prefix}u:{jti}", 1, entry_ttl(expires_at)))
        except Exception as exc:
            raise StoreUnavailable(type(exc).__name__) from exc


def load_store(value: Any) -> RevocationStore:
    """A store instance, or one built from a dotted path (``"pkg.module.Store"``)."""
    if isinstance(value, str):
        value = import_string(value)
    if isinstance(value, type):
        value = value()
    if not isinstance(value, RevocationStore):
        raise TypeError(f"{value!r} is not a revocation store (revoke, is_revoked, consume)")
    return value
