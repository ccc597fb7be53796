"""Relation routes and tenants: a caller never reads or relates another tenant's rows.

Another tenant's id and an id that does not exist get the same answer: ``"not found"``
in a body, a 404 for a parent row.
"""

import pytest
from ninja.testing import TestAsyncClient

from tests.testapp.models import Board, Card, Doc, Folder, Label, Memo, Tenant
from tests.viewsets import apis_relations
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

MISSING = 987654


@pytest.fixture
def client():
    return TestAsyncClient(apis_relations.tenant_api)


@pytest.fixture
async def world(user):
    rows = {}
    for name in ("a", "b"):
        tenant = await Tenant.objects.acreate(name=name)
        rows[name] = {
            "tenant": tenant,
            "doc": await Doc.objects.acreate(title=f"{name} doc", tenant=tenant),
            "label": await Label.objects.acreate(name=f"{name} label", tenant=tenant),
            "folder": await Folder.objects.acreate(name=f"{name} folder", tenant=tenant),
            "memo": await Memo.objects.acreate(title=f"{name} memo", tenant=tenant),
            "headers": bearer(make_token(user, tenant_id=tenant.pk)),
        }
    return rows


async def labels_of(doc):
    return sorted([pk async for pk in doc.labels.values_list("pk", flat=True)])


async def test_another_tenants_parent_is_404_like_a_missing_one(client, world):
    a, b = world["a"], world["b"]
    for method in ("get", "post"):
        kwargs = {"json": {"add": [a["label"].pk]}} if method == "post" else {}
        call = getattr(client, method)
        theirs = await call(f"/doc/{b['doc'].pk}/labels/", headers=a["headers"], **kwargs)
        missing = await call(f"/doc/{MISSING}/labels/", headers=a["headers"], **kwargs)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
    assert await labels_of(b["doc"]) == []


async def test_another_tenants_ids_are_refused_as_not_found(client, world):
    a, b = world["a"], world["b"]
    path = f"/doc/{a['doc'].pk}/labels/"
    body = {"add": [b["label"].pk, MISSING, a["label"].pk]}
    response = await client.post(path, json=body, headers=a["headers"])
    assert response.json() == {
        "added": [a["label"].pk],
        "removed": [],
        "refused": [
            {"id": b["label"].pk, "reason": "not found"},
            {"id": MISSING, "reason": "not found"},
        ],
    }
    assert await labels_of(a["doc"]) == [a["label"].pk]


async def test_rows_of_another_tenant_linked_anyway_stay_invisible_and_untouchable(client, world):
    """A link made outside the API (a doc of A holding B's label) is neither listed nor
    removable by A: removing it answers exactly like an id that does not exist."""
    a, b = world["a"], world["b"]
    await a["doc"].labels.aset([a["label"], b["label"]])
    path = f"/doc/{a['doc'].pk}/labels/"
    listing = await client.get(path, headers=a["headers"])
    assert listing.json() == {"items": [{"id": a["label"].pk, "name": "a label"}], "count": 1}
    response = await client.post(path, json={"remove": [b["label"].pk]}, headers=a["headers"])
    assert response.json()["refused"] == [{"id": b["label"].pk, "reason": "not found"}]
    assert await labels_of(a["doc"]) == sorted([a["label"].pk, b["label"].pk])


async def test_reverse_foreign_key_never_takes_another_tenants_row(client, world):
    a, b = world["a"], world["b"]
    path = f"/folder/{a['folder'].pk}/doc_set/"
    body = {"add": [b["doc"].pk, a["doc"].pk]}
    response = await client.post(path, json=body, headers=a["headers"])
    assert response.json()["added"] == [a["doc"].pk]
    assert response.json()["refused"] == [{"id": b["doc"].pk, "reason": "not found"}]
    assert (await Doc.objects.aget(pk=b["doc"].pk)).folder_id is None
    listing = await client.get(path, headers=a["headers"])
    assert [d["id"] for d in listing.json()["items"]] == [a["doc"].pk]
    response = await client.post(path, json={"remove": [a["doc"].pk]}, headers=a["headers"])
    assert response.json()["removed"] == [a["doc"].pk]
    assert (await Doc.objects.aget(pk=a["doc"].pk)).folder_id is None


async def test_global_parent_shows_and_relates_only_the_callers_rows(client, world):
    a, b = world["a"], world["b"]
    board = await Board.objects.acreate(name="shared")
    await board.memos.aset([a["memo"], b["memo"]])
    card_a = await Card.objects.acreate(board=board, tenant=a["tenant"], text="a card")
    card_b = await Card.objects.acreate(board=board, tenant=b["tenant"], text="b card")
    memos = await client.get(f"/board/{board.pk}/memos/", headers=a["headers"])
    assert [m["id"] for m in memos.json()["items"]] == [a["memo"].pk]
    cards = await client.get(f"/board/{board.pk}/cards/", headers=b["headers"])
    assert [c["id"] for c in cards.json()["items"]] == [card_b.pk]
    path = f"/board/{board.pk}/memos/"
    response = await client.post(path, json={"remove": [b["memo"].pk]}, headers=a["headers"])
    assert response.json()["refused"] == [{"id": b["memo"].pk, "reason": "not found"}]
    assert await board.memos.filter(pk=b["memo"].pk).aexists()
    other = await Board.objects.acreate(name="other")
    path = f"/board/{other.pk}/cards/"
    response = await client.post(path, json={"add": [card_b.pk]}, headers=a["headers"])
    assert response.json()["refused"] == [{"id": card_b.pk, "reason": "not found"}]
    assert (await Card.objects.aget(pk=card_b.pk)).board_id == board.pk
    response = await client.post(path, json={"add": [card_a.pk]}, headers=a["headers"])
    assert response.json()["added"] == [card_a.pk]


async def test_a_token_without_tenant_is_refused(client, world, user):
    path = f"/doc/{world['a']['doc'].pk}/labels/"
    headers = bearer(make_token(user))
    assert (await client.get(path, headers=headers)).status_code == 401
    assert (await client.post(path, json={"add": []}, headers=headers)).status_code == 401
