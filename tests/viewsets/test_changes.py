"""Change hooks: on_create / on_change / on_delete, after the commit or inside the transaction."""

import logging

import pytest
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio.models import Serializer
from ninja_aio.models.changes import on_change
from tests.testapp.models_writes import CHANGE_CALLS, Parcel, Ticket
from tests.viewsets import apis_writes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(apis_writes.api)


@pytest.fixture(autouse=True)
def _reset_calls():
    CHANGE_CALLS.clear()
    yield
    CHANGE_CALLS.clear()


async def test_on_create_runs_after_the_commit(client):
    response = await client.post("/ticket/", json={"title": "first"})
    assert response.status_code == 201
    assert [("created", response.json()["id"], "first")] == CHANGE_CALLS


async def test_no_reaction_when_the_write_is_rolled_back(client):
    response = await client.post("/ticket/", json={"title": "explode after insert"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Refused after the insert"
    assert not await Ticket.objects.aexists()
    assert CHANGE_CALLS == []


async def test_on_change_receives_old_and_new_of_changed_fields_only(client):
    t = await Ticket.objects.acreate(title="t", priority=1)
    response = await client.patch(f"/ticket/{t.pk}/", json={"priority": 5, "title": "t"})
    assert response.status_code == 200
    assert [("priority/title", t.pk, 1, 5)] == CHANGE_CALLS
    CHANGE_CALLS.clear()
    await client.patch(f"/ticket/{t.pk}/", json={"status": "open"})  # unchanged
    assert CHANGE_CALLS == []
    await client.patch(f"/ticket/{t.pk}/", json={"status": "locked", "title": "u"})
    assert [
        ("status", t.pk, "open", "locked"),
        ("priority/title", t.pk, "t", "u"),
    ] == CHANGE_CALLS


async def test_old_values_come_from_the_row_the_update_loads(client, count_queries):
    t = await Ticket.objects.acreate(title="t")
    async with count_queries() as queries:
        response = await client.patch(f"/ticket/{t.pk}/", json={"status": "locked"})
    assert response.status_code == 200
    assert [("status", t.pk, "open", "locked")] == CHANGE_CALLS
    reads = [q for q in queries if q.startswith("SELECT") and "testapp_ticket" in q]
    assert len(reads) == 2  # the row the update loads, the row the response renders


async def test_in_transaction_conflict_rolls_the_write_back_with_409(client):
    t = await Ticket.objects.acreate(title="t", status="locked")
    response = await client.patch(f"/ticket/{t.pk}/", json={"status": "open", "priority": 3})
    assert response.status_code == 409
    assert response.json() == {"detail": "A locked ticket cannot change its status"}
    row = await Ticket.objects.aget(pk=t.pk)
    assert (row.status, row.priority) == ("locked", 1)
    assert CHANGE_CALLS == []  # the after-commit reactions never ran


async def test_in_transaction_validation_error_is_422_at_its_field(client):
    t = await Ticket.objects.acreate(title="t")
    response = await client.patch(f"/ticket/{t.pk}/", json={"status": "done"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "note"],
            "msg": "A done ticket needs a note",
            "type": "value_error",
        }
    ]
    assert (await Ticket.objects.aget(pk=t.pk)).status == "open"
    response = await client.patch(f"/ticket/{t.pk}/", json={"status": "done", "note": "fixed"})
    assert response.status_code == 200


async def test_a_failing_after_commit_reaction_is_logged_and_the_write_stands(client, caplog):
    t = await Ticket.objects.acreate(title="t")
    with caplog.at_level(logging.ERROR):
        response = await client.patch(f"/ticket/{t.pk}/", json={"note": "boom"})
    assert response.status_code == 200
    assert (await Ticket.objects.aget(pk=t.pk)).note == "boom"
    assert any("an after-commit reaction failed" in str(r.exc_info) for r in caplog.records)


async def test_on_delete_gets_the_row_with_its_key(client):
    t = await Ticket.objects.acreate(title="bye")
    assert (await client.delete(f"/ticket/{t.pk}/")).status_code == 204
    assert [("deleting", t.pk), ("deleted", t.pk, "bye")] == CHANGE_CALLS


async def test_in_transaction_delete_refusal_keeps_the_row(client):
    t = await Ticket.objects.acreate(title="keep")
    response = await client.delete(f"/ticket/{t.pk}/")
    assert response.status_code == 409
    assert await Ticket.objects.filter(pk=t.pk).aexists()
    assert [("deleting", t.pk)] == CHANGE_CALLS


async def test_put_runs_change_hooks(client):
    t = await Ticket.objects.acreate(title="t", status="open", priority=4)
    response = await client.put(f"/ticket/{t.pk}/", json={"title": "t", "status": "locked"})
    assert response.status_code == 200
    assert response.json()["priority"] == 1  # reset to its default
    assert [
        ("status", t.pk, "open", "locked"),
        ("priority/title", t.pk, 4, 1),
    ] == CHANGE_CALLS


async def test_bulk_items_run_change_hooks_per_row(client):
    response = await client.post("/ticket/bulk/", json=[{"title": "a"}, {"title": "b"}])
    assert response.status_code == 201
    a, b = (r["id"] for r in response.json())
    assert [("created", a, "a"), ("created", b, "b")] == CHANGE_CALLS
    CHANGE_CALLS.clear()
    payload = [{"id": a, "status": "locked"}, {"id": b, "priority": 2}]
    assert (await client.patch("/ticket/bulk/", json=payload)).status_code == 200
    assert [("status", a, "open", "locked"), ("priority/title", b, 1, 2)] == CHANGE_CALLS
    CHANGE_CALLS.clear()
    response = await client.delete("/ticket/bulk/", json={"ids": [a, b]})
    assert response.status_code == 204
    assert [
        ("deleting", a),
        ("deleting", b),
        ("deleted", a, "a"),
        ("deleted", b, "b"),
    ] == CHANGE_CALLS


async def test_an_in_transaction_refusal_of_one_bulk_item(client):
    tickets = [await Ticket.objects.acreate(title=f"t{i}") for i in range(3)]
    payload = [
        {"id": tickets[0].pk, "priority": 9},
        {"id": tickets[1].pk, "status": "done"},  # needs a note
        {"id": tickets[2].pk, "status": "done"},
    ]
    response = await client.patch("/ticket/bulk/", json=payload)
    assert response.status_code == 422
    assert [(e["index"], e["loc"]) for e in response.json()["detail"]] == [
        (1, ["body", "payload", 1, "note"]),
        (2, ["body", "payload", 2, "note"]),
    ]
    assert (await Ticket.objects.aget(pk=tickets[0].pk)).priority == 1
    assert CHANGE_CALLS == []
    response = await client.patch("/ticket-partial/bulk/", json=payload)
    assert [r["status"] for r in response.json()] == [200, 422, 422]
    assert (await Ticket.objects.aget(pk=tickets[0].pk)).priority == 9
    assert [("priority/title", tickets[0].pk, 1, 9)] == CHANGE_CALLS


async def test_serializer_change_hooks(client):
    response = await client.post("/parcel/", json={"label": "box"})
    pk = response.json()["id"]
    response = await client.patch(f"/parcel/{pk}/", json={"state": "sent"})
    assert response.json()["state"] == "sent"
    assert (await client.delete(f"/parcel/{pk}/")).status_code == 204
    assert [
        ("parcel created", pk),
        ("parcel state", pk, "new", "sent"),
        ("parcel deleted", pk),
    ] == CHANGE_CALLS
    assert not await Parcel.objects.aexists()


@pytest.mark.parametrize("name", ["nope", "tags", "comments"])
def test_on_change_of_a_field_it_cannot_watch_is_a_config_error(name):
    from tests.testapp.models import Article

    with pytest.raises(ConfigError, match="on_change"):

        class Watcher(Serializer):
            class Meta:
                model = Article

            @on_change(name)
            def changed(self, row, old, new, request):
                pass


def test_on_change_needs_field_names():
    with pytest.raises(ConfigError):
        on_change()
