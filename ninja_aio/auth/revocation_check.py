"""The bearer's per-request revocation lookup: one store round trip, optionally cached."""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Mapping
from typing import Any

from ninja_aio.auth.errors import InvalidToken, KeysUnavailable
from ninja_aio.auth.revocation import (
    CacheRevocationStore,
    RevocationStore,
    StoreUnavailable,
    family_key,
    load_store,
)
from ninja_aio.auth.verify import VERIFIED_RANK

__all__ = ["RevocationCheck"]

logger = logging.getLogger(__name__)

#: Entries of the local "not revoked" cache, per authenticator instance.
MAX_CACHED = 10_000


class RevocationCheck:
    """Refuses a verified token whose ``jti`` or family is revoked.

    A store that cannot answer fails closed (503 + Retry-After) unless ``fail_open``.
    ``cache_seconds`` reuses a "not revoked" answer that long (revocation then takes
    effect within that delay in this process); a "revoked" answer is final anyway.
    """

    def __init__(
        self,
        store: RevocationStore,
        *,
        fail_open: bool = False,
        retry_after: int = 5,
        cache_seconds: float = 0,
        owner: str = "",
    ) -> None:
        self.store = store
        self.fail_open = fail_open
        self.retry_after = retry_after
        self.cache_seconds = cache_seconds
        self.owner = owner
        self._fresh: collections.OrderedDict[tuple[str, ...], float] = collections.OrderedDict()

    @classmethod
    def for_bearer(cls, bearer: Any) -> RevocationCheck:
        value = bearer.revocation_store
        return cls(
            CacheRevocationStore() if value is None else load_store(value),
            fail_open=bearer.revocation_fail_open,
            retry_after=bearer.revocation_retry_after,
            cache_seconds=bearer.revocation_cache_seconds,
            owner=type(bearer).__qualname__,
        )

    async def check(self, claims: Mapping[str, Any]) -> None:
        jti, family = claims.get("jti"), claims.get("fam")
        if not isinstance(jti, str) or not jti:
            raise InvalidToken("Missing claim: jti", rank=VERIFIED_RANK)
        keys = (jti, family_key(family)) if isinstance(family, str) else (jti,)
        if self.cache_seconds and self._cached(keys):
            return
        try:
            revoked = await self.store.is_revoked(*keys)
        except StoreUnavailable as exc:
            if self.fail_open:
                logger.warning("%s: revocation store unavailable (%s): accepted", self.owner, exc)
                return
            logger.warning("%s: revocation store unavailable (%s): 503", self.owner, exc)
            raise KeysUnavailable(
                "Revocation service unavailable", retry_after=self.retry_after
            ) from exc
        if revoked:
            raise InvalidToken("Token has been revoked", rank=VERIFIED_RANK)
        if self.cache_seconds:
            self._remember(keys)

    def _cached(self, keys: tuple[str, ...]) -> bool:
        until = self._fresh.get(keys)
        return until is not None and time.monotonic() < until

    def _remember(self, keys: tuple[str, ...]) -> None:
        self._fresh[keys] = time.monotonic() + self.cache_seconds
        self._fresh.move_to_end(keys)
        while len(self._fresh) > MAX_CACHED:
            self._fresh.popitem(last=False)
