"""Auth at every level, as in the guide: each route with no token, a bad one and a good one."""

import pytest
from ninja.testing import TestAsyncClient

from tests.testapp.models import Article, Author, Tag
from tests.viewsets import apis
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

OK = {"list": 200, "create": 201, "retrieve": 200, "update": 200, "delete": 204}
OPERATIONS = list(OK)


async def call(client, operation, headers, base="/article"):
    """Send ``operation`` on a fresh row; returns the response."""
    a = await f.article(f"row for {operation}")
    if operation == "list":
        return await client.get(f"{base}/", headers=headers)
    if operation == "create":
        payload = {"title": "created", "author": a.author_id}
        return await client.post(f"{base}/", json=payload, headers=headers)
    if operation == "retrieve":
        return await client.get(f"{base}/{a.pk}", headers=headers)
    if operation == "update":
        return await client.patch(f"{base}/{a.pk}/", json={"title": "changed"}, headers=headers)
    return await client.delete(f"{base}/{a.pk}/", headers=headers)


def expect_401(response):
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"detail"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_global_auth(operation, good, bad):
    """``auth = [JWTAuth()]``: every generated route needs a valid token."""
    client = TestAsyncClient(apis.global_api)
    expect_401(await call(client, operation, {}))
    expect_401(await call(client, operation, bad))
    expect_401(await call(client, operation, {"Authorization": "Bearer not-a-jwt"}))
    assert (await call(client, operation, good)).status_code == OK[operation]


async def test_global_auth_does_not_write_when_refused(bad):
    client = TestAsyncClient(apis.global_api)
    a = await f.article("untouched")
    await client.patch(f"/article/{a.pk}/", json={"title": "hacked"}, headers=bad)
    await client.delete(f"/article/{a.pk}/", headers=bad)
    assert (await Article.objects.aget(pk=a.pk)).title == "untouched"


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_per_method_auth(operation, good, bad):
    """``get_auth = None``: reads are public; writes need a token."""
    client = TestAsyncClient(apis.per_method_api)
    if operation in ("list", "retrieve"):
        for headers in ({}, bad, good):
            assert (await call(client, operation, headers)).status_code == 200
    else:
        expect_401(await call(client, operation, {}))
        expect_401(await call(client, operation, bad))
        assert (await call(client, operation, good)).status_code == OK[operation]


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_custom_views_viewset_crud_is_public(operation):
    client = TestAsyncClient(apis.custom_api)
    assert (await call(client, operation, {})).status_code == OK[operation]


async def test_custom_view_with_its_own_auth(good, bad):
    """``@self.router.post("/publish/{pk}/", auth=JWTAuth())`` in ``views()``."""
    client = TestAsyncClient(apis.custom_api)
    a = await f.article("to publish")
    expect_401(await client.post(f"/article/publish/{a.pk}/"))
    expect_401(await client.post(f"/article/publish/{a.pk}/", headers=bad))
    assert not (await Article.objects.aget(pk=a.pk)).is_published
    response = await client.post(f"/article/publish/{a.pk}/", headers=good)
    assert response.status_code == 200
    assert response.json() == {"message": "Article published"}
    assert (await Article.objects.aget(pk=a.pk)).is_published


async def test_public_custom_view(bad):
    """``@self.router.get("/stats/")`` inherits the viewset's ``auth = None``."""
    client = TestAsyncClient(apis.custom_api)
    await f.article()
    await f.article("second")
    for headers in ({}, bad):
        response = await client.get("/article/stats/", headers=headers)
        assert response.status_code == 200
        assert response.json() == {"total": 2}


@pytest.mark.parametrize("operation", ["list", "retrieve", "create", "update"])
async def test_mixed_auth_non_delete(operation, good, bad):
    client = TestAsyncClient(apis.mixed_api)
    if operation in ("list", "retrieve"):
        assert (await call(client, operation, {})).status_code == 200
    else:
        expect_401(await call(client, operation, {}))
        expect_401(await call(client, operation, bad))
        assert (await call(client, operation, good)).status_code == OK[operation]


async def test_mixed_auth_delete_is_admin_only(good, bad, admin):
    """``delete_auth = [AdminAuth()]``: a valid non-staff token is refused."""
    client = TestAsyncClient(apis.mixed_api)
    expect_401(await call(client, "delete", {}))
    expect_401(await call(client, "delete", bad))
    expect_401(await call(client, "delete", good))
    assert await Article.objects.acount() == 3
    response = await call(client, "delete", bearer(make_token(admin)))
    assert response.status_code == 204
    assert await Article.objects.acount() == 3


async def test_expired_and_foreign_tokens_are_401(user):
    client = TestAsyncClient(apis.global_api)
    expired = make_token(user, exp=1_000_000)
    wrong_audience = make_token(user, aud="someone-else")
    for token in (expired, wrong_audience):
        expect_401(await client.get("/article/", headers=bearer(token)))


