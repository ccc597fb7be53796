"""The benchmark: ninja_aio against hand-written django-ninja and the published package.

    python bench/run.py                      # everything (about 10 minutes on 2 cores)
    python bench/run.py --quick              # a smoke run, smaller table, fewer rounds
    python bench/run.py --scenario create --impl ours,hand --phase inprocess

Each implementation (``ours``, ``hand``, ``published``) runs in a worker process of its
own (``bench/worker.py``; the published ``django-ninja-aio-crud==3.0.1`` in a virtualenv
this script creates under ``bench/.venvs/``) on the same seeded SQLite data. Phases:

1. check: a few requests of every scenario against every implementation; the answers
   (status, JSON after ``report.normalise``) and the rows they changed must equal ours,
   and the SQL statements of each request are counted;
2. in process: rounds of requests one at a time through httpx's ``ASGITransport``;
3. server: uvicorn (one worker, 127.0.0.1) under a bounded load from ``wrk`` (or an async
   httpx client without it), ``--connections`` at a time.

Rounds interleave the implementations (A B C, then C B A, ...) so that machine noise hits
all of them alike. The report gives medians, throughput, ratios (> 1: ours faster),
statements per request, memory, versions and the machine. Not part of the test suite
(``tests/bench/`` runs the check phase only).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from typing import Any

import load
import report
from scenarios import (
    AUDIENCE,
    FULL,
    IMPLEMENTATIONS,
    ISSUER,
    QUICK,
    SCENARIOS,
    TINY,
    Scenario,
    Sizes,
    code_of,
)

HERE = os.path.dirname(os.path.abspath(__file__))
PUBLISHED = "django-ninja-aio-crud==3.0.1"
#: Requests per second no implementation reaches here (the server rounds' count bound).
MAX_RATE = 2000
#: What the report states about how the run was made.
SETTINGS = ("impls", "rounds", "requests", "seconds", "connections")
VENV = os.path.join(HERE, ".venvs", "published-3.0.1")


def published_python() -> str:
    """The published package's interpreter, creating its virtualenv on first use."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        print(f"creating {VENV} with {PUBLISHED} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", PUBLISHED, "httpx", "uvicorn"],
            check=True,
        )
    return python


