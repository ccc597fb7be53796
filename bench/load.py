"""Bounded load on one local server: ``wrk`` when installed, else an async httpx client.

Both send a fixed list of requests (cycled) over ``connections`` keep-alive connections to
127.0.0.1 only, and stop after ``count`` answers or ``seconds``, whichever comes first.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from typing import Any

#: wrk's Lua side: cycle through REQUESTS, stop at CAP answers, print a JSON summary.
_LUA = """
local requests = {%(requests)s}
local headers = {%(headers)s}
local cap, sent, answered = %(cap)d, 0, 0
request = function()
  sent = sent + 1
  local r = requests[(sent - 1) %% #requests + 1]
  return wrk.format(r[1], r[2], headers, r[3])
end
response = function(status, hdrs, body)
  answered = answered + 1
  if answered >= cap then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"errors": %%d, "bad_status": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def _lua_body(body: Any) -> str:
    return "nil" if body is None else _lua_string(json.dumps(body))


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    port: int,
    requests: list[tuple[str, str, Any]],
    headers: dict[str, str],
    *,
    count: int,
    seconds: float,
    connections: int,
) -> dict[str, float]:
    """Load 127.0.0.1:``port`` with wrk (one thread); latency in seconds."""
    rows = ",".join(
        "{" + ",".join([_lua_string(method), _lua_string(path), _lua_body(body)]) + "}"
        for method, path, body in requests
    )
    all_headers = {"Content-Type": "application/json", **headers}
    lua_headers = ",".join(f"[{_lua_string(k)}]={_lua_string(v)}" for k, v in all_headers.items())
    script = _LUA % {"requests": rows, "headers": lua_headers, "cap": count}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        completed = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    duration = summary["duration_us"] / 1e6
    return {
        "median": summary["p50_us"] / 1e6,
        "p90": summary["p90_us"] / 1e6,
        "throughput": summary["requests"] / duration if duration else 0.0,
        "requests": summary["requests"],
        "failed": summary["errors"] + summary["bad_status"],
    }


def run_httpx(
    port: int,
    requests: list[tuple[str, str, Any]],
    headers: dict[str, str],
    *,
    count: int,
    seconds: float,
    connections: int,
    status: int,
) -> dict[str, float]:
    """The same bounded load from ``connections`` concurrent httpx clients (no wrk)."""
    import httpx

    async def load() -> tuple[list[float], int, float]:
        latencies: list[float] = []
        failed = 0
        deadline = time.perf_counter() + seconds
        limits = httpx.Limits(max_connections=connections)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

            async def connection(first: int) -> None:
                nonlocal failed
                i = first
                while i < count and time.perf_counter() < deadline:
                    method, path, body = requests[i % len(requests)]
                    start = time.perf_counter()
                    response = await client.request(method, path, json=body)
                    latencies.append(time.perf_counter() - start)
                    failed += response.status_code != status
                    i += connections

            start = time.perf_counter()
            await asyncio.gather(*(connection(c) for c in range(connections)))
            return latencies, failed, time.perf_counter() - start

    latencies, failed, elapsed = asyncio.run(load())
    ordered = sorted(latencies)
    return {
        "median": statistics.median(ordered),
        "p90": ordered[int(len(ordered) * 0.9)],
        "throughput": len(ordered) / elapsed,
        "requests": len(ordered),
        "failed": failed,
    }
