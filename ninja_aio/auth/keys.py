"""Static verification keys: normalisation, algorithm fit, and lookup by ``kid``.

Everything here runs once per authenticator class; ``StaticKeySource.get_key`` is the
only per-request call and does a dictionary lookup at most.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, Key, KeySet, OctKey, OKPKey, RSAKey

from ninja_aio.auth.errors import InvalidToken

__all__ = [
    "ALGORITHM_KEY_TYPES",
    "KeySource",
    "StaticKeySource",
    "key_fits_algorithm",
    "load_static_key",
    "normalise_algorithms",
]

logger = logging.getLogger(__name__)

#: Every JWS algorithm we verify, with the key type (``kty``) it needs.
ALGORITHM_KEY_TYPES: Mapping[str, str] = {
    **{f"RS{n}": "RSA" for n in (256, 384, 512)},
    **{f"PS{n}": "RSA" for n in (256, 384, 512)},
    **{f"ES{n}": "EC" for n in (256, 384, 512)},
    **{name: "OKP" for name in ("EdDSA", "Ed25519", "Ed448")},
    **{f"HS{n}": "oct" for n in (256, 384, 512)},
}

#: ECDSA algorithms are bound to one curve each (RFC 7518 §3.4).
_EC_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}
#: OKP signature algorithms and the curves they accept (RFC 8037, RFC 9864).
_OKP_CURVES = {"EdDSA": {"Ed25519", "Ed448"}, "Ed25519": {"Ed25519"}, "Ed448": {"Ed448"}}
_KEY_CLASSES: Mapping[str, type[Key]] = {"RSA": RSAKey, "EC": ECKey, "OKP": OKPKey, "oct": OctKey}
MIN_RSA_BITS = 2048


class KeySource(Protocol):
    """Where an authenticator gets the key for one token."""

    issuer: str | None

    async def get_key(self, kid: str | None, alg: str) -> Key:
        """The key that must have signed a token with this ``kid`` and ``alg``."""
        ...


def _fail(owner: str, attribute: str, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{owner}.{attribute}: {message}")


def normalise_algorithms(
    owner: str, jwt_alg: str | None, algorithms: Iterable[str] | None
) -> tuple[str, ...]:
    """The allow-list as a tuple, refusing ``none``, unknown names and HS/asymmetric mixes."""
    attribute = "algorithms" if algorithms is not None else "jwt_alg"
    names = tuple(algorithms) if algorithms is not None else (jwt_alg,) if jwt_alg else ()
    if isinstance(algorithms, str):
        raise _fail(owner, attribute, "must be a list of algorithm names, not a string")
    if not names:
        raise _fail(owner, attribute, "no algorithm allowed")
    for name in names:
        if not isinstance(name, str) or name not in ALGORITHM_KEY_TYPES:
            allowed = ", ".join(ALGORITHM_KEY_TYPES)
            raise _fail(owner, attribute, f"{name!r} is not supported (one of: {allowed})")
    families = {ALGORITHM_KEY_TYPES[name] for name in names}
    if "oct" in families and len(families) > 1:
        raise _fail(
            owner, attribute, "HMAC (HS*) and asymmetric algorithms cannot share one key source"
        )
    return names


def key_fits_algorithm(key: Key, alg: str) -> bool:
    """True when ``key`` can verify a signature made with ``alg``."""
    if key.key_type != ALGORITHM_KEY_TYPES.get(alg):
        return False
    if isinstance(key, ECKey):
        return key.curve_name == _EC_CURVES[alg]
    if isinstance(key, OKPKey):
        return key.curve_name in _OKP_CURVES[alg]
    own_alg = key.get("alg") if hasattr(key, "get") else None
    return own_alg in (None, alg)


def _check_key(owner: str, attribute: str, key: Key, algorithms: tuple[str, ...]) -> None:
    key_ops = key.get("key_ops")
    if key.get("use") not in (None, "sig") or (key_ops is not None and "verify" not in key_ops):
        raise _fail(owner, attribute, "the key is not meant for signature verification")
    if not any(key_fits_algorithm(key, alg) for alg in algorithms):
        raise _fail(
            owner,
            attribute,
            f"a {key.key_type} key cannot verify {', '.join(algorithms)}; "
            "set jwt_alg (or algorithms) to fit the key",
        )
    if isinstance(key, RSAKey):
        bits = key.raw_value.key_size
        if bits < MIN_RSA_BITS:
            raise _fail(owner, attribute, f"RSA keys need at least {MIN_RSA_BITS} bits, got {bits}")
    if isinstance(key, OctKey):
        if any(ALGORITHM_KEY_TYPES[alg] != "oct" for alg in algorithms):
            raise _fail(owner, attribute, "an HMAC secret cannot verify asymmetric algorithms")
        if len(key.raw_value) < 32:
            logger.warning("%s.%s: HMAC secret shorter than 256 bits", owner, attribute)


def _import(value: Any, algorithms: tuple[str, ...]) -> Key | KeySet:
    if isinstance(value, Key | KeySet):
        return value
    if isinstance(value, Mapping):
        if "keys" in value:
            return KeySet.import_key_set(dict(value))
        return _KEY_CLASSES[value["kty"]].import_key(dict(value))
    if isinstance(value, str | bytes):
        # PEM text or an HMAC secret: the algorithm family says which, never a guess.
        kty = ALGORITHM_KEY_TYPES[algorithms[0]]
        return _KEY_CLASSES[kty].import_key(value)
    raise TypeError(f"unsupported key value of type {type(value).__name__}")


def load_static_key(
    owner: str, attribute: str, value: Any, algorithms: tuple[str, ...]
) -> Key | KeySet:
    """Turn a joserfc key, a KeySet, PEM text/bytes or a JWK (set) dict into a checked key."""
    try:
        key = _import(value, algorithms)
    except (JoseError, KeyError, TypeError, ValueError) as exc:
        raise _fail(owner, attribute, f"cannot load the key ({exc.__class__.__name__})") from exc
    for member in key.keys if isinstance(key, KeySet) else [key]:
        _check_key(owner, attribute, member, algorithms)
    return key


class StaticKeySource:
    """Keys configured in code or settings."""

    issuer = None

    def __init__(self, key: Key | KeySet) -> None:
        self._single = key if isinstance(key, Key) else None
        members = key.keys if isinstance(key, KeySet) else []
        self._by_kid = {member.kid: member for member in members}
        self._only = members[0] if len(members) == 1 else None
        # Which algorithms each key verifies depends on the key alone: worked out once.
        self._fits = {
            id(member): frozenset(
                alg for alg in ALGORITHM_KEY_TYPES if key_fits_algorithm(member, alg)
            )
            for member in (members if self._single is None else [key])
        }

    async def get_key(self, kid: str | None, alg: str) -> Key:
        return self.lookup(kid, alg)

    def lookup(self, kid: str | None, alg: str) -> Key:
        """The configured key for ``kid`` that fits ``alg``, else ``InvalidToken``."""
        key = self._single or (self._by_kid.get(kid) if kid is not None else self._only)
        if key is None:
            raise InvalidToken("Unknown key")
        if alg not in self._fits[id(key)]:
            raise InvalidToken("Key does not fit the algorithm")
        return key
