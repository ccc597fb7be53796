"""Optional services of the suite: Node (the OpenID provider), Redis, PostgreSQL and a
browser (Chromium driven by Playwright).

A test that needs one is marked ``@pytest.mark.node`` / ``redis`` / ``postgresql`` /
``browser``. Where the service is absent the test is skipped with a one-line reason,
unless the service is named in ``NINJA_AIO_REQUIRE`` (comma-separated, as ``.ci/run``
sets it): then it fails, so CI never skips it silently.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

SERVICES = ("node", "redis", "postgresql", "browser")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OIDC_DIR = Path(__file__).resolve().parent / "oidc"


def required() -> frozenset[str]:
    names = {n.strip() for n in os.environ.get("NINJA_AIO_REQUIRE", "").split(",")}
    return frozenset(n for n in names if n)


@functools.cache
def _redis_reachable() -> bool:
    url = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    try:
        with socket.create_connection((url.hostname, url.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _absent(service: str) -> str | None:
    """Why ``service`` cannot be used here, or None when it can."""
    if service == "node":
        if shutil.which("node") is None:
            return "needs Node.js 20+ (the OpenID provider)"
        if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
            return "needs the OpenID provider: run `npm ci --prefix tests/oidc`"
        return None
    if service == "redis":
        return None if _redis_reachable() else "needs a Redis server (REDIS_URL, 127.0.0.1:6379)"
    if service == "browser":
        if not Path(CHROMIUM).exists():
            return f"needs Chromium at {CHROMIUM} (Debian's chromium package, or CHROMIUM=...)"
        if importlib.util.find_spec("playwright") is None:
            return "needs Playwright for Python: pip install -e '.[browser]'"
        return None
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    return None


def need(service: str) -> None:
    """Skip the running test when ``service`` is absent, or fail when it is required."""
    reason = _absent(service)
    if reason is None:
        return
    if service in required():
        pytest.fail(f"{reason} (required by NINJA_AIO_REQUIRE)", pytrace=False)
    pytest.skip(reason)
