"""A remotely loaded value with TTL, refresh cooldown, single flight and stale-if-error.

``RemoteValue`` is loop-agnostic: its state is guarded by a ``threading.Lock`` and the
one fetch in flight is a ``concurrent.futures.Future`` that callers on any event loop
(django-ninja runs async auth for sync views on a new loop per call) or thread await
through ``asyncio.wrap_future``. So N concurrent callers that need a fetch cause one.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ninja_aio.auth.errors import KeysUnavailable
from ninja_aio.auth.jwks_http import FetchError
from ninja_aio.auth.jwks_store import SharedDocument, SharedStore

__all__ = ["CachePolicy", "Loaded", "RemoteValue"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_versions = itertools.count(1)
#: Result of a flight whose leader was cancelled: the waiters try again.
_ABORTED: Any = object()


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How long fetched documents live and how often they may be fetched (seconds).

    The defaults are the bearer's ``jwks_*`` attributes.
    """

    ttl: float
    min_ttl: float
    max_ttl: float
    cooldown: float
    max_stale: float
    timeout: float
    max_bytes: int

    def lifetime(self, max_age: int | None) -> float:
        """Freshness lifetime: ``Cache-Control: max-age`` clamped, else the default TTL."""
        if max_age is None:
            return self.ttl
        return float(min(max(max_age, self.min_ttl), self.max_ttl))


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T]):
    """What a loader returns: the parsed value, the server's max-age, the raw document."""

    value: T
    max_age: int | None = None
    document: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    value: T
    version: int
    expires_at: float  # monotonic clock
    fetched_wall: float  # time.time(), orders documents across processes


class RemoteValue(Generic[T]):
    """A value fetched by ``load`` and cached under ``policy``.

    ``revive`` rebuilds the value from a document found in the ``shared`` store.
    """

    def __init__(
        self,
        name: str,
        load: Callable[[], Awaitable[Loaded[T]]],
        policy: CachePolicy,
        *,
        shared: SharedStore | None = None,
        revive: Callable[[dict[str, Any]], T] | None = None,
    ) -> None:
        self.name = name
        self.policy = policy
        self._load = load
        self._shared = shared
        self._revive = revive
        self._lock = threading.Lock()
        self._entry: _Entry[T] | None = None
        self._flight: Future[Any] | None = None
        self._last_attempt: float | None = None
        self.clock: Callable[[], float] = time.monotonic

    def peek(self) -> T | None:
        """The value held now, fresh or not, without fetching."""
        with self._lock:
            return None if self._entry is None else self._entry.value

    async def get(self) -> tuple[T, int]:
        """The value and its version: fresh, refreshed, or stale within ``max_stale``.

        Raises ``KeysUnavailable`` when there is no usable value.
        """
        with self._lock:
            entry = self._entry
            if entry is not None and self.clock() < entry.expires_at:
                return entry.value, entry.version
        result = await self._refresh(seen=None)
        if result is not None:
            return result
        return self._stale_or_unavailable()

    async def refresh(self, seen: int) -> tuple[T, int] | None:
        """Fetch again unless version ``seen`` was already replaced; ``None`` when the
        cooldown forbids a fetch now or the fetch failed."""
        return await self._refresh(seen=seen)

    async def _refresh(self, seen: int | None) -> tuple[T, int] | None:
        for _ in range(3):
            flight, lead, newer = self._join_or_start(seen)
            if newer is not None:
                return newer
            if flight is None:
                return None
            if lead:
                await self._lead(flight)
            entry = await asyncio.shield(asyncio.wrap_future(flight))
            if entry is not _ABORTED:
                return None if entry is None else (entry.value, entry.version)
        return None

    def _join_or_start(
        self, seen: int | None
    ) -> tuple[Future[Any] | None, bool, tuple[T, int] | None]:
        now = self.clock()
        with self._lock:
            entry = self._entry
            if entry is not None:
                replaced = seen is not None and entry.version != seen
                if replaced or (seen is None and now < entry.expires_at):
                    return None, False, (entry.value, entry.version)
            if self._flight is not None:
                return self._flight, False, None
            if self._last_attempt is not None and now - self._last_attempt < self.policy.cooldown:
                return None, False, None
            self._flight = Future()
            self._last_attempt = now
            return self._flight, True, None

    async def _lead(self, flight: Future[Any]) -> None:
        with self._lock:
            previous = self._entry
        result: Any = _ABORTED
        try:
            result = await self._load_entry(previous)
        finally:
            with self._lock:
                self._flight = None
                if result is _ABORTED:
                    self._last_attempt = None  # a cancelled fetch does not start a cooldown
                else:
                    self._last_attempt = self.clock()  # the cooldown runs from the answer
                    if result is not None:
                        self._entry = result
            flight.set_result(result)

    async def _load_entry(self, previous: _Entry[T] | None) -> _Entry[T] | None:
        shared = await self._shared.read() if self._shared is not None else None
        newer = shared is not None and (
            previous is None or shared.fetched_at > previous.fetched_wall
        )
        if newer and time.time() < shared.expires_at:
            entry = self._from_shared(shared)
            if entry is not None:
                return entry
        try:
            async with asyncio.timeout(self.policy.timeout):
                loaded = await self._load()
        except (FetchError, TimeoutError) as exc:
            reason = exc.reason if isinstance(exc, FetchError) else "timeout"
            logger.warning("jwks: fetch failed source=%s reason=%s", self.name, reason)
            return self._adopt_stale_shared(previous, shared)
        except Exception as exc:
            logger.warning(
                "jwks: fetch failed source=%s reason=loader_%s", self.name, type(exc).__name__
            )
            return self._adopt_stale_shared(previous, shared)
        lifetime = self.policy.lifetime(loaded.max_age)
        entry = _Entry(loaded.value, next(_versions), self.clock() + lifetime, time.time())
        if self._shared is not None and loaded.document is not None:
            fetched = SharedDocument(loaded.document, entry.fetched_wall, time.time() + lifetime)
            await self._shared.write(fetched, lifetime + self.policy.max_stale)
        logger.info("jwks: fetched source=%s ttl=%d", self.name, lifetime)
        return entry

    def _from_shared(self, shared: SharedDocument) -> _Entry[T] | None:
        if self._revive is None:
            return None
        try:
            value = self._revive(shared.document)
        except FetchError as exc:
            logger.warning(
                "jwks: shared document refused source=%s reason=%s", self.name, exc.reason
            )
            return None
        expires_at = self.clock() + (shared.expires_at - time.time())
        return _Entry(value, next(_versions), expires_at, shared.fetched_at)

    def _adopt_stale_shared(
        self, previous: _Entry[T] | None, shared: SharedDocument | None
    ) -> _Entry[T] | None:
        """After a failed fetch, a cold process may start from the shared stale document."""
        if previous is not None or shared is None:
            return None
        if time.time() > shared.expires_at + self.policy.max_stale:
            return None
        return self._from_shared(shared)

    def _stale_or_unavailable(self) -> tuple[T, int]:
        now = self.clock()
        with self._lock:
            entry, last_attempt = self._entry, self._last_attempt
        if entry is not None and now <= entry.expires_at + self.policy.max_stale:
            return entry.value, entry.version
        wait = self.policy.cooldown - (now - last_attempt) if last_attempt is not None else 0
        raise KeysUnavailable(retry_after=max(1, math.ceil(wait)))
