"""APIRouter (issue 9, item 7): versions of the same models under /v1/ and /v2/."""

import pytest
from django.urls import URLPattern, URLResolver
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIRouter, APIViewSet
from tests.guide import JWTAuth
from tests.testapp.models import Article, Tag
from tests.viewsets import apis_routers
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(apis_routers.api)


def expect_401(response):
    assert response.status_code == 401, response.content
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_each_version_serves_the_model_with_its_serializer(client):
    article = await f.article("versioned", body="text")
    one = (await client.get(f"/v1/article/{article.pk}")).json()
    two = (await client.get(f"/v2/article/{article.pk}")).json()
    assert set(one) == {"id", "title", "author"}
    assert set(two) == {"id", "title", "body", "status", "author"}
    assert two["body"] == "text"
    response = await client.post("/v2/article/", json={"title": "x", "author": article.author_id})
    expect_401(response)  # v2's post_auth


async def test_router_auth_is_the_fallback_below_the_viewset(client, user, bad):
    good = bearer(make_token(user))
    # v1 Tag declares nothing: the router's auth
    expect_401(await client.get("/v1/tag/"))
    expect_401(await client.get("/v1/tag/", headers=bad))
    assert (await client.get("/v1/tag/", headers=good)).status_code == 200
    # v1 Article: its own get_auth = None wins; its writes fall back to the router's auth
    assert (await client.get("/v1/article/")).status_code == 200
    article = await f.article("a")
    expect_401(await client.patch(f"/v1/article/{article.pk}/", json={"title": "b"}))
    expect_401(await client.post(f"/v1/article/{article.pk}/tags/", json={"add": []}))
    response = await client.patch(f"/v1/article/{article.pk}/", json={"title": "b"}, headers=good)
    assert response.status_code == 200
    # a custom action takes the router's auth before the viewset's get_auth (custom routes
    # try the viewset's ``auth`` first, then the router's)
    expect_401(await client.get("/v1/article/count/"))
    assert (await client.get("/v1/article/count/", headers=good)).json() == 1
    # v2 has no auth of its own: public Tag, and Article writes borrow post_auth (editors)
    assert (await client.get("/v2/tag/")).status_code == 200
    expect_401(await client.patch(f"/v2/article/{article.pk}/", json={"title": "c"}))
    reader = bearer(make_token(user, roles=["reader"]))
    response = await client.patch(f"/v2/article/{article.pk}/", json={"title": "c"}, headers=reader)
    assert response.status_code == 403
    editor = bearer(make_token(user, roles=["editor"]))
    response = await client.patch(f"/v2/article/{article.pk}/", json={"title": "c"}, headers=editor)
    assert response.status_code == 200
    tag = await Tag.objects.acreate(name="t")
    path = f"/v2/article/{article.pk}/tags/"
    assert (await client.post(path, json={"add": [tag.pk]}, headers=reader)).status_code == 403
    response = await client.post(path, json={"add": [tag.pk]}, headers=editor)
    assert response.json()["added"] == [tag.pk]


async def test_unknown_paths_under_a_router_are_json_404(client):
    for path in ("/v1/article/abc", "/v2/article/1/nope/", "/v1/article/abc/tags/"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}


