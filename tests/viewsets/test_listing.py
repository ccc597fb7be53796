"""Pagination (default, capped, ninja classes, custom classes), filters and ordering."""

import base64

import pytest

from tests.testapp.models import Author, Tag
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


async def _authors(n):
    return [await Author.objects.acreate(name=f"w{i:02}") for i in range(n)]


async def test_page_number_pagination_with_viewset_page_size(client):
    authors = await _authors(5)
    first = (await client.get("/author/")).json()
    assert first["count"] == 5
    assert [a["id"] for a in first["items"]] == [a.pk for a in authors[:2]]
    third = (await client.get("/author/?page=3")).json()
    assert [a["id"] for a in third["items"]] == [authors[4].pk]
    assert (await client.get("/author/?page=9")).json()["items"] == []


async def test_page_size_is_capped(client):
    await _authors(6)
    body = (await client.get("/author/?page_size=1000")).json()
    assert len(body["items"]) == 3  # max_page_size = 3


@pytest.mark.parametrize("query", ["page=0", "page=abc", "page_size=0", "page_size=-1"])
async def test_bad_pagination_params_are_422(client, query):
    response = await client.get(f"/author/?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


async def test_default_page_size_is_20(client):
    await f.rich_articles(25)
    body = (await client.get("/article/")).json()
    assert body["count"] == 25 and len(body["items"]) == 20


async def test_ninja_limit_offset_pagination(client):
    tags = [await Tag.objects.acreate(name=f"tag{i}") for i in range(5)]
    body = (await client.get("/tag/?limit=2&offset=1")).json()
    assert body == {"items": [{"id": t.pk, "name": t.name} for t in tags[1:3]], "count": 5}


async def test_custom_sync_pagination_class(client):
    for i in range(4):
        await Tag.objects.acreate(name=f"c{i}")
    body = (await client.get("/tags-custom-pages/?n=3")).json()
    assert body["size"] == 3
    assert [t["name"] for t in body["results"]] == ["c0", "c1", "c2"]
    refused = await client.get("/tags-custom-pages/?n=-1")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "n"]


async def test_no_pagination_returns_a_plain_list(client):
    await f.rich_articles(1)
    body = (await client.get("/comment/")).json()
    assert isinstance(body, list) and len(body) == 2


async def test_ordering_is_deterministic_by_pk(client):
    ids = [(await Author.objects.acreate(name=n)).pk for n in ("zed", "amy", "kim")]
    body = (await client.get("/author/?page_size=3")).json()
    assert [a["id"] for a in body["items"]] == ids


async def test_query_params_filters(client):
    writer = await f.author("Filter")
    a1 = await f.article("Django tips", author_obj=writer, is_published=True)
    a2 = await f.article("Async django", author_obj=writer)
    await f.article("Cooking", author_obj=writer, is_published=True)
    tag = await Tag.objects.acreate(name="python")
    await a2.tags.aadd(tag)

    async def ids(query):
        response = await client.get(f"/article/?{query}")
        assert response.status_code == 200
        return [i["id"] for i in response.json()["items"]]

    assert await ids("title__icontains=django") == [a1.pk, a2.pk]
    assert await ids("title__icontains=django&is_published=true") == [a1.pk]
    assert await ids("tag=python") == [a2.pk]
    assert (await client.get("/article/?is_published=maybe")).status_code == 422


async def test_ninja_cursor_pagination_instance(client):
    for name in ("b", "d", "a", "c", "e"):
        await Tag.objects.acreate(name=name)
    first = (await client.get("/tags-cursor/")).json()
    assert [t["name"] for t in first["results"]] == ["a", "b"]
    cursor = first["next"].split("cursor=")[1]
    second = (await client.get(f"/tags-cursor/?cursor={cursor}")).json()
    assert [t["name"] for t in second["results"]] == ["c", "d"]


@pytest.mark.parametrize(
    "query", ["page=1000000000000000000000000000000", "page=461168601842738790&page_size=20"]
)
async def test_page_past_the_database_range_is_empty(client, query):
    """Its OFFSET overflows SQL's 64 bits: an empty page (was a 409 on SQLite, 500 on PG)."""
    await _authors(2)
    response = await client.get(f"/article/?{query}")
    assert response.status_code == 200
    assert response.json()["items"] == []


async def test_limit_offset_past_the_database_range(client):
    tags = [await Tag.objects.acreate(name=f"t{i}") for i in range(3)]
    response = await client.get(f"/tag/?offset={10**30}")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 3}
    response = await client.get(f"/tag/?limit={10**30}")
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["items"]] == [t.pk for t in tags]


def _cursor(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("cursor", "loc"),
    [
        ("garbage", ["query", "cursor"]),
        (_cursor(b"o=-1"), ["query", "cursor"]),  # was a 500 (pydantic error out of the view)
        (_cursor(b"r=maybe"), ["query", "cursor"]),  # ninja's cursors are refused: unsigned
    ],
)
async def test_bad_cursor_is_422_of_the_documented_shape(client, cursor, loc):
    response = await client.get("/tags-cursor/", query_params={"cursor": cursor})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == loc and isinstance(error["msg"], str) and error["type"]


async def test_cursor_position_with_nul(client):
    """An unsigned position never reaches the database (it was a DataError on PostgreSQL)."""
    await Tag.objects.acreate(name="a")
    response = await client.get("/tags-cursor/", query_params={"cursor": _cursor(b"p=%00")})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize("name", ["title__icontains", "tag"])
async def test_nul_in_a_text_filter_is_422(client, name):
    response = await client.get("/article/", query_params={name: "a\x00"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", name]
