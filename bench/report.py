"""The benchmark's comparisons and its Markdown report.

What legitimately differs between implementations is normalised here, and only this:

- the answer to a write (create, patch, put, bulk create) carries the time of the write in
  ``created_at`` / ``updated_at``: left out (seeded rows' timestamps are compared);
- the published package nests the author without its own relations (``created_by``):
  left out of ``author`` when comparing with it.

Everything else (status, every other key and value, list order, the pagination envelope
``{"items", "count"}``, the rows each request changed in the database) must be equal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
from typing import Any

from scenarios import BY_NAME, IMPLEMENTATIONS, TITLES, Scenario

WRITE_STAMPS = ("created_at", "updated_at")


def _rows(body: Any) -> list[dict]:
    """The article objects of an answer: itself, its list, or its page's items."""
    if isinstance(body, dict):
        return body["items"] if isinstance(body.get("items"), list) else [body]
    return [row for row in body if isinstance(row, dict)] if isinstance(body, list) else []


def normalise(spec: Scenario, body: Any, against: str) -> Any:
    """``body`` without what legitimately differs (see the module docstring)."""
    body = json.loads(json.dumps(body))  # a copy
    for row in _rows(body):
        if spec.method in ("POST", "PATCH", "PUT"):
            for stamp in WRITE_STAMPS:
                row.pop(stamp, None)
        if against == "published" and isinstance(row.get("author"), dict):
            row["author"].pop("created_by", None)
    return body


def _span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def compare(spec: Scenario, answers: dict[str, dict]) -> dict:
    """Each implementation's answers against ours: equal or a short diff."""
    ours = answers["ours"]
    equal, diffs = {}, {}
    for impl, got in answers.items():
        problems = []
        for i, (mine, theirs) in enumerate(zip(ours["answers"], got["answers"], strict=True)):
            if theirs["status"] != spec.status:
                problems.append(f"request {i}: status {theirs['status']} (expected {spec.status})")
            elif normalise(spec, mine["json"], impl) != normalise(spec, theirs["json"], impl):
                problems.append(
                    f"request {i}: ours {json.dumps(mine['json'])[:300]} / "
                    f"{impl} {json.dumps(theirs['json'])[:300]}"
                )
        if got["changed"] != ours["changed"]:
            problems.append(f"rows changed: ours {ours['changed']} / {impl} {got['changed']}")
        equal[impl], diffs[impl] = not problems, problems
    return {
        "ok": all(equal.values()),
        "equal": equal,
        "diffs": diffs,
        "statements": {
            i: _span([a["statements"] for a in g["answers"]]) for i, g in answers.items()
        },
        "sql": {impl: got["answers"][0]["sql"] for impl, got in answers.items()},
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load": " ".join(f"{v:.2f}" for v in os.getloadavg()),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": _commit(),
    }


