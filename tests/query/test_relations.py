"""List options on relation routes (``relation_options``): ``GET /writer/{id}/posts/`` and
``GET /topic/{id}/posts/`` search, order, filter and select fields like lists, scoped to the
caller's tenant, with the same 422s, and page by signed cursors."""

from urllib.parse import parse_qs, urlsplit

import pytest
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.query.apis_relations import api
from tests.query.conftest import titles
from tests.testapp.models import Article, Role
from tests.testapp.models_query import Post, Writer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


def results(response) -> list[str]:
    """The titles of a cursor page."""
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def cursor_of(body: dict) -> str:
    """The ``cursor`` of a page's ``next`` link."""
    return parse_qs(urlsplit(body["next"]).query)["cursor"][0]


def posts_of(writer) -> str:
    return f"/writer/{writer.pk}/posts/"


# -- each option -------------------------------------------------------------------------


async def test_search_finds_related_rows_of_the_callers_tenant_only(client, world):
    response = await client.get(
        posts_of(world.ada), query_params={"search": "async"}, headers=world.headers
    )
    assert titles(response) == ["Async views"]  # B's "Async leak" by Ada is not found
    assert response.json()["count"] == 1
    response = await client.get(
        posts_of(world.ada), query_params={"search": "python"}, headers=world.headers
    )
    assert titles(response) == ["Async views"]  # through topics__name


async def test_ordering_orders_related_rows(client, world):
    up = await client.get(
        posts_of(world.bob), query_params={"ordering": "views"}, headers=world.headers
    )
    down = await client.get(
        posts_of(world.bob), query_params={"ordering": "-views"}, headers=world.headers
    )
    assert titles(up) == ["Sync views", "Async again"]
    assert titles(down) == ["Async again", "Sync views"]


async def test_ready_made_filters(client, world):
    headers = world.headers
    response = await client.get(
        posts_of(world.ada), query_params={"views__gte": 100}, headers=headers
    )
    assert titles(response) == ["Async views"]
    response = await client.get(
        posts_of(world.ada),
        query_params={"is_published": "true", "views__lte": 60},
        headers=headers,
    )
    assert titles(response) == ["Zebra notes"]
    response = await client.get(
        f"{posts_of(world.bob)}?topics={world.python.pk}&topics=987654", headers=headers
    )
    assert titles(response) == ["Async again"]


async def test_filter_schema_on_a_relation(client, world):
    path = f"/topic/{world.django.pk}/posts/"
    response = await client.get(path, query_params={"popular": "true"}, headers=world.headers)
    assert results(response) == ["Async views"]  # B's popular "Async leak" is out of scope
    response = await client.get(path, query_params={"text": "plain"}, headers=world.headers)
    assert results(response) == ["Sync views"]


async def test_field_selection_answers_only_the_chosen_fields(client, world):
    response = await client.get(
        posts_of(world.ada),
        query_params={"fields": "title,topics", "ordering": "-views"},
        headers=world.headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["items"] == [
        {
            "title": "Async views",
            "topics": [
                {"id": world.django.pk, "name": "django"},
                {"id": world.python.pk, "name": "python"},
            ],
        },
        {"title": "Zebra notes", "topics": []},
    ]


async def test_options_combined(client, world):
    response = await client.get(
        posts_of(world.bob),
        query_params={
            "search": "views again",
            "ordering": "-title",
            "views__lte": 10,
            "fields": "id,title",
        },
        headers=world.headers,
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"items": [], "count": 0}  # "views" and "again": no row has both
    response = await client.get(
        posts_of(world.bob),
        query_params={
            "search": "sync",
            "ordering": "-title",
            "views__lte": 10,
            "fields": "id,title",
        },
        headers=world.headers,
    )
    assert response.json()["items"] == [
        {"id": world.posts[1].pk, "title": "Sync views"},
        {"id": world.posts[3].pk, "title": "Async again"},
    ]


# -- bad values: the list's 422s ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ({"ordering": "secret"}, ["query", "ordering"]),
        ({"ordering": "body"}, ["query", "ordering"]),  # served, but not an ordering field
        ({"fields": "title,secret"}, ["query", "fields"]),
        ({"views__gte": "many"}, ["query", "views__gte"]),
        ({"search": "a\x00b"}, ["query", "search"]),
    ],
)
async def test_bad_values_are_422_at_the_parameter(client, world, query, loc):
    response = await client.get(posts_of(world.ada), query_params=query, headers=world.headers)
    assert response.status_code == 422, response.content
    assert [e["loc"] for e in response.json()["detail"]] == [loc]


async def test_options_do_not_open_the_route(client, world):
    response = await client.get(posts_of(world.ada), query_params={"search": "async"})
    assert response.status_code == 401


# -- tenants -----------------------------------------------------------------------------


async def test_another_tenants_rows_never_match_nor_count(client, world):
    """B's rows match every option A sends; A's answers hold none of them, counts included."""
    query = {"search": "leak", "views__gte": 500, "ordering": "-views"}
    theirs = await client.get(posts_of(world.ada), query_params=query, headers=world.headers)
    assert theirs.json() == {"items": [], "count": 0}
    mine = await client.get(posts_of(world.ada), query_params=query, headers=world.headers_b)
    assert titles(mine) == ["Async leak"]
    path = f"/topic/{world.django.pk}/posts/"
    response = await client.get(path, query_params={"min_views": 500}, headers=world.headers)
    assert response.json()["results"] == []


