"""docs/tutorial.md: the blog project under docs/examples/tutorial/, as the page builds it.

In this process the blog app is installed by tests/settings.py and driven over HTTP; in a
copy of the project, the page's commands run as a reader runs them (keygen, check,
makemigrations, migrate, the ASGI app serving Swagger UI's files).
"""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import override_settings
from ninja.testing import TestAsyncClient

from ninja_aio.testing import TokenFactory, generate_key

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tutorial"
KEY = generate_key("RS256", kid="tutorial")
SETTINGS = {
    "JWT_PUBLIC_KEY": KEY.as_pem(private=False).decode(),
    "JWT_ISSUER": "https://blog.example.com",
    "JWT_AUDIENCE": "blog-api",
}


@functools.cache
def blog():
    """The tutorial's api module; its authenticators read the settings the page sets."""
    with override_settings(**SETTINGS):
        from docs.examples.tutorial.blog import api

    return api


@pytest.fixture
def client():
    return TestAsyncClient(blog().api)


@pytest.fixture
def tokens():
    def token(user, *roles):
        return {"Authorization": "Bearer " + factory.make_token(sub=str(user.pk), roles=roles)}

    factory = TokenFactory(blog().JWTAuth, private_key=KEY)
    return token


@pytest.fixture
async def users():
    create = sync_to_async(get_user_model().objects.create_user)
    return await create("ada"), await create("root")


@pytest.mark.django_db(transaction=True)
async def test_the_blog_api_as_the_tutorial_calls_it(client, tokens, users):
    ada, root = users
    user, admin = tokens(ada), tokens(root, "admin")
    assert (await client.get("/article/")).json() == {"items": [], "count": 0}
    # writes need a token; the answer says so in the one error shape
    response = await client.post("/author/", json={"name": "Ada"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided"}
    author = (await client.post("/author/", json={"name": "Ada"}, headers=user)).json()
    tag = (await client.post("/tag/", json={"name": "django"}, headers=user)).json()
    response = await client.post(
        "/article/",
        json={"title": "Hello", "body": "First post", "author": author["id"], "tags": [tag["id"]]},
        headers=user,
    )
    assert response.status_code == 201
    article = response.json()
    assert article["author"] == {"id": author["id"], "name": "Ada", "bio": ""}
    assert article["tags"] == [{"id": tag["id"], "name": "django"}]
    assert article["is_published"] is False
    # public reads, with the detail schema on retrieve and the list filter
    detail = (await client.get(f"/article/{article['id']}")).json()
    assert detail["body"] == "First post"
    assert (await client.get("/article/?is_published=true")).json()["count"] == 0
    # PATCH borrows post_auth: anonymous 401, any user 200
    path = f"/article/{article['id']}/"
    assert (await client.patch(path, json={"title": "Hi"})).status_code == 401
    response = await client.patch(path, json={"title": "Hi"}, headers=user)
    assert (response.status_code, response.json()["title"]) == (200, "Hi")
    # the custom action
    assert (await client.post(f"/article/{article['id']}/publish/")).status_code == 401
    response = await client.post(f"/article/{article['id']}/publish/", headers=user)
    assert response.json() == {"id": article["id"], "is_published": True}
    assert (await client.get("/article/?is_published=true")).json()["count"] == 1
    # deletes: administrators only
    response = await client.delete(path, headers=user)
    assert (response.status_code, response.json()) == (403, {"detail": "Missing required role"})
    assert (await client.delete(path, headers=admin)).status_code == 204
    assert (await client.get(path)).status_code == 404


@pytest.mark.django_db(transaction=True)
async def test_a_token_for_an_unknown_or_inactive_user_is_refused(client, tokens, users):
    ada, _ = users
    ada.is_active = False
    await ada.asave()
    response = await client.post("/tag/", json={"name": "x"}, headers=tokens(ada))
    assert response.status_code == 401


def test_openapi_shows_the_auth_each_route_gets():
    schema = blog().api.get_openapi_schema(path_prefix="")
    paths = schema["paths"]
    assert "security" not in paths["/article/"]["get"]
    assert paths["/article/"]["post"]["security"] == [{"Bearer": []}]
    assert paths["/article/{pk}/publish/"]["post"]["security"] == [{"Bearer": []}]
    assert "AdminAuth" in paths["/article/{id}/"]["delete"]["description"]


def _run(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SERVE = """
import asyncio, django, httpx, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "blogproject.settings"
django.setup()
from django.contrib.auth import get_user_model
from blogproject.asgi import application

get_user_model().objects.create_user("ada")
token = sys.argv[1]


async def main():
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
        docs = await c.get("/api/docs")
        assert docs.status_code == 200, docs.status_code
        css = await c.get("/static/ninja/swagger-ui.css")
        assert css.status_code == 200, css.status_code
        headers = {"Authorization": "Bearer " + token}
        created = await c.post("/api/tag/", json={"name": "django"}, headers=headers)
        assert created.status_code == 201, created.text
        print("ok", created.json())


asyncio.run(main())
"""


def test_the_project_checks_migrates_and_serves_swagger_ui(tmp_path):
    project = tmp_path / "tutorial"
    shutil.copytree(
        TUTORIAL, project, ignore=shutil.ignore_patterns("__pycache__", "keys", "db.sqlite3")
    )
    _run(project, "-m", "ninja_aio", "keygen", "--out", "keys")
    _run(project, "manage.py", "check")
    # the migration shipped with the page is exactly what the models need
    _run(project, "manage.py", "makemigrations", "--check", "--dry-run")
    _run(project, "manage.py", "migrate", "--verbosity", "0")
    token = _run(
        project,
        "-m",
        "ninja_aio",
        "token",
        "--key",
        "keys/jwt_private.pem",
        "--sub",
        "1",
        "--iss",
        "https://blog.example.com",
        "--aud",
        "blog-api",
    ).strip()
    # the routes table the page shows is the command's output
    routes = _run(project, "-m", "ninja_aio", "routes", "--settings", "blogproject.settings")
    page = (TUTORIAL.parents[1] / "tutorial.md").read_text()
    shown = page.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line for line in shown if line != "..."] == [
        line for line in routes.splitlines() if line in shown
    ]
    assert len(shown) > 5
    (project / "serve.py").write_text(SERVE)
    assert _run(project, "serve.py", token).startswith("ok {'id': 1, 'name': 'django'}")