def _commit() -> str:
    """This repository's commit (and whether the tree had changes), if git is there."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{head}{' (modified)' if dirty else ''}" or "?"


def _summary(samples: list[dict], key: str) -> float:
    return statistics.median(sample[key] for sample in samples)


def _paired(ours: list[dict], theirs: list[dict], server: bool) -> str:
    """The median over rounds of each round's ratio, and their range: a round times the
    implementations back to back, so a ratio within a round is not skewed by the
    machine's speed drifting between rounds. In process: their latency / ours; on the
    server: our throughput / theirs (both > 1: ours faster)."""
    key = "throughput" if server else "median"
    pairs = [(o[key], t[key]) for o, t in zip(ours, theirs, strict=False) if o[key] and t[key]]
    ratios = [o / t if server else t / o for o, t in pairs]
    if not ratios:
        return "n/a"
    spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
    return f"{statistics.median(ratios):.2f}x{spread}"


def _timing_table(samples: dict[str, dict[str, list]], impls: list[str], server: bool) -> list:
    others = [i for i in impls if i != "ours"]
    head = ["scenario", *(f"{i} median (ms)" for i in impls), *(f"{i} req/s" for i in impls)]
    head += [f"vs {i} (range over rounds)" for i in others]
    calibrated = "hand-b" in impls
    if calibrated:
        head.append("A/A: hand vs hand-b")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, by_impl in samples.items():
        median = {i: _summary(by_impl[i], "median") if i in by_impl else None for i in impls}
        rate = {i: _summary(by_impl[i], "throughput") if i in by_impl else None for i in impls}
        cells = [name]
        cells += [f"{median[i] * 1e3:.2f}" if median[i] else "n/a" for i in impls]
        cells += [f"{rate[i]:.0f}" if rate[i] else "n/a" for i in impls]
        # in process: latency ratio; on the server: throughput ratio (both > 1 = ours faster)
        for i in others:
            both = i in by_impl and "ours" in by_impl
            cells.append(_paired(by_impl["ours"], by_impl[i], server) if both else "n/a")
        if calibrated:
            both = "hand" in by_impl and "hand-b" in by_impl
            cells.append(_paired(by_impl["hand"], by_impl["hand-b"], server) if both else "n/a")
        every = [sample for impl_samples in by_impl.values() for sample in impl_samples]
        failed = sum(sample.get("failed", 0) for sample in every)
        if failed:
            cells[0] += f" ({failed} failed requests)"
        if any(sample.get("capped") for sample in every):
            cells[0] += " (count cap reached: req/s understated)"
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(results: dict) -> str:
    """The report of one run (``results`` as ``run.py --json`` writes them)."""
    args = argparse.Namespace(**results["settings"])
    impls = [i for i in IMPLEMENTATIONS if i in args.impls]
    out = ["## Correctness and SQL statements per request", ""]
    head = ["scenario", *(f"same JSON as ours: {i}" for i in impls if i != "ours")]
    head.append(f"statements ({' / '.join(impls)})")
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for spec in (BY_NAME[name] for name in args.scenarios):
        check = results["check"][spec.name]
        cells = [spec.title]
        for impl in impls[1:]:
            cells.append(
                "n/a" if impl not in check["equal"] else "yes" if check["equal"][impl] else "**NO**"
            )
        cells.append(" / ".join(check["statements"].get(i, "-") for i in impls))
        out.append("| " + " | ".join(cells) + " |")
    for name, check in results["check"].items():
        for impl, problems in check["diffs"].items():
            out += [f"- {name}, {impl}: {problem}" for problem in problems]
    if "inprocess" in results:
        out += ["", "## In process (httpx ASGITransport, one request at a time)", ""]
        out += [
            "Ratios: their latency / ours, the median of the rounds' ratios (> 1: ours faster).",
            "",
        ]
        out += _timing_table(results["inprocess"], impls, server=False)
    if "server" in results:
        title = f"uvicorn, 1 worker, {results['loader']}, {args.connections} connections"
        out += ["", f"## On a server ({title})", ""]
        out += [
            "Ratios: our throughput / theirs, the median of the rounds' ratios (> 1: ours faster).",
            "",
        ]
        out += _timing_table(results["server"], impls, server=True)
    out += ["", "## Memory, versions, machine", ""]
    out += [
        "| implementation | RSS at the end (MiB) | peak RSS (MiB) | versions |",
        "|---|---|---|---|",
    ]
    for impl, info in results.get("workers", {}).items():
        memory = info["memory"]
        versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        rss, peak = memory["rss_kib"] / 1024, memory["peak_kib"] / 1024
        out.append(f"| {TITLES[impl]} | {rss:.0f} | {peak:.0f} | {versions} |")
    m = results["machine"]
    out += [
        "",
        f"ninja_aio at commit {m.get('commit', '?')}.",
        f"Machine: {m['cpu']}, {m['cores']} logical cores, {m['system']}, Python {m['python']};"
        f" load average {m['load']} before, {m.get('load_after', '?')} after.",
        f"Sizes: {results['sizes']}; rounds {args.rounds}, {args.requests} requests per"
        f" in-process round, server rounds capped at {args.seconds:g} s.",
    ]
    return "\n".join(out)
