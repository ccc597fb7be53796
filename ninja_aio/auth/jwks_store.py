"""Keeping fetched documents in a Django cache, so that worker processes share them.

A document is stored with the wall-clock time it was fetched and the time it goes
stale; it stays in the cache ``max_stale`` seconds longer, so that a worker starting
during an identity-provider outage can still use the last good document.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches

__all__ = ["SharedDocument", "SharedStore"]

logger = logging.getLogger(__name__)

_FORMAT = "v1"


@dataclass(frozen=True, slots=True)
class SharedDocument:
    """A document read back from the shared cache; times are ``time.time()`` values."""

    document: dict[str, Any]
    fetched_at: float
    expires_at: float


class SharedStore:
    """One document slot in the Django cache ``alias``; errors are logged, never raised."""

    def __init__(self, alias: str, kind: str, url: str, timeout: float) -> None:
        digest = hashlib.sha256(url.encode()).hexdigest()[:32]
        self.alias = alias
        self.key = f"ninja_aio:{kind}:{_FORMAT}:{digest}"
        self._timeout = timeout

    async def read(self) -> SharedDocument | None:
        """The stored document, or ``None`` (absent, malformed, or the cache failed)."""
        try:
            async with asyncio.timeout(self._timeout):
                payload = await caches[self.alias].aget(self.key)
        except Exception as exc:
            logger.warning(
                "jwks: shared cache read failed alias=%s reason=%s", self.alias, _why(exc)
            )
            return None
        if not isinstance(payload, dict):
            return None
        document, fetched_at, expires_at = (
            payload.get("document"),
            payload.get("fetched_at"),
            payload.get("expires_at"),
        )
        if not isinstance(document, dict) or not all(
            isinstance(value, int | float) for value in (fetched_at, expires_at)
        ):
            return None
        return SharedDocument(document, float(fetched_at), float(expires_at))

    async def write(self, shared: SharedDocument, keep_for: float) -> None:
        """Store ``shared`` for ``keep_for`` seconds."""
        payload = {
            "document": shared.document,
            "fetched_at": shared.fetched_at,
            "expires_at": shared.expires_at,
        }
        try:
            async with asyncio.timeout(self._timeout):
                await caches[self.alias].aset(self.key, payload, timeout=math.ceil(keep_for))
        except Exception as exc:
            logger.warning(
                "jwks: shared cache write failed alias=%s reason=%s", self.alias, _why(exc)
            )


def _why(exc: BaseException) -> str:
    return "timeout" if isinstance(exc, TimeoutError) else exc.__class__.__name__
