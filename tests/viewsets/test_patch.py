"""PATCH writes only what was sent, so concurrent updates of different fields both survive."""

import asyncio

import httpx
import pytest
from django.core.asgi import get_asgi_application

from tests.testapp.models import Article, Note
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


async def test_patch_writes_only_the_fields_sent(client, count_queries):
    a = await f.article("only", body="keep me", views=3)
    async with count_queries() as queries:
        response = await client.patch(f"/article/{a.pk}/", json={"views": 4})
    assert response.status_code == 200
    update = [q for q in queries if q.startswith("UPDATE")]
    assert len(update) == 1
    assert '"views"' in update[0] and '"updated_at"' in update[0]
    assert '"title"' not in update[0] and '"body"' not in update[0]
    row = await Article.objects.aget(pk=a.pk)
    assert (row.views, row.body, row.title) == (4, "keep me", "only")
    assert row.updated_at > a.updated_at


async def test_patch_keeps_fields_a_hook_changed(client):
    note = await Note.objects.acreate(title="first title", slug="first-title")
    response = await client.patch(f"/notes/{note.pk}/", json={"title": "Second Title"})
    assert response.status_code == 200
    assert response.json()["slug"] == "second-title"
    assert (await Note.objects.aget(pk=note.pk)).slug == "second-title"


async def test_patch_of_m2m_only(client):
    (a,) = await f.rich_articles(1)
    response = await client.patch(f"/article/{a.pk}/", json={"tags": []})
    assert response.status_code == 200
    assert response.json()["tags"] == []
    assert await a.tags.acount() == 0


async def test_interleaved_patches_of_different_fields_both_survive(client, monkeypatch):
    """Request B commits while request A holds a stale copy of the row; A must not undo B."""
    note = await Note.objects.acreate(title="start", counter=0)
    fired = []

    async def before_save(self):
        if self.title == "from A" and not fired:
            fired.append(True)
            response_b = await client.patch(f"/notes/{note.pk}/", json={"counter": 7})
            assert response_b.status_code == 200
            assert response_b.json()["counter"] == 7

    monkeypatch.setattr(Note, "before_save", before_save)
    response_a = await client.patch(f"/notes/{note.pk}/", json={"title": "from A"})
    assert fired and response_a.status_code == 200
    row = await Note.objects.aget(pk=note.pk)
    assert (row.title, row.counter) == ("from A", 7)


@pytest.mark.postgresql  # concurrent transactions
async def test_truly_concurrent_patches_on_postgresql(settings, monkeypatch):
    """Two requests in their own threads and transactions, both past their read before either
    writes (a barrier in ``before_save``): both changes must be in the row afterwards."""
    settings.ROOT_URLCONF = "tests.viewsets.urls"
    note = await Note.objects.acreate(title="start", counter=0)
    barrier = asyncio.Barrier(2)

    async def before_save(self):
        await asyncio.wait_for(barrier.wait(), timeout=10)

    monkeypatch.setattr(Note, "before_save", before_save)
    transport = httpx.ASGITransport(app=get_asgi_application())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        first, second = await asyncio.gather(
            http.patch(f"/api/notes/{note.pk}/", json={"title": "from A"}),
            http.patch(f"/api/notes/{note.pk}/", json={"counter": 7}),
        )
    assert (first.status_code, second.status_code) == (200, 200)
    row = await Note.objects.aget(pk=note.pk)
    assert (row.title, row.counter) == ("from A", 7)
