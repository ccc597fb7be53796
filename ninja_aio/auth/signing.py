"""Signing keys of a token issuer: one key signs, every configured key is published.

Keys come from the issuer's arguments or settings: ``JWT_SIGNING_KEYS`` (a list, the
first signs: rotate by putting the new key first and keeping the old one until the
tokens it signed have expired) or ``JWT_PRIVATE_KEY`` (one key). Each key gets a
``kid`` (its own, else its RFC 7638 thumbprint), so verifiers pick the right one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import Key, KeySet

from ninja_aio.auth.keys import ALGORITHM_KEY_TYPES, StaticKeySource, load_static_key

__all__ = ["SigningKeys"]


def _with_kid(key: Key) -> Key:
    if key.kid:
        return key
    data = key.as_dict(private=True)
    data["kid"] = key.thumbprint()
    return type(key).import_key(data)


class SigningKeys:
    """The private keys an issuer signs with, and the public JWK Set it publishes."""

    def __init__(self, keys: Sequence[Any] | Any = None, *, algorithm: str = "RS256") -> None:
        owner = "TokenIssuer"
        if ALGORITHM_KEY_TYPES.get(algorithm) in (None, "oct"):
            raise ImproperlyConfigured(
                f"{owner}.algorithm: {algorithm!r} is not an asymmetric JWS algorithm "
                "(RS256, PS256, ES256, Ed25519...): published keys must verify, not sign"
            )
        if keys is None:
            keys = getattr(settings, "JWT_SIGNING_KEYS", None)
            if keys is None and getattr(settings, "JWT_PRIVATE_KEY", None) is not None:
                keys = [settings.JWT_PRIVATE_KEY]
        if keys is None:
            raise ImproperlyConfigured(
                f"{owner}: no signing key; pass keys=[...] or set settings.JWT_SIGNING_KEYS "
                "(or JWT_PRIVATE_KEY). `python -m ninja_aio keygen` writes one"
            )
        if isinstance(keys, str | bytes | dict | Key):
            keys = [keys]
        loaded = []
        for value in keys:
            key = load_static_key(owner, "keys", value, (algorithm,))
            if isinstance(key, KeySet) or not key.is_private:
                raise ImproperlyConfigured(f"{owner}.keys: each key must be one private key")
            loaded.append(_with_kid(key))
        kids = [key.kid for key in loaded]
        if len(set(kids)) != len(kids):
            raise ImproperlyConfigured(f"{owner}.keys: two keys share the kid {kids!r}")
        self.algorithm = algorithm
        self.current: Key = loaded[0]
        self._public = [type(k).import_key(k.as_dict(private=False)) for k in loaded]
        self.jwks: dict[str, Any] = {
            "keys": [{**k.as_dict(private=False), "use": "sig", "alg": algorithm} for k in loaded]
        }
        self.verification = StaticKeySource(KeySet(self._public))
