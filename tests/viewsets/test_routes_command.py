"""``python -m ninja_aio routes <urlconf>``: every route with the auth it really gets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ninja_aio.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
URLCONF = "tests.viewsets.apis_auth_fallback"


def table(text):
    lines = text.strip().splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "AUTH"]
    return {tuple(line.split(None, 2)) for line in lines[1:]}


def test_routes_command_runs_as_a_module():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "ninja_aio", "routes", URLCONF, "--settings", "tests.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = table(done.stdout)
    assert ("PATCH", "/api/article/{id}/", "JWTAuth (post_auth)") in rows
    assert ("DELETE", "/api/comment/{id}/", "JWTAuth (post_auth)") in rows
    assert ("GET", "/api/article/", "public (get_auth = None)") in rows
    assert ("POST", "/api/article/inbox/", "JWTAuth (post_auth)") in rows
    assert ("DELETE", "/open/article/{id}/", "public (no auth declared)") in rows


def test_routes_lists_every_route_once_and_plain_routes_too(capsys):
    assert main(["routes", "tests.viewsets.urls"]) == 0
    rows = table(capsys.readouterr().out)
    assert ("POST", "/api/article/{article_id}/archive/", "JWTAuth (route)") in rows
    assert ("GET", "/api/article/stats/", "public (no auth declared)") in rows
    paths = [(m, p) for m, p, _ in rows]
    assert len(paths) == len(set(paths))  # slash twins are not listed


def test_routes_of_a_urlconf_with_a_plain_ninja_router(capsys, tmp_path, monkeypatch):
    module = tmp_path / "plain_urls.py"
    module.write_text(
        "from django.urls import path\n"
        "from ninja import NinjaAPI, Router\n"
        "from tests.guide import JWTAuth\n"
        "api = NinjaAPI(urls_namespace='plain-routes')\n"
        "router = Router()\n"
        "@router.post('/things/{int:pk}', auth=JWTAuth())\n"
        "def thing(request, pk: int): ...\n"
        "@api.get('/ping')\n"
        "def ping(request): ...\n"
        "api.add_router('/r', router)\n"
        "urlpatterns = [path('v1/', api.urls)]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["routes", "plain_urls"]) == 0
    rows = table(capsys.readouterr().out)
    assert rows == {("POST", "/v1/r/things/{pk}", "JWTAuth"), ("GET", "/v1/ping", "public")}


def test_routes_without_settings_says_so(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    with pytest.raises(SystemExit, match="DJANGO_SETTINGS_MODULE"):
        main(["routes", URLCONF])


def test_routes_without_an_api_says_so():
    with pytest.raises(SystemExit, match="no NinjaAPI"):
        main(["routes", "tests.urls"])


def test_commands_are_modules_with_the_two_functions():
    import importlib

    for path, _summary in COMMANDS.values():
        module = importlib.import_module(path)
        assert callable(module.add_arguments) and callable(module.run)
