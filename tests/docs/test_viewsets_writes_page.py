"""docs/viewsets.md, write workflows: its example (docs/examples/viewsets_writes.py) over HTTP."""

import pytest
from ninja.testing import TestAsyncClient

from docs.examples.viewsets_writes import api
from tests.testapp.models_writes import CHANGE_CALLS, Ticket
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.conftest import user as user  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(api)


@pytest.fixture(autouse=True)
def _reset_calls():
    CHANGE_CALLS.clear()
    yield
    CHANGE_CALLS.clear()


async def test_put_bulk_and_change_hooks_as_the_page_shows(client, user):
    editor = bearer(make_token(user, roles=["editor"]))
    admin = bearer(make_token(user, roles=["admin"]))
    # bulk create: all or nothing
    response = await client.post(
        "/ticket/bulk/", json=[{"title": "a"}, {"title": "b", "priority": 3}], headers=editor
    )
    assert response.status_code == 201
    a, b = (t["id"] for t in response.json())
    assert [("created", a, "a"), ("created", b, "b")] == CHANGE_CALLS
    response = await client.post("/ticket/bulk/", json=[{"title": "c"}, {}], headers=editor)
    assert response.status_code == 422
    assert [(e["index"], e["loc"]) for e in response.json()["detail"]] == [
        (1, ["body", "payload", 1, "title"])
    ]
    assert response.status_code == 422
    assert (await client.post("/ticket/bulk/", json=[{}] * 51, headers=editor)).status_code == 413
    # PUT under patch_auth: omitted fields go back to their defaults
    response = await client.put(f"/ticket/{b}/", json={"title": "b2"}, headers=editor)
    assert response.status_code == 200
    assert response.json() == {"id": b, "title": "b2", "status": "open", "priority": 1, "note": ""}
    # an in-transaction change hook refuses a "done" without a note: 422, nothing written
    response = await client.patch(
        "/ticket/bulk/", json=[{"id": a, "status": "done"}], headers=editor
    )
    assert response.json()["detail"][0]["loc"] == ["body", "payload", 0, "note"]
    assert (await Ticket.objects.aget(pk=a)).status == "open"
    # delete in bulk: admins only
    response = await client.delete("/ticket/bulk/", json={"ids": [a, b]}, headers=editor)
    assert response.status_code == 403
    assert (
        await client.delete("/ticket/bulk/", json={"ids": [a, b]}, headers=admin)
    ).status_code == 204
    assert not await Ticket.objects.aexists()


async def test_item_by_item_import(client, user):
    editor = bearer(make_token(user, roles=["editor"]))
    response = await client.post(
        "/ticket-import/bulk/",
        json=[{"title": "ok"}, {"title": "x", "status": "??"}],
        headers=editor,
    )
    assert response.status_code == 200
    results = response.json()
    assert [(r["index"], r["status"]) for r in results] == [(0, 201), (1, 422)]
    assert results[0]["id"] == (await Ticket.objects.aget()).pk
    assert results[1]["detail"][0]["loc"] == ["body", "payload", 1, "status"]
