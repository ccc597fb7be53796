"""Tests that need an absent service skip with a reason, or fail where it is required."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDIS_TEST = (
    "tests/jwks/test_shared_cache.py::test_second_worker_uses_the_document_the_first_one_fetched"
)


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NINJA_AIO_REQUIRE", "CI")}
    environ.update(env, REDIS_URL="redis://127.0.0.1:1/15")  # nothing listens on port 1
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", REDIS_TEST],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_absent_redis_skips_with_a_reason():
    result = _run()
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "needs a Redis server" in result.stdout


def test_required_redis_fails_when_absent():
    result = _run(NINJA_AIO_REQUIRE="node,redis")
    assert result.returncode == 1, result.stdout
    assert "required by NINJA_AIO_REQUIRE" in result.stdout
