"""Authentication failures and how they map to RFC 6750 / RFC 9110 responses.

Every failure is a ``ninja.errors.HttpError`` so a plain ``NinjaAPI`` still answers
with the right status code; ``NinjaAIO`` adds the ``WWW-Authenticate`` challenge
and the ``Retry-After`` header.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable

from ninja.errors import HttpError

__all__ = [
    "AuthFailure",
    "CsrfFailed",
    "InsufficientScope",
    "InvalidToken",
    "KeysUnavailable",
    "MissingCredentials",
    "is_scope_token",
]

logger = logging.getLogger(__name__)

#: Attribute on the request where the most specific failure of the auth chain is kept.
FAILURE_ATTR = "_ninja_aio_auth_failure"

#: RFC 6749 §3.3 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ).
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
#: RFC 6750 §3: what ``error`` and ``error_description`` may hold (%x20-21 / %x23-5B / %x5D-7E).
_NOT_PARAM_TEXT = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")
#: RFC 9110 §5.6.4: a quoted-string holds HTAB, SP and VCHAR; obs-text and controls go.
_NOT_QUOTABLE = re.compile(r"[^\t\x20-\x7e]")
_QUOTED_PAIR = re.compile(r'(["\\])')
_DEFAULT_RETRY_AFTER = 30


def is_scope_token(value: object) -> bool:
    """Whether ``value`` is one RFC 6749 §3.3 scope-token (no space, quote or backslash)."""
    return isinstance(value, str) and _SCOPE_TOKEN.fullmatch(value) is not None


def _scope_value(scope: str | Iterable[str]) -> str:
    """The scope-tokens of ``scope`` (a space-delimited string or a list); others dropped."""
    if isinstance(scope, list | tuple | set | frozenset):
        tokens = [str(item) for item in scope]
    else:
        tokens = str(scope).split()
    valid = [token for token in tokens if is_scope_token(token)]
    if len(valid) != len(tokens):
        logger.warning("scope values that are not RFC 6749 scope-tokens left out of a challenge")
    return " ".join(valid)


def _quoted_string(value: object) -> str:
    """``value`` as the content of a quoted-string: escaped, never able to end the header."""
    return _QUOTED_PAIR.sub(r"\\\1", _NOT_QUOTABLE.sub("", str(value)))


class AuthFailure(HttpError):
    """Base of every authentication / authorization failure.

    ``rank`` orders failures by how specific they are, so that when several
    authenticators refuse one request the response reports the best reason.
    """

    status_code: int = 401
    error: str | None = None
    description: str | None = None
    rank: int = 0

    def __init__(self, detail: str, *, realm: str = "api", rank: int | None = None) -> None:
        super().__init__(self.status_code, detail)
        self.detail = detail
        self.realm = realm
        if rank is not None:
            self.rank = rank

    def challenge_params(self) -> dict[str, str]:
        """Auth-params of the ``WWW-Authenticate: Bearer`` challenge, as RFC 6750 §3 allows.

        ``error`` and ``error_description`` keep only the characters RFC 6750 allows
        (no quote, backslash or control); ``realm`` is escaped by ``headers``.
        """
        params = {"realm": str(self.realm)}
        if self.error:
            params["error"] = _NOT_PARAM_TEXT.sub("", str(self.error))
        if self.description:
            params["error_description"] = _NOT_PARAM_TEXT.sub("", str(self.description))
        return params

    def headers(self) -> dict[str, str]:
        """Response headers that go with this failure; every value is a safe quoted-string."""
        params = ", ".join(
            f'{name}="{_quoted_string(value)}"' for name, value in self.challenge_params().items()
        )
        return {"WWW-Authenticate": f"Bearer {params}"}

    def remember(self, request: object) -> None:
        """Keep this failure on the request if it is more specific than the one held."""
        held = getattr(request, FAILURE_ATTR, None)
        if held is None or self.rank > held.rank:
            setattr(request, FAILURE_ATTR, self)


class MissingCredentials(AuthFailure):
    """No credential for this scheme: RFC 6750 §3.1 says no error code."""

    rank = 0

    def __init__(self, detail: str = "Authentication credentials were not provided", **kw) -> None:
        super().__init__(detail, **kw)


class InvalidToken(AuthFailure):
    """A bearer token was sent but cannot be used (malformed, expired, bad signature...)."""

    error = "invalid_token"
    description = "The access token is invalid"
    rank = 10


class InsufficientScope(AuthFailure):
    """The token is valid but does not grant what the operation requires."""

    status_code = 403
    error = "insufficient_scope"
    description = "The access token does not grant the required privileges"
    rank = 100

    def __init__(
        self, detail: str = "Insufficient scope", *, scope: str | Iterable[str] = "", **kw
    ) -> None:
        super().__init__(detail, **kw)
        self.scope = scope

    def challenge_params(self) -> dict[str, str]:
        params = super().challenge_params()
        scope = _scope_value(self.scope) if self.scope else ""
        if scope:
            params["scope"] = scope
        return params


class KeysUnavailable(AuthFailure):
    """The verification keys cannot be obtained (identity provider down, cold cache)."""

    status_code = 503
    rank = 1000

    def __init__(
        self, detail: str = "Authentication service unavailable", *, retry_after: int = 30, **kw
    ) -> None:
        super().__init__(detail, **kw)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        seconds = self.retry_after
        number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
        if not number or not math.isfinite(seconds):
            seconds = _DEFAULT_RETRY_AFTER
        # RFC 9110 §10.2.3 delay-seconds: a non-negative integer.
        return {"Retry-After": str(max(0, math.ceil(seconds)))}


class CsrfFailed(AuthFailure):
    """A cookie-borne token on an unsafe method without a valid CSRF token."""

    status_code = 403
    rank = 100

    def __init__(self, detail: str = "CSRF check failed", **kw) -> None:
        super().__init__(detail, **kw)

    def headers(self) -> dict[str, str]:
        return {}
