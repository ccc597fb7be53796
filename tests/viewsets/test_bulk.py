"""Bulk routes: all-or-nothing batches, partial batches, hooks per row, limits, paths."""

import pytest
from django.db.models import signals
from ninja.testing import TestAsyncClient

from tests.testapp.models import HOOK_CALLS, Article, Country, Note, Tag
from tests.viewsets import apis_writes
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(apis_writes.api)


@pytest.fixture(autouse=True)
def _reset_calls():
    HOOK_CALLS.clear()
    yield
    HOOK_CALLS.clear()


def errors_of(response):
    """``(index, id, loc tail, type)`` of each error of a bulk 422."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail"}
    return [(e["index"], e["id"], tuple(e["loc"][3:]), e["type"]) for e in body["detail"]]


# -- create -------------------------------------------------------------------------------


async def test_bulk_create_writes_every_item_in_order(client):
    writer = await f.author("bulk")
    tags = [await Tag.objects.acreate(name=f"t{i}") for i in range(2)]
    payload = [
        {"title": "first", "author": writer.pk, "tags": [tags[0].pk, tags[1].pk]},
        {"title": "second", "author": writer.pk, "body": "text", "status": "review"},
    ]
    response = await client.post("/article/bulk/", json=payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert [a["title"] for a in body] == ["first", "second"]
    assert [a["tags"] for a in body] == [[{"id": t.pk, "name": t.name} for t in tags], []]
    assert body[1]["status"] == "review" and body[1]["body"] == "text"
    rows = [a async for a in Article.objects.order_by("pk")]
    assert [a.pk for a in rows] == [a["id"] for a in body]
    assert [t.pk async for t in rows[0].tags.order_by("pk")] == [t.pk for t in tags]


async def test_any_invalid_item_refuses_the_whole_batch_listing_each(client):
    writer = await f.author("bulk")
    payload = [
        {"title": "fine", "author": writer.pk},
        {"author": writer.pk},  # no title
        {"title": "x" * 201, "author": writer.pk, "typo": 1},
        "not an object",
        {"title": "ok", "author": 999999, "tags": [424242, writer.pk]},
    ]
    response = await client.post("/article/bulk/", json=payload)
    # Schema errors first (as for one row); the related keys of schema-valid items after.
    assert sorted(errors_of(response)) == [
        (1, None, ("title",), "missing"),
        (2, None, ("title",), "string_too_long"),
        (2, None, ("typo",), "extra_forbidden"),
        (3, None, (), "model_attributes_type"),
        (4, None, ("author",), "not_found"),
        (4, None, ("tags",), "not_found"),
    ]
    assert all(e["loc"][:3] == ["body", "payload", e["index"]] for e in response.json()["detail"])
    assert not await Article.objects.aexists()


async def test_bulk_insert_query_count_is_constant_in_batch_size(client, count_queries):
    writer = await f.author("bulk")
    tags = [await Tag.objects.acreate(name=f"t{i}") for i in range(3)]

    async def queries_for(n):
        payload = [
            {"title": f"a{i}", "author": writer.pk, "tags": [tags[i % 3].pk, tags[(i + 1) % 3].pk]}
            for i in range(n)
        ]
        async with count_queries() as queries:
            response = await client.post("/article/bulk/", json=payload)
        assert response.status_code == 201, response.content
        assert len(response.json()) == n
        return queries

    counts = {n: await queries_for(n) for n in (1, 10, 100)}
    for n, queries in counts.items():
        inserts = [q for q in queries if q.startswith("INSERT")]
        others = [q for q in queries if not q.startswith("INSERT")]
        assert len(others) == len([q for q in counts[1] if not q.startswith("INSERT")]), n
        # one INSERT per table: articles, their tags (SQLite splits 100 rows in two)
        assert len(inserts) == 2 if n <= 10 else 2 <= len(inserts) <= 4, (n, inserts)
    assert await Article.objects.acount() == 111


async def test_batch_limit_is_413_before_any_check(client):
    response = await client.post("/article/bulk/", json=[{}] * 101)
    assert response.status_code == 413
    assert response.json() == {"detail": "A batch holds at most 100 items; this one has 101"}
    response = await client.delete("/article/bulk/", json={"ids": list(range(101))})
    assert response.status_code == 413


async def test_bodies_that_are_not_batches_are_422(client):
    for path, body in (("/article/bulk/", {"title": "x"}), ("/tag/bulk/", "text")):
        response = await client.post(path, json=body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload"]
    for body in ([1, 2], {"ids": 3}, {"ids": [1], "more": 1}):
        response = await client.delete("/article/bulk/", json=body)
        assert response.status_code == 422, body
    response = await client.post("/article/bulk/", data=b"[{", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_empty_batch_writes_nothing(client):
    response = await client.post("/tag/bulk/", json=[])
    assert (response.status_code, response.json()) == (201, [])


async def test_unique_conflict_in_a_batch_is_409_and_nothing_written(client):
    await Tag.objects.acreate(name="taken")
    response = await client.post("/tag/bulk/", json=[{"name": "new"}, {"name": "taken"}])
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert [t.name async for t in Tag.objects.all()] == ["taken"]


# -- update ---------------------------------------------------------------------------------


async def test_bulk_update_writes_only_the_fields_sent_per_item(client):
    a = await f.article("one", body="keep", views=3)
    b = await f.article("two", body="keep too")
    payload = [{"id": b.pk, "views": 9}, {"id": a.pk, "title": "ONE"}]
    response = await client.patch("/article/bulk/", json=payload)
    assert response.status_code == 200, response.content
    assert [(r["id"], r["title"], r["views"]) for r in response.json()] == [
        (b.pk, "two", 9),
        (a.pk, "ONE", 3),
    ]
    row_a, row_b = await Article.objects.aget(pk=a.pk), await Article.objects.aget(pk=b.pk)
    assert (row_a.title, row_a.body, row_a.views) == ("ONE", "keep", 3)
    assert (row_b.title, row_b.body, row_b.views) == ("two", "keep too", 9)


async def test_bulk_update_refuses_unknown_and_duplicate_ids_touching_nothing(client):
    a = await f.article("one")
    payload = [
        {"id": a.pk, "title": "changed"},
        {"id": a.pk + 1000, "title": "ghost"},
        {"id": a.pk, "views": 1},
        {"title": "no id"},
        {"id": 2**62, "title": "huge"},
        {"id": -(2**63) - 1, "title": "out of range"},
    ]
    response = await client.patch("/article/bulk/", json=payload)
    assert sorted(errors_of(response))[:4] == [
        (1, a.pk + 1000, ("id",), "not_found"),
        (2, a.pk, ("id",), "duplicate"),
        (3, None, ("id",), "missing"),
        (4, 2**62, ("id",), "not_found"),
    ]
    assert sorted(errors_of(response))[4][::2] == (5, ("id",))
    assert (await Article.objects.aget(pk=a.pk)).title == "one"


# -- delete ---------------------------------------------------------------------------------


async def test_bulk_delete(client):
    rows = [await f.article(f"a{i}") for i in range(3)]
    response = await client.delete("/article/bulk/", json={"ids": [rows[0].pk, rows[2].pk]})
    assert response.status_code == 204
    assert [a.pk async for a in Article.objects.all()] == [rows[1].pk]


async def test_bulk_delete_with_an_unknown_id_deletes_nothing(client):
    a = await f.article()
    response = await client.delete("/article/bulk/", json={"ids": [a.pk, a.pk + 50, "x"]})
    assert sorted(errors_of(response)) == [
        (1, a.pk + 50, (1,), "not_found"),
        (2, "x", (2,), "int_parsing"),
    ]
    assert response.json()["detail"][0]["loc"][:3] == ["body", "payload", "ids"]
    assert await Article.objects.filter(pk=a.pk).aexists()


# -- partial batches (bulk_atomic = False) -------------------------------------------------


async def test_partial_batch_writes_what_it_can_and_reports_each_item(client):
    writer = await f.author("partial")
    payload = [
        {"title": "good", "author": writer.pk},
        {"title": "bad author", "author": 987654},
        {"title": 5},
    ]
    response = await client.post("/article-partial/bulk/", json=payload)
    assert response.status_code == 200, response.content
    results = response.json()
    created = await Article.objects.aget()
    assert [(r["index"], r["id"], r["status"]) for r in results] == [
        (0, created.pk, 201),
        (1, None, 422),
        (2, None, 422),
    ]
    assert results[0]["detail"] is None
    assert [e["loc"] for e in results[1]["detail"]] == [["body", "payload", 1, "author"]]
    assert {tuple(e["loc"]) for e in results[2]["detail"]} == {
        ("body", "payload", 2, "title"),
        ("body", "payload", 2, "author"),
    }


async def test_partial_update_and_delete_report_unknown_ids_as_404(client):
    a = await f.article("kept")
    response = await client.patch(
        "/article-partial/bulk/", json=[{"id": a.pk + 9, "title": "x"}, {"id": a.pk, "views": 2}]
    )
    assert response.status_code == 200
    assert [(r["id"], r["status"]) for r in response.json()] == [(a.pk + 9, 404), (a.pk, 200)]
    assert response.json()[0]["detail"] == "No Article matches the given query."
    assert (await Article.objects.aget(pk=a.pk)).views == 2
    response = await client.delete("/article-partial/bulk/", json={"ids": [a.pk, a.pk + 9]})
    assert [(r["id"], r["status"]) for r in response.json()] == [(a.pk, 204), (a.pk + 9, 404)]
    assert not await Article.objects.aexists()


async def test_partial_batch_conflict_is_that_items_409(client):
    await Tag.objects.acreate(name="taken")
    response = await client.post("/tag-partial/bulk/", json=[{"name": "new"}, {"name": "taken"}])
    assert response.status_code == 200
    results = response.json()
    assert [r["status"] for r in results] == [201, 409]
    assert results[1]["detail"].startswith("The request conflicts")
    assert sorted([t.name async for t in Tag.objects.all()]) == ["new", "taken"]


# -- hooks per row --------------------------------------------------------------------------


async def test_model_hooks_run_for_each_row(client):
    response = await client.post(
        "/notes/bulk/", json=[{"title": "One A", "labels": ["x"]}, {"title": "Two B"}]
    )
    assert response.status_code == 201, response.content
    assert [n["slug"] for n in response.json()] == ["one-a", "two-b"]
    per_row = ["on_create_before_save", "before_save"]
    after = ["on_create_after_save", "after_save"]
    assert [
        *per_row,
        *per_row,
        *after,
        ("custom_actions", {"labels": ["x"]}),
        *after,
        ("custom_actions", {"labels": []}),
        "post_create",
        "post_create",
    ] == HOOK_CALLS


async def test_a_hook_refusing_one_item_refuses_the_batch(client):
    response = await client.post("/notes/bulk/", json=[{"title": "fine"}, {"title": "refused"}])
    assert errors_of(response) == [(1, None, ("title",), "value_error")]
    assert not await Note.objects.aexists()
    assert "post_create" not in HOOK_CALLS


async def test_a_delete_hook_conflict_names_its_item_and_deletes_nothing(client):
    notes = [await Note.objects.acreate(title=t) for t in ("bye", "protected")]
    response = await client.delete("/notes/bulk/", json={"ids": [n.pk for n in notes]})
    assert response.status_code == 409
    assert response.json() == {"detail": "Item 1: This note is protected"}
    assert await Note.objects.acount() == 2


async def test_update_hooks_run_per_row(client):
    notes = [await Note.objects.acreate(title=t) for t in ("a", "b")]
    payload = [{"id": n.pk, "title": f"New {n.title}"} for n in notes]
    response = await client.patch("/notes/bulk/", json=payload)
    assert [n["slug"] for n in response.json()] == ["new-a", "new-b"]
    assert HOOK_CALLS.count("before_save") == 2 and HOOK_CALLS.count("after_save") == 2


async def test_save_receivers_get_one_save_per_row(client):
    """A ``pre_save`` receiver needs real saves: the batch falls back to one insert per row."""
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.name)

    signals.pre_save.connect(receiver, sender=Tag)
    try:
        response = await client.post("/tag/bulk/", json=[{"name": "a"}, {"name": "b"}])
    finally:
        signals.pre_save.disconnect(receiver, sender=Tag)
    assert response.status_code == 201
    assert seen == ["a", "b"]
    assert [t["name"] for t in response.json()] == ["a", "b"]


# -- paths ----------------------------------------------------------------------------------


async def test_bulk_path_wins_over_string_keys(client):
    response = await client.post("/country/bulk/", json=[{"code": "fr", "name": "France"}])
    assert response.status_code == 201
    response = await client.patch("/country/bulk", json=[{"id": "fr", "name": "La France"}])
    assert response.status_code == 200, response.content
    assert (await client.get("/country/fr")).json() == {"code": "fr", "name": "La France"}
    response = await client.delete("/country/bulk/", json={"ids": ["fr"]})
    assert response.status_code == 204
    assert not await Country.objects.aexists()


async def test_viewsets_without_bulk_operations_have_no_bulk_routes():
    from tests.viewsets.apis import api

    client = TestAsyncClient(api)
    response = await client.post("/article/bulk/", json=[])  # the viewset's JSON 404 / 405
    assert response.status_code in (404, 405)
    assert "detail" in response.json()
    assert "/api/article/bulk/" not in api.get_openapi_schema(path_prefix="/api/")["paths"]


def test_openapi_documents_the_bulk_routes_and_bodies():
    schema = apis_writes.api.get_openapi_schema(path_prefix="/")
    path = schema["paths"]["/article/bulk/"]
    assert set(path) == {"post", "patch", "delete"}
    ref = "#/components/schemas/"

    def body(method):
        return path[method]["requestBody"]["content"]["application/json"]["schema"]

    assert body("post") == {
        "items": {"$ref": f"{ref}ArticleCreate"},
        "title": "Payload",
        "type": "array",
    }
    item = body("patch")["items"]["$ref"].removeprefix(ref)
    assert "id" in schema["components"]["schemas"][item]["required"]
    assert body("delete")["properties"]["ids"]["items"] == {
        "type": "integer",
        "minimum": -(2**63),
        "maximum": 2**63 - 1,
    }
    statuses = {m: set(map(str, path[m]["responses"])) for m in path}
    assert statuses == {
        "post": {"201", "409", "413", "422"},
        "patch": {"200", "409", "413", "422"},
        "delete": {"204", "409", "413", "422"},
    }
    error = path["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert error == {"$ref": f"{ref}BulkErrorBody"}
    partial = schema["paths"]["/article-partial/bulk/"]["post"]["responses"]
    assert set(map(str, partial)) == {"200", "413", "422"}
    items = partial["200"]["content"]["application/json"]["schema"]["items"]
    assert items == {"$ref": f"{ref}BulkOutcome"}
