"""Turning a remote JWK Set into the keys we trust, and picking one for a token.

Only public signature keys survive loading: no ``oct`` secrets, no private keys, no
``use: enc`` keys, no RSA keys under 2048 bits, no curves we do not verify with.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, Key, OKPKey, RSAKey

from ninja_aio.auth.errors import InvalidToken
from ninja_aio.auth.jwks_http import FetchError
from ninja_aio.auth.keys import MIN_RSA_BITS, key_fits_algorithm

__all__ = ["KeyIndex", "index_keys", "parse_jwks", "usable_key"]

logger = logging.getLogger(__name__)

MAX_KEYS = 100
MAX_KID_LENGTH = 256
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_KEY_CLASSES: Mapping[str, type[Key]] = {"RSA": RSAKey, "EC": ECKey, "OKP": OKPKey}
_SIGNING_CURVES = frozenset({"P-256", "P-384", "P-521", "Ed25519", "Ed448"})


@dataclass(frozen=True)
class KeyIndex:
    """Usable keys of one key set, indexed by ``kid``."""

    keys: tuple[Key, ...]
    #: A lone key without ``kid`` given in code serves tokens whatever their ``kid``.
    any_kid: bool = False
    by_kid: Mapping[str, tuple[Key, ...]] = field(init=False)

    def __post_init__(self) -> None:
        by_kid: dict[str, tuple[Key, ...]] = {}
        for key in self.keys:
            kid = key.get("kid")
            if isinstance(kid, str):
                by_kid[kid] = (*by_kid.get(kid, ()), key)
        object.__setattr__(self, "by_kid", by_kid)

    def has_kid(self, kid: str) -> bool:
        """True when this set holds a key for tokens naming ``kid``."""
        return kid in self.by_kid or self._wildcard

    @property
    def _wildcard(self) -> bool:
        return self.any_kid and len(self.keys) == 1 and self.keys[0].get("kid") is None

    def select(self, kid: str | None, alg: str) -> Key:
        """The one key for ``kid`` that can verify ``alg``, else ``InvalidToken``."""
        wide = kid is None or self._wildcard
        candidates = self.keys if wide else self.by_kid.get(kid, ())
        if kid is None and len(candidates) != 1:
            raise InvalidToken("Unknown key")
        fitting = [key for key in candidates if _fits(key, alg)]
        if len(fitting) != 1:
            raise InvalidToken("Unknown key")
        return fitting[0]


def _fits(key: Key, alg: str) -> bool:
    return key_fits_algorithm(key, alg) and key.get("alg") in (None, alg)


def usable_key(key: Key) -> str | None:
    """``None`` when ``key`` may verify signatures, else the reason it may not."""
    if key.is_private:
        return "private"
    if key.key_type not in _KEY_CLASSES:
        return "key_type"
    if key.get("use") not in (None, "sig"):
        return "not_sig"
    ops = key.get("key_ops")
    if ops is not None and "verify" not in ops:
        return "key_ops"
    if isinstance(key, RSAKey) and key.raw_value.key_size < MIN_RSA_BITS:
        return "weak_rsa"
    if isinstance(key, ECKey | OKPKey) and key.curve_name not in _SIGNING_CURVES:
        return "curve"
    kid = key.get("kid")
    if kid is not None and (not isinstance(kid, str) or len(kid) > MAX_KID_LENGTH):
        return "kid"
    return None


def _modulus_bits(n: Any) -> int:
    if not isinstance(n, str) or len(n) > 2048:
        return 0
    try:
        raw = base64.urlsafe_b64decode(n + "=" * (-len(n) % 4))
    except ValueError:
        return 0
    return int.from_bytes(raw, "big").bit_length()


def _load_member(member: Any) -> Key | None:
    if not isinstance(member, dict):
        return None
    kty = member.get("kty")
    key_class = _KEY_CLASSES.get(kty) if isinstance(kty, str) else None  # a list is unhashable
    if key_class is None or _PRIVATE_MEMBERS & member.keys():
        return None
    if key_class is RSAKey and _modulus_bits(member.get("n")) < MIN_RSA_BITS:
        return None  # refused before joserfc imports it (and warns)
    try:
        return key_class.import_key(member)
    except (JoseError, ValueError, TypeError, KeyError):
        return None


def index_keys(keys: Iterable[Key], source: str, *, any_kid: bool = False) -> KeyIndex:
    """Keep the usable ``keys``; ``FetchError("no_usable_keys")`` when none is left."""
    usable: list[Key] = []
    seen: set[str] = set()
    for key in keys:
        reason = usable_key(key)
        # The same JWK listed twice is one key, not an ambiguous kid; a twin with other
        # parameters (alg, use...) stays a separate entry.
        identity = json.dumps(key.as_dict(private=False), sort_keys=True)
        if reason is None and identity in seen:
            reason = "duplicate"
        if reason is None:
            usable.append(key)
            seen.add(identity)
        else:
            logger.info("jwks: key dropped source=%s reason=%s", source, reason)
    if not usable:
        raise FetchError("no_usable_keys")
    return KeyIndex(tuple(usable), any_kid=any_kid)


def parse_jwks(document: Mapping[str, Any], source: str) -> KeyIndex:
    """The usable keys of a JWK Set document (RFC 7517 §5), or ``FetchError``."""
    members = document.get("keys")
    if not isinstance(members, list) or len(members) > MAX_KEYS:
        raise FetchError("bad_jwks")
    loaded = []
    for member in members:
        key = _load_member(member)
        if key is None:
            logger.info("jwks: key dropped source=%s reason=unloadable", source)
        else:
            loaded.append(key)
    return index_keys(loaded, source)
