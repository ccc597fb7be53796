"""Smoke test of ``bench/run.py``: its correctness phase (same JSON as ours, statement
counts), in process, on a tiny table, without timing and without the published package."""

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
        [*command, "--impl", "ours,hand", "--json", str(out)],
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
        assert check["equal"] == {"ours": True, "hand": True}, (name, check["diffs"])
    assert "**NO**" not in stdout


def test_statements_are_counted_for_each_request(results):
    data, _ = results
    statements = {name: check["statements"] for name, check in data["check"].items()}
    # a page and a row with their relations: the same constant number of queries
    assert statements["list"] == {"ours": "3", "hand": "3"}
    # search + ordering + filter: the page, its count and the tags, like the list
    assert statements["query"] == {"ours": "3", "hand": "3"}
    assert statements["retrieve"] == {"ours": "2", "hand": "2"}
    assert statements["auth"] == {"ours": "0", "hand": "0"}
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
