"""Fetching one JSON document (a JWKS or an OpenID discovery document) over HTTP.

The fetch is bounded in time and size, refuses plain HTTP except to loopback hosts,
follows redirects only within the same origin, and accepts JSON media types only.
A new ``httpx.AsyncClient`` is made per fetch, so nothing is bound to an event loop.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import orjson

__all__ = ["FetchError", "Fetched", "check_url", "fetch_json", "is_loopback_host"]

_MAX_REDIRECTS = 3
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)


class FetchError(Exception):
    """A fetch failed; ``reason`` is a short code that is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fetched:
    """A JSON object and the freshness lifetime its server asked for (if any)."""

    document: dict[str, Any]
    max_age: int | None


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and the loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str | None:
    """``None`` when ``url`` may be fetched, else a reason: HTTPS, or HTTP to loopback only."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except (ValueError, TypeError, AttributeError):
        return "bad_url"
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return "bad_url"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and is_loopback_host(parts.hostname):
        return None
    return "insecure_url"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _max_age(response: httpx.Response) -> int | None:
    value = response.headers.get("cache-control", "")
    if "no-store" in value.lower() or "no-cache" in value.lower():
        return 0
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None


def _is_json(response: httpx.Response) -> bool:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError("too_large")
    return bytes(body)


async def _get(client: httpx.AsyncClient, url: str, max_bytes: int) -> Fetched:
    origin = _origin(url)
    for _ in range(_MAX_REDIRECTS + 1):
        async with client.stream("GET", url, headers={"Accept": "application/json"}) as response:
            if response.status_code in _REDIRECT_STATUSES:
                target = urljoin(url, response.headers.get("location", ""))
                if _origin(target) != origin or check_url(target) is not None:
                    raise FetchError("redirect_off_host")
                url = target
                continue
            if response.status_code != 200:
                raise FetchError(f"http_{response.status_code}")
            if not _is_json(response):
                raise FetchError("not_json")
            body = await _read_capped(response, max_bytes)
            try:
                document = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise FetchError("bad_json") from None
            if not isinstance(document, dict):
                raise FetchError("not_an_object")
            return Fetched(document, _max_age(response))
    raise FetchError("too_many_redirects")


async def fetch_json(url: str, *, timeout: float, max_bytes: int) -> Fetched:
    """GET ``url`` and return its JSON object; any failure is a ``FetchError``."""
    reason = check_url(url)
    if reason is not None:
        raise FetchError(reason)
    # Proxies from the environment apply to remote hosts only, never to loopback.
    loopback = is_loopback_host(urlsplit(url).hostname or "")
    try:
        async with (
            asyncio.timeout(timeout),
            httpx.AsyncClient(
                timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=not loopback
            ) as client,
        ):
            return await _get(client, url, max_bytes)
    except (TimeoutError, httpx.TimeoutException):
        raise FetchError("timeout") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"network_{exc.__class__.__name__}") from None
