"""Keys and tokens for tests: a token that passes an authenticator class's checks.

``TokenFactory(JWTAuth)`` reads what ``JWTAuth`` requires (algorithm, ``iss``, ``aud``,
pinned claim values, required scopes and roles, ``typ``) and mints tokens that satisfy
it, signed with a test key generated for the class's algorithm family. ``trust()``
makes the class verify with that key for a while, whatever keys it has in production
(a PEM, a JWKS URL, an identity provider), so tests never reach the network.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from joserfc.jwk import ECKey, Key, KeySet, OctKey, OKPKey, RSAKey

from ninja_aio.auth.bearer import JwtAuthBase
from ninja_aio.auth.keys import ALGORITHM_KEY_TYPES, StaticKeySource, load_static_key
from ninja_aio.auth.tokens import encode_jwt

__all__ = ["TokenFactory", "generate_key", "make_token"]

_EC_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


def generate_key(alg: str, *, kid: str | None = None) -> Key:
    """A new private key (or HMAC secret) for ``alg``: RSA 2048, the EC curve of the
    algorithm, Ed25519 (Ed448 for ``Ed448``), or a 256..512-bit secret."""
    key_type = ALGORITHM_KEY_TYPES.get(alg)
    parameters = {"kid": kid} if kid else None
    if key_type == "RSA":
        return RSAKey.generate_key(2048, parameters=parameters)
    if key_type == "EC":
        return ECKey.generate_key(_EC_CURVES[alg], parameters=parameters)
    if key_type == "OKP":
        return OKPKey.generate_key("Ed448" if alg == "Ed448" else "Ed25519", parameters=parameters)
    if key_type == "oct":
        return OctKey.generate_key(int(alg[2:]), parameters=parameters)
    raise ValueError(f"unknown algorithm {alg!r}; expected one of {', '.join(ALGORITHM_KEY_TYPES)}")


@functools.cache
def _shared_key(alg: str) -> Key:
    """One generated key per algorithm and process: RSA generation is slow."""
    return generate_key(alg, kid=f"ninja-aio-test-{alg.lower()}")


def _auth_class(auth: type[JwtAuthBase] | JwtAuthBase) -> type[JwtAuthBase]:
    cls = auth if isinstance(auth, type) else type(auth)
    if not issubclass(cls, JwtAuthBase):
        raise TypeError(f"{cls.__qualname__} is not an AsyncJwtBearer / AsyncJwtCookie class")
    return cls


def _nest(path: str, value: Any) -> dict[str, Any]:
    """``"realm_access.roles"`` -> ``{"realm_access": {"roles": value}}``."""
    head, _, rest = path.partition(".")
    return {head: _nest(rest, value) if rest else value}


def _merge(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for name, value in extra.items():
        if isinstance(value, Mapping) and isinstance(target.get(name), dict):
            _merge(target[name], value)
        else:
            target[name] = value


class TokenFactory:
    """Tokens an authenticator class accepts, signed with a test key.

    ``alg`` defaults to the class's first algorithm; ``private_key`` to a key generated
    once per process for that algorithm (pass your own to sign with a key the class
    already trusts, then ``trust()`` is not needed).
    """

    def __init__(
        self,
        auth: type[JwtAuthBase] | JwtAuthBase,
        *,
        alg: str | None = None,
        private_key: Any = None,
    ) -> None:
        self.auth_class = _auth_class(auth)
        config = self.auth_class._compiled or self.auth_class._compile()
        self._config = config
        self.alg = alg or config.algorithms[0]
        if self.alg not in config.algorithms:
            raise ValueError(
                f"{self.auth_class.__qualname__} does not accept {self.alg}; "
                f"it accepts {', '.join(config.algorithms)}"
            )
        if private_key is None:
            self.key = _shared_key(self.alg)
        else:
            self.key = load_static_key("TokenFactory", "private_key", private_key, (self.alg,))
            if isinstance(self.key, KeySet):
                raise ValueError("TokenFactory needs one private key, not a key set")

    @property
    def public_jwks(self) -> dict[str, Any]:
        """The public JWK Set of the signing key (for a ``JwksServer`` or settings)."""
        if self.key.key_type == "oct":
            raise ValueError("an HMAC secret has no public part")
        return {"keys": [self.key.as_dict(private=False)]}

    def claims(
        self,
        *,
        sub: str | None = "user",
        scope: str | Sequence[str] | None = None,
        roles: Sequence[str] | None = None,
        claims: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The claims a token for this class carries: its pinned values, the required
        scopes and roles (unless ``scope`` / ``roles`` say otherwise), then ``claims``."""
        config = self._config
        payload: dict[str, Any] = {}
        if sub is not None:
            payload["sub"] = sub
        for name, option in config.policy.claims.options.items():
            if "value" in option and option["value"] is not None:
                payload[name] = option["value"]
            elif option.get("values"):
                payload[name] = option["values"][0]
        if scope is None:
            scope = sorted(config.required_scopes)
        if scope:
            payload["scope"] = scope if isinstance(scope, str) else " ".join(scope)
        if roles is None:
            roles = sorted(config.required_roles)
        if roles:
            _merge(payload, _nest(config.roles_paths[0], list(roles)))
        _merge(payload, claims or {})
        missing = sorted(
            name
            for name in config.policy.claims.essential_keys
            if name not in payload and name not in ("exp", "iat", "nbf", "jti")
        )
        if missing:
            raise ValueError(
                f"{self.auth_class.__qualname__} requires {', '.join(missing)}: pass them "
                "in claims={...}"
            )
        return payload

    def make_token(
        self,
        *,
        sub: str | None = "user",
        scope: str | Sequence[str] | None = None,
        roles: Sequence[str] | None = None,
        expires_in: float = 300,
        claims: Mapping[str, Any] | None = None,
        header: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed token valid for ``expires_in`` seconds (negative: already expired)."""
        protected: dict[str, Any] = {}
        types = self._config.policy.token_types
        if types:
            protected["typ"] = sorted(types)[0].removeprefix("application/")
        if self.key.kid:
            protected["kid"] = self.key.kid
        protected.update(header or {})
        payload = self.claims(sub=sub, scope=scope, roles=roles, claims=claims)
        return encode_jwt(payload, expires_in, self.key, self.alg, header=protected)

    @contextlib.contextmanager
    def trust(self) -> Iterator[TokenFactory]:
        """Within the block, the class (and its subclasses) verify with this factory's key
        only: production keys and identity providers are not consulted."""
        cls = self.auth_class
        source = StaticKeySource(self.key if self.key.key_type == "oct" else self._public_key())
        previous = cls.__dict__.get("_key_override", None)
        cls._key_override = source
        try:
            yield self
        finally:
            if previous is None:
                del cls._key_override
            else:
                cls._key_override = previous

    def _public_key(self) -> Key:
        return type(self.key).import_key(self.key.as_dict(private=False))


def make_token(auth: type[JwtAuthBase] | JwtAuthBase, **options: Any) -> str:
    """``TokenFactory(auth).make_token(**options)``; ``alg`` and ``private_key`` go to
    the factory. Use it inside ``TokenFactory(auth).trust()`` (or the ``jwt_tokens``
    pytest fixture) unless ``private_key`` is one the class already trusts."""
    factory = TokenFactory(
        auth, alg=options.pop("alg", None), private_key=options.pop("private_key", None)
    )
    return factory.make_token(**options)
