"""Tenants and auth on the permission and soft-delete routes.

A caller never reads, writes, deletes or restores another tenant's rows, also not through
bulk items; a create or update that would put a row in another tenant is rolled back with
a 403 (the write is checked against ``queryset_request`` inside its transaction). Each
route answers no token / a bad token / a token without the right role / a good one.
"""

import pytest
from ninja.testing import TestAsyncClient

from ninja_aio.models.guards import OUTSIDE_SCOPE
from tests.testapp.models import DELETE_CALLS, Memo, Story, Tenant
from tests.viewsets import apis, apis_perm
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

OUTSIDE = {"detail": OUTSIDE_SCOPE}


@pytest.fixture
def client():
    return TestAsyncClient(apis_perm.api)


@pytest.fixture
async def world(user):
    DELETE_CALLS.clear()
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")
    mine = await Story.objects.acreate(title="mine", slug="mine", author=user, tenant=a)
    theirs = await Story.objects.acreate(title="theirs", slug="theirs", author=user, tenant=b)
    dead = await Story.objects.acreate(title="dead", slug="dead", author=user, tenant=b)
    await Story.objects.filter(pk=dead.pk).aupdate(deleted_at="2026-01-01T00:00:00Z")
    return {
        "a": a,
        "b": b,
        "mine": mine,
        "theirs": theirs,
        "dead": dead,
        "editor": bearer(make_token(user, tenant_id=a.pk, roles=["admin"])),
    }


async def _snapshot():
    return [
        (p.pk, p.title, p.slug, p.tenant_id, p.deleted_at is None)
        async for p in Story.objects.order_by("pk")
    ]


@pytest.mark.parametrize("path", ["story", "post-async", "post-sync"])
async def test_other_tenants_rows_are_404_everywhere(client, world, path):
    headers, before = world["editor"], await _snapshot()
    nonexistent = await client.get(f"/{path}/99999", headers=headers)
    for row in (world["theirs"], world["dead"]):
        pk = row.pk
        put = {"title": "x", "slug": "x", "author": None, "tenant": world["a"].pk}
        responses = [
            await client.get(f"/{path}/{pk}", headers=headers),
            await client.patch(f"/{path}/{pk}/", json={"title": "x"}, headers=headers),
            await client.put(f"/{path}/{pk}/", json=put, headers=headers),
            await client.delete(f"/{path}/{pk}/", headers=headers),
            await client.delete(f"/{path}/{pk}/?hard=true", headers=headers),
            await client.post(f"/{path}/{pk}/restore/", headers=headers),
            await client.post(f"/{path}/{pk}/publish/", headers=headers),
        ]
        assert [r.status_code for r in responses] == [404] * 7
        assert all(r.json() == nonexistent.json() for r in responses)  # no existence leak
        bulk = [
            await client.patch(f"/{path}/bulk/", json=[{"id": pk, "title": "x"}], headers=headers),
            await client.delete(f"/{path}/bulk/", json={"ids": [pk]}, headers=headers),
        ]
        assert [r.status_code for r in bulk] == [422, 422]
        assert all(r.json()["detail"][0]["type"] == "not_found" for r in bulk)
    listed = (await client.get(f"/{path}/", headers=headers)).json()["items"]
    assert [p["id"] for p in listed] == [world["mine"].pk]
    assert await _snapshot() == before
    assert DELETE_CALLS == []


