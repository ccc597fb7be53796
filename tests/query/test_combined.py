"""Every option together, behind auth and a tenant scope, at a constant query cost."""

import pytest

from tests.query.conftest import titles
from tests.testapp.models_query import Post, Topic
from tests.viewsets.apis import OTHER_KEY
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

COMBINED = {
    "search": "django",
    "min_views": "5",
    "ordering": "-views",
    "fields": "id,title,writer",
    "page_size": "10",
}


async def test_filter_search_ordering_and_fields_together(client, world):
    response = await client.get("/post/", query_params=COMBINED, headers=world.headers)
    assert response.json() == {
        "items": [
            {
                "id": world.posts[0].pk,
                "title": "Async views",
                "writer": {"id": world.ada.pk, "name": "Ada Lovelace"},
            },
            {
                "id": world.posts[1].pk,
                "title": "Sync views",
                "writer": {"id": world.bob.pk, "name": "Bob Marley"},
            },
        ],
        "count": 2,
    }


async def test_other_tenant_sees_only_its_rows_with_the_same_query(client, world, user):
    response = await client.get("/post/", query_params=COMBINED, headers=world.headers_b)
    assert response.json()["count"] == 1
    assert [i["title"] for i in response.json()["items"]] == ["Async leak"]
    # a tenant with no rows: nothing, and a zero count, whatever the query
    lonely = bearer(make_token(user, tenant_id=world.b.pk + 100))
    for params in (COMBINED, {"search": "a"}, {"min_views": "0"}, {"ordering": "title"}):
        response = await client.get("/post/", query_params=params, headers=lonely)
        assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("token", ["none", "bad", "no-tenant"])
async def test_protected_list_refuses_bad_tokens_before_any_query(client, world, user, token):
    headers = {
        "none": {},
        "bad": bearer(make_token(user, key=OTHER_KEY, tenant_id=world.a.pk)),
        "no-tenant": bearer(make_token(user)),
    }[token]
    response = await client.get("/post/", query_params=COMBINED, headers=headers)
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
    # an invalid option is still refused by auth first: nothing about the query leaks
    response = await client.get("/post/?ordering=secret", headers=headers)
    assert response.status_code == 401


async def test_good_token_reaches_the_query(client, world):
    response = await client.get("/post/?ordering=secret", headers=world.headers)
    assert response.status_code == 422


async def _counted(client, world, count_queries, size):
    async with count_queries() as queries:
        response = await client.get(
            "/post/",
            query_params={
                "search": "topic",
                "topic": str(world.django.pk),
                "ordering": "-writer__name",
                "page_size": str(size),
            },
            headers=world.headers,
        )
    assert titles(response) and len(titles(response)) == min(size, 30)
    return queries


async def test_query_count_does_not_grow_with_page_size(client, world, count_queries):
    topics = [await Topic.objects.acreate(name=f"topic {i}") for i in range(3)]
    for i in range(30):
        post = await Post.objects.acreate(
            title=f"topic post {i}", writer=world.ada, tenant=world.a, views=i
        )
        await post.topics.aset([world.django, *topics])
    small = await _counted(client, world, count_queries, 3)
    large = await _counted(client, world, count_queries, 30)
    # the user (auth), the page, the count, the topics prefetch
    assert len(small) == len(large) == 4, large
