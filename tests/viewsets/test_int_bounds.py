"""Integers the database cannot hold are a 422 at their location, from anywhere in a request.

SQLite raises ``OverflowError`` on integers past 64 bits (a 500 before this); PostgreSQL
refuses them too. Every integer that reaches the ORM is bounded: list filters, path keys,
payload columns and relation keys, cursor positions.
"""

import base64
from urllib.parse import urlsplit

import pytest

from tests.testapp.models import AllTypes, Article, Doc, Tenant
from tests.viewsets import apis
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

BIG = 2**63  # one past what SQL binds
MAX = 2**63 - 1


def _error(response):
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    return error["loc"], error["type"]


async def test_a_foreign_key_filter_past_64_bits_is_a_422_at_the_query(client):
    article = await f.article()
    assert _error(await client.get(f"/article/?author={BIG}")) == (
        ["query", "author"],
        "less_than_equal",
    )
    assert _error(await client.get(f"/article/?author={-BIG - 1}"))[0] == ["query", "author"]
    assert (await client.get(f"/article/?author={MAX}")).json()["items"] == []
    found = (await client.get(f"/article/?author={article.author_id}")).json()["items"]
    assert [a["id"] for a in found] == [article.pk]


def test_openapi_shows_the_bounds_of_filters_and_path_keys():
    paths = apis.api.get_openapi_schema(path_prefix="/")["paths"]
    listing = {p["name"]: p["schema"] for p in paths["/article/"]["get"]["parameters"]}
    assert (listing["author"]["minimum"], listing["author"]["maximum"]) == (-BIG, MAX)
    (key,) = [p for p in paths["/article/{id}"]["get"]["parameters"] if p["in"] == "path"]
    assert (key["schema"]["minimum"], key["schema"]["maximum"]) == (-BIG, MAX)


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
async def test_a_path_key_past_64_bits_is_a_422_at_the_path(client, method):
    kwargs = {"json": {"title": "x"}} if method == "patch" else {}
    path = f"/article/{BIG}" if method == "get" else f"/article/{BIG}/"
    response = await getattr(client, method)(path, **kwargs)
    assert _error(response) == (["path", "id"], "less_than_equal")
    edge = await getattr(client, method)(path.replace(str(BIG), str(MAX)), **kwargs)
    assert edge.status_code == 404


async def test_a_detail_action_with_a_key_past_64_bits_is_a_404(client):
    """An action's own ``pk: int`` is unbounded; ``get_object`` answers it as no row."""
    response = await client.post(f"/article/{BIG}/publish/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "loc"),
    [
        ("integer", 2**31, ["integer"]),  # IntegerField: 32 bits on every database
        ("integer", -(2**31) - 1, ["integer"]),
        ("big", BIG, ["big"]),
        ("big", -BIG - 1, ["big"]),
    ],
)
async def test_integer_columns_are_bounded_by_their_range(client, field, value, loc):
    response = await client.post("/alltypes/", json={"char": "c", field: value})
    assert _error(response)[0] == ["body", "payload", *loc]
    assert await AllTypes.objects.acount() == 0
    edge = value - 1 if value > 0 else value + 1
    created = await client.post("/alltypes/", json={"char": "c", field: edge})
    assert created.status_code == 201
    assert created.json()[field] == edge


async def test_relation_keys_in_bodies_are_bounded(client):
    article = await f.article()
    responses = {
        "tags": await client.patch(f"/article/{article.pk}/", json={"tags": [1, BIG]}),
        "author": await client.patch(f"/article/{article.pk}/", json={"author": BIG}),
        "views": await client.patch(f"/article/{article.pk}/", json={"views": -1}),
    }
    assert _error(responses["tags"])[0] == ["body", "payload", "tags", 1]
    assert _error(responses["author"])[0] == ["body", "payload", "author"]
    assert _error(responses["views"])[0] == ["body", "payload", "views"]  # positive field
    unknown = await client.patch(f"/article/{article.pk}/", json={"tags": [MAX]})
    assert _error(unknown) == (["body", "payload", "tags"], "not_found")


async def test_a_serializer_typed_optional_key_is_still_bounded(user):
    """``optionals = [("folder", int | None)]``: the serializer's type, the column's range."""
    from ninja.testing import TestAsyncClient

    tenant = await Tenant.objects.acreate(name="A")
    doc = await Doc.objects.acreate(title="d", tenant=tenant)
    headers = bearer(make_token(user, tenant_id=tenant.pk))
    response = await TestAsyncClient(apis.tenant_api).patch(
        f"/doc/{doc.pk}/", json={"folder": BIG}, headers=headers
    )
    assert _error(response)[0] == ["body", "payload", "folder"]


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize("position", [str(BIG), str(-BIG - 1), "abc", "1.5"])
async def test_a_cursor_position_the_column_cannot_hold_is_a_422(client, position):
    await f.article()
    response = await client.get(f"/articles-cursor/?cursor={_cursor(f'p={position}')}")
    assert _error(response) == (["query", "cursor"], "value_error")


async def test_cursor_pages_on_an_integer_column_still_work(client):
    articles = [await f.article(f"a{i}") for i in range(3)]
    first = (await client.get("/articles-cursor/")).json()
    assert [a["id"] for a in first["results"]] == [a.pk for a in articles[:2]]
    second = await client.get(f"/articles-cursor/?{urlsplit(first['next']).query}")
    assert [a["id"] for a in second.json()["results"]] == [articles[2].pk]
    assert await Article.objects.acount() == 3
