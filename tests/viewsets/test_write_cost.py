"""A write costs no more statements than a hand-written one (issue 11).

A row without hooks is answered from what the write holds: the related rows its checks
fetched, the values it wrote. No read after the write; a key rendered as a key is left to
the database's foreign key constraint (still a 422 at its field); a create that is one
``INSERT`` opens no transaction. Every answer equals what a later read of the row shows.
"""

from contextlib import asynccontextmanager

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models import Badge, Bill, Imprint, Leaf, Memo, Pin, Rack, Tenant, Tome
from tests.testapp.models_fastwrites import STAMPS_DELETED, Sleeve, Stamp
from tests.viewsets.apis import TenantAuth
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

api = NinjaAIO(urls_namespace="write-cost")


@api.viewset(Tome)
class TomeViewSet(APIViewSet):
    pass


@api.viewset(Bill)
class BillViewSet(APIViewSet):
    pass


@api.viewset(Pin, auth=[TenantAuth()])
class PinViewSet(APIViewSet):
    pass


@api.viewset(Stamp)
class StampViewSet(APIViewSet):
    pass


@api.viewset(Memo, auth=[TenantAuth()])
class MemoViewSet(APIViewSet):
    pass


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


@pytest.fixture
async def world():
    press = await Imprint.objects.acreate(name="press")
    other = await Imprint.objects.acreate(name="other")
    shelf = await Rack.objects.acreate(label="A1")
    labels = [await Badge.objects.acreate(name=n) for n in ("zeta", "alpha", "mid")]
    return {"press": press, "other": other, "shelf": shelf, "labels": labels}


@asynccontextmanager
async def outer_transaction():
    """A transaction open on the async ORM's connection around the requests (rolled back)."""
    block = transaction.atomic()
    await sync_to_async(block.__enter__)()
    try:
        yield
    finally:

        def leave() -> None:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)

        await sync_to_async(leave)()


def _statements(queries: list[str]) -> list[str]:
    return [q for q in queries if not q.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]


async def _read_back(client: TestAsyncClient, path: str, body: dict) -> None:
    """The write's answer is what a read of the row shows."""
    read = await client.get(f"{path}{body['id']}")
    assert read.status_code == 200
    assert read.json() == body


async def test_create_is_answered_from_the_write(client, world, count_queries):
    labels = [label.pk for label in world["labels"][:2]]
    body = {"title": "t", "press": world["press"].pk, "shelf": world["shelf"].pk, "labels": labels}
    async with count_queries() as queries:
        response = await client.post("/tome/", json=body)
    assert response.status_code == 201, response.content
    created = response.json()
    # press (its row nested in the answer), labels (theirs), INSERT row, INSERT links;
    # the shelf, rendered as a key, is left to the foreign key constraint.
    assert len(_statements(queries)) == 4, "\n".join(queries)
    assert queries[0].startswith('SELECT "testapp_imprint"'), queries
    assert created["press"] == {"id": world["press"].pk, "name": "press"}
    assert [label["name"] for label in created["labels"]] == ["alpha", "zeta"]  # Badge order
    assert (created["shelf"], created["pages"]) == (world["shelf"].pk, [])
    await _read_back(client, "/tome/", created)


async def test_a_create_of_one_insert_opens_no_transaction(client, world, count_queries):
    async with count_queries() as queries:
        response = await client.post("/tome/", json={"title": "t", "press": world["press"].pk})
    assert response.status_code == 201
    assert len(queries) == 2, queries  # the press, the INSERT: no BEGIN, no read back
    assert queries[1].startswith('INSERT INTO "testapp_tome"')
    await _read_back(client, "/tome/", response.json())


async def test_patch_reads_the_row_once(client, world, count_queries):
    volume = await Tome.objects.acreate(title="old", press=world["press"])
    await volume.labels.aset(world["labels"])
    await Leaf.objects.acreate(volume=volume, number=1)
    async with count_queries() as queries:
        response = await client.patch(f"/tome/{volume.pk}/", json={"title": "new"})
    assert response.status_code == 200
    # the row with its press, its labels, its pages, the UPDATE: no read after it.
    assert len(_statements(queries)) == 4, "\n".join(queries)
    assert queries[-1].startswith('UPDATE "testapp_tome"'), queries
    # one UPDATE, no hook, no link, no scope: no transaction around it
    assert not [q for q in queries if q.startswith(("BEGIN", "SAVEPOINT"))], queries
    body = response.json()
    assert (body["title"], [p["number"] for p in body["pages"]]) == ("new", [1])
    await _read_back(client, "/tome/", body)


