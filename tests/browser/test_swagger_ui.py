"""Swagger UI in a real browser: the demo server, headless Chromium, one "Authorize".

The demo runs as a subprocess on a free loopback port with a temporary SQLite file;
Playwright drives Debian's Chromium (``executable_path``: Playwright's own browser
downloads are not used).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.services import CHROMIUM

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Demo:
    def __init__(self, base: str, user_token: str, admin_token: str) -> None:
        self.base = base
        self.user_token = user_token
        self.admin_token = admin_token


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    port = _free_port()
    env = {**os.environ, "NINJA_AIO_DEMO_DB": str(tmp_path_factory.mktemp("demo") / "db.sqlite3")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        tokens: dict[str, str] = {}
        deadline = time.monotonic() + START_TIMEOUT
        while len(tokens) < 2 and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            match = re.match(r"(User|Admin) token \(\w+\):\s+(\S+)", line)
            if match:
                tokens[match.group(1)] = match.group(2)
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the demo server did not start")
        yield Demo(base, tokens["User"], tokens["Admin"])
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def page(demo):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{demo.base}/api/docs")
        page.wait_for_selector(".swagger-ui .opblock")
        yield page
        browser.close()


def _authorize(page, token: str | None) -> None:
    """One "Authorize" in the dialog (log out first); ``None`` only logs out."""
    page.click("button.authorize")
    dialog = page.locator(".modal-ux")
    for logout in dialog.locator("button", has_text="Logout").all():
        logout.click()
    if token is not None:
        first = dialog.locator(".auth-container").first
        first.locator("input").fill(token)
        first.locator("button.authorize").click()
    dialog.locator("button.close-modal").click()


def _operation(page, method: str, path: str):
    operation = page.locator(
        f".opblock.opblock-{method}", has=page.locator(f'[data-path="{path}"]')
    )
    if not operation.locator(".opblock-body").count():
        operation.locator(".opblock-summary").first.click()
        try_out = operation.locator("button.try-out__btn")
        if "cancel" not in (try_out.text_content() or "").lower():
            try_out.click()
    return operation


def _execute(operation) -> tuple[int, str]:
    """Execute, then the status and body the page shows."""
    clear = operation.locator("button.btn-clear")
    if clear.count():
        clear.click()  # so the response read below is this execution's
    operation.locator("button.execute").click()
    table = operation.locator(".live-responses-table")
    status = table.locator("tbody .response-col_status").first
    status.wait_for()
    body = table.locator("tbody .response-col_description .highlight-code code")
    return int(status.text_content().strip()), body.first.text_content() if body.count() else ""


def _create_article(page) -> tuple[int, str]:
    operation = _operation(page, "post", "/api/article/")
    operation.locator("textarea.body-param__text").fill(
        json.dumps({"title": "From Swagger UI", "body": "typed in a browser", "author": 1})
    )
    return _execute(operation)


def _delete_article(page, pk: int) -> tuple[int, str]:
    operation = _operation(page, "delete", "/api/article/{id}/")
    operation.locator('tr[data-param-name="id"] input').fill(str(pk))
    return _execute(operation)


def test_one_authorize_serves_a_protected_post_and_an_admin_delete(page, demo):
    _authorize(page, demo.user_token)
    status, body = _create_article(page)
    assert status == 201, body
    created = json.loads(body)
    assert created["title"] == "From Swagger UI"

    status, body = _delete_article(page, created["id"])
    assert status == 403, body  # a user's token on the admin-only route

    _authorize(page, demo.admin_token)
    status, _ = _delete_article(page, created["id"])
    assert status == 204
    assert httpx.get(f"{demo.base}/api/article/{created['id']}").status_code == 404


def test_without_a_token_the_page_shows_401(page, demo):
    _authorize(page, None)
    status, body = _create_article(page)
    assert status == 401, body
    assert json.loads(body) == {"detail": "Authentication credentials were not provided"}
    status, body = _delete_article(page, 1)
    assert status == 401, body