async def test_writes_cannot_put_rows_in_another_tenant(client, world):
    headers, b, mine = world["editor"], world["b"].pk, world["mine"].pk
    before = await _snapshot()
    new = {"title": "n", "slug": "n", "author": None, "tenant": b}
    put = {"title": "n", "slug": "n", "author": None, "tenant": b}
    responses = [
        await client.post("/story/", json=new, headers=headers),
        await client.patch(f"/story/{mine}/", json={"tenant": b}, headers=headers),
        await client.put(f"/story/{mine}/", json=put, headers=headers),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert all(r.json() == OUTSIDE for r in responses)
    mine_too = {**new, "tenant": world["a"].pk, "slug": "ok"}
    response = await client.post("/story/bulk/", json=[mine_too, new], headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": f"Item 1: {OUTSIDE_SCOPE}"}
    response = await client.patch("/story/bulk/", json=[{"id": mine, "tenant": b}], headers=headers)
    assert response.status_code == 403
    assert await _snapshot() == before  # nothing written, not even the valid item
    response = await client.post("/post-partial/bulk/", json=[mine_too, new], headers=headers)
    assert [o["status"] for o in response.json()] == [201, 403]
    assert not await Story.objects.filter(tenant_id=b, slug="n").aexists()


async def test_memo_create_naming_another_tenant_is_refused(world, user):
    """The guide's tenant example lists ``tenant`` in its create schema: tenant A could
    create rows of tenant B before the in-transaction scope check."""
    client = TestAsyncClient(apis.tenant_api)
    headers = bearer(make_token(user, tenant_id=world["a"].pk))
    body = {"title": "planted", "tenant": world["b"].pk}
    response = await client.post("/memo/", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json() == OUTSIDE
    assert not await Memo.objects.filter(title="planted").aexists()
    response = await client.post("/memo/", json={**body, "tenant": world["a"].pk}, headers=headers)
    assert response.status_code == 201


#: route -> (method, path, json); ``{pk}`` is the caller's own row.
ROUTES = {
    "list": ("get", "/story/", None),
    "retrieve": ("get", "/story/{pk}", None),
    "create": ("post", "/story/", "new"),
    "update": ("patch", "/story/{pk}/", "title"),
    "put": ("put", "/story/{pk}/", "put"),
    "publish": ("post", "/story/{pk}/publish/", None),
    "restore": ("post", "/story/{pk}/restore/", None),
    "delete": ("delete", "/story/{pk}/", None),
    "hard_delete": ("delete", "/story/{pk}/?hard=true", None),
    "bulk_create": ("post", "/story/bulk/", "bulk_new"),
    "bulk_update": ("patch", "/story/bulk/", "bulk_update"),
    "bulk_delete": ("delete", "/story/bulk/", "ids"),
}
#: what a good token gets, and whether a token without a role is refused (writes).
GOOD = {
    "list": (200, False),
    "retrieve": (200, False),
    "create": (201, True),
    "update": (200, True),
    "put": (200, True),
    "publish": (200, False),  # a custom action: the viewset's auth
    "restore": (200, True),
    "delete": (204, True),
    "hard_delete": (204, True),
    "bulk_create": (201, True),
    "bulk_update": (200, True),
    "bulk_delete": (204, True),
}


@pytest.mark.parametrize("route", list(ROUTES))
async def test_auth_on_every_route(client, world, user, route):
    from tests.viewsets.apis import OTHER_KEY

    method, path, body = ROUTES[route]
    a, pk = world["a"].pk, world["mine"].pk
    bodies = {
        "new": {"title": "n", "slug": "n", "author": user.pk, "tenant": a},
        "put": {"title": "p", "slug": "p", "author": user.pk, "tenant": a},
        "bulk_new": [{"title": "n", "slug": "n", "author": user.pk, "tenant": a}],
        "bulk_update": [{"id": pk, "title": "b"}],
        "ids": {"ids": [pk]},
        "title": {"title": "t"},
    }
    body = bodies.get(body, body)

    async def send(headers):
        kwargs = {"headers": headers}
        if body is not None:
            kwargs["json"] = body
        return await getattr(client, method)(path.format(pk=pk), **kwargs)

    before = await _snapshot()
    assert (await send({})).status_code == 401
    assert (await send(bearer(make_token(user, OTHER_KEY, tenant_id=a)))).status_code == 401
    roleless = await send(bearer(make_token(user, tenant_id=a, roles=["viewer"])))
    good, writes = GOOD[route]
    if writes:
        assert roleless.status_code == 403
        assert await _snapshot() == before
    else:
        assert roleless.status_code == good
    response = await send(bearer(make_token(user, tenant_id=a, roles=["editor"])))
    assert response.status_code == good, response.content


def test_openapi_documents_the_scope_refusal_of_writes():
    """A public viewset with a scope: its writes document the 403, its deletes do not."""
    paths = apis.api.get_openapi_schema(path_prefix="/")["paths"]
    assert "403" in paths["/book/"]["post"]["responses"]
    assert "403" in paths["/book/{id}/"]["patch"]["responses"]
    assert "403" not in paths["/book/{id}/"]["delete"]["responses"]
    bulk = apis_perm.api.get_openapi_schema(path_prefix="/")["paths"]["/story/bulk/"]
    assert {"403", "422"} <= set(bulk["patch"]["responses"])


async def test_a_public_scoped_create_outside_the_scope_is_refused(transactional_db):
    """``Book`` hides ISBNs starting with 000: creating one would answer a row the caller
    can never see again, so it is refused and not stored."""
    from tests.testapp.models import Author, Book

    client = TestAsyncClient(apis.api)
    writer = await Author.objects.acreate(name="w")
    body = {"title": "t", "isbn": "000999", "author": writer.pk}
    response = await client.post("/book/", json=body)
    assert (response.status_code, response.json()) == (403, OUTSIDE)
    assert not await Book.objects.filter(isbn="000999").aexists()
    response = await client.post("/book/", json={**body, "isbn": "978999"})
    assert response.status_code == 201
