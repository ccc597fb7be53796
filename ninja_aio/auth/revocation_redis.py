"""``RedisRevocationStore``: the revocation store on Redis through ``redis.asyncio``.

Django's cache API reaches Redis through a thread for every async call; this store
talks to Redis on the event loop, one command per lookup (``EXISTS jti fam``), which
keeps the per-request check near one network round trip. Clients are kept per event
loop, since a connection belongs to the loop that opened it: made for ASGI servers (one
loop per worker). Where every call runs on a new loop (async auth of sync views under
WSGI), each call would open a connection: use ``CacheRevocationStore`` there. The
clients of closed loops are dropped when a new loop first asks, so their number stays
that of the live loops (a weak mapping would not do: a client refers to its loop).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from ninja_aio.auth.revocation import StoreUnavailable, entry_ttl

__all__ = ["RedisRevocationStore"]


class RedisRevocationStore:
    """Revocations as Redis keys that expire with their tokens.

    ``url``: ``redis://host:port/db`` (``rediss://`` for TLS); ``timeout``: seconds for
    connecting and for each command, after which the store counts as unavailable.
    """

    def __init__(
        self, url: str = "redis://127.0.0.1:6379/0", *, prefix: str = "ninja_aio:revocation:",
        timeout: float = 0.5,
    ) -> None:  # fmt: skip
        import redis.asyncio  # noqa: F401  (fail at configuration time when missing)

        self.url = url
        self.prefix = prefix
        self.timeout = timeout
        self._clients: dict[asyncio.AbstractEventLoop, Any] = {}
        self._lock = threading.Lock()

    def _client(self) -> Any:
        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = redis.asyncio.Redis.from_url(
                self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
            )
            with self._lock:
                # A closed loop's connections can never be used again: let them go.
                for closed in [known for known in self._clients if known.is_closed()]:
                    del self._clients[closed]
                self._clients[loop] = client
        return client

    async def _run(self, command: str, *args: Any, **options: Any) -> Any:
        import redis.exceptions

        try:
            return await getattr(self._client(), command)(*args, **options)
        except (redis.exceptions.RedisError, OSError, TimeoutError) as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    async def aclose(self) -> None:
        """Close the running loop's connections (tests, shutdown hooks)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    async def revoke(self, key: str, expires_at: float) -> None:
        await self._run("set", f"{self.prefix}r:{key}", 1, ex=entry_ttl(expires_at))

    async def is_revoked(self, *keys: str) -> bool:
        return bool(await self._run("exists", *(f"{self.prefix}r:{key}" for key in keys)))

    async def consume(self, jti: str, expires_at: float) -> bool:
        added = await self._run(
            "set", f"{self.prefix}u:{jti}", 1, ex=entry_ttl(expires_at), nx=True
        )
        return bool(added)
