"""Lifecycle hooks: order, sync and async, customs, and the transaction around them."""

import pytest

from tests.testapp.models import HOOK_CALLS, Note, NoteLabel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reset_calls():
    HOOK_CALLS.clear()
    yield
    HOOK_CALLS.clear()


async def test_create_runs_hooks_in_order(client):
    response = await client.post("/notes/", json={"title": "Hello World", "labels": ["x", "y"]})
    assert response.status_code == 201
    assert response.json()["slug"] == "hello-world"
    assert HOOK_CALLS == [
        "on_create_before_save",
        "before_save",
        "on_create_after_save",
        "after_save",
        ("custom_actions", {"labels": ["x", "y"]}),
        "post_create",
    ]
    labels = [n.label async for n in NoteLabel.objects.filter(note_id=response.json()["id"])]
    assert sorted(labels) == ["x", "y"]


async def test_update_runs_update_hooks_only(client):
    note = await Note.objects.acreate(title="n")
    response = await client.patch(f"/notes/{note.pk}/", json={"counter": 2})
    assert response.status_code == 200
    assert HOOK_CALLS == ["before_save", "after_save", ("custom_actions", {"labels": []})]


async def test_validation_error_in_hook_is_422_at_its_field(client):
    response = await client.post("/notes/", json={"title": "refused"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "title"]
    assert not await Note.objects.aexists()


async def test_failure_after_save_rolls_everything_back(client):
    response = await client.post("/notes/", json={"title": "fails after save", "labels": ["z"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload"]
    assert not await Note.objects.aexists()
    assert not await NoteLabel.objects.aexists()
    assert "post_create" not in HOOK_CALLS


async def test_delete_hook_runs_in_the_transaction(client):
    note = await Note.objects.acreate(title="bye")
    await NoteLabel.objects.acreate(note=note, label="keep")
    assert (await client.delete(f"/notes/{note.pk}/")).status_code == 204
    assert HOOK_CALLS == ["on_delete"]
    assert [n.label async for n in NoteLabel.objects.all()] == ["deleted"]

    protected = await Note.objects.acreate(title="protected")
    label = await NoteLabel.objects.acreate(note=protected, label="original")
    response = await client.delete(f"/notes/{protected.pk}/")
    assert response.status_code == 409
    assert response.json() == {"detail": "This note is protected"}
    assert await Note.objects.filter(pk=protected.pk).aexists()
    assert (await NoteLabel.objects.aget(pk=label.pk)).label == "original"


async def test_sync_hook_of_a_serializer_class(client):
    from tests.testapp.models import Author

    writer = await Author.objects.acreate(name="B")
    payload = {"title": "  padded  ", "isbn": "9781234567890", "author": writer.pk}
    response = await client.post("/book/", json=payload)
    assert response.status_code == 201
    assert response.json()["title"] == "padded"
    assert response.json()["author"] == {"id": writer.pk, "name": "B", "email": ""}


async def test_custom_actions_of_the_guide_model(client):
    from tests.testapp.models import Comment
    from tests.viewsets import factories as f

    writer = await f.author("Notifier")
    response = await client.post(
        "/article/", json={"title": "n", "author": writer.pk, "notify": True}
    )
    assert response.status_code == 201
    assert [c["text"] for c in response.json()["comments"]] == ["notified"]
    pk = response.json()["id"]
    response = await client.patch(f"/article/{pk}/", json={"touch_note": "touched"})
    assert [c["text"] for c in response.json()["comments"]] == ["notified", "touched"]
    assert await Comment.objects.filter(article_id=pk).acount() == 2
