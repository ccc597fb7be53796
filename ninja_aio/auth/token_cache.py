"""Opt-in cache of verified tokens: a repeated token skips the signature and claim checks.

A bounded LRU per authenticator instance, keyed by the whole token string. An entry
answers exactly as a fresh verification would:

- **time**: it is used only while the token's own ``exp`` / ``nbf`` / ``iat`` would
  still pass the claims registry, with the same clock and the same leeway;
- **keys**: it remembers the key that verified it, and is used only while the key
  source still hands out that very key for the token's ``kid`` and ``alg``. A JWKS
  refresh builds new key objects, so the first hit after a refresh or a rotation
  clears the whole cache; a removed key refuses the token as a fresh check would.

Only tokens whose signature and claims passed are stored. What depends on the request or on
mutable state runs on every request anyway, outside this cache: scopes and roles,
the revocation lookup and ``auth_handler``. Each request gets claims no other request
can change: a header or claim set of plain values (strings, numbers, booleans, null)
is shared read-only, while one holding lists or objects is kept as the JSON text it was
read from and read again on every hit (a view that appends to a nested claim must not
change the next request's). It is thread-safe (one ``threading.Lock``, never held
across an ``await``) and bound to no event loop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ninja_aio.auth.claims import StrictClaimsRegistry
from ninja_aio.auth.compact import loads_strict
from ninja_aio.auth.keys import KeySource
from ninja_aio.auth.token import VerifiedToken
from ninja_aio.auth.verify import ParsedToken

__all__ = ["TokenCache"]


#: Immutable JSON values: a mapping of these alone can be shared between requests.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _shareable(values: dict[str, Any], text: bytes) -> MappingProxyType | bytes:
    """A read-only view of ``values`` when nothing in it can change, else its JSON ``text``."""
    if all(type(value) in _SCALARS for value in values.values()):
        return MappingProxyType(values)
    return text


def _fresh(stored: MappingProxyType | bytes) -> MappingProxyType:
    # A text was read once already: the same reader gives the same values.
    return stored if type(stored) is MappingProxyType else MappingProxyType(loads_strict(stored))


@dataclass(frozen=True, slots=True)
class _Entry:
    header: MappingProxyType | bytes
    claims: MappingProxyType | bytes
    kid: str | None
    alg: str
    key: Any
    #: The token's ``exp`` (None: it has none).
    expires: float | None
    #: The later of its ``nbf`` and ``iat`` (None: neither).
    starts: float | None


def _numeric(claims: Any, name: str) -> float | None:
    value = claims.get(name)
    return None if isinstance(value, bool) or not isinstance(value, int | float) else value


class TokenCache:
    """At most ``size`` verified tokens, least recently used evicted first."""

    def __init__(self, size: int, registry: StrictClaimsRegistry) -> None:
        self.size = size
        self._registry = registry
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every token (e.g. after revoking many at once)."""
        with self._lock:
            self._entries.clear()

    def put(self, parsed: ParsedToken, key: Any) -> None:
        """Remember ``parsed``, whose signature (by ``key``) and claims passed."""
        claims = parsed.claims
        nbf, iat = _numeric(claims, "nbf"), _numeric(claims, "iat")
        starts = iat if nbf is None else nbf if iat is None else max(nbf, iat)
        entry = _Entry(
            _shareable(parsed.header, parsed.header_json),
            _shareable(claims, parsed.claims_json),
            parsed.kid,
            parsed.alg,
            key,
            _numeric(claims, "exp"),
            starts,
        )
        with self._lock:
            self._entries[parsed.raw] = entry
            self._entries.move_to_end(parsed.raw)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def _get(self, raw: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(raw)
            if entry is None:
                return None
            # The registry's own comparisons: exp <= now - leeway is expired, and
            # nbf / iat > now + leeway is not valid yet.
            registry = self._registry
            now, leeway = registry.now, registry.leeway
            if (entry.expires is not None and entry.expires <= now - leeway) or (
                entry.starts is not None and entry.starts > now + leeway
            ):
                del self._entries[raw]
                return None
            self._entries.move_to_end(raw)
            return entry

    async def lookup(self, raw: str, keys: KeySource) -> VerifiedToken | None:
        """The cached token for ``raw`` if it still holds with ``keys``, else None.

        A key lookup failure (an unknown ``kid``, keys unavailable) is raised, as a
        fresh verification would raise it.
        """
        entry = self._get(raw)
        if entry is None:
            return None
        try:
            key = await keys.get_key(entry.kid, entry.alg)
        except BaseException:
            with self._lock:
                self._entries.pop(raw, None)
            raise
        if key is not entry.key:
            self.clear()  # the key set changed: nothing verified with the old one is reused
            return None
        return VerifiedToken(_fresh(entry.header), _fresh(entry.claims), raw)
