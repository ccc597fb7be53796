"""``?fields=`` narrowing the rows of a cursor page: the page's edge values and a versioned
ETag must not be read from columns the narrowed query left out (that was a sync query
per row inside the async view: a 500)."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from ninja.testing import TestAsyncClient

from tests.query.apis_cursor import api

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


@pytest.mark.parametrize("path", ["/post/", "/post-versioned/"])
@pytest.mark.parametrize(
    "ordering", ["views", "-views", "-published_on", "created_at", "title", "writer__name"]
)
async def test_narrowed_cursor_pages_follow_every_ordering(client, world, path, ordering):
    query = {"fields": "id", "ordering": ordering}
    expected = [
        p.pk
        for p in sorted(
            world.posts[:4],
            key=lambda p: (
                getattr(p, ordering.lstrip("-"))
                if "__" not in ordering
                else getattr(p.writer, ordering.split("__")[1]),
                p.pk if not ordering.startswith("-") else -p.pk,
            ),
            reverse=ordering.startswith("-"),
        )
    ]
    seen, cursor = [], None
    for _ in range(5):
        params = query | ({"cursor": cursor} if cursor else {})
        response = await client.get(path, query_params=params, headers=world.headers)
        assert response.status_code == 200, response.content
        assert all(set(item) == {"id"} for item in response.json()["results"])
        seen += [item["id"] for item in response.json()["results"]]
        following = response.json()["next"]
        if following is None:
            break
        cursor = parse_qs(urlsplit(following).query)["cursor"][0]
    assert seen == expected


async def test_versioned_tags_of_narrowed_pages_still_answer_304(client, world):
    first = await client.get("/post-versioned/?fields=id", headers=world.headers)
    assert first.status_code == 200
    tag = first["ETag"]
    again = await client.get(
        "/post-versioned/?fields=id", headers=world.headers | {"If-None-Match": tag}
    )
    assert again.status_code == 304
    full = await client.get("/post-versioned/", headers=world.headers | {"If-None-Match": tag})
    assert full.status_code == 200
    assert full["ETag"] != tag


async def test_narrowed_cursor_page_query_count_is_constant(client, world, count_queries):
    counts = []
    for size in (1, 3):
        async with count_queries() as queries:
            response = await client.get(
                "/post/",
                query_params={"fields": "id", "ordering": "views", "page_size": str(size)},
                headers=world.headers,
            )
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


async def test_a_cursor_page_keeps_its_links_and_tag_as_the_clock_moves(client, world, monkeypatch):
    """Cursors used to carry the time they were signed: a page's ``next`` link, and the
    tag hashed from the page, changed every second, so ``If-None-Match`` rarely matched."""
    params = {"search": "a", "ordering": "title", "fields": "id,title"}
    first = await client.get("/post/", query_params=params, headers=world.headers)
    assert first.json()["next"] is not None
    later = signing.b62_encode(int(time.time()) + 3600)  # the signing clock, an hour on
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: later)
    again = await client.get("/post/", query_params=params, headers=world.headers)
    assert again.json()["next"] == first.json()["next"]
    assert again["ETag"] == first["ETag"]
    response = await client.get(
        "/post/", query_params=params, headers=world.headers | {"If-None-Match": first["ETag"]}
    )
    assert response.status_code == 304
