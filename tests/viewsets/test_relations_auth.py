"""Relation routes under auth: no token / bad token / good token / a token without the role."""

import pytest
from ninja.testing import TestAsyncClient

from tests.testapp.models import Article, Comment, Tag
from tests.viewsets import apis_relations
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(apis_relations.auth_api)


def expect_401(response):
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"detail"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def request(client, method, path, headers, body=None):
    if method == "GET":
        return await client.get(path, headers=headers)
    return await client.post(path, json=body or {"add": []}, headers=headers)


#: (method, relation) -> (roles refused with 403 or None when any token will do, roles allowed)
MATRIX = {
    ("GET", "tags"): (None, []),  # get_auth: any valid token
    ("POST", "tags"): (["reader"], ["editor"]),  # patch_auth: editors
    ("GET", "comments"): (["editor"], ["admin"]),  # relation_auth: admins, both ways
    ("POST", "comments"): (["editor"], ["admin"]),
}


@pytest.mark.parametrize(("method", "relation"), list(MATRIX))
async def test_each_route_has_its_auth(client, user, bad, method, relation):
    article = await f.article("guarded")
    (tag,) = [await Tag.objects.acreate(name="t")]
    comment = await Comment.objects.acreate(article=await f.article("other"), text="c")
    target = tag.pk if relation == "tags" else comment.pk
    path = f"/article/{article.pk}/{relation}/"
    body = {"add": [target]}
    expect_401(await request(client, method, path, {}, body))
    expect_401(await request(client, method, path, bad, body))
    expect_401(await request(client, method, path, {"Authorization": "Bearer x.y.z"}, body))
    refused, allowed = MATRIX[(method, relation)]
    if refused is not None:
        response = await request(
            client, method, path, bearer(make_token(user, roles=refused)), body
        )
        assert response.status_code == 403, response.content
        assert set(response.json()) == {"detail"}
    assert not await article.tags.aexists()
    assert (await Comment.objects.aget(pk=comment.pk)).article_id != article.pk
    response = await request(client, method, path, bearer(make_token(user, roles=allowed)), body)
    assert response.status_code == 200, response.content
    if method == "POST":
        assert response.json()["added"] == [target]


async def test_relation_auth_none_makes_a_relation_public(client, user):
    tag = await Tag.objects.acreate(name="open")
    article = await f.article("a")
    assert (await client.get("/tag/")).status_code == 401  # the viewset itself is guarded
    response = await client.get(f"/tag/{tag.pk}/articles/")
    assert response.status_code == 200
    response = await client.post(f"/tag/{tag.pk}/articles/", json={"add": [article.pk]})
    assert response.json()["added"] == [article.pk]


async def test_changing_a_relation_is_never_public_by_omission(client, user):
    """get_auth = None and only post_auth declared: reads are public, changes are not."""
    author = await f.author("writer")
    article = await f.article("a")
    assert (await client.get(f"/author/{author.pk}/articles/")).status_code == 200
    path = f"/author/{author.pk}/articles/"
    expect_401(await client.post(path, json={"add": [article.pk]}))
    reader = bearer(make_token(user, roles=["reader"]))
    assert (await client.post(path, json={"add": [article.pk]}, headers=reader)).status_code == 403
    assert (await Article.objects.aget(pk=article.pk)).author_id != author.pk
    editor = bearer(make_token(user, roles=["editor"]))
    response = await client.post(path, json={"add": [article.pk]}, headers=editor)
    assert response.json()["added"] == [article.pk]


def test_openapi_shows_each_route_security():
    schema = apis_relations.auth_api.get_openapi_schema(path_prefix="")
    paths = schema["paths"]
    secured = {
        ("get", "/article/{id}/tags/"): True,
        ("post", "/article/{id}/tags/"): True,
        ("get", "/article/{id}/comments/"): True,
        ("post", "/article/{id}/comments/"): True,
        ("get", "/tag/{id}/articles/"): False,
        ("post", "/tag/{id}/articles/"): False,
        ("get", "/author/{id}/articles/"): False,
        ("post", "/author/{id}/articles/"): True,
    }
    for (method, path), expected in secured.items():
        operation = paths[path][method]
        assert bool(operation.get("security")) is expected, (method, path)
        assert ("401" in operation["responses"]) is expected, (method, path)
