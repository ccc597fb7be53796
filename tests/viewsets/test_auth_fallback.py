"""No write route is public by omission: unset write auth borrows the nearest declared one."""

import logging

import pytest
from ninja.constants import NOT_SET
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from ninja_aio.views.auth_resolution import resolve_auth
from tests.guide import AdminAuth, JWTAuth
from tests.testapp.models import Article, Comment, Tag
from tests.viewsets import apis_auth_fallback as apis
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


def expect_401(response):
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"detail"}


@pytest.fixture
def staff(admin):
    return bearer(make_token(admin))


async def test_readme_snippet_protects_patch_and_delete(good, bad):
    """``get_auth = None`` + ``post_auth = [JWTAuth()]``: PATCH and DELETE need the token."""
    client = TestAsyncClient(apis.readme_api)
    a = await f.article("readme")
    assert (await client.get("/article/")).status_code == 200
    assert (await client.get(f"/article/{a.pk}")).status_code == 200
    for headers in ({}, bad):
        hacked = {"title": "hacked"}
        expect_401(await client.patch(f"/article/{a.pk}/", json=hacked, headers=headers))
        expect_401(await client.delete(f"/article/{a.pk}/", headers=headers))
    assert (await Article.objects.aget(pk=a.pk)).title == "readme"
    patched = await client.patch(f"/article/{a.pk}/", json={"title": "edited"}, headers=good)
    assert patched.status_code == 200
    assert (await client.delete(f"/article/{a.pk}/", headers=good)).status_code == 204


async def test_read_and_create_only_model_has_a_protected_delete(good):
    client = TestAsyncClient(apis.readme_api)
    a = await f.article()
    comment = await Comment.objects.acreate(article=a, text="keep me")
    expect_401(await client.delete(f"/comment/{comment.pk}/"))
    assert await Comment.objects.filter(pk=comment.pk).aexists()
    assert (await client.patch(f"/comment/{comment.pk}/", json={"text": "x"})).status_code == 405
    assert (await client.delete(f"/comment/{comment.pk}/", headers=good)).status_code == 204


async def test_unsafe_actions_fall_back_to_the_method_auth(good):
    client = TestAsyncClient(apis.readme_api)
    a = await f.article()
    expect_401(await client.post(f"/article/{a.pk}/publish/"))  # POST -> post_auth
    expect_401(await client.delete(f"/article/{a.pk}/purge/"))  # DELETE -> ... -> post_auth
    assert (await client.post(f"/article/{a.pk}/publish/", headers=good)).json() == {
        "published": a.pk
    }
    assert (await client.delete(f"/article/{a.pk}/purge/", headers=good)).status_code == 200
    assert (await client.get("/article/stats/")).status_code == 200  # GET -> get_auth = None


async def test_one_action_two_methods_gets_each_method_its_auth(good):
    client = TestAsyncClient(apis.readme_api)
    assert (await client.get("/article/inbox/")).json() == {"method": "GET"}
    expect_401(await client.post("/article/inbox/"))
    assert (await client.post("/article/inbox/", headers=good)).json() == {"method": "POST"}


async def test_custom_views_fall_back_too(good):
    client = TestAsyncClient(apis.readme_api)
    expect_401(await client.post("/article/import/"))
    assert (await client.post("/article/import/", headers=good)).status_code == 200
    assert (await client.get("/article/feed/")).status_code == 200


async def test_explicit_none_on_the_way_stays_public(good, staff):
    client = TestAsyncClient(apis.explicit_api)
    a = await f.article()
    assert (await client.patch(f"/article/{a.pk}/", json={"title": "open"})).status_code == 200
    expect_401(await client.delete(f"/article/{a.pk}/", headers=good))  # AdminAuth
    assert (await client.delete(f"/article/{a.pk}/", headers=staff)).status_code == 204
    tag = await Tag.objects.acreate(name="open")
    expect_401(await client.post("/tag/", json={"name": "new"}))
    assert (await client.patch(f"/tag/{tag.pk}/", json={"name": "edited"})).status_code == 200
    assert (await client.delete(f"/tag/{tag.pk}/")).status_code == 204  # auth = None


async def test_no_auth_declared_anywhere_is_a_public_api():
    client = TestAsyncClient(apis.open_api)
    a = await f.article()
    assert (await client.patch(f"/article/{a.pk}/", json={"title": "x"})).status_code == 200
    assert (await client.delete(f"/article/{a.pk}/")).status_code == 204


async def test_api_auth_comes_before_the_fallback(good, staff):
    """``NinjaAIO(auth=[JWTAuth()])`` + ``post_auth = [AdminAuth()]``: PATCH takes the API's."""
    client = TestAsyncClient(apis.api_auth_api)
    a = await f.article()
    expect_401(await client.patch(f"/article/{a.pk}/", json={"title": "x"}))
    patched = await client.patch(f"/article/{a.pk}/", json={"title": "x"}, headers=good)
    assert patched.status_code == 200
    payload = {"title": "new", "author": a.author_id}
    expect_401(await client.post("/article/", json=payload, headers=good))
    assert (await client.post("/article/", json=payload, headers=staff)).status_code == 201


