"""The guide's tenant example: ``queryset_request`` scopes every read and write; 404 outside."""

import pytest
from ninja.testing import TestAsyncClient

from tests.testapp.models import Memo, Tenant
from tests.viewsets import apis
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def world(user):
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")
    memo_a = await Memo.objects.acreate(title="a-secret", tenant=a)
    memo_b = await Memo.objects.acreate(title="b-secret", tenant=b)
    headers_a = bearer(make_token(user, tenant_id=a.pk))
    return {"a": a, "b": b, "memo_a": memo_a, "memo_b": memo_b, "headers_a": headers_a}


@pytest.fixture
def client():
    return TestAsyncClient(apis.tenant_api)


async def test_list_shows_only_own_tenant(client, world):
    response = await client.get("/memo/", headers=world["headers_a"])
    assert response.status_code == 200
    assert response.json() == {
        "items": [{"id": world["memo_a"].pk, "title": "a-secret", "tenant": world["a"].pk}],
        "count": 1,
    }


async def test_other_tenant_rows_are_404_for_every_operation(client, world):
    headers, other = world["headers_a"], world["memo_b"].pk
    responses = [
        await client.get(f"/memo/{other}", headers=headers),
        await client.patch(f"/memo/{other}/", json={"title": "stolen"}, headers=headers),
        await client.delete(f"/memo/{other}/", headers=headers),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    nonexistent = await client.get(f"/memo/{other + 100}", headers=headers)
    assert all(r.json() == nonexistent.json() for r in responses)  # no existence leak
    row = await Memo.objects.aget(pk=other)
    assert row.title == "b-secret"


async def test_own_rows_are_writable(client, world):
    headers, own = world["headers_a"], world["memo_a"].pk
    assert (await client.get(f"/memo/{own}", headers=headers)).status_code == 200
    response = await client.patch(f"/memo/{own}/", json={"title": "edited"}, headers=headers)
    assert response.status_code == 200
    assert (await client.delete(f"/memo/{own}/", headers=headers)).status_code == 204
    assert not await Memo.objects.filter(pk=own).aexists()


async def test_token_without_tenant_is_refused(client, world, user):
    response = await client.get("/memo/", headers=bearer(make_token(user)))
    assert response.status_code == 401


async def test_serializer_scope_applies_to_lists_and_writes():
    """``Serializer.queryset_request`` (hidden ISBNs starting with 000) works the same way."""
    from tests.testapp.models import Author, Book

    client = TestAsyncClient(apis.api)
    writer = await Author.objects.acreate(name="Scoped")
    hidden = await Book.objects.acreate(title="hidden", isbn="000123", author=writer)
    shown = await Book.objects.acreate(title="shown", isbn="978123", author=writer)
    listing = (await client.get("/book/")).json()
    assert [b["id"] for b in listing["items"]] == [shown.pk]
    assert (await client.get(f"/book/{hidden.pk}")).status_code == 404
    assert (await client.patch(f"/book/{hidden.pk}/", json={"title": "x"})).status_code == 404
    assert (await client.delete(f"/book/{hidden.pk}/")).status_code == 404
    assert await Book.objects.filter(pk=hidden.pk, title="hidden").aexists()
