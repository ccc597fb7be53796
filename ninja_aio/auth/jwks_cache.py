"""A remotely loaded value with TTL, cooldown, single flight, stale-while-revalidate and
stale-if-error.

``RemoteValue`` is loop-agnostic: its state is guarded by a ``threading.Lock`` and the
one fetch in flight is a ``concurrent.futures.Future`` that callers on any event loop
(django-ninja runs async auth for sync views on a new loop per call) or thread await
through ``asyncio.wrap_future``. So N concurrent callers that need a fetch cause one.

A fetch is one of three kinds:

* **needed** — nothing usable is held (cold start, or past ``max_stale``): callers wait
  for it, and the first one leads it on its own event loop;
* **background** — the value is past its TTL but within ``max_stale``: callers get the
  held value at once and one refresh runs in a daemon thread (see ``_revalidate``);
* **forced** — ``refresh()`` after a cache miss (an unknown ``kid``): callers wait for
  it; these alone are rate-limited by the cooldown, so a flood of misses costs at most
  one fetch per cooldown while a key rotated in after a routine fetch is seen at once.

A failed fetch of any kind holds back the next needed or background one for a cooldown.
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
_NEVER = float("-inf")
#: Flights one caller goes through at most (aborted ones, or a miss that needs a newer set).
_MAX_FLIGHTS = 3


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How long fetched documents live and how often they may be fetched (seconds).

    ``cooldown`` is the least time between two forced fetches, and between a failed
    fetch and the next one. The defaults are the bearer's ``jwks_*`` attributes.
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
    requested_at: float  # RemoteValue.clock() when the document was asked for
    expires_at: float  # RemoteValue.clock()
    fetched_wall: float  # time.time() when asked for; orders documents across processes


class RemoteValue(Generic[T]):
    """A value fetched by ``load`` and cached under ``policy``.

    ``revive`` rebuilds the value from a document found in the ``shared`` store.
    ``clock`` (monotonic seconds) may be replaced, by tests, before the first call.
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
        self._retry_at = _NEVER  # no needed or background fetch before (set by a failure)
        self._force_at = _NEVER  # no forced fetch before (set by a forced fetch)
        self.clock: Callable[[], float] = time.monotonic

    def peek(self) -> T | None:
        """The value held now, fresh or not, without fetching."""
        with self._lock:
            return None if self._entry is None else self._entry.value

    async def settled(self) -> None:
        """Wait until no fetch is in flight, a background refresh included."""
        while True:
            with self._lock:
                flight = self._flight
            if flight is None:
                return
            await asyncio.shield(asyncio.wrap_future(flight))

    async def get(self) -> tuple[T, int]:
        """The value and its version: fresh, stale within ``max_stale``, or fetched now.

        A stale value is returned at once and refreshed in the background. Raises
        ``KeysUnavailable`` when there is no usable value.
        """
        now = self.clock()
        background = None
        with self._lock:
            entry = self._entry
            usable = entry is not None and now <= entry.expires_at + self.policy.max_stale
            due = usable and entry is not None and now >= entry.expires_at
            if due and self._flight is None and now >= self._retry_at:
                background = self._flight = Future()
        if entry is not None and usable:
            if background is not None:
                self._revalidate(background)
            return entry.value, entry.version
        found = await self._fly(self._needed, forced=False)
        if found is not None:
            return found.value, found.version
        return self._stale_or_unavailable()

    async def refresh(self, seen: int, since: float) -> tuple[T, int] | None:
        """A value newer than version ``seen``, for a caller that arrived at ``since``.

        Joins the fetch in flight; else forces one, unless the held value was asked for
        after ``since`` (nothing newer can be had) or the cooldown forbids it now.
        ``None`` when there is nothing newer (or the fetch failed).
        """
        found = await self._fly(lambda now: self._forced(now, seen, since), forced=True)
        return None if found is None else (found.value, found.version)

    def _needed(self, now: float) -> _Entry[T] | tuple[Future[Any], bool] | None:
        """For a caller with nothing usable: a fresh entry, (flight, lead?), or give up."""
        entry = self._entry
        if entry is not None and now < entry.expires_at:
            return entry
        if self._flight is not None:
            return self._flight, False
        if now < self._retry_at:
            return None
        self._flight = Future()
        return self._flight, True

    def _forced(
        self, now: float, seen: int, since: float
    ) -> _Entry[T] | tuple[Future[Any], bool] | None:
        """For a caller that missed in version ``seen``: as ``_needed``, under the cooldown."""
        entry = self._entry
        if entry is not None and entry.version != seen:
            return entry
        if self._flight is not None:
            return self._flight, False
        if (entry is not None and entry.requested_at > since) or now < self._force_at:
            return None
        self._flight = Future()
        return self._flight, True

    async def _fly(self, decide: Callable[[float], Any], *, forced: bool) -> _Entry[T] | None:
        """Lead or join the flight ``decide`` names (under the lock); the entry it brings."""
        for _ in range(_MAX_FLIGHTS):
            with self._lock:
                step = decide(self.clock())
            if step is None or isinstance(step, _Entry):
                return step
            flight, lead = step
            if lead:
                await self._lead(flight, forced=forced)
            result = await asyncio.shield(asyncio.wrap_future(flight))
            if result is not _ABORTED:
                return result
        return None

    def _revalidate(self, flight: Future[Any]) -> None:
        """Lead ``flight`` in a daemon thread on an event loop of its own.

        Not a task on the caller's loop: django-ninja authenticates sync views through
        ``async_to_sync``, whose loop lives for one call and cancels what is left when the
        call returns, so such a task would die at once, every time (and a loop closed
        without that cleanup warns "Task was destroyed but it is pending"). Nor is the
        fetch left for a later caller to lead: the leader waits for its fetch, which is
        what a due refresh must not make anyone do. The thread belongs to no request and
        outlives any loop; it makes one fetch per due refresh (single flight), bounded by
        ``timeout``, and nothing waits for it but callers that need the new value anyway
        (an unknown ``kid``).
        """
        thread = threading.Thread(
            target=lambda: asyncio.run(self._lead(flight, forced=False)),
            name=f"jwks-refresh {self.name}",
            daemon=True,
        )
        try:
            thread.start()
        except RuntimeError:  # no more threads (interpreter shutting down): let callers retry
            with self._lock:
                self._flight = None
            flight.set_result(_ABORTED)

    async def _lead(self, flight: Future[Any], *, forced: bool) -> None:
        with self._lock:
            previous = self._entry
        result: Any = _ABORTED
        asked = False
        try:
            result, asked = await self._load_entry(previous)
        finally:
            with self._lock:
                self._flight = None
                if result is not _ABORTED:  # a cancelled fetch starts no cooldown
                    now = self.clock()  # cooldowns run from the answer
                    if result is None:
                        self._retry_at = now + self.policy.cooldown
                    else:
                        self._entry = result
                    if forced and asked:  # the cooldown bounds what the provider is asked
                        self._force_at = now + self.policy.cooldown
            flight.set_result(result)

    async def _load_entry(self, previous: _Entry[T] | None) -> tuple[_Entry[T] | None, bool]:
        """A new entry (or ``None``), and whether the provider itself was asked."""
        shared = await self._shared.read() if self._shared is not None else None
        newer = shared is not None and (
            previous is None or shared.fetched_at > previous.fetched_wall
        )
        if newer and time.time() < shared.expires_at:
            entry = self._from_shared(shared)
            if entry is not None:
                return entry, False
        requested_at, requested_wall = self.clock(), time.time()
        try:
            async with asyncio.timeout(self.policy.timeout):
                loaded = await self._load()
        except (FetchError, TimeoutError) as exc:
            reason = exc.reason if isinstance(exc, FetchError) else "timeout"
            logger.warning("jwks: fetch failed source=%s reason=%s", self.name, reason)
            return self._adopt_stale_shared(previous, shared), True
        except Exception as exc:
            logger.warning(
                "jwks: fetch failed source=%s reason=loader_%s", self.name, type(exc).__name__
            )
            return self._adopt_stale_shared(previous, shared), True
        lifetime = self.policy.lifetime(loaded.max_age)
        entry = _Entry(
            loaded.value, next(_versions), requested_at, self.clock() + lifetime, requested_wall
        )
        if self._shared is not None and loaded.document is not None:
            fetched = SharedDocument(loaded.document, requested_wall, time.time() + lifetime)
            await self._shared.write(fetched, lifetime + self.policy.max_stale)
        logger.info("jwks: fetched source=%s ttl=%d", self.name, lifetime)
        return entry, True

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
        now, wall = self.clock(), time.time()
        requested_at = now - max(0.0, wall - shared.fetched_at)
        expires_at = now + (shared.expires_at - wall)
        return _Entry(value, next(_versions), requested_at, expires_at, shared.fetched_at)

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
            entry, retry_at = self._entry, self._retry_at
        if entry is not None and now <= entry.expires_at + self.policy.max_stale:
            return entry.value, entry.version
        raise KeysUnavailable(retry_after=max(1, math.ceil(max(0.0, retry_at - now))))