async def test_patch_of_relations_answers_the_new_ones(client, world, count_queries):
    volume = await Tome.objects.acreate(title="v", press=world["press"])
    await volume.labels.aset(world["labels"][:1])
    change = {"press": world["other"].pk, "labels": [world["labels"][2].pk, world["labels"][1].pk]}
    async with count_queries() as queries:
        response = await client.patch(f"/tome/{volume.pk}/", json=change)
    assert response.status_code == 200
    body = response.json()
    assert body["press"] == {"id": world["other"].pk, "name": "other"}
    assert [label["name"] for label in body["labels"]] == ["alpha", "mid"]
    # the new press and labels (their checks), the row with its press, its pages, the
    # UPDATE, then Django's ``set``: the links held, DELETE, INSERT. The labels replaced
    # are not prefetched: the answer has the new ones from their check.
    assert len(_statements(queries)) == 8, "\n".join(queries)
    assert not any('"testapp_tome_labels"."tome_id" IN' in q for q in queries), queries
    await _read_back(client, "/tome/", body)


async def test_put_answers_the_row_as_stored(client, world):
    volume = await Tome.objects.acreate(title="v", press=world["press"], shelf=world["shelf"])
    replacement = {
        "title": "r",
        "press": world["press"].pk,
        "shelf": None,
        "labels": [world["labels"][0].pk],
        "due": "2031-05-01T12:30:00.123456+02:00",
    }
    response = await client.put(f"/tome/{volume.pk}/", json=replacement)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due"] == "2031-05-01T10:30:00.123456+00:00"  # as the database reads it
    await _read_back(client, "/tome/", body)


async def test_a_key_left_to_the_constraint_is_a_422_at_its_field(client, world):
    body = {"title": "t", "press": world["press"].pk, "shelf": 987654}
    response = await client.post("/tome/", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "payload", "shelf"], "msg": "No Rack with pk 987654", "type": "not_found"}
    ]
    volume = await Tome.objects.acreate(title="kept", press=world["press"])
    response = await client.patch(f"/tome/{volume.pk}/", json={"shelf": 987654})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "shelf"]
    assert await Tome.objects.acount() == 1
    assert (await Tome.objects.aget()).shelf_id is None


async def test_missing_nested_rows_are_422_before_any_write(client, world, count_queries):
    body = {"title": "t", "press": 987654, "labels": [world["labels"][0].pk, 987655]}
    async with count_queries() as queries:
        response = await client.post("/tome/", json=body)
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["press", "labels"]
    assert all(q.startswith("SELECT") for q in queries), queries


async def test_inside_an_outer_transaction_missing_keys_are_still_a_422(client, world):
    """An open transaction postpones the (deferred) constraint: the key is checked first,
    and the refused write leaves that transaction usable."""

    body = {"title": "t", "press": world["press"].pk, "shelf": 987654}
    async with outer_transaction():
        response = await client.post("/tome/", json=body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "shelf"]
        assert await Tome.objects.acount() == 0
        response = await client.post("/tome/", json={**body, "shelf": world["shelf"].pk})
        assert response.status_code == 201
        assert await Tome.objects.acount() == 1


async def test_a_rounded_column_is_read_back(client, world, count_queries):
    async with count_queries() as queries:
        response = await client.post("/bill/", json={"amount": "1.5", "press": world["press"].pk})
    assert response.status_code == 201
    assert response.json()["amount"] == "1.50"
    assert queries[-1].startswith("SELECT"), queries  # read back inside the transaction
    await _read_back(client, "/bill/", response.json())


