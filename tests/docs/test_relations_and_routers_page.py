"""docs/relations-and-routers.md: its examples (docs/examples/relations.py, routers.py)
over HTTP, as the page describes them."""

import pytest
from ninja.testing import TestAsyncClient

from docs.examples import relations, routers
from tests.testapp.models import Comment, Tag
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.conftest import user as user  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


async def test_relation_routes_as_the_page_shows(user):
    client = TestAsyncClient(relations.api)
    article = await f.article("Hello")
    python, django = [await Tag.objects.acreate(name=n) for n in ("python", "django")]
    editor = bearer(make_token(user, roles=["editor"]))
    reader = bearer(make_token(user, roles=["reader"]))
    path = f"/article/{article.pk}/tags/"
    body = {"add": [python.pk, django.pk, 404], "remove": []}
    assert (await client.post(path, json=body)).status_code == 401
    assert (await client.post(path, json=body, headers=reader)).status_code == 403
    response = await client.post(path, json=body, headers=editor)
    assert response.status_code == 200
    assert response.json() == {
        "added": [python.pk, django.pk],
        "removed": [],
        "refused": [{"id": 404, "reason": "not found"}],
    }
    listing = await client.get(path)  # get_auth = None: public
    assert listing.json() == {
        "items": [{"id": python.pk, "name": "python"}, {"id": django.pk, "name": "django"}],
        "count": 2,
    }
    # relation_options: ?search= and ?ordering= on tags, the list's 422 for the rest
    listing = await client.get(path, query_params={"ordering": "-name"})
    assert [t["name"] for t in listing.json()["items"]] == ["python", "django"]
    listing = await client.get(path, query_params={"search": "dja"})
    assert listing.json() == {"items": [{"id": django.pk, "name": "django"}], "count": 1}
    assert (await client.get(path, query_params={"ordering": "id"})).status_code == 422
    response = await client.post(path, json={"add": list(range(21))}, headers=editor)
    assert response.status_code == 413
    response = await client.post(path, json={"add": [1], "tags": [2]}, headers=editor)
    assert response.status_code == 422
    # comments: the relation's own auth, newest first, "remove" refused (not nullable)
    old, new = [await Comment.objects.acreate(article=article, text=t) for t in ("old", "new")]
    comments = f"/article/{article.pk}/comments/"
    assert (await client.get(comments)).status_code == 401
    listing = await client.get(comments, headers=reader)
    assert [c["text"] for c in listing.json()["items"]] == ["new", "old"]
    query = {"text": "OL", "fields": "text"}  # a filter_fields filter and field selection
    listing = await client.get(comments, query_params=query, headers=reader)
    assert listing.json() == {"items": [{"text": "old"}], "count": 1}
    response = await client.post(comments, json={"remove": [old.pk]}, headers=reader)
    (refused,) = response.json()["refused"]
    assert refused["id"] == old.pk and "cannot be empty" in refused["reason"]
    assert await Comment.objects.filter(pk=new.pk, article=article).aexists()


async def test_versions_as_the_page_shows(user):
    client = TestAsyncClient(routers.api)
    article = await f.article("Hello", body="long text")
    token = bearer(make_token(user))
    editor = bearer(make_token(user, roles=["editor"]))
    one = await client.get(f"/v1/article/{article.pk}")
    assert one.json() == {"id": article.pk, "title": "Hello", "author": one.json()["author"]}
    assert (await client.get(f"/v2/article/{article.pk}")).status_code == 401
    two = await client.get(f"/v2/article/{article.pk}", headers=token)
    assert two.json()["body"] == "long text" and two.json()["tags"] == []
    patch = {"title": "Hi"}
    assert (await client.patch(f"/v1/article/{article.pk}/", json=patch)).status_code == 401
    response = await client.patch(f"/v1/article/{article.pk}/", json=patch, headers=token)
    assert response.status_code == 200
    response = await client.patch(f"/v2/article/{article.pk}/", json=patch, headers=token)
    assert response.status_code == 403
    tag = await Tag.objects.acreate(name="t")
    response = await client.post(
        f"/v2/article/{article.pk}/tags/", json={"add": [tag.pk]}, headers=editor
    )
    assert response.json()["added"] == [tag.pk]
    schema = routers.api.get_openapi_schema(path_prefix="")
    ids = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    assert {"v1_article_list", "v2_article_list", "v2_article_tags_change"} <= ids
    assert schema["paths"]["/v2/article/"]["get"]["tags"] == ["v2", "Article"]