async def test_only_delete_auth_guards_every_write(good, staff):
    client = TestAsyncClient(apis.delete_only_api)
    tag = await Tag.objects.acreate(name="guarded")
    assert (await client.get("/tag/")).status_code == 200
    for headers in ({}, good):
        expect_401(await client.post("/tag/", json={"name": "x"}, headers=headers))
        expect_401(await client.patch(f"/tag/{tag.pk}/", json={"name": "x"}, headers=headers))
        expect_401(await client.put(f"/tag/{tag.pk}/rename/", headers=headers))
    assert (await client.post("/tag/", json={"name": "x"}, headers=staff)).status_code == 201
    assert (await client.put(f"/tag/{tag.pk}/rename/", headers=staff)).status_code == 200


async def test_put_auth_is_read_by_put_routes_and_by_patch(good, staff):
    client = TestAsyncClient(apis.put_api)
    tag = await Tag.objects.acreate(name="put")
    expect_401(await client.put(f"/tag/{tag.pk}/rename/"))
    assert (await client.put(f"/tag/{tag.pk}/rename/", headers=good)).json() == {"renamed": tag.pk}
    expect_401(await client.patch(f"/tag/{tag.pk}/", json={"name": "x"}))
    patched = await client.patch(f"/tag/{tag.pk}/", json={"name": "x"}, headers=good)
    assert patched.status_code == 200
    expect_401(await client.delete(f"/tag/{tag.pk}/", headers=good))  # delete_auth: admin
    assert (await client.delete(f"/tag/{tag.pk}/", headers=staff)).status_code == 204


def test_start_up_logs_each_route_effective_auth(caplog):
    api = NinjaAIO(urls_namespace="fallback-log")

    class LoggedTagViewSet(APIViewSet):
        model = Tag
        get_auth = None
        post_auth = [JWTAuth()]

    LoggedTagViewSet.api = api
    with caplog.at_level(logging.DEBUG, logger="ninja_aio.views.viewset"):
        LoggedTagViewSet().add_views_to_route()
    lines = [r.getMessage() for r in caplog.records if r.name == "ninja_aio.views.viewset"]
    assert len(lines) == 1
    assert lines[0].startswith("LoggedTagViewSet routes: ")
    assert lines[0].split(": ", 1)[1].split("; ") == [
        "GET /tag/ -> public (get_auth = None)",
        "POST /tag/ -> JWTAuth (post_auth)",
        "GET /tag/{id} -> public (get_auth = None)",
        "PATCH /tag/{id}/ -> JWTAuth (post_auth)",
        "PUT /tag/{id}/ -> JWTAuth (post_auth)",
        "DELETE /tag/{id}/ -> JWTAuth (post_auth)",
    ]


class _Declared:
    """Only the attributes a test sets; everything else unset."""

    api = None

    def __init__(self, **attrs):
        self.__dict__.update(attrs)


@pytest.mark.parametrize(
    ("attrs", "method", "expected"),
    [
        ({"post_auth": "P"}, "PATCH", ("P", "post_auth")),
        ({"post_auth": "P"}, "PUT", ("P", "post_auth")),
        ({"post_auth": "P"}, "DELETE", ("P", "post_auth")),
        ({"patch_auth": "U", "post_auth": "P"}, "PUT", ("U", "patch_auth")),
        ({"patch_auth": "U", "post_auth": "P"}, "DELETE", ("U", "patch_auth")),
        ({"put_auth": "R", "post_auth": "P"}, "PATCH", ("R", "put_auth")),
        ({"delete_auth": "D"}, "POST", ("D", "delete_auth")),
        ({"patch_auth": "U", "auth": "A"}, "PUT", ("U", "patch_auth")),  # PUT is an update
        ({"post_auth": "P", "auth": "A"}, "PATCH", ("A", "auth")),
        ({"post_auth": None, "delete_auth": "D"}, "PATCH", ("D", "delete_auth")),
        ({"post_auth": None}, "PATCH", (None, "post_auth")),
        ({"patch_auth": None, "post_auth": "P"}, "PATCH", (None, "patch_auth")),
        ({"post_auth": "P"}, "GET", (NOT_SET, "")),
        ({}, "DELETE", (NOT_SET, "")),
        ({"post_auth": "P"}, "TRACE", ("P", "post_auth")),
    ],
)
def test_resolution_table(attrs, method, expected):
    resolved = resolve_auth(_Declared(**attrs), method)
    assert (resolved.auth, resolved.source) == expected


def test_custom_routes_keep_the_viewset_auth_first():
    declared = _Declared(auth="A", post_auth="P")
    assert resolve_auth(declared, "POST", custom=True).auth == "A"
    assert resolve_auth(_Declared(post_auth="P"), "POST", custom=True).auth == "P"
    assert resolve_auth(_Declared(get_auth="G"), "GET", custom=True).auth == "G"
    assert resolve_auth(declared, "POST", custom=True, declared=None).source == "route"


def test_api_none_counts_as_unset():
    declared = _Declared(post_auth=[AdminAuth()])
    declared.api = NinjaAIO(urls_namespace="fallback-api-none", auth=None)
    assert resolve_auth(declared, "DELETE").source == "post_auth"
