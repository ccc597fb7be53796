"""Side-by-side cost of JWT authentication: direct calls, in process, and on uvicorn.

    python bench/auth_overhead.py direct  [--tokens 400] [--rounds 15]
    python bench/auth_overhead.py asgi    [--requests 300] [--rounds 7]
    python bench/auth_overhead.py uvicorn [--seconds 3] [--rounds 5] [--connections 8]
    python bench/auth_overhead.py all

Variants, all with the same key and claims (``iss`` pinned, ``exp`` required):

- ``floor``: raw joserfc, ``jwt.decode`` + ``JWTClaimsRegistry.validate``;
- ``hand``: a hand-written django-ninja ``HttpBearer`` doing that floor;
- ``ours``: ``AsyncJwtBearer``; ``cached``: the same with ``token_cache_size``.

``direct`` calls each authenticator on a prepared request, per algorithm (RS256,
ES256, HS256), every token distinct (fresh), and the cached bearer on a repeated
token. ``asgi`` sends requests through ninja's test client, ``uvicorn`` through a real
server (one worker, 127.0.0.1) loaded by ``wrk`` (else a bounded httpx client).
Rounds alternate their order (A B C, C B A, ...) so machine noise hits every variant
alike; the figures are medians of per-round values, ratios > 1 mean ours is faster.
In-process times are this process's CPU time (``time.process_time``), so that other
processes on a shared machine do not skew them; on uvicorn both the wall-clock
throughput and the server process's CPU time per request are reported.
The scenario functions (``direct_scenario``, ``asgi_scenario``, ``uvicorn_scenario``)
return their rows, for a harness that imports them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ISSUER = "https://bench"
ALGORITHMS = ("RS256", "ES256", "HS256")
#: In-process timings use this process's CPU time: other processes' load does not count.
clock = time.process_time
#: The key the uvicorn server verifies with, handed over by the parent process.
KEY_ENV = "NINJA_AIO_BENCH_JWK"


def setup_django() -> None:
    """Minimal settings unless the importer configured Django already."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            SECRET_KEY="bench",
            DEBUG=False,
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF=__name__,
            INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
            DATABASES={},
            USE_TZ=True,
        )
    django.setup()


setup_django()

from django.http import HttpRequest  # noqa: E402
from django.urls import path  # noqa: E402
from joserfc import jwt  # noqa: E402
from joserfc.jwk import ECKey, Key, OctKey, RSAKey, import_key  # noqa: E402
from joserfc.jwt import JWTClaimsRegistry  # noqa: E402
from ninja import NinjaAPI  # noqa: E402
from ninja.security import HttpBearer  # noqa: E402
from ninja.testing import TestAsyncClient  # noqa: E402

from ninja_aio.auth import AsyncJwtBearer, encode_jwt  # noqa: E402

CLAIMS = {"iss": {"essential": True, "value": ISSUER}, "exp": {"essential": True}}


def generate_key(alg: str) -> Key:
    if alg.startswith("RS"):
        return RSAKey.generate_key(2048, parameters={"kid": "bench"})
    if alg.startswith("ES"):
        return ECKey.generate_key("P-256", parameters={"kid": "bench"})
    return OctKey.generate_key(256, parameters={"kid": "bench"})


def public_key(key: Key) -> Key:
    return key if isinstance(key, OctKey) else type(key).import_key(key.as_dict(private=False))


def make_tokens(key: Key, alg: str, count: int) -> list[str]:
    """``count`` distinct tokens (own ``sub`` and ``jti``), with a list claim like most."""
    claims = {"iss": ISSUER, "aud": "bench-api", "roles": ["reader", "writer"]}
    return [encode_jwt({**claims, "sub": f"u{n}"}, 3600, key, alg) for n in range(count)]


def hand_written(verify_key: Key, alg: str) -> HttpBearer:
    """The idiomatic django-ninja bearer: joserfc decode + claims registry, nothing more."""

    class HandWritten(HttpBearer):
        registry = JWTClaimsRegistry(**CLAIMS)

        async def authenticate(self, request, token):
            try:
                decoded = jwt.decode(token, verify_key, algorithms=[alg])
                self.registry.validate(decoded.claims)
            except Exception:
                return None
            return decoded.claims

    return HandWritten()


def ours(verify_key: Key, alg: str, cache_size: int = 0) -> AsyncJwtBearer:
    class Bearer(AsyncJwtBearer):
        jwt_public = verify_key
        jwt_alg = alg
        issuer = ISSUER
        token_cache_size = cache_size

    return Bearer()


