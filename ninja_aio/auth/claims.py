"""Claim checks: a strict joserfc claims registry plus scope and role matching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from joserfc.errors import InvalidClaimError
from joserfc.jwt import JWTClaimsRegistry

__all__ = ["StrictClaimsRegistry", "granted_roles", "granted_scopes"]


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
    """

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
