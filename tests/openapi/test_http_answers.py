"""Wrong methods and unroutable paths answer in the ``{"detail": ...}`` shape, as JSON."""

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient, Client

from tests.testapp.models import AllTypes, Author

pytestmark = pytest.mark.django_db(transaction=True)


def is_json_detail(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str)
    return body["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("put", "/api/article/", "GET, OPTIONS, POST"),
        ("delete", "/api/article/", "GET, OPTIONS, POST"),
        ("post", "/api/article/1/", "DELETE, GET, OPTIONS, PATCH, PUT"),
        ("post", "/api/article/1", "DELETE, GET, OPTIONS, PATCH, PUT"),
        ("patch", "/api/article/summary/", "GET, OPTIONS"),
        ("delete", "/api/ping", "GET, OPTIONS"),
        ("post", "/api/sync-ping", "GET, OPTIONS"),  # a sync view
    ],
)
def test_wrong_method_is_a_json_405_with_allow(http, method, path, allow):
    response = getattr(http, method)(path)
    assert is_json_detail(response, 405) == f'Method "{method.upper()}" not allowed'
    assert response["Allow"] == allow


def test_options_answers_with_allow(http):
    response = http.options("/api/article/1/")
    assert response.status_code == 204
    assert response["Allow"] == "DELETE, GET, OPTIONS, PATCH, PUT"
    assert http.options("/api/article/inbox/")["Allow"] == "GET, OPTIONS, POST"


@pytest.mark.parametrize(
    "path",
    [
        "/api/author/-1",
        "/api/author/-1/",
        "/api/article/abc",
        "/api/article/1.5/",
        "/api/article/1/nope/",
        "/api/article/abc/publish/",
        "/api/alltypes/%00",
    ],
)
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_path_no_route_takes_is_a_json_404(http, path, method):
    assert is_json_detail(getattr(http, method)(path), 404) == "Not Found"


def test_catch_all_does_not_shadow_real_routes(http):
    author = Author.objects.create(name="real")
    assert http.get(f"/api/author/{author.pk}").json()["name"] == "real"
    assert http.get("/api/author/").status_code == 200
    assert is_json_detail(http.get("/api/author/999999"), 404) == "Not Found"


def test_outside_viewsets_django_keeps_its_404(http):
    assert http.get("/elsewhere/").status_code == 404
    assert not http.get("/elsewhere/")["Content-Type"].startswith("application/json")


async def test_asgi_serving_gives_the_same_answers(settings):
    settings.ROOT_URLCONF = "tests.openapi.apis"
    client = AsyncClient()
    response = await client.put("/api/ping")
    assert (response.status_code, response["Allow"]) == (405, "GET, OPTIONS")
    assert (await client.options("/api/ping")).status_code == 204
    missing = await client.get("/api/author/-1")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})


@pytest.mark.parametrize("serve", ["wsgi", "asgi"])
async def test_a_body_past_the_upload_limit_is_a_json_413(settings, serve):
    settings.ROOT_URLCONF = "tests.openapi.apis"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"name": "x" * 2000}
    if serve == "asgi":
        response = await AsyncClient().post("/api/alltypes/", body, content_type="application/json")
    else:
        client = Client()
        response = await sync_to_async(client.post)(
            "/api/alltypes/", body, content_type="application/json"
        )
    assert is_json_detail(response, 413) == "The request body is too large"
    assert await AllTypes.objects.acount() == 0
