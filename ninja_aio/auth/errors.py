"""Authentication failures and how they map to RFC 6750 / RFC 9110 responses.

Every failure is a ``ninja.errors.HttpError`` so a plain ``NinjaAPI`` still answers
with the right status code; ``NinjaAIO`` adds the ``WWW-Authenticate`` challenge
and the ``Retry-After`` header.
"""

from __future__ import annotations

from ninja.errors import HttpError

__all__ = [
    "AuthFailure",
    "CsrfFailed",
    "InsufficientScope",
    "InvalidToken",
    "KeysUnavailable",
    "MissingCredentials",
]

#: Attribute on the request where the most specific failure of the auth chain is kept.
FAILURE_ATTR = "_ninja_aio_auth_failure"


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
        """Auth-params of the ``WWW-Authenticate: Bearer`` challenge."""
        params = {"realm": self.realm}
        if self.error:
            params["error"] = self.error
        if self.description:
            params["error_description"] = self.description
        return params

    def headers(self) -> dict[str, str]:
        """Response headers that go with this failure."""
        params = ", ".join(f'{k}="{v}"' for k, v in self.challenge_params().items())
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

    def __init__(self, detail: str = "Insufficient scope", *, scope: str = "", **kw) -> None:
        super().__init__(detail, **kw)
        self.scope = scope

    def challenge_params(self) -> dict[str, str]:
        params = super().challenge_params()
        if self.scope:
            params["scope"] = self.scope
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
        return {"Retry-After": str(self.retry_after)}


class CsrfFailed(AuthFailure):
    """A cookie-borne token on an unsafe method without a valid CSRF token."""

    status_code = 403
    rank = 100

    def __init__(self, detail: str = "CSRF check failed", **kw) -> None:
        super().__init__(detail, **kw)

    def headers(self) -> dict[str, str]:
        return {}