# --- direct calls ------------------------------------------------------------------


def _requests(tokens: list[str]) -> list[HttpRequest]:
    requests = []
    for token in tokens:
        request = HttpRequest()
        request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        requests.append(request)
    return requests


def _reset(requests: list[HttpRequest]) -> None:
    for request in requests:
        request.__dict__.pop("jwt", None)


async def _time_calls(auth: Callable[[HttpRequest], Awaitable[Any]], requests) -> float:
    start = clock()
    for request in requests:
        if not await auth(request):
            raise RuntimeError("a bench token was refused")
    return (clock() - start) / len(requests)


def _time_floor(verify_key: Key, alg: str, tokens: list[str]) -> float:
    registry = JWTClaimsRegistry(**CLAIMS)
    algorithms = [alg]
    start = clock()
    for token in tokens:
        registry.validate(jwt.decode(token, verify_key, algorithms=algorithms).claims)
    return (clock() - start) / len(tokens)


async def _direct_rows(alg: str, tokens: int, rounds: int) -> dict[str, Any]:
    key = generate_key(alg)
    verify_key = public_key(key)
    minted = make_tokens(key, alg, tokens)
    fresh, again = _requests(minted), _requests([minted[0]] * tokens)
    hand = hand_written(verify_key, alg)
    plain = ours(verify_key, alg)
    cached = ours(verify_key, alg, cache_size=10_000)

    async def floor() -> float:
        return _time_floor(verify_key, alg, minted)

    async def cached_fresh() -> float:
        cached.token_cache.clear()  # every token a miss, verified and stored
        return await _time_calls(cached, fresh)

    timers: dict[str, Callable[[], Awaitable[float]]] = {
        "floor": floor,
        "hand": lambda: _time_calls(hand, fresh),
        "ours": lambda: _time_calls(plain, fresh),
        "cached fresh": cached_fresh,
        "cached repeat": lambda: _time_calls(cached, again),
    }
    samples: dict[str, list[float]] = {name: [] for name in timers}
    for round_ in range(rounds):
        for name in list(timers) if round_ % 2 == 0 else list(reversed(timers)):
            samples[name].append(await timers[name]())
            _reset(fresh)
            _reset(again)
    median = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "alg": alg,
        **{f"{name} us": round(value * 1e6, 1) for name, value in median.items()},
        "floor/ours": round(median["floor"] / median["ours"], 2),
        "hand/ours": round(median["hand"] / median["ours"], 2),
        "cached: fresh/repeat": round(median["cached fresh"] / median["cached repeat"], 2),
    }


async def direct_scenario(tokens: int = 400, rounds: int = 15) -> list[dict[str, Any]]:
    """Per algorithm: floor, hand, ours (fresh tokens), cached (fresh, and one repeated)."""
    return [await _direct_rows(alg, tokens, rounds) for alg in ALGORITHMS]


# --- in process (ninja's test client) --------------------------------------------------


def _client(name: str, auth) -> TestAsyncClient:
    api = NinjaAPI(urls_namespace=f"bench-{name}")

    @api.get("/p", auth=auth)
    async def view(request):
        return {"ok": True}

    return TestAsyncClient(api)


async def asgi_scenario(requests: int = 300, rounds: int = 7) -> list[dict[str, Any]]:
    """One RS256 token through ninja's test client: none / hand / ours / cached."""
    key = generate_key("RS256")
    verify_key = public_key(key)
    headers = {"Authorization": f"Bearer {make_tokens(key, 'RS256', 1)[0]}"}
    clients = {
        "none": _client("none", None),
        "hand": _client("hand", hand_written(verify_key, "RS256")),
        "ours": _client("ours", ours(verify_key, "RS256")),
        "cached": _client("cached", ours(verify_key, "RS256", cache_size=10_000)),
    }
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for round_ in range(rounds):
        names = list(clients) if round_ % 2 == 0 else list(reversed(clients))
        for name in names:
            start = clock()
            for _ in range(requests):
                response = await clients[name].get("/p", headers=headers)
                assert response.status_code == 200
            samples[name].append((clock() - start) / requests)
    hand = statistics.median(samples["hand"])
    return [
        {
            "variant": name,
            "median us/request": round(statistics.median(values) * 1e6, 1),
            "hand/variant": round(hand / statistics.median(values), 2),
        }
        for name, values in samples.items()
    ]


# --- uvicorn -------------------------------------------------------------------------