def test_operation_ids_and_url_names_are_unique_and_prefixed():
    schema = apis_routers.api.get_openapi_schema(path_prefix="")
    operations = [
        (path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()
    ]
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    by_id = {op["operationId"]: (path, method) for path, method, op in operations}
    assert by_id["v1_article_list"] == ("/v1/article/", "get")
    assert by_id["v2_article_list"] == ("/v2/article/", "get")
    assert by_id["v2_article_tags_change"] == ("/v2/article/{id}/tags/", "post")
    assert by_id["v2_tag_retrieve"] == ("/v2/tag/{id}", "get")  # registered after mount
    assert by_id["tag_list"] == ("/tag/", "get")

    def names(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from names(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                yield p.name

    url_names = list(names(apis_routers.api.urls[0]))
    assert "v1_article_list" in url_names and "v2_article_list" in url_names
    assert len(url_names) == len(set(url_names))


def test_openapi_shows_router_tags_schemas_and_security():
    schema = apis_routers.api.get_openapi_schema(path_prefix="")
    paths = schema["paths"]
    assert paths["/v1/tag/"]["get"]["tags"] == ["v1", "Tag"]
    assert paths["/v2/article/"]["get"]["tags"] == ["v2", "Article"]
    assert paths["/tag/"]["get"]["tags"] == ["Tag"]
    assert paths["/v1/tag/"]["get"]["security"]
    assert "security" not in paths["/v1/article/"]["get"]
    assert paths["/v1/article/"]["post"]["security"]
    assert "security" not in paths["/v2/tag/"]["get"]
    v1 = paths["/v1/article/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    v2 = paths["/v2/article/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert v1["schema"]["$ref"] != v2["schema"]["$ref"]
    component = schema["components"]["schemas"][v2["schema"]["$ref"].split("/")[-1]]
    assert "body" in component["properties"]


def test_a_viewset_belongs_to_one_router():
    one, two = APIRouter("one"), APIRouter("two")

    @one.viewset(Tag)
    class Tags(APIViewSet):
        pass

    with pytest.raises(ConfigError, match="another APIRouter"):
        two.add_viewset(Tags)
    one.mount(NinjaAIO(urls_namespace="routers-once"))
    with pytest.raises(ConfigError, match="already mounted"):
        one.mount(NinjaAIO(urls_namespace="routers-twice"))


async def test_a_subclass_of_a_grouped_viewset_is_not_in_the_group():
    group = APIRouter("grouped", auth=[JWTAuth()])

    @group.viewset(Tag)
    class Tags(APIViewSet):
        pass

    api = NinjaAIO(urls_namespace="routers-subclass")
    group.mount(api)

    @api.viewset(Tag, api_route_path="plain-tag")
    class PlainTags(Tags):
        pass

    client = TestAsyncClient(api)
    expect_401(await client.get("/grouped/tag/"))
    assert (await client.get("/plain-tag/")).status_code == 200  # neither /grouped/ nor its auth


async def test_router_auth_none_is_no_auth_of_its_own():
    """``auth=None`` on a router does not make the api's auth go away."""
    api = NinjaAIO(urls_namespace="routers-none", auth=[JWTAuth()])
    group = APIRouter("open", auth=None)

    @group.viewset(Article)
    class Articles(APIViewSet):
        pass

    group.mount(api)
    expect_401(await TestAsyncClient(api).get("/open/article/"))


def test_routes_command_names_the_router_as_the_source():
    from ninja_aio.cli.routes import route_rows

    rows = set(route_rows("tests.viewsets.apis_routers"))
    assert ("GET", "/api/v1/tag/", "JWTAuth (router)") in rows
    assert ("PATCH", "/api/v1/article/{id}/", "JWTAuth (router)") in rows
    assert ("POST", "/api/v1/article/{id}/tags/", "JWTAuth (router)") in rows
    assert ("GET", "/api/v1/article/", "public (get_auth = None)") in rows
    assert ("PATCH", "/api/v2/article/{id}/", "EditorAuth (post_auth)") in rows


async def test_a_version_serializer_does_not_replace_the_models_own_where_it_is_nested():
    """``ArticleV1`` (a ``Serializer`` of the ``ModelSerializer`` Article) is declared by the
    router API; a comment elsewhere still nests the article's own read schema."""
    from ninja_aio.models.spec import spec_for
    from tests.testapp.models import Comment
    from tests.viewsets import apis_relations

    assert spec_for(Article) is Article._ninja_aio_spec()
    article = await f.article("nested", body="kept")
    comment = await Comment.objects.acreate(article=article, text="c")
    response = await TestAsyncClient(apis_relations.api).get(f"/article/{article.pk}/comments/")
    (item,) = response.json()["items"]
    assert item["id"] == comment.pk
    assert item["article"]["body"] == "kept"  # ArticleV1 has no body
