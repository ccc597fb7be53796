"""A list page or a retrieve costs a constant number of queries, whatever the data size."""

import pytest

from tests.testapp.models import Comment, Tag
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


async def _list_queries(client, count_queries, page_size):
    async with count_queries() as queries:
        response = await client.get(f"/article/?page_size={page_size}")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == page_size
    assert all(len(i["tags"]) == 2 and len(i["comments"]) == 2 for i in items)
    assert all(i["author"]["name"] == "prolific" for i in items)
    return queries


async def test_list_query_count_does_not_grow_with_page_size(client, count_queries):
    """Read schema with a forward FK (author), a reverse FK (comments) and an M2M (tags)."""
    await f.rich_articles(50)
    small = await _list_queries(client, count_queries, 5)
    large = await _list_queries(client, count_queries, 50)
    # page + count + one prefetch per to-many relation; the FK is a join.
    assert len(small) == len(large) == 4, large


async def test_list_without_pagination_is_constant_too(client, count_queries):
    articles = await f.rich_articles(3)
    for a in articles:
        await Comment.objects.acreate(article=a, text="more")
    async with count_queries() as few:
        assert len((await client.get("/comment/")).json()) == 9
    for a in articles:
        for i in range(5):
            await Comment.objects.acreate(article=a, text=f"more {i}")
    async with count_queries() as many:
        assert len((await client.get("/comment/")).json()) == 24
    assert len(few) == len(many) == 1


async def test_retrieve_query_count_does_not_grow_with_relations(client, count_queries):
    (a,) = await f.rich_articles(1)
    async with count_queries() as before:
        assert (await client.get(f"/article/{a.pk}")).status_code == 200
    await a.tags.aset([await Tag.objects.acreate(name=f"x{i}") for i in range(20)])
    for i in range(20):
        await Comment.objects.acreate(article=a, text=f"c{i}")
    async with count_queries() as after:
        body = (await client.get(f"/article/{a.pk}")).json()
    assert len(body["tags"]) == 20 and len(body["comments"]) == 22
    assert len(before) == len(after) == 3, after