def _server_api() -> NinjaAPI:
    """The served app: the same auth-only endpoint behind each variant."""
    key = import_key(json.loads(os.environ[KEY_ENV]))
    api = NinjaAPI(urls_namespace="bench-server")
    variants = {
        "none": None,
        "hand": hand_written(key, "RS256"),
        "ours": ours(key, "RS256"),
        "cached": ours(key, "RS256", cache_size=10_000),
    }
    for name, auth in variants.items():

        async def view(request):
            return {"ok": True}

        api.get(f"/{name}", auth=auth, operation_id=f"bench_{name}")(view)
    return api


urlpatterns = [path("", _server_api().urls)] if KEY_ENV in os.environ else []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("uvicorn did not start")


def _wrk(url: str, token: str, seconds: float, connections: int) -> tuple[float, int]:
    """Requests per second and requests sent, from one wrk run."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
         "-H", f"Authorization: Bearer {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if re.search(r"Non-2xx", out):
        raise RuntimeError(f"{url}: non-2xx responses")
    return rate, int(re.search(r"(\d+) requests in", out).group(1))


async def _httpx_load(url: str, token: str, seconds: float, connections: int) -> tuple[float, int]:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            response = await client.get(url, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code}")
            done += 1

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(connections)))
        rate = done / (time.perf_counter() - start)
    return rate, done


def uvicorn_scenario(
    seconds: float = 3.0, rounds: int = 5, connections: int = 8
) -> list[dict[str, Any]]:
    """One uvicorn worker on 127.0.0.1; wrk (else httpx) at ``connections`` in flight."""
    key = generate_key("RS256")
    token = make_tokens(key, "RS256", 1)[0]
    port = _free_port()
    env = {**os.environ, KEY_ENV: json.dumps(key.as_dict(private=False))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    server = subprocess.Popen(
        [sys.executable, "-c", f"import bench.auth_overhead as b; b.serve({port})"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    tool = "wrk" if shutil.which("wrk") else "httpx"
    try:
        _wait_for(port)
        names = ["none", "hand", "ours", "cached"]
        rates: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        for name in names:  # warm up every route once
            _load(tool, f"http://127.0.0.1:{port}/{name}", token, 1, connections)
        for round_ in range(rounds):
            for name in names if round_ % 2 == 0 else list(reversed(names)):
                url = f"http://127.0.0.1:{port}/{name}"
                before = _cpu_seconds(server.pid)
                rate, sent = _load(tool, url, token, seconds, connections)
                rates[name].append(rate)
                cpu[name].append((_cpu_seconds(server.pid) - before) / sent)
    finally:
        server.terminate()
        server.wait(timeout=10)
    hand_rate, hand_cpu = statistics.median(rates["hand"]), statistics.median(cpu["hand"])
    return [
        {
            "variant": name,
            "tool": tool,
            "median req/s": round(statistics.median(rates[name])),
            "variant/hand (req/s)": round(statistics.median(rates[name]) / hand_rate, 2),
            "server CPU us/request": round(statistics.median(cpu[name]) * 1e6),
            "hand/variant (server CPU)": round(hand_cpu / statistics.median(cpu[name]), 2),
        }
        for name in names
    ]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(tool: str, url: str, token: str, seconds: float, connections: int) -> tuple:
    if tool == "wrk":
        return _wrk(url, token, seconds, connections)
    return asyncio.run(_httpx_load(url, token, seconds, connections))


def serve(port: int) -> None:
    """Run the bench app on uvicorn (called in the server subprocess)."""
    import uvicorn
    from django.core.asgi import get_asgi_application

    uvicorn.run(
        get_asgi_application(),
        host="127.0.0.1",
        port=port,
        workers=1,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


# --- command line --------------------------------------------------------------------


def print_rows(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n## {title}\n")
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[column]) for column in columns) + " |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", choices=["direct", "asgi", "uvicorn", "all"], nargs="?",
                        default="all")  # fmt: skip
    parser.add_argument("--tokens", type=int, default=400)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    if args.scenario in ("direct", "all"):
        rows = asyncio.run(direct_scenario(args.tokens, args.rounds or 15))
        print_rows("authenticator called directly (per request, medians)", rows)
    if args.scenario in ("asgi", "all"):
        rows = asyncio.run(asgi_scenario(args.requests, args.rounds or 7))
        print_rows("auth-only endpoint, ninja test client, RS256", rows)
    if args.scenario in ("uvicorn", "all"):
        rows = uvicorn_scenario(args.seconds, args.rounds or 5, args.connections)
        print_rows("auth-only endpoint on uvicorn (1 worker), RS256", rows)


if __name__ == "__main__":
    main()
