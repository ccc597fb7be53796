"""A versioned list tag (``etag_field``) names the list's schema too: a deployment that
changes what a list item shows changes its tags, even when the detail schema stays."""

import pytest
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.models import Serializer
from ninja_aio.views import APIViewSet
from tests.testapp.models_query import Post

pytestmark = pytest.mark.django_db(transaction=True)

DETAIL = {"fields": ["id", "title", "body"]}


class PostBefore(Serializer):
    """The list before a deployment: titles only."""

    class Meta:
        model = Post
        read = {"fields": ["id", "title"]}
        detail = DETAIL


class PostAfter(Serializer):
    """After it: the list items show the view count too; the detail is unchanged."""

    class Meta:
        model = Post
        read = {"fields": ["id", "title", "views"]}
        detail = DETAIL


def _api(name: str, serializer: type[Serializer]) -> NinjaAIO:
    api = NinjaAIO(urls_namespace=f"list-tag-{name}")

    @api.viewset(Post, serializer_class=serializer, api_route_path="post", etag_field="created_at")
    class PostViewSet(APIViewSet):
        pass

    return api


BEFORE, AFTER = _api("before", PostBefore), _api("after", PostAfter)


async def test_a_changed_list_schema_changes_the_versioned_list_tag(world):
    before = await TestAsyncClient(BEFORE).get("/post/")
    assert before.status_code == 200
    after = TestAsyncClient(AFTER)
    response = await after.get("/post/", headers={"If-None-Match": before["ETag"]})
    assert response.status_code == 200
    assert "views" in response.json()["items"][0]
    assert response["ETag"] != before["ETag"]
    # the detail schema did not change: a row's tag holds across the deployment
    pk = world.posts[0].pk
    row = await TestAsyncClient(BEFORE).get(f"/post/{pk}")
    again = await after.get(f"/post/{pk}", headers={"If-None-Match": row["ETag"]})
    assert again.status_code == 304
