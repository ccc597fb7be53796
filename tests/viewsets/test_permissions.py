"""Object permissions through HTTP: ``owner_field`` (with an admin bypass), custom
``has_object_permission`` (async and sync, both reading the database) on every one-row
route, and a refusal that writes nothing."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from ninja.testing import TestAsyncClient

from ninja_aio.views.permissions import REFUSED
from tests.testapp.models import DELETE_CALLS, Story, Tenant
from tests.viewsets import apis_perm
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
NOT_ALLOWED = {"detail": REFUSED}


@pytest.fixture
def client():
    return TestAsyncClient(apis_perm.api)


@pytest.fixture(autouse=True)
def _reset():
    DELETE_CALLS.clear()
    apis_perm.CALLS.clear()
    yield
    DELETE_CALLS.clear()
    apis_perm.CALLS.clear()


@pytest.fixture
async def world(user):
    bob = await sync_to_async(User.objects.create_user)("bob")
    a = await Tenant.objects.acreate(name="A")
    locked = await Tenant.objects.acreate(name="locked-L")
    mine = await Story.objects.acreate(title="mine", slug="mine", author=user, tenant=a)
    bobs = await Story.objects.acreate(title="bobs", slug="bobs", author=bob, tenant=a)
    frozen = await Story.objects.acreate(title="frozen", slug="frozen", author=user, tenant=locked)

    def headers(tenant, *roles, who=user):
        return bearer(make_token(who, tenant_id=tenant.pk, roles=list(roles)))

    return {
        "bob": bob,
        "a": a,
        "locked": locked,
        "mine": mine,
        "bobs": bobs,
        "frozen": frozen,
        "editor": headers(a, "editor"),
        "admin": headers(a, "admin"),
        "reader": headers(a),
        "locked_editor": headers(locked, "editor"),
    }


async def _snapshot():
    return [
        (p.pk, p.title, p.slug, p.author_id, p.tenant_id, p.deleted_at is None)
        async for p in Story.objects.order_by("pk")
    ]


# -- owner_field ----------------------------------------------------------------------


async def test_owner_reads_and_writes_own_row(client, world):
    pk, headers = world["mine"].pk, world["editor"]
    assert (await client.get(f"/story/{pk}", headers=headers)).status_code == 200
    response = await client.patch(f"/story/{pk}/", json={"title": "edited"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["title"] == "edited"
    response = await client.post(f"/story/{pk}/publish/", headers=headers)
    assert response.json() == {"id": pk, "published": True}
    assert (await client.delete(f"/story/{pk}/", headers=headers)).status_code == 204
    assert (await client.post(f"/story/{pk}/restore/", headers=headers)).status_code == 200
    response = await client.delete(f"/story/{pk}/?hard=true", headers=headers)
    assert response.status_code == 204
    assert not await Story.objects.filter(pk=pk).aexists()


async def test_someone_elses_row_is_403_on_every_route_and_nothing_changes(client, world):
    pk, headers = world["bobs"].pk, world["editor"]
    await Story.objects.filter(pk=pk).aupdate(deleted_at=None)
    before = await _snapshot()
    put = {"title": "x", "slug": "x", "author": None, "tenant": world["a"].pk}
    responses = {
        "retrieve": await client.get(f"/story/{pk}", headers=headers),
        "update": await client.patch(f"/story/{pk}/", json={"title": "x"}, headers=headers),
        "put": await client.put(f"/story/{pk}/", json=put, headers=headers),
        "action": await client.post(f"/story/{pk}/publish/", headers=headers),
        "delete": await client.delete(f"/story/{pk}/", headers=headers),
        "hard": await client.delete(f"/story/{pk}/?hard=true", headers=headers),
        "restore": await client.post(f"/story/{pk}/restore/", headers=headers),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 403)
    assert all(r.json() == NOT_ALLOWED for r in responses.values())
    assert await _snapshot() == before
    assert DELETE_CALLS == []  # the on_delete hook never ran


async def test_owner_bypass_lets_admins_through(client, world):
    pk, headers = world["bobs"].pk, world["admin"]
    assert (await client.get(f"/story/{pk}", headers=headers)).status_code == 200
    response = await client.patch(f"/story/{pk}/", json={"title": "moderated"}, headers=headers)
    assert response.status_code == 200
    assert (await client.delete(f"/story/{pk}/", headers=headers)).status_code == 204
    assert [pk, ("on_delete reaction", pk)] == DELETE_CALLS


async def test_create_for_someone_else_is_refused_and_not_written(client, world):
    body = {"title": "t", "slug": "new", "author": world["bob"].pk, "tenant": world["a"].pk}
    response = await client.post("/story/", json=body, headers=world["editor"])
    assert response.status_code == 403
    assert response.json() == NOT_ALLOWED
    assert not await Story.objects.filter(slug="new").aexists()
    response = await client.post("/story/", json=body, headers=world["admin"])
    assert response.status_code == 201


async def test_bulk_items_are_checked_and_a_refusal_writes_nothing(client, world):
    mine, bobs, headers = world["mine"].pk, world["bobs"].pk, world["editor"]
    before = await _snapshot()
    both = [{"id": mine, "title": "a"}, {"id": bobs, "title": "b"}]
    response = await client.patch("/story/bulk/", json=both, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": f"Item 1: {REFUSED}"}
    response = await client.delete("/story/bulk/", json={"ids": [mine, bobs]}, headers=headers)
    assert response.status_code == 403
    new = {"title": "t", "slug": "n1", "author": None, "tenant": world["a"].pk}
    response = await client.post("/story/bulk/", json=[new], headers=headers)
    assert response.status_code == 403  # a row owned by nobody is not the caller's
    assert await _snapshot() == before
    assert DELETE_CALLS == []


async def test_partial_bulk_reports_each_refusal(client, world):
    mine, bobs, headers = world["mine"].pk, world["bobs"].pk, world["editor"]
    response = await client.patch(
        "/post-partial/bulk/",
        json=[{"id": mine, "title": "a"}, {"id": bobs, "title": "b"}],
        headers=headers,
    )
    assert response.status_code == 200
    assert [(o["id"], o["status"]) for o in response.json()] == [(mine, 200), (bobs, 403)]
    assert [p.title async for p in Story.objects.filter(pk__in=[mine, bobs]).order_by("pk")] == [
        "a",
        "bobs",
    ]


async def test_token_identity_comes_from_sub_too(client, world):
    """``owner_key``: a mapping ``request.auth`` (claims) matches on ``sub``."""
    from ninja_aio.views.permissions import owner_key, owns

    assert owner_key({"sub": "7"}) == "7"
    assert owns(world["mine"], "author_id", {"sub": str(world["mine"].author_id)})
    assert not owns(world["mine"], "author_id", {"sub": str(world["bob"].pk)})
    assert not owns(world["mine"], "author_id", None)


# -- custom has_object_permission, async and sync --------------------------------------


@pytest.mark.parametrize("path", ["post-async", "post-sync"])
async def test_custom_permission_runs_on_every_one_row_route(client, world, path):
    pk, headers = world["mine"].pk, world["editor"]
    put = {"title": "p", "slug": "p", "author": None, "tenant": world["a"].pk}
    statuses = [
        (await client.get(f"/{path}/{pk}", headers=headers)).status_code,
        (await client.patch(f"/{path}/{pk}/", json={"title": "u"}, headers=headers)).status_code,
        (await client.put(f"/{path}/{pk}/", json=put, headers=headers)).status_code,
        (await client.post(f"/{path}/{pk}/publish/", headers=headers)).status_code,
        (await client.delete(f"/{path}/{pk}/", headers=headers)).status_code,
        (await client.post(f"/{path}/{pk}/restore/", headers=headers)).status_code,
        (await client.patch(f"/{path}/bulk/", json=[{"id": pk}], headers=headers)).status_code,
        (await client.delete(f"/{path}/bulk/", json={"ids": [pk]}, headers=headers)).status_code,
        (await client.delete(f"/{path}/{pk}/?hard=true", headers=headers)).status_code,
    ]
    new = {"title": "n", "slug": "n", "author": None, "tenant": world["a"].pk}
    created = await client.post(f"/{path}/", json=new, headers=headers)
    statuses.append(created.status_code)
    assert statuses == [200, 200, 200, 200, 204, 200, 200, 204, 204, 201]
    # the check of a create ran on the write's connection: it saw the uncommitted row
    assert (path, "create", created.json()["id"]) in apis_perm.CALLS
    operations = [op for where, op, row in apis_perm.CALLS if where == path and row == pk]
    assert operations == [
        "retrieve",
        "update",
        "put",
        "publish",
        "delete",
        "restore",
        "update",
        "delete",
        "hard_delete",
    ]


@pytest.mark.parametrize("path", ["post-async", "post-sync"])
async def test_custom_permission_refusal_writes_nothing(client, world, path):
    pk, headers = world["frozen"].pk, world["locked_editor"]
    before = await _snapshot()
    put = {"title": "p", "slug": "p", "author": None, "tenant": world["locked"].pk}
    new = {"title": "n", "slug": "n", "author": None, "tenant": world["locked"].pk}
    responses = [
        await client.patch(f"/{path}/{pk}/", json={"title": "u"}, headers=headers),
        await client.put(f"/{path}/{pk}/", json=put, headers=headers),
        await client.post(f"/{path}/{pk}/publish/", headers=headers),
        await client.delete(f"/{path}/{pk}/", headers=headers),
        await client.delete(f"/{path}/{pk}/?hard=true", headers=headers),
        await client.post(f"/{path}/{pk}/restore/", headers=headers),
        await client.post(f"/{path}/", json=new, headers=headers),
        await client.patch(f"/{path}/bulk/", json=[{"id": pk, "title": "b"}], headers=headers),
        await client.delete(f"/{path}/bulk/", json={"ids": [pk]}, headers=headers),
        await client.post(f"/{path}/bulk/", json=[new], headers=headers),
    ]
    assert [r.status_code for r in responses] == [403] * len(responses)
    assert (await client.get(f"/{path}/{pk}", headers=headers)).status_code == 200
    assert await _snapshot() == before
    assert DELETE_CALLS == []


# -- configuration and OpenAPI --------------------------------------------------------


def test_unknown_owner_field_is_a_config_error():
    from ninja.errors import ConfigError

    from ninja_aio import NinjaAIO
    from ninja_aio.views import APIViewSet

    class Broken(APIViewSet):
        model = Story
        api = NinjaAIO(urls_namespace="perm-broken")
        owner_field = "writer"

    with pytest.raises(ConfigError, match="owner_field 'writer'"):
        Broken()


def test_openapi_documents_403_on_one_row_routes_only():
    paths = apis_perm.api.get_openapi_schema(path_prefix="/")["paths"]
    item = paths["/story/{id}/"]
    assert {"403", "404"} <= set(item["patch"]["responses"])
    assert "403" in paths["/story/{id}/restore/"]["post"]["responses"]
    refused = paths["/sticker/{id}/"]["patch"]["responses"]
    assert "403" not in refused  # no permission, no auth: nothing can refuse


async def test_checked_writes_lock_the_row_before_loading_it(client, world, count_queries):
    """PostgreSQL: the row a check approves is locked (``FOR UPDATE``) when it is read,
    so a concurrent transaction cannot change its owner between the check and the write."""
    from tests.services import need

    need("postgresql")
    pk, headers = world["mine"].pk, world["editor"]
    async with count_queries() as queries:
        response = await client.patch(f"/story/{pk}/", json={"title": "x"}, headers=headers)
    assert response.status_code == 200
    locks = [i for i, sql in enumerate(queries) if "FOR UPDATE" in sql]
    loads = [i for i, sql in enumerate(queries) if '"title"' in sql and sql.startswith("SELECT")]
    # the first read of the row takes the lock (SELECT ... FOR UPDATE), or follows it
    assert locks and loads and locks[0] <= loads[0], queries
    async with count_queries() as queries:
        ids = {"ids": [pk]}
        assert (await client.delete("/story/bulk/", json=ids, headers=headers)).status_code == 204
    assert any("FOR UPDATE" in sql for sql in queries), queries
