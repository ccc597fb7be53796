"""PUT /{id}/: replaces the row: required fields, resets of omitted ones, to-many replaced."""

import pytest
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models import Article, Comment, Memo, Tag, Tenant
from tests.viewsets import apis, apis_writes
from tests.viewsets import factories as f
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(apis_writes.api)


async def rich_article():
    tags = [await Tag.objects.acreate(name=f"t{i}") for i in range(2)]
    a = await f.article(
        "before",
        body="old body",
        subtitle="old subtitle",
        is_published=True,
        status="review",
        views=7,
    )
    await a.tags.aset(tags)
    return a


async def test_put_resets_what_it_does_not_send(client):
    a = await rich_article()
    response = await client.put(f"/article/{a.pk}/", json={"title": "after", "author": a.author_id})
    assert response.status_code == 200, response.content
    body = response.json()
    expected = {"title": "after", "body": "", "subtitle": None, "is_published": False}
    assert {k: body[k] for k in expected} == expected
    assert (body["status"], body["views"], body["tags"]) == ("draft", 0, [])
    row = await Article.objects.aget(pk=a.pk)
    assert (row.title, row.body, row.subtitle, row.is_published, row.status, row.views) == (
        "after",
        "",
        None,
        False,
        "draft",
        0,
    )
    assert await row.tags.acount() == 0
    assert row.created_at == a.created_at  # not in the update schema: untouched


async def test_put_replaces_to_many_and_writes_what_it_sends(client):
    a = await rich_article()
    new = await Tag.objects.acreate(name="new")
    other = await f.author("other")
    payload = {"title": "t", "author": other.pk, "tags": [new.pk], "views": 3, "body": "b"}
    response = await client.put(f"/article/{a.pk}/", json=payload)
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["tags"]] == [new.pk]
    row = await Article.objects.aget(pk=a.pk)
    assert (row.author_id, row.views, row.body) == (other.pk, 3, "b")


async def test_put_requires_every_field_a_new_row_needs(client):
    a = await rich_article()
    response = await client.put(f"/article/{a.pk}/", json={"body": "only body"})
    assert response.status_code == 422
    locs = sorted(tuple(e["loc"]) for e in response.json()["detail"])
    assert locs == [("body", "payload", "author"), ("body", "payload", "title")]
    assert all(e["type"] == "missing" for e in response.json()["detail"])
    assert (await Article.objects.aget(pk=a.pk)).body == "old body"


async def test_put_keeps_the_field_constraints(client):
    a = await rich_article()
    for payload in (
        {"title": "x" * 201, "author": a.author_id},
        {"title": "t", "author": a.author_id, "status": "nope"},
        {"title": "t", "author": a.author_id, "extra": 1},
        {"title": "t", "author": 424242},
    ):
        response = await client.put(f"/article/{a.pk}/", json=payload)
        assert response.status_code == 422, payload
    assert (await Article.objects.aget(pk=a.pk)).title == "before"


async def test_put_status_set(client):
    a = await rich_article()
    payload = {"title": "t", "author": a.author_id}
    assert (await client.put(f"/article/{a.pk + 100}/", json=payload)).status_code == 404
    first, second = await Tag.objects.acreate(name="one"), await Tag.objects.acreate(name="two")
    response = await client.put(f"/tag/{second.pk}/", json={"name": first.name})
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert (await client.put(f"/tag/{second.pk}", json={"name": "three"})).status_code == 200


async def test_put_runs_hooks_and_customs():
    client = TestAsyncClient(apis.api)
    a = await rich_article()
    payload = {"title": "t", "author": a.author_id, "touch_note": "via put"}
    response = await client.put(f"/article/{a.pk}/", json=payload)
    assert response.status_code == 200
    assert [c.text async for c in Comment.objects.filter(article=a)] == ["via put"]


async def test_put_scoped_like_patch(user):
    client = TestAsyncClient(apis.tenant_api)
    a, b = await Tenant.objects.acreate(name="A"), await Tenant.objects.acreate(name="B")
    memo_b = await Memo.objects.acreate(title="b-secret", tenant=b)
    headers = bearer(make_token(user, tenant_id=a.pk))
    response = await client.put(f"/memo/{memo_b.pk}/", json={"title": "stolen"}, headers=headers)
    assert response.status_code == 404
    assert (await Memo.objects.aget(pk=memo_b.pk)).title == "b-secret"


async def test_operations_can_leave_put_out():
    api = NinjaAIO(urls_namespace="vs-no-put")

    @api.viewset(Tag, operations=("list", "retrieve", "update"))
    class Tags(APIViewSet):
        pass

    tag = await Tag.objects.acreate(name="t")
    client = TestAsyncClient(api)
    assert (await client.put(f"/tag/{tag.pk}/", json={"name": "u"})).status_code == 405
    assert (await client.patch(f"/tag/{tag.pk}/", json={"name": "u"})).status_code == 200
    assert set(api.get_openapi_schema(path_prefix="/")["paths"]["/tag/{id}/"]) == {"patch"}


def test_openapi_documents_put():
    schema = apis_writes.api.get_openapi_schema(path_prefix="/")
    operation = schema["paths"]["/article/{id}/"]["put"]
    assert set(map(str, operation["responses"])) == {"200", "400", "404", "409", "412", "422"}
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert sorted(body["required"]) == ["author", "title"]
    assert body["properties"]["body"]["default"] == ""
    assert body["properties"]["views"]["default"] == 0
    assert body["properties"]["title"]["maxLength"] == 200
    assert operation["summary"] == "Replace article"


# -- auth: put_auth, else patch_auth, else auth ----------------------------------------------


async def test_put_falls_back_to_patch_auth(good, bad):
    client = TestAsyncClient(apis_writes.auth_api)
    a = await f.article()
    payload = {"title": "t", "author": a.author_id}
    assert (await client.put(f"/article/{a.pk}/", json=payload)).status_code == 401
    assert (await client.put(f"/article/{a.pk}/", json=payload, headers=bad)).status_code == 401
    response = await client.put(f"/article/{a.pk}/", json=payload, headers=good)
    assert response.status_code == 200


async def test_put_auth_of_its_own(user, good, bad):
    client = TestAsyncClient(apis_writes.auth_api)
    tag = await Tag.objects.acreate(name="t")
    assert (
        await client.patch(f"/tag/{tag.pk}/", json={"name": "u"}, headers=good)
    ).status_code == 200
    for headers, status in ((None, 401), (bad, 401), (good, 403)):
        response = await client.put(f"/tag/{tag.pk}/", json={"name": "v"}, headers=headers or {})
        assert response.status_code == status
    admin = bearer(make_token(user, roles=["admin"]))
    assert (
        await client.put(f"/tag/{tag.pk}/", json={"name": "v"}, headers=admin)
    ).status_code == 200
    assert (await Tag.objects.aget(pk=tag.pk)).name == "v"
    paths = apis_writes.auth_api.get_openapi_schema(path_prefix="/")["paths"]
    assert paths["/tag/{id}/"]["put"]["security"] == [{"Bearer": []}]
    assert paths["/tag/{id}/"]["patch"]["security"] == [{"Bearer": []}]
