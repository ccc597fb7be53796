"""Bulk routes under the viewset's auth and scope: tokens, roles, and tenants' rows."""

import pytest
from ninja.testing import TestAsyncClient

from tests.testapp.models import Article, Board, Memo, Tenant
from tests.testapp.models_writes import Entry
from tests.viewsets import apis_writes
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


def expect_401(response):
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"detail"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def send(client, operation, headers):
    """One bulk request of ``operation`` on fresh rows."""
    a = await f.article(f"row for {operation}")
    if operation == "create":
        body = [{"title": "created", "author": a.author_id}]
        return await client.post("/article/bulk/", json=body, headers=headers)
    if operation == "update":
        body = [{"id": a.pk, "title": "changed"}]
        return await client.patch("/article/bulk/", json=body, headers=headers)
    return await client.delete("/article/bulk/", json={"ids": [a.pk]}, headers=headers)


#: operation -> (roles refused with 403, roles allowed); update only needs a valid token.
ROLES = {
    "create": (["reader"], ["editor"]),
    "update": (None, []),
    "delete": (["editor"], ["admin"]),
}
OK = {"create": 201, "update": 200, "delete": 204}


@pytest.mark.parametrize("operation", list(OK))
async def test_bulk_routes_have_their_single_row_auth(operation, user, bad):
    client = TestAsyncClient(apis_writes.auth_api)
    before = await Article.objects.acount()
    expect_401(await send(client, operation, {}))
    expect_401(await send(client, operation, bad))
    expect_401(await send(client, operation, {"Authorization": "Bearer not-a-jwt"}))
    refused, allowed = ROLES[operation]
    if refused is not None:
        response = await send(client, operation, bearer(make_token(user, roles=refused)))
        assert response.status_code == 403
    untouched = await Article.objects.filter(title__startswith="row for").acount()
    assert untouched == await Article.objects.acount() - before == 3 + (refused is not None)
    assert not await Article.objects.filter(title__in=["created", "changed"]).aexists()
    response = await send(client, operation, bearer(make_token(user, roles=allowed)))
    assert response.status_code == OK[operation], response.content


def test_openapi_marks_the_bulk_routes_secured():
    path = apis_writes.auth_api.get_openapi_schema(path_prefix="/")["paths"]["/article/bulk/"]
    assert path["post"]["security"] == [{"Bearer": []}]
    assert path["patch"]["security"] == [{"Bearer": []}]
    assert path["delete"]["security"] == [{"Bearer": []}]
    for operation in path.values():
        assert {"401", "403", "413", "422"} <= set(map(str, operation["responses"]))


# -- tenants ----------------------------------------------------------------------------------


@pytest.fixture
async def world(user):
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")
    return {
        "a": a,
        "b": b,
        "memo_a": await Memo.objects.acreate(title="a-memo", tenant=a),
        "memo_b": await Memo.objects.acreate(title="b-memo", tenant=b),
        "headers_a": bearer(make_token(user, tenant_id=a.pk)),
    }


@pytest.fixture
def client():
    return TestAsyncClient(apis_writes.tenant_api)


async def test_bulk_update_and_delete_never_touch_another_tenants_rows(client, world):
    headers, mine, theirs = world["headers_a"], world["memo_a"], world["memo_b"]
    payload = [{"id": mine.pk, "title": "mine"}, {"id": theirs.pk, "title": "stolen"}]
    response = await client.patch("/memo/bulk/", json=payload, headers=headers)
    assert response.status_code == 422
    ghost = theirs.pk + 1000
    response_ghost = await client.patch(
        "/memo/bulk/", json=[{"id": ghost, "title": "x"}], headers=headers
    )
    (refused,) = response.json()["detail"]
    (unknown,) = response_ghost.json()["detail"]
    assert (refused["index"], refused["id"], refused["type"]) == (1, theirs.pk, "not_found")
    assert refused["msg"] == unknown["msg"]  # no existence leak
    response = await client.delete("/memo/bulk/", json={"ids": [theirs.pk]}, headers=headers)
    assert response.status_code == 422
    assert await Memo.objects.filter(pk=theirs.pk, title="b-memo").aexists()
    assert (await Memo.objects.aget(pk=mine.pk)).title == "a-memo"
    response = await client.delete("/memo/bulk/", json={"ids": [mine.pk]}, headers=headers)
    assert response.status_code == 204
    assert not await Memo.objects.filter(pk=mine.pk).aexists()


async def test_bulk_writes_refuse_another_tenants_related_ids(client, world):
    headers, mine, theirs = world["headers_a"], world["memo_a"], world["memo_b"]
    payload = [
        {"name": "ok", "featured": mine.pk, "memos": [mine.pk]},
        {"name": "fk", "featured": theirs.pk},
        {"name": "m2m", "memos": [mine.pk, theirs.pk]},
    ]
    response = await client.post("/board/bulk/", json=payload, headers=headers)
    assert response.status_code == 422
    assert [(e["index"], e["loc"][-1]) for e in response.json()["detail"]] == [
        (1, "featured"),
        (2, "memos"),
    ]
    assert not await Board.objects.aexists()
    board = await Board.objects.acreate(name="shared")
    response = await client.patch(
        "/board/bulk/", json=[{"id": board.pk, "memos": [theirs.pk]}], headers=headers
    )
    assert response.status_code == 422
    assert await board.memos.acount() == 0


async def test_bulk_create_takes_the_tenant_from_the_caller(client, world, user):
    headers, mine, theirs = world["headers_a"], world["memo_a"], world["memo_b"]
    payload = [{"text": "one", "memo": mine.pk, "memos": [mine.pk]}, {"text": "two"}]
    response = await client.post("/entry/bulk/", json=payload, headers=headers)
    assert response.status_code == 201, response.content
    assert {e["tenant"] for e in response.json()} == {world["a"].pk}
    assert [[m["id"] for m in e["memos"]] for e in response.json()] == [[mine.pk], []]
    response = await client.post(
        "/entry/bulk/", json=[{"text": "x", "tenant": world["b"].pk}], headers=headers
    )
    assert response.status_code == 422  # tenant is not writable
    response = await client.post(
        "/entry/bulk/", json=[{"text": "x", "memos": [theirs.pk]}], headers=headers
    )
    assert response.status_code == 422
    assert await Entry.objects.acount() == 2
    # B sees none of A's entries, and cannot change or delete them in bulk
    headers_b = bearer(make_token(user, tenant_id=world["b"].pk))
    ids = [e.pk async for e in Entry.objects.all()]
    response = await client.patch(
        "/entry/bulk/", json=[{"id": pk, "text": "b was here"} for pk in ids], headers=headers_b
    )
    assert response.status_code == 422
    assert [e["index"] for e in response.json()["detail"]] == [0, 1]
    response = await client.delete("/entry/bulk/", json={"ids": ids}, headers=headers_b)
    assert response.status_code == 422
    assert sorted([e.text async for e in Entry.objects.all()]) == ["one", "two"]
    assert (await client.get("/entry/", headers=headers_b)).json()["count"] == 0


async def test_token_without_tenant_is_refused_on_bulk_routes(client, world, user):
    headers = bearer(make_token(user))
    response = await client.delete(
        "/memo/bulk/", json={"ids": [world["memo_a"].pk]}, headers=headers
    )
    assert response.status_code == 401
    assert await Memo.objects.acount() == 2
