"""Smoke test of ``bench/run.py``: its correctness phase (same JSON as ours, statement
counts), in process, on a tiny table, without timing and without the published package;
and the report's ratios from given samples."""

import json
import os
import subprocess
import sys

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "bench")
sys.path.insert(0, BENCH)

import report  # noqa: E402  (bench/report.py)
from scenarios import BY_NAME, SCENARIOS  # noqa: E402


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    command = [sys.executable, os.path.join(BENCH, "run.py"), "--tiny", "--check-only"]
    completed = subprocess.run(
        [*command, "--impl", "ours", "--calibrate", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(out.read_text()), completed.stdout


def test_every_scenario_answers_the_same_json_as_the_hand_written_code(results):
    data, stdout = results
    assert set(data["check"]) == {s.name for s in SCENARIOS}
    for name, check in data["check"].items():
        assert check["equal"] == {"ours": True, "hand": True, "hand-b": True}, (
            name,
            check["diffs"],
        )
    assert "**NO**" not in stdout


def test_statements_are_counted_for_each_request(results):
    data, _ = results
    statements = {name: check["statements"] for name, check in data["check"].items()}
    # a page and a row with their relations: the same constant number of queries
    assert statements["list"] == {"ours": "3", "hand": "3", "hand-b": "3"}
    # search + ordering + filter: the page, its count and the tags, like the list
    assert statements["query"] == {"ours": "3", "hand": "3", "hand-b": "3"}
    assert statements["retrieve"] == {"ours": "2", "hand": "2", "hand-b": "2"}
    assert statements["auth"] == {"ours": "0", "hand": "0", "hand-b": "0"}
    # the one-row writes: no more statements than the hand-written routes
    for name in ("create", "patch", "put", "delete"):
        assert statements[name]["ours"] == statements[name]["hand"], (name, statements[name])
    for name in ("create", "create_tags", "patch", "put", "delete", "bulk_create"):
        assert all(int(n.split("-")[0]) > 0 for n in statements[name].values()), name
    assert any("INSERT" in sql for sql in data["check"]["create"]["sql"]["ours"])


def _answers(body, changed, status=200):
    return {
        "answers": [{"status": status, "json": body, "statements": 1, "sql": []}],
        "changed": changed,
    }


def test_a_different_answer_or_change_fails_the_check():
    spec = BY_NAME["patch"]
    row = {"id": 1, "title": "t", "author": {"id": 1, "created_by": 2}, "updated_at": "x"}
    same = _answers(row, {"1": ["t"]})
    # the write's timestamp and, against the published package, author.created_by differ
    stamped = _answers(row | {"updated_at": "y"}, {"1": ["t"]})
    assert report.compare(spec, {"ours": same, "hand": stamped})["ok"]
    nested = _answers(row | {"author": {"id": 1}}, {"1": ["t"]})
    assert report.compare(spec, {"ours": same, "published": nested})["ok"]
    assert not report.compare(spec, {"ours": same, "hand": nested})["ok"]
    other = _answers(row | {"title": "u"}, {"1": ["t"]})
    assert not report.compare(spec, {"ours": same, "hand": other})["ok"]
    elsewhere = _answers(row, {"2": ["t"]})
    assert not report.compare(spec, {"ours": same, "hand": elsewhere})["ok"]
    failed = _answers(row, {"1": ["t"]}, status=500)
    assert not report.compare(spec, {"ours": same, "hand": failed})["ok"]


def _round(median: float, throughput: float) -> dict:
    return {"median": median, "throughput": throughput}


def test_ratios_are_the_median_of_each_rounds_ratio_with_the_calibration_column():
    """Rounds pair the implementations: the ratio is the median of the rounds' ratios
    (1.10x here, where the ratio of the two medians would say 1.30x: one round in which
    the machine slowed down between the two measurements)."""
    ours = [_round(1.0, 100), _round(2.0, 50), _round(4.0, 25)]
    hand = [_round(1.1, 90), _round(2.6, 38), _round(4.4, 23)]
    hand_b = [_round(1.0, 100), _round(2.2, 45), _round(4.8, 21)]
    samples = {"delete": {"ours": ours, "hand": hand, "hand-b": hand_b}}
    impls = ["ours", "hand", "hand-b"]
    header, _, row = report._timing_table(samples, impls, server=False)
    assert header.endswith("| vs hand-b (range over rounds) | A/A: hand vs hand-b |")
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[-3:] == ["1.10x (1.10-1.30)", "1.10x (1.00-1.20)", "0.91x (0.85-1.09)"]
    _, _, served = report._timing_table(samples, impls, server=True)
    assert [c.strip() for c in served.strip("|").split("|")][-3] == "1.11x (1.09-1.32)"