# -- cursors -----------------------------------------------------------------------------


async def test_cursor_pages_follow_the_chosen_ordering(client, world):
    post = await Post.objects.acreate(
        title="More python", views=3, writer=world.bob, tenant=world.a
    )
    await post.topics.aadd(world.python)
    path = f"/topic/{world.python.pk}/posts/"
    seen, query = [], {"ordering": "-views"}
    while True:
        response = await client.get(path, query_params=query, headers=world.headers)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["title"] for row in body["results"]]
        if not body["next"]:
            break
        query = {"ordering": "-views", "cursor": cursor_of(body)}
    assert seen == ["Async views", "Async again", "More python"]


async def test_a_cursor_is_valid_only_where_it_was_issued(client, world):
    post = await Post.objects.acreate(
        title="Third django", views=2, writer=world.bob, tenant=world.a
    )
    await post.topics.aadd(world.django)
    django = f"/topic/{world.django.pk}/posts/"
    first = await client.get(django, query_params={"ordering": "views"}, headers=world.headers)
    cursor = cursor_of(first.json())
    elsewhere = [
        (f"/topic/{world.python.pk}/posts/", {"ordering": "views"}),  # another parent row
        (django, {"ordering": "title"}),  # another ordering
    ]
    for path, query in elsewhere:
        response = await client.get(
            path, query_params={**query, "cursor": cursor}, headers=world.headers
        )
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]
    same = await client.get(
        django, query_params={"ordering": "views", "cursor": cursor}, headers=world.headers
    )
    assert [row["title"] for row in same.json()["results"]] == ["Async views"]


# -- query count -------------------------------------------------------------------------


async def test_query_count_does_not_grow_with_the_page(client, world, count_queries):
    writer = await Writer.objects.acreate(name="Prolific")
    for i in range(12):
        post = await Post.objects.acreate(
            title=f"Async {i}", views=i, writer=writer, tenant=world.a
        )
        await post.topics.aset([world.django, world.python])
    query = {"search": "async", "ordering": "-views", "views__gte": 0, "fields": "id,title,topics"}
    counts = []
    for size in (2, 10):
        async with count_queries() as queries:
            response = await client.get(
                posts_of(writer), query_params={**query, "page_size": size}, headers=world.headers
            )
        assert len(response.json()["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# -- configuration -----------------------------------------------------------------------


def _build(model, **attrs):
    cls = type(
        "Bad", (APIViewSet,), {"model": model, "api": NinjaAIO(urls_namespace="bad"), **attrs}
    )
    cls().add_views_to_route()


@pytest.mark.parametrize(
    ("model", "attrs", "message"),
    [
        (Writer, {"relation_options": {"posts": {}}}, "undeclared relations ['posts']"),
        (Writer, {"relations": ["posts"], "relation_options": {"post": {}}}, "undeclared"),
        (
            Writer,
            {"relations": ["posts"], "relation_options": {"posts": {"search": ["title"]}}},
            "unknown options ['search']",
        ),
        (
            Writer,
            {"relations": ["posts"], "relation_options": {"posts": ["title"]}},
            "must be a dict",
        ),
        (
            Writer,
            {
                "relations": ["posts"],
                "relation_options": {"posts": {"ordering_fields": ["secret"]}},
            },
            "secret",
        ),
        (
            Writer,
            {"relations": ["posts"], "relation_options": {"posts": {"search_fields": ["secret"]}}},
            "secret",
        ),
        (
            Writer,
            {"relations": ["posts"], "relation_options": {"posts": {"filter_fields": ["secret"]}}},
            "secret",
        ),
        (
            Writer,
            {"relations": ["posts"], "relation_options": {"posts": {"filter_fields": ["id"]}}},
            "'id'",
        ),
        (
            Role,
            {
                "relations": ["permissions"],
                "relation_options": {"permissions": {"ordering_fields": ["id"]}},
            },
            "no serializer",
        ),
        (
            Article,
            {
                "relations": ["tags"],
                "relation_options": {
                    "tags": {
                        "ordering_fields": ["name"],
                        "filter_fields": ["name"],
                        "filter_schema": object,
                    }
                },
            },
            "not both",
        ),
    ],
)
def test_bad_options_are_config_errors(model, attrs, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _build(model, **attrs)


def test_openapi_documents_the_relation_query_parameters():
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    names = [p["name"] for p in paths["/writer/{id}/posts/"]["get"]["parameters"]]
    assert {
        "search",
        "ordering",
        "fields",
        "views__gte",
        "views__lte",
        "is_published",
        "topics",
    } <= set(names)
    names = [p["name"] for p in paths["/topic/{id}/posts/"]["get"]["parameters"]]
    assert {"ordering", "cursor", "popular", "min_views"} <= set(names)
    assert "search" not in names and "fields" not in names
