"""Memory of one worker under distinct tokens: RSS must stay flat once the caches are full.

    python bench/auth_memory.py [--first 10000] [--last 100000]

Runs each variant in its own child process (so that one's heap does not hide the
other's): the auth-only endpoint of a Django ASGI app, called in process through
the ASGI interface, every request with a new HS256 token (own ``sub`` and ``jti``),
revocation checked against the default cache with the "not revoked" cache on. RSS
(``VmRSS`` of ``/proc/self/status``, after a garbage collection) is read after
``--first`` and after ``--last`` requests; the target is a growth of at most 10 %.

- ``no-cache``: ``token_cache_size = 0``;
- ``cache``: ``token_cache_size = 10_000`` (full after the first 10,000 requests).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VARIANTS = {"no-cache": 0, "cache": 10_000}


def rss_kib() -> int:
    """Resident set size of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _setup(cache_size: int) -> Any:
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench",
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        DATABASES={},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        USE_TZ=True,
    )
    django.setup()
    from django.core.asgi import get_asgi_application
    from django.urls import path
    from joserfc.jwk import OctKey

    from ninja_aio import NinjaAIO
    from ninja_aio.auth import AsyncJwtBearer

    key = OctKey.generate_key(256, parameters={"kid": "memory"})

    class Bearer(AsyncJwtBearer):
        jwt_public = key
        jwt_alg = "HS256"
        issuer = "https://bench"
        check_revocation = True
        revocation_cache_seconds = 60
        token_cache_size = cache_size

    api = NinjaAIO(urls_namespace="memory")

    @api.get("/p", auth=Bearer())
    async def view(request):
        return {"sub": request.auth["sub"]}

    globals()["urlpatterns"] = [path("", api.urls)]
    return get_asgi_application(), key


async def _call(app: Any, token: str) -> int:
    """One GET /p through the ASGI interface; the response status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/p",
        "raw_path": b"/p",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("bench", 80),
    }
    done = asyncio.Event()
    messages: list[dict[str, Any]] = []
    body_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    return messages[0]["status"]


async def _measure(cache_size: int, first: int, last: int) -> dict[str, Any]:
    app, key = _setup(cache_size)
    from ninja_aio.auth import encode_jwt

    readings: dict[int, int] = {}
    for n in range(1, last + 1):
        # Minted as needed: a list of 100,000 tokens would itself weigh on the RSS.
        token = encode_jwt({"sub": f"user-{n}", "iss": "https://bench"}, 3600, key, "HS256")
        status = await _call(app, token)
        if status != 200:
            raise RuntimeError(f"request {n}: {status}")
        if n in (first, last):
            gc.collect()
            readings[n] = rss_kib()
    return {
        "token_cache_size": cache_size,
        f"RSS after {first:,} (MiB)": round(readings[first] / 1024, 1),
        f"RSS after {last:,} (MiB)": round(readings[last] / 1024, 1),
        "growth": f"{(readings[last] / readings[first] - 1) * 100:+.1f} %",
    }


def memory_scenario(first: int = 10_000, last: int = 100_000) -> list[dict[str, Any]]:
    """Each variant in a child process; one row per variant."""
    rows = []
    for name, size in VARIANTS.items():
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--first", str(first),
             "--last", str(last)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout  # fmt: skip
        rows.append({"variant": name, **json.loads(out.strip().splitlines()[-1])})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--first", type=int, default=10_000)
    parser.add_argument("--last", type=int, default=100_000)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(asyncio.run(_measure(args.child, args.first, args.last))))
        return
    rows = memory_scenario(args.first, args.last)
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[column]) for column in columns) + " |")


if __name__ == "__main__":
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    main()