class Worker:
    """A worker process and its one-line-per-command protocol."""

    def __init__(self, impl: str, workdir: str, sizes: Sizes) -> None:
        self.impl = impl
        env = dict(os.environ)
        python = sys.executable
        if impl == "published":
            python = published_python()
            env.pop("PYTHONPATH", None)  # keep this repository's ninja_aio out of its path
        self.process = subprocess.Popen(
            [python, os.path.join(HERE, "worker.py"), impl, workdir, json.dumps(asdict(sizes))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._read()

    def _read(self) -> Any:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.impl} exited ({self.process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"worker {self.impl}: {answer['error']}")
        return answer.get("ok")

    def __call__(self, op: str, **arguments: Any) -> Any:
        self.process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self("stop")
            finally:
                self.process.stdin.close()
                self.process.wait(timeout=30)


def rotations(impls: list[str], rounds: int) -> list[list[str]]:
    """A B C, C B A, B C A, A C B, ...: every implementation leads and trails in turn."""
    orders = []
    for r in range(rounds):
        order = impls[r // 2 % len(impls) :] + impls[: r // 2 % len(impls)]
        orders.append(order if r % 2 == 0 else order[::-1])
    return orders


def make_token(workdir: str) -> str:
    """An RS256 key pair (the public half for the workers) and one valid token."""
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, parameters={"kid": "bench"})
    with open(os.path.join(workdir, "public.jwk"), "w") as handle:
        json.dump(key.as_dict(private=False), handle)
    now = int(time.time())
    claims = {"sub": "bench-user", "iss": ISSUER, "aud": AUDIENCE}
    claims |= {"iat": now, "exp": now + 6 * 3600}
    return jwt.encode({"alg": "RS256", "kid": "bench"}, claims, key)


def check(workers: dict[str, Worker], scenarios: list[Scenario], token: str) -> dict:
    """Phase 1: same answers and changes as ours; statements per request."""
    results: dict[str, dict] = {}
    for spec in scenarios:
        answers = {
            impl: worker("check", scenario=spec.name, count=3, token=token)
            for impl, worker in workers.items()
            if spec.runs(impl)
        }
        results[spec.name] = report.compare(spec, answers)
    return results


def time_in_process(
    workers: dict[str, Worker],
    scenarios: list[Scenario],
    token: str,
    rounds: int,
    count: int,
    allowed: set[tuple[str, str]],
) -> dict:
    """Phase 2: per scenario and implementation, each round's median latency and throughput."""
    samples: dict[str, dict[str, list]] = {s.name: {} for s in scenarios}
    for order in rotations(list(workers), rounds):
        for spec in scenarios:
            n = max(3, int(count * spec.weight))
            for impl in order:
                if (spec.name, impl) in allowed:
                    got = workers[impl]("time", scenario=spec.name, count=n, token=token)
                    sample = {"median": got["median"], "throughput": n / got["total"]}
                    samples[spec.name].setdefault(impl, []).append(sample)
    return samples


def time_server(
    workers: dict[str, Worker],
    scenarios: list[Scenario],
    token: str,
    rounds: int,
    seconds: float,
    connections: int,
    allowed: set[tuple[str, str]],
) -> dict:
    """Phase 3: the same scenarios on uvicorn under a bounded local load."""
    ports = {impl: worker("serve")["port"] for impl, worker in workers.items()}
    samples: dict[str, dict[str, list]] = {s.name: {} for s in scenarios}
    for order in rotations(list(workers), rounds):
        for spec in scenarios:
            # a backstop above any rate this machine reaches: the time cap ends a round
            cap = int(seconds * MAX_RATE * spec.weight)
            headers = {"Authorization": f"Bearer {token}"} if spec.auth else {}
            for impl in order:
                if (spec.name, impl) not in allowed:
                    continue
                # fresh rows: one per request, and spares for those in flight at the cap
                wanted = cap + connections if spec.rows == "fresh" else min(cap, 1000)
                requests = workers[impl]("requests", scenario=spec.name, count=wanted)
                arguments = {"count": cap, "seconds": seconds, "connections": connections}
                if load.wrk_available():
                    got = load.run_wrk(ports[impl], requests["requests"], headers, **arguments)
                else:
                    got = load.run_httpx(
                        ports[impl], requests["requests"], headers, status=spec.status, **arguments
                    )
                workers[impl]("restore")
                got["capped"] = got["requests"] >= cap
                samples[spec.name].setdefault(impl, []).append(got)
    return samples


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller table, fewer rounds")
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check-only", action="store_true", help="phase 1 only, no timing")
    parser.add_argument(
        "--scenario", action="append", help="run only these (repeat or comma-separate)"
    )
    # every implementation with code of its own (the calibration worker is --calibrate's)
    own = ",".join(i for i in IMPLEMENTATIONS if code_of(i) == i)
    parser.add_argument("--impl", default=own, help="e.g. ours,hand")
    parser.add_argument("--phase", choices=("all", "inprocess", "server"), default="all")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per phase")
    parser.add_argument("--requests", type=int, help="requests per round (in process)")
    parser.add_argument("--seconds", type=float, help="time cap per server round")
    parser.add_argument("--connections", type=int, default=8, help="server phase concurrency")
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="also time the hand-written code in a second process (hand-b): the A/A ratio",
    )
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--from-json", help="print the report of a run saved with --json")
    args = parser.parse_args(argv)
    quick = args.quick or args.tiny
    args.sizes = TINY if args.tiny else QUICK if args.quick else FULL
    args.rounds = args.rounds or (2 if quick else 8)
    args.requests = args.requests or (20 if quick else 150)
    args.seconds = args.seconds or (1.0 if quick else 3.0)
    names = [n for group in args.scenario or [] for n in group.split(",") if n]
    unknown = set(names) - {s.name for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    args.scenarios = [s for s in SCENARIOS if not names or s.name in names]
    chosen = args.impl.split(",") + (["hand", "hand-b"] if args.calibrate else [])
    args.impls = [i for i in IMPLEMENTATIONS if i in chosen]
    if "ours" not in args.impls:
        parser.error("--impl must include ours (the reference of every ratio)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.from_json:
        with open(args.from_json) as handle:
            print(report.markdown(json.load(handle)))
        return 0
    settings = {name: getattr(args, name) for name in SETTINGS}
    settings["scenarios"] = [s.name for s in args.scenarios]
    results: dict[str, Any] = {"sizes": asdict(args.sizes), "settings": settings}
    results["machine"] = report.machine()
    with tempfile.TemporaryDirectory(prefix="ninja-aio-bench-") as workdir:
        token = make_token(workdir)
        workers: dict[str, Worker] = {}
        try:
            for impl in args.impls:
                workers[impl] = Worker(impl, workdir, args.sizes)
            results["check"] = check(workers, args.scenarios, token)
            # what an implementation answers differently from ours is not timed for it
            allowed = {
                (name, impl)
                for name, check in results["check"].items()
                for impl, same in check["equal"].items()
                if same
            }
            if not args.check_only and args.phase in ("all", "inprocess"):
                results["inprocess"] = time_in_process(
                    workers, args.scenarios, token, args.rounds, args.requests, allowed
                )
            if not args.check_only and args.phase in ("all", "server"):
                results["server"] = time_server(
                    workers,
                    args.scenarios,
                    token,
                    max(2, args.rounds // 2),
                    args.seconds,
                    args.connections,
                    allowed,
                )
                results["loader"] = "wrk" if load.wrk_available() else "httpx"
            results["workers"] = {impl: w("info") for impl, w in workers.items()}
        finally:
            for worker in workers.values():
                worker.close()
    results["machine"]["load_after"] = report.machine()["load"]
    print(report.markdown(results))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1, default=str)
    return 0 if all(r["ok"] for r in results["check"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
