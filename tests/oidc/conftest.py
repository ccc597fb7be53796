"""Start a real OpenID provider (oidc-provider, from the npm registry) on loopback.

Install it with ``npm ci --prefix tests/oidc``. Without it these tests are skipped,
unless ``NINJA_AIO_REQUIRE`` names ``node`` (CI does): see tests/services.py.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.services import need

HERE = Path(__file__).resolve().parent
API = "https://api.example.test"
OTHER_API = "https://other-api.example.test"
START_TIMEOUT = 10.0
START_ATTEMPTS = 3


class OidcProvider:
    """A running ``provider.mjs``: its issuer, and a client-credentials token endpoint."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    async def token(self, client: str = "service", resource: str = API, scope: str = "") -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": client,
            "client_secret": f"{client}-secret",
            "resource": resource,
        }
        if scope:
            form["scope"] = scope
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.post(f"{self.issuer}/token", data=form)
        response.raise_for_status()
        return response.json()["access_token"]

    async def rotate(self) -> list[str]:
        """Sign with a new key from now on; the old one stays published."""
        return await self._admin("rotate")

    async def retire(self) -> list[str]:
        """Publish only the newest key."""
        return await self._admin("retire")

    async def _admin(self, action: str) -> list[str]:
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.post(f"{self.issuer}/test/{action}")
        response.raise_for_status()
        return response.json()["kids"]


def _read_line(stream: Any, timeout: float) -> str | None:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return line[0] if line else None


def _discovery_ready(issuer: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            if response.status_code == 200 and response.json().get("issuer") == issuer:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    return False


def _start(log: Any) -> tuple[subprocess.Popen, str | None]:
    process = subprocess.Popen(
        ["node", "provider.mjs"],
        cwd=HERE,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    line = _read_line(process.stdout, START_TIMEOUT)
    try:
        issuer = json.loads(line)["issuer"] if line else None
    except (ValueError, KeyError, TypeError):
        issuer = None
    if issuer is not None and _discovery_ready(issuer, deadline):
        return process, issuer
    return process, None


def _stop(process: subprocess.Popen) -> None:
    if process.stdin is not None:
        process.stdin.close()
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture
def oidc_provider() -> Iterator[OidcProvider]:
    """A fresh provider per test (keys rotate in some tests); retried if a start hangs."""
    need("node")
    with tempfile.TemporaryFile("w+") as log:
        for _ in range(START_ATTEMPTS):
            process, issuer = _start(log)
            if issuer is not None:
                break
            _stop(process)
        else:
            log.seek(0)
            pytest.fail(f"oidc-provider did not start:\n{log.read()[-2000:]}")
        try:
            yield OidcProvider(issuer)
        finally:
            _stop(process)