async def test_a_scoped_key_is_checked_through_the_scope_even_unrendered(client, user):
    """The key of a model with ``queryset_request`` is never left to the constraint: the
    row exists, but another tenant's row cannot be linked."""
    mine, theirs = await Tenant.objects.acreate(name="A"), await Tenant.objects.acreate(name="B")
    own = await Memo.objects.acreate(title="own", tenant=mine)
    other = await Memo.objects.acreate(title="other", tenant=theirs)
    headers = bearer(make_token(user, tenant_id=mine.pk))
    refused = await client.post("/pin/", json={"note": "x", "memo": other.pk}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "loc": ["body", "payload", "memo"],
            "msg": f"No Memo with pk {other.pk}",
            "type": "not_found",
        }
    ]
    linked = await client.post("/pin/", json={"note": "y", "memo": own.pk}, headers=headers)
    assert linked.status_code == 201
    assert [p.memo_id async for p in Pin.objects.all()] == [own.pk]


async def test_delete_reads_the_row_outside_a_transaction(client, world, count_queries):
    """No hook, check or lock: the row is read before any transaction opens (on SQLite a
    transaction takes the database's write lock), and Django's delete opens its own."""
    volume = await Tome.objects.acreate(title="gone", press=world["press"])
    await volume.labels.aset(world["labels"])
    async with count_queries() as queries:
        response = await client.delete(f"/tome/{volume.pk}/")
    assert response.status_code == 204
    read = next(i for i, q in enumerate(queries) if q.startswith('SELECT "testapp_tome"'))
    assert not [q for q in queries[:read] if q.startswith(("BEGIN", "SAVEPOINT"))], queries
    assert not await Tome.objects.filter(pk=volume.pk).aexists()
    assert not await Tome.labels.through.objects.filter(tome_id=volume.pk).aexists()


async def test_delete_fires_signals_and_cascades(client, world, count_queries):
    """The one-statement path deletes as ``instance.delete()``: Django's signals, cascades."""
    volume = await Tome.objects.acreate(title="gone", press=world["press"])
    page = await Leaf.objects.acreate(volume=volume, number=1)
    seen: list[tuple[str, str, int]] = []

    def record(signal: str):
        def receiver(sender, instance, **kwargs):
            seen.append((signal, sender.__name__, instance.pk))

        return receiver

    before, after = record("pre"), record("post")
    pre_delete.connect(before)
    post_delete.connect(after)
    try:
        response = await client.delete(f"/tome/{volume.pk}/")
    finally:
        pre_delete.disconnect(before)
        post_delete.disconnect(after)
    assert response.status_code == 204
    assert ("pre", "Tome", volume.pk) in seen and ("post", "Tome", volume.pk) in seen
    assert ("pre", "Leaf", page.pk) in seen
    assert not await Leaf.objects.filter(pk=page.pk).aexists()


async def test_a_models_own_delete_runs(client):
    stamp = await Stamp.objects.acreate(name="kept?")
    STAMPS_DELETED.clear()
    assert (await client.delete(f"/stamp/{stamp.pk}/")).status_code == 204
    assert [stamp.pk] == STAMPS_DELETED
    assert not await Stamp.objects.filter(pk=stamp.pk).aexists()
    assert (await client.delete(f"/stamp/{stamp.pk}/")).status_code == 404


async def test_a_protected_row_is_a_409_and_kept(client, world):
    volume = await Tome.objects.acreate(title="held", press=world["press"])
    await Sleeve.objects.acreate(volume=volume)
    response = await client.delete(f"/tome/{volume.pk}/")
    assert response.status_code == 409 and set(response.json()) == {"detail"}
    assert await Tome.objects.filter(pk=volume.pk).aexists()
    assert (await client.delete("/tome/999999/")).status_code == 404


async def test_delete_outside_the_scope_is_a_404_and_deletes_nothing(client, user):
    mine, theirs = await Tenant.objects.acreate(name="A"), await Tenant.objects.acreate(name="B")
    own = await Memo.objects.acreate(title="own", tenant=mine)
    other = await Memo.objects.acreate(title="other", tenant=theirs)
    headers = bearer(make_token(user, tenant_id=mine.pk))
    assert (await client.delete(f"/memo/{other.pk}/", headers=headers)).status_code == 404
    assert await Memo.objects.filter(pk=other.pk).aexists()
    assert (await client.delete(f"/memo/{own.pk}/", headers=headers)).status_code == 204
    assert not await Memo.objects.filter(pk=own.pk).aexists()
