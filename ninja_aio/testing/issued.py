"""Tokens of a ``TokenIssuer`` in tests: through its login route, or minted directly."""

from __future__ import annotations

from typing import Any

__all__ = ["issue_tokens", "obtain_tokens"]


async def obtain_tokens(
    client: Any,
    username: str,
    password: str,
    *,
    path: str = "/auth/token/",
    field: str = "username",
) -> dict[str, Any]:
    """Log in through ``token_router``'s route with ninja's ``TestAsyncClient``; the
    answer's JSON (``access``, ``refresh``...). Fails the test with the route's detail."""
    response = await client.post(path, json={field: username, "password": password})
    if response.status_code != 200:
        raise AssertionError(f"login failed ({response.status_code}): {response.json()}")
    return response.json()


async def issue_tokens(issuer: Any, user: Any) -> dict[str, Any]:
    """A fresh pair for ``user`` without the login route (no password, no throttle)."""
    return (await issuer.issue(user)).as_dict()