async def test_token_of_a_deleted_user_is_refused(user):
    client = TestAsyncClient(apis.global_api)
    headers = bearer(make_token(user))
    await user.adelete()
    expect_401(await client.get("/article/", headers=headers))


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_jwt_or_api_key(operation, good, bad):
    """``auth = [JWTAuth() | APIKeyAuth()]``: either credential opens every route."""
    client = TestAsyncClient(apis.api_key_api)
    assert (await call(client, operation, {})).status_code == 401
    assert (await call(client, operation, bad)).status_code == 401
    assert (await call(client, operation, {"X-API-Key": "wrong"})).status_code == 401
    assert (await call(client, operation, good)).status_code == OK[operation]
    response = await call(client, operation, {"X-API-Key": apis.API_KEY})
    assert response.status_code == OK[operation]


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_api_level_auth_is_inherited(operation, good, bad):
    client = TestAsyncClient(apis.inherit_api)
    expect_401(await call(client, operation, {}))
    expect_401(await call(client, operation, bad))
    assert (await call(client, operation, good)).status_code == OK[operation]


async def test_api_level_auth_reaches_actions(good):
    client = TestAsyncClient(apis.inherit_api)
    expect_401(await client.get("/article/count/"))
    response = await client.get("/article/count/", headers=good)
    assert response.status_code == 200
    assert response.json() == {"count": 0}


async def test_method_override_of_api_auth(good):
    """``get_auth = None`` under an authenticated API: public reads, writes still need auth."""
    client = TestAsyncClient(apis.inherit_api)
    tag = await Tag.objects.acreate(name="public")
    assert (await client.get("/tag/")).status_code == 200
    assert (await client.get(f"/tag/{tag.pk}")).status_code == 200
    expect_401(await client.post("/tag/", json={"name": "new"}))
    expect_401(await client.patch(f"/tag/{tag.pk}/", json={"name": "x"}))
    expect_401(await client.delete(f"/tag/{tag.pk}/"))
    assert (await client.post("/tag/", json={"name": "new"}, headers=good)).status_code == 201


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_viewset_auth_none_overrides_api_auth(operation):
    client = TestAsyncClient(apis.inherit_api)
    author = await Author.objects.acreate(name=f"for {operation}")
    if operation == "create":
        response = await client.post("/author/", json={"name": "new author"})
    elif operation == "list":
        response = await client.get("/author/")
    elif operation == "retrieve":
        response = await client.get(f"/author/{author.pk}")
    elif operation == "update":
        response = await client.patch(f"/author/{author.pk}/", json={"name": "renamed"})
    else:
        response = await client.delete(f"/author/{author.pk}/")
    assert response.status_code == OK[operation]


async def test_action_with_its_own_auth(client, good, bad, user):
    a = await f.article("archivable")
    expect_401(await client.post(f"/article/{a.pk}/archive/"))
    expect_401(await client.post(f"/article/{a.pk}/archive/", headers=bad))
    response = await client.post(f"/article/{a.pk}/archive/", headers=good)
    assert response.status_code == 200
    assert response.json() == {"archived": a.pk, "by": user.username}


def test_openapi_marks_secured_routes():
    paths = apis.per_method_api.get_openapi_schema(path_prefix="/")["paths"]
    assert "security" not in paths["/article/"]["get"]
    assert "security" not in paths["/article/{id}"]["get"]
    assert paths["/article/"]["post"]["security"] == [{"Bearer": []}]
    for method in ("patch", "delete"):
        operation = paths["/article/{id}/"][method]
        assert operation["security"] == [{"Bearer": []}]
        assert {"401", "403", "404"} <= set(map(str, operation["responses"]))


async def test_role_based_access_of_the_guide(user, bad):
    """EditorAuth creates, AdminAuth deletes; a valid token without the role is 403."""
    client = TestAsyncClient(apis.rbac_api)

    def as_(*roles):
        return bearer(make_token(user, roles=list(roles)))

    assert (await call(client, "list", {})).status_code == 200
    expect_401(await call(client, "create", {}))
    expect_401(await call(client, "create", bad))
    assert (await call(client, "create", as_("reader"))).status_code == 403
    assert (await call(client, "create", as_("editor"))).status_code == 201
    assert (await call(client, "create", as_("admin"))).status_code == 201
    assert (await call(client, "delete", as_("editor"))).status_code == 403
    assert (await call(client, "delete", as_("admin"))).status_code == 204
    # patch_auth left unset: PATCH falls back to post_auth (EditorAuth), never public.
    expect_401(await call(client, "update", {}))
    assert (await call(client, "update", as_("reader"))).status_code == 403
    assert (await call(client, "update", as_("editor"))).status_code == 200


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_scope_based_access_of_the_guide(operation, user, bad):
    client = TestAsyncClient(apis.scope_api)
    needed = "read" if operation in ("list", "retrieve") else "write"
    other = "write" if needed == "read" else "read"
    expect_401(await call(client, operation, {}))
    expect_401(await call(client, operation, bad))
    wrong_scope = await call(client, operation, bearer(make_token(user, scope=other)))
    assert wrong_scope.status_code == 403
    response = await call(client, operation, bearer(make_token(user, scope=f"{needed} x")))
    assert response.status_code == OK[operation]
