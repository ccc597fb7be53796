"""Opt-in ``Idempotency-Key`` for POST: a retried write replays its first response.

A client that lost the answer to a POST (timeout, dropped connection) sends it again with
the same ``Idempotency-Key`` header; within the window the first response comes back (same
status and body, plus ``Idempotent-Replayed: true``) and nothing is written again. The key
with another body is a 422; a second request while the first is still running is a 409.

Records live in Django's cache (Redis in production, so every worker sees them), scoped
per authenticated identity and per route: one caller's key never replays another's
response. Only successful responses are recorded: a refused write may be fixed and retried
with the same key. Any POST route can use it through ``Idempotency.run`` (create now, bulk
create later).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.db import models
from django.http import HttpRequest, HttpResponse
from ninja import Header
from ninja.errors import ConfigError, HttpError, ValidationError

__all__ = ["HEADER", "KEY_PATTERN", "REPLAYED_HEADER", "Idempotency", "identity"]

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_TOKEN = r"[A-Za-z0-9._~:+/=-]{1,255}"
#: 1-255 characters of ``A-Z a-z 0-9 . _ ~ : + / = -`` (UUIDs, ULIDs, base64), bare or as
#: the quoted string of the IETF draft (``"8e03978e-40d5-43e8-bc93-6894a57f9324"``).
KEY_PATTERN = rf'^(?:{_TOKEN}|"{_TOKEN}")$'
IN_PROGRESS = "A request with this Idempotency-Key is still being processed; retry later"
UNAVAILABLE = "Idempotency keys cannot be checked right now; retry later"

Write = Callable[[], Awaitable[tuple[int, Any]]]


def identity(request: HttpRequest) -> str:
    """A stable name of who sent ``request``: the scope of its keys.

    ``request.auth`` as a model instance (label and pk), a mapping or object with a
    ``sub`` or ``pk``, a string or number; an auth result naming no one (``True``) falls
    back to the verified JWT's issuer and subject. Anonymous requests share one scope.
    """
    auth = getattr(request, "auth", None)
    if isinstance(auth, models.Model):
        return f"model:{auth._meta.label_lower}:{auth.pk}"
    if isinstance(auth, Mapping):
        if auth.get("sub") is not None:
            return f"sub:{auth['sub']}"
        return "map:" + orjson.dumps(auth, option=orjson.OPT_SORT_KEYS, default=str).decode()
    if isinstance(auth, str | int) and not isinstance(auth, bool):
        return f"{type(auth).__name__}:{auth}"
    for attr in ("sub", "pk"):
        value = getattr(auth, attr, None)
        if value is not None:
            return f"{type(auth).__qualname__}.{attr}:{value}"
    claims = getattr(getattr(request, "jwt", None), "claims", None)
    if isinstance(claims, Mapping) and claims.get("sub") is not None:
        return f"jwt:{claims.get('iss')}:{claims['sub']}"
    return "anonymous" if not auth else f"auth:{type(auth).__qualname__}"


def _fingerprint(body: bytes) -> str:
    """The request body's digest; JSON is canonical first (key order and spacing differ
    between retries of some clients), anything else is taken as sent."""
    with contextlib.suppress(orjson.JSONDecodeError):
        body = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


def _reused() -> ValidationError:
    return ValidationError(
        [
            {
                "loc": ["header", HEADER],
                "msg": "This Idempotency-Key was already used with another request body",
                "type": "idempotency_key_reused",
            }
        ]
    )


@dataclass(frozen=True)
class Idempotency:
    """Idempotency-Key support for a viewset's POST routes (``idempotency = Idempotency()``).

    ``ttl``: seconds a response is replayed for. ``cache``: the Django cache alias holding
    the records (use a shared one, e.g. Redis, with several workers). ``lock_timeout``:
    seconds a request holds its key while it runs (a crashed worker frees it after that).
    """

    ttl: int = 86400
    cache: str = "default"
    lock_timeout: int = 60

    def __post_init__(self) -> None:
        if self.ttl <= 0 or self.lock_timeout <= 0:
            raise ConfigError("Idempotency: ttl and lock_timeout must be positive seconds")
        if self.cache not in settings.CACHES:
            raise ConfigError(f"Idempotency: no cache {self.cache!r} in settings.CACHES")

    @staticmethod
    def header() -> Any:
        """The header parameter of a route (ninja validates it: 422 at its location)."""
        return Header(
            None,
            alias=HEADER,
            pattern=KEY_PATTERN,
            description="Send a unique key to make a retry of this request safe: the same "
            "key and body replay the first response instead of writing again.",
        )

    async def _cache(self, method: str, *args: Any) -> Any:
        # Outside the ORM's thread: cache I/O never queues behind (or blocks) a write.
        def call() -> Any:
            return getattr(caches[self.cache], method)(*args)

        return await sync_to_async(call, thread_sensitive=False)()

    def _key(self, request: HttpRequest, route: str, key: str) -> str:
        scope = "\n".join((identity(request), route, key.strip('"')))
        return f"ninja_aio:idempotency:{hashlib.sha256(scope.encode()).hexdigest()}"

    async def run(
        self,
        request: HttpRequest,
        key: str | None,
        route: str,
        write: Write,
        response: HttpResponse,
    ) -> tuple[int, Any]:
        """``write()`` once per key: its ``(status, body)``, or the recorded one replayed
        (marked on ``response``). Without a key, ``write()`` as usual."""
        if key is None:
            return await write()
        record_key = self._key(request, route, key)
        lock_key = f"{record_key}:lock"
        fingerprint = _fingerprint(request.body)
        claimed, holder = False, None
        try:
            record = await self._cache("get", record_key)
            if record is None:
                claimed = await self._cache("add", lock_key, fingerprint, self.lock_timeout)
                if not claimed:
                    holder = await self._cache("get", lock_key)
                # The request holding the key may have finished in between.
                record = await self._cache("get", record_key)
        except Exception as exc:
            logger.warning("idempotency cache %r unavailable: %s", self.cache, exc)
            if claimed:
                await self._release(lock_key)
            raise HttpError(503, UNAVAILABLE) from exc
        if record is not None:
            if claimed:
                await self._release(lock_key)
            return self._replay(record, fingerprint, response)
        if not claimed:
            if holder is not None and holder != fingerprint:
                raise _reused()
            raise HttpError(409, IN_PROGRESS)
        try:
            status, body = await write()
            if 200 <= status < 300:  # recorded before the key is released
                await self._record(
                    record_key, {"fingerprint": fingerprint, "status": status, "body": body}
                )
        finally:
            await self._release(lock_key)
        return status, body

    async def _record(self, record_key: str, record: dict[str, Any]) -> None:
        try:
            await self._cache("set", record_key, record, self.ttl)
        except Exception:  # the write committed: answer it (a retry may then repeat it)
            logger.exception("idempotency record not stored in cache %r", self.cache)

    async def _release(self, lock_key: str) -> None:
        try:
            await self._cache("delete", lock_key)
        except Exception as exc:  # it expires after lock_timeout
            logger.warning("idempotency key not released in cache %r: %s", self.cache, exc)

    @staticmethod
    def _replay(record: dict[str, Any], fingerprint: str, response: Any) -> tuple[int, Any]:
        if record["fingerprint"] != fingerprint:
            raise _reused()
        response[REPLAYED_HEADER] = "true"
        return record["status"], record["body"]
