"""docs/list-queries.md: its example (docs/examples/list_queries.py) over HTTP, as the page says."""

import datetime

import pytest
from ninja.testing import TestAsyncClient

from docs.examples.list_queries import api
from tests.testapp.models import Tenant
from tests.testapp.models_query import Post, Topic, Writer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(api)


@pytest.fixture
async def posts():
    tenant = await Tenant.objects.acreate(name="t")
    ada = await Writer.objects.acreate(name="Ada")
    bob = await Writer.objects.acreate(name="Bob")
    django = await Topic.objects.acreate(name="django")
    rows = {}
    for title, body, views, writer, published in [
        ("Async views", "django async", 150, ada, True),
        ("Sync views", "plain django", 20, bob, False),
        ("Caching", "redis", 80, ada, True),
    ]:
        rows[title] = await Post.objects.acreate(
            title=title,
            body=body,
            views=views,
            writer=writer,
            tenant=tenant,
            is_published=published,
            published_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=views),
        )
    await rows["Async views"].topics.aset([django])
    await rows["Sync views"].topics.aset([django])
    return {"ada": ada, "bob": bob, "django": django, **rows}


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


async def test_ordering_search_filters_and_fields_as_the_page_shows(client, posts):
    # default order: newest first
    assert titles(await client.get("/post/")) == ["Caching", "Sync views", "Async views"]
    assert titles(await client.get("/post/?ordering=-views")) == [
        "Async views",
        "Caching",
        "Sync views",
    ]
    assert titles(await client.get("/post/?ordering=writer__name,title")) == [
        "Async views",
        "Caching",
        "Sync views",
    ]
    bad = await client.get("/post/?ordering=secret")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "ordering"]
    assert bad.json()["detail"][0]["msg"] == (
        "Value error, cannot order by 'secret'; allowed: created_at, views, title, "
        "writer__name (prefix - to reverse)"
    )
    # search: every term, in any field; through the writer and the topics
    assert titles(await client.get("/post/?search=django ada")) == ["Async views"]
    assert titles(await client.get("/post/?search=150")) == ["Async views"]
    # the filter schema
    assert titles(await client.get("/post/?min_views=50&ordering=views")) == [
        "Caching",
        "Async views",
    ]
    assert titles(await client.get(f"/post/?topic={posts['django'].pk}&popular=false")) == [
        "Sync views"
    ]
    # field selection
    response = await client.get("/post/?fields=title,writer&ordering=title&search=views")
    assert response.json()["items"] == [
        {"title": "Async views", "writer": {"id": posts["ada"].pk, "name": "Ada"}},
        {"title": "Sync views", "writer": {"id": posts["bob"].pk, "name": "Bob"}},
    ]
    bad = await client.get("/post/?fields=id,secret")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "fields"]


async def test_ready_made_filters_as_the_page_shows(client, posts):
    assert titles(await client.get("/feed/?is_published=true&views__lte=100")) == ["Caching"]
    assert titles(await client.get(f"/feed/?writer={posts['bob'].pk}")) == ["Sync views"]
    response = await client.get(f"/feed/?topics={posts['django'].pk}&title=VIEWS")
    assert titles(response) == ["Async views", "Sync views"]
    assert titles(await client.get("/feed/?published_on__gte=2024-04-01")) == ["Async views"]
    assert titles(await client.get("/feed/?search=sync")) == ["Sync views"]
    bad = await client.get("/feed/?views__gte=many")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "views__gte"]
