"""Claim checks: a strict joserfc claims registry plus scope and role matching.

``claim_options`` and ``check_leeway`` are the claim rules shared by the
authenticators and ``decode_jwt``, so that both refuse the same tokens.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from joserfc.errors import InvalidClaimError, MissingClaimError
from joserfc.jwt import JWTClaimsRegistry

__all__ = [
    "MAX_LEEWAY",
    "StrictClaimsRegistry",
    "check_leeway",
    "claim_options",
    "granted_roles",
    "granted_scopes",
]

CLAIM_OPTION_KEYS = frozenset({"essential", "value", "values", "allow_blank"})
#: Upper bound of the clock-skew allowance, in seconds (RFC 7519: "a few minutes").
MAX_LEEWAY = 300


def check_leeway(owner: str, leeway: Any) -> int:
    """``leeway`` if it is whole seconds from 0 to ``MAX_LEEWAY``; else ImproperlyConfigured."""
    if isinstance(leeway, bool) or not isinstance(leeway, int) or not 0 <= leeway <= MAX_LEEWAY:
        raise ImproperlyConfigured(
            f"{owner}.leeway: whole seconds from 0 to {MAX_LEEWAY} (RFC 7519: a few minutes)"
        )
    return leeway


def claim_options(
    owner: str,
    claims: Mapping[str, Any] | None,
    *,
    issuer: str | None,
    audience: str | Sequence[str] | None,
    require_exp: bool,
) -> dict[str, dict[str, Any]]:
    """joserfc claim options for ``claims``, with the secure defaults.

    ``issuer`` / ``audience`` pin ``iss`` / ``aud`` unless ``claims`` names them; a
    pinned ``iss`` or ``aud`` (by argument or by a ``value`` / ``values`` option) is
    always essential, and ``exp`` is essential when ``require_exp`` unless ``claims``
    says otherwise.
    """
    options: dict[str, dict[str, Any]] = {}
    for name, option in (claims or {}).items():
        if not isinstance(option, Mapping) or not set(option) <= CLAIM_OPTION_KEYS:
            raise ImproperlyConfigured(
                f"{owner}.claims[{name!r}]: must be a dict with keys among "
                f"{', '.join(sorted(CLAIM_OPTION_KEYS))}"
            )
        options[name] = dict(option)
    if issuer is not None and "iss" not in options:
        options["iss"] = {"value": issuer}
    if audience is not None and not audience:
        raise ImproperlyConfigured(f"{owner}.audience: an empty audience would accept none")
    if audience is not None and "aud" not in options:
        key = "value" if isinstance(audience, str) else "values"
        options["aud"] = {key: audience if isinstance(audience, str) else list(audience)}
    # A configured issuer or audience is always required: a token without one must not pass.
    for name in ("iss", "aud"):
        if name in options and ("value" in options[name] or "values" in options[name]):
            options[name]["essential"] = True
    if require_exp and "exp" not in options:
        options["exp"] = {"essential": True}
    return options


def _clock() -> float:
    """Now, to the sub-second: RFC 7519 NumericDates may carry fractions."""
    return time.time()


def _same(actual: Any, expected: Any) -> bool:
    """Equality without Python's ``True == 1`` coercion (a type-confusion hole)."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    return actual == expected


def _matches(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):
        return _same(actual, expected) or any(_same(item, expected) for item in actual)
    return _same(actual, expected)


class StrictClaimsRegistry(JWTClaimsRegistry):
    """joserfc's registry with type-strict ``value`` / ``values`` matching.

    ``scope`` is compared token by token, as RFC 8693 §4.2 defines it: a
    ``{"value": "read"}`` option accepts ``"read write"`` but not ``"read:admin"``.

    ``exp`` / ``nbf`` / ``iat`` are compared with a clock as precise as they are
    (joserfc's default clock is whole seconds, which refuses a token whose
    fractional ``iat`` is a few milliseconds old as "issued in the future").
    """

    def __init__(self, now: Any = None, leeway: int = 0, **options: Any) -> None:
        super().__init__(now=_clock if now is None else now, leeway=leeway, **options)
        # What joserfc's ``validate`` works out on every call (a set of essential names,
        # a getattr per claim), worked out once.
        self._essential = tuple(sorted(self.essential_keys))
        self._validators = {
            name.removeprefix("validate_"): getattr(self, name)
            for name in dir(type(self))
            if name.startswith("validate_")
        }

    def validate(self, claims: dict[str, Any]) -> None:
        """joserfc's checks in joserfc's order: missing essentials, then claim by claim."""
        missing = [name for name in self._essential if claims.get(name) is None]
        if missing:
            raise MissingClaimError(",".join(missing))
        validators, options = self._validators, self.options
        for name, value in claims.items():
            check = validators.get(name)
            if check is not None:
                check(value)
            elif name in options:
                self.check_value(name, value)

    def check_value(self, claim_name: str, value: Any) -> None:
        option = self.options.get(claim_name)
        if not option:
            return
        if claim_name == "scope" and isinstance(value, str):
            value = value.split()
        if not option.get("allow_blank") and value in (None, "", [], {}):
            raise InvalidClaimError(claim_name)
        expected_any = option.get("values")
        if expected_any is not None:  # an empty allow-list allows nothing
            if not any(_matches(value, expected) for expected in expected_any):
                raise InvalidClaimError(claim_name)
            return
        expected = option.get("value")
        if expected is not None and not _matches(value, expected):
            raise InvalidClaimError(claim_name)

    def validate_client_id(self, value: Any) -> None:
        """RFC 8693 §4.3 (used by RFC 9068 §2.2): ``client_id`` is a string."""
        if not isinstance(value, str):
            raise InvalidClaimError("client_id")
        self.check_value("client_id", value)


def _lookup(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _as_set(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(value.split())
    if isinstance(value, list | tuple):
        return {item for item in value if isinstance(item, str)}
    return set()


def granted_scopes(claims: Mapping[str, Any]) -> set[str]:
    """Scopes from the space-delimited ``scope`` claim and the ``scp`` list (Azure AD, Okta)."""
    return _as_set(claims.get("scope")) | _as_set(claims.get("scp"))


def granted_roles(claims: Mapping[str, Any], paths: Iterable[str]) -> set[str]:
    """Roles found at any of the dotted claim ``paths`` (e.g. ``realm_access.roles``)."""
    roles: set[str] = set()
    for path in paths:
        roles |= _as_set(_lookup(claims, path))
    return roles
