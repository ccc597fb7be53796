"""Filters: django-ninja's FilterSchema, ready-made ``filter_fields``, and ``query_params``
values checked against their column (a 422, never a 500)."""

import pytest

from tests.query.conftest import titles

pytestmark = pytest.mark.django_db(transaction=True)


async def listing(client, world, path="/post/", **params):
    return await client.get(path, query_params=params, headers=world.headers)


async def test_filter_schema_lookups(client, world):
    assert titles(await listing(client, world, title="VIEWS")) == ["Async views", "Sync views"]
    assert titles(await listing(client, world, min_views=50)) == ["Async views", "Zebra notes"]
    # a list of lookups: OR between them
    assert titles(await listing(client, world, text="plain")) == ["Sync views"]
    # several fields: AND
    assert titles(await listing(client, world, title="views", min_views=50)) == ["Async views"]


async def test_filter_schema_custom_method(client, world):
    assert titles(await listing(client, world, popular="true")) == ["Async views"]
    assert len(titles(await listing(client, world, popular="false"))) == 3


async def test_filter_on_many_to_many_repeats_no_row(client, world):
    response = await listing(client, world, topic=world.django.pk)
    assert titles(response) == ["Async views", "Sync views"]
    assert response.json()["count"] == 2


async def test_filter_applies_inside_the_tenant_scope(client, world):
    """B's post matches the filter; A's token neither sees it nor counts it."""
    response = await listing(client, world, min_views=500)
    assert response.json() == {"items": [], "count": 0}
    response = await client.get("/post/?min_views=500", headers=world.headers_b)
    assert titles(response) == ["Async leak"]


async def test_query_params_still_work_with_the_filter_schema(client, world):
    response = await listing(client, world, owner=str(world.owner.pk))
    assert titles(response) == ["Async views"]


@pytest.mark.parametrize("value", ["abc", str(10**30), "1.5", ""])
async def test_str_filter_on_a_key_column_is_a_422(client, world, value):
    """``query_params = {"owner": (str, None)}`` on a foreign key: was a 500."""
    response = await listing(client, world, owner=value)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["query", "owner"]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"min_views": str(2**70)}, ["query", "min_views"]),
        ({"min_views": "x"}, ["query", "min_views"]),
        ({"title": "a\x00"}, ["query", "title"]),
        ({"topic": str(2**63)}, ["query", "topic"]),
    ],
)
async def test_bad_filter_values_are_a_422(client, world, params, loc):
    response = await listing(client, world, **params)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == loc


async def test_ready_made_filters(client, world):
    def open_titles(**params):
        return client.get("/open-post/", query_params={"ordering": "views", **params})

    assert titles(await open_titles(title="ASYNC")) == ["Async again", "Async views", "Async leak"]
    assert titles(await open_titles(is_published="false")) == [
        "Other tenant",
        "Sync views",
        "Async again",
    ]
    assert titles(await open_titles(writer=world.bob.pk, views__gte=6)) == ["Async again"]
    assert titles(await open_titles(views__gte=7, views__lte=120)) == [
        "Async again",
        "Zebra notes",
        "Async views",
    ]
    assert titles(await open_titles(published_on__lte="2024-01-02")) == [
        "Sync views",
        "Async views",
    ]
    response = await client.get(
        f"/open-post/?topics={world.django.pk}&topics={world.python.pk}&ordering=views"
    )
    assert titles(response) == [
        "Other tenant",
        "Sync views",
        "Async again",
        "Async views",
        "Async leak",
    ]
    assert response.json()["count"] == 5  # "Async views" has both topics: listed once


@pytest.mark.parametrize(
    "query",
    [
        "views__gte=abc",
        "published_on__lte=2024-13-01",
        "writer=1e99",
        f"topics={2**64}",
        "is_published=maybe",
    ],
)
async def test_ready_made_filters_refuse_bad_values(client, world, query):
    response = await client.get(f"/open-post/?{query}")
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_ready_made_filters_in_openapi():
    from tests.query.apis import api

    operation = api.get_openapi_schema(path_prefix="")["paths"]["/open-post/"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["views__gte"]["type"] == "integer"
    assert params["published_on__lte"]["format"] == "date"
    assert params["topics"]["type"] == "array"
    assert params["is_published"]["type"] == "boolean"
    assert params["title"]["pattern"] == "^[^\\u0000]*$"
