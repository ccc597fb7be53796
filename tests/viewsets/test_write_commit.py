"""A write answers success exactly when it committed: nothing runs against the database after."""

import logging

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connection, transaction
from django.db.models.signals import post_save

from tests.testapp.models import Article, Note, Tag
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def connection_lost_after_commit():
    """Once ``armed``, every statement after the commit of a write of an ``Article`` fails,
    as if the database went away right then (a restart, a killed connection)."""
    state = {"armed": False, "committed": False, "refused": 0}

    def lose(execute, sql, params, many, context):
        if state["committed"]:
            state["refused"] += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    def on_save(sender, **kwargs):
        if state["armed"]:
            transaction.on_commit(lambda: state.update(committed=True))

    def install() -> None:  # on the async ORM's thread, whose connection writes run on
        connection.execute_wrappers.append(lose)

    def remove() -> None:
        connection.execute_wrappers.remove(lose)

    post_save.connect(on_save, sender=Article)
    await sync_to_async(install)()
    try:
        yield state
    finally:
        await sync_to_async(remove)()
        post_save.disconnect(on_save, sender=Article)


async def test_create_answers_201_when_the_connection_drops_after_commit(
    client, connection_lost_after_commit
):
    writer = await f.author()
    tag = await Tag.objects.acreate(name="t")
    body = {"title": "kept", "author": writer.pk, "tags": [tag.pk]}
    connection_lost_after_commit["armed"] = True
    response = await client.post("/article/", json=body)
    assert connection_lost_after_commit == {"armed": True, "committed": True, "refused": 0}
    assert response.status_code == 201
    created = response.json()
    assert (created["title"], created["tags"]) == ("kept", [{"id": tag.pk, "name": "t"}])
    assert created["author"]["id"] == writer.pk
    connection_lost_after_commit.update(armed=False, committed=False)
    stored = await Article.objects.aget(pk=created["id"])
    assert stored.title == "kept"


async def test_update_answers_200_when_the_connection_drops_after_commit(
    client, connection_lost_after_commit
):
    article = await f.article("before")
    connection_lost_after_commit["armed"] = True
    response = await client.patch(f"/article/{article.pk}/", json={"title": "after"})
    assert connection_lost_after_commit == {"armed": True, "committed": True, "refused": 0}
    assert response.status_code == 200
    assert response.json()["title"] == "after"


async def test_a_failing_post_create_hook_is_logged_not_answered(client, monkeypatch, caplog):
    def broken(self):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(Note, "post_create", broken)
    with caplog.at_level(logging.ERROR, logger="ninja_aio.models.writes"):
        response = await client.post("/notes/", json={"title": "stored"})
    assert response.status_code == 201
    assert await Note.objects.filter(pk=response.json()["id"], title="stored").aexists()
    assert "post_create of Note" in caplog.text


def _statements(queries):
    """The SQL statements, without transaction control (SQLite logs its ``BEGIN``)."""
    return [q for q in queries if not q.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]


async def test_create_and_update_statements(client, count_queries):
    """Create and update cost no more statements than before the response moved into the
    transaction, and create one fewer per M2M (a new row has no links to read)."""
    writer = await f.author()
    tags = [await Tag.objects.acreate(name=f"t{i}") for i in range(2)]
    body = {"title": "counted", "author": writer.pk, "tags": [t.pk for t in tags]}
    async with count_queries() as created:
        response = await client.post("/article/", json=body)
    assert response.status_code == 201
    pk = response.json()["id"]
    # author exists, tags exist, INSERT row, INSERT links, then the response: row with its
    # author joined + tags + comments.
    assert len(_statements(created)) == 7, "\n".join(created)
    async with count_queries() as updated:
        response = await client.patch(f"/article/{pk}/", json={"title": "again"})
    assert response.status_code == 200
    # SELECT row, UPDATE row, then the response (row + tags + comments).
    assert len(_statements(updated)) == 5, "\n".join(updated)
