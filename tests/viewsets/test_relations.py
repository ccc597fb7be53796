"""Relation routes (issue 9, item 3): listing and changing a to-many relation over HTTP."""

import pytest
from django.db import IntegrityError
from django.db.models.signals import m2m_changed
from ninja import NinjaAPI
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio.views import APIViewSet
from tests.testapp.models import Article, Comment, Note, NoteLabel, Permission, Role, Tag
from tests.viewsets import apis_relations
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(apis_relations.api)


async def tags(n, prefix="t"):
    return [await Tag.objects.acreate(name=f"{prefix}{i}") for i in range(n)]


async def linked(article):
    return sorted([pk async for pk in article.tags.values_list("pk", flat=True)])


# -- GET ------------------------------------------------------------------------------------


async def test_list_pages_through_the_related_rows_with_their_read_schema(client):
    article, other = await f.article("a"), await f.article("b")
    t = await tags(3)
    await article.tags.aset(t)
    await other.tags.aset([await Tag.objects.acreate(name="elsewhere")])
    first = await client.get(f"/article/{article.pk}/tags/")
    assert first.status_code == 200
    assert first.json() == {
        "items": [{"id": t[0].pk, "name": "t0"}, {"id": t[1].pk, "name": "t1"}],
        "count": 3,
    }  # page_size = 2, the viewset's pagination
    second = await client.get(f"/article/{article.pk}/tags/?page=2")
    assert second.json() == {"items": [{"id": t[2].pk, "name": "t2"}], "count": 3}
    assert (await client.get(f"/article/{article.pk}/tags/?page=0")).status_code == 422


async def test_reverse_relations_are_listed_too(client):
    article = await f.article("a")
    await article.tags.aset(await tags(1))
    comment = await Comment.objects.acreate(article=article, text="hi")
    response = await client.get(f"/article/{article.pk}/comments/")
    assert response.json()["count"] == 1
    (item,) = response.json()["items"]
    assert (item["id"], item["text"], item["article"]["id"]) == (comment.pk, "hi", article.pk)
    tag = (await Tag.objects.aget()).pk
    response = await client.get(f"/tag/{tag}/articles/")
    assert [a["id"] for a in response.json()["items"]] == [article.pk]
    assert response.json()["items"][0]["title"] == "a"  # Article's read schema


async def test_related_rows_without_serializer_serve_only_their_key(client):
    role = await Role.objects.acreate(name="r")
    perm = await Permission.objects.acreate(code="secret-code")
    await role.permissions.aadd(perm)
    response = await client.get(f"/role/{role.pk}/permissions/")
    assert response.status_code == 200
    assert response.json() == [{"id": perm.pk}]  # pagination_class = None: a plain list


async def test_unknown_parent_is_404_for_both_routes(client):
    for path in ("/article/999999/tags/", "/article/abc/tags/", "/article/999999/tags"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"detail"}
    response = await client.post("/article/999999/tags/", json={"add": []})
    assert response.status_code == 404


async def test_list_costs_the_same_queries_whatever_the_page_size(client, count_queries):
    article = await f.article("a")
    await article.tags.aset(await tags(12))
    comment_article = await f.article("b")
    for i in range(12):
        await Comment.objects.acreate(article=comment_article, text=f"c{i}")
    counts = {}
    for size in (2, 12):
        async with count_queries() as queries:
            response = await client.get(f"/article/{article.pk}/tags/?page_size={size}")
        assert len(response.json()["items"]) == size
        counts[size] = len(queries)
    assert counts[2] == counts[12]
    counts = {}
    for size in (2, 12):  # related rows that render relations of their own
        async with count_queries() as queries:
            response = await client.get(f"/tag/{(await Tag.objects.afirst()).pk}/articles/")
        counts[size] = len(queries)
    assert counts[2] == counts[12]


# -- POST -----------------------------------------------------------------------------------


async def test_add_and_remove_answer_what_was_done_and_what_was_refused(client):
    article = await f.article("a")
    t = await tags(5)
    await article.tags.aset([t[0], t[1]])
    body = {
        "add": [t[2].pk, t[3].pk, t[2].pk, t[0].pk, 999999, t[4].pk],
        "remove": [t[1].pk, t[3].pk, 888888],
    }
    response = await client.post(f"/article/{article.pk}/tags/", json=body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["added"] == [t[2].pk, t[4].pk]
    assert answer["removed"] == [t[1].pk]
    assert sorted(answer["refused"], key=lambda r: (r["id"], r["reason"])) == sorted(
        [
            {"id": t[3].pk, "reason": "in both add and remove"},
            {"id": t[3].pk, "reason": "in both add and remove"},
            {"id": t[2].pk, "reason": "duplicate"},
            {"id": t[0].pk, "reason": "already related"},
            {"id": 999999, "reason": "not found"},
            {"id": 888888, "reason": "not found"},
        ],
        key=lambda r: (r["id"], r["reason"]),
    )
    assert await linked(article) == sorted([t[0].pk, t[2].pk, t[4].pk])
    response = await client.post(f"/article/{article.pk}/tags/", json={"remove": [t[1].pk]})
    assert response.json() == {
        "added": [],
        "removed": [],
        "refused": [{"id": t[1].pk, "reason": "not related"}],
    }


async def test_reverse_many_to_many_is_changed_from_the_other_side(client):
    a, b = await f.article("a"), await f.article("b")
    (tag,) = await tags(1)
    await a.tags.aadd(tag)
    response = await client.post(f"/tag/{tag.pk}/articles/", json={"add": [b.pk], "remove": [a.pk]})
    assert response.json() == {"added": [b.pk], "removed": [a.pk], "refused": []}
    assert await linked(a) == [] and await linked(b) == [tag.pk]


async def test_reverse_foreign_key_add_moves_rows_remove_needs_a_nullable_key(client):
    a, b = await f.article("a"), await f.article("b")
    comment = await Comment.objects.acreate(article=b, text="moved")
    response = await client.post(f"/article/{a.pk}/comments/", json={"add": [comment.pk]})
    assert response.json() == {"added": [comment.pk], "removed": [], "refused": []}
    assert (await Comment.objects.aget(pk=comment.pk)).article_id == a.pk
    response = await client.post(f"/article/{a.pk}/comments/", json={"remove": [comment.pk]})
    assert response.status_code == 200
    (refusal,) = response.json()["refused"]
    assert refusal["id"] == comment.pk
    assert "Comment.article cannot be empty" in refusal["reason"]
    assert (await Comment.objects.aget(pk=comment.pk)).article_id == a.pk


async def test_nullable_reverse_foreign_key_is_unlinked(client):
    note = await Note.objects.acreate(title="n")
    label = await NoteLabel.objects.acreate(note=None, label="x")
    response = await client.post(f"/note/{note.pk}/labels/", json={"add": [label.pk]})
    assert response.json()["added"] == [label.pk]
    listing = await client.get(f"/note/{note.pk}/labels/")
    assert listing.json() == {"items": [{"id": label.pk}], "count": 1}  # no serializer: the key
    response = await client.post(f"/note/{note.pk}/labels/", json={"remove": [label.pk]})
    assert response.json()["removed"] == [label.pk]
    assert (await NoteLabel.objects.aget(pk=label.pk)).note_id is None


async def test_changes_apply_in_one_transaction(client):
    """A failure while removing (after the adds ran) leaves nothing written: a 409."""
    article = await f.article("a")
    t = await tags(2)
    await article.tags.aadd(t[0])

    def refuse(sender, action, **kwargs):
        if action == "pre_remove":
            raise IntegrityError("refused by a receiver")

    m2m_changed.connect(refuse, sender=Article.tags.through)
    try:
        response = await client.post(
            f"/article/{article.pk}/tags/", json={"add": [t[1].pk], "remove": [t[0].pk]}
        )
    finally:
        m2m_changed.disconnect(refuse, sender=Article.tags.through)
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert await linked(article) == [t[0].pk]  # the add was rolled back


BAD_BODIES = [
    ({"add": [1], "extra": 1}, ["body", "payload", "extra"]),
    ({"add": "1"}, ["body", "payload", "add"]),
    ({"add": ["x"]}, ["body", "payload", "add", 0]),
    ({"remove": [1, 2**63]}, ["body", "payload", "remove", 1]),
    ({"add": [None]}, ["body", "payload", "add", 0]),
    ([1, 2], ["body", "payload"]),
    ("add", ["body", "payload"]),
]


@pytest.mark.parametrize(("body", "loc"), BAD_BODIES)
async def test_bodies_are_strict(client, body, loc):
    article = await f.article("a")
    await article.tags.aset(await tags(1))
    response = await client.post(f"/article/{article.pk}/tags/", json=body)
    assert response.status_code == 422, response.content
    assert loc in [e["loc"] for e in response.json()["detail"]]
    assert await linked(article) != []


async def test_bodies_are_bounded_by_bulk_max_items(client):
    article = await f.article("a")
    response = await client.post(
        f"/article/{article.pk}/tags/", json={"add": list(range(6)), "remove": list(range(5))}
    )
    assert response.status_code == 413  # bulk_max_items = 10, before any id is parsed
    assert set(response.json()) == {"detail"}
    response = await client.post(f"/article/{article.pk}/tags/", json={"add": ["x"] * 11})
    assert response.status_code == 413
    response = await client.post(f"/article/{article.pk}/tags/", json={})
    assert response.json() == {"added": [], "removed": [], "refused": []}


async def test_change_costs_a_bounded_number_of_queries(client, count_queries):
    article = await f.article("a")
    t = await tags(24)
    counts = {}
    for n, start in ((1, 0), (5, 4)):  # up to bulk_max_items = 10 ids
        old, new = t[start : start + n], t[start + 10 : start + 10 + n]
        await article.tags.aset(old)
        async with count_queries() as queries:
            response = await client.post(
                f"/article/{article.pk}/tags/",
                json={"add": [x.pk for x in new], "remove": [x.pk for x in old]},
            )
        assert len(response.json()["added"]) == len(response.json()["removed"]) == n
        counts[n] = len(queries)
    assert counts[1] == counts[5]


# -- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"relations": ["nope"]}, "Article.nope is not a field"),
        ({"relations": ["author"]}, "Article.author is a ForeignKey, not a to-many relation"),
        ({"relations": ["title"]}, "is a CharField, not a to-many relation"),
        ({"relations": ["tags"], "relation_auth": {"comments": None}}, "undeclared relations"),
        ({"relations": "tags"}, "not a string"),
    ],
)
def test_relations_are_checked_when_the_viewset_is_built(attrs, message):
    viewset = type("Broken", (APIViewSet,), {"model": Article, "api": NinjaAPI(), **attrs})
    with pytest.raises(ConfigError, match=message):
        viewset()


def test_openapi_documents_both_routes():
    schema = apis_relations.api.get_openapi_schema(path_prefix="")
    route = schema["paths"]["/article/{id}/tags/"]
    assert route["get"]["operationId"] == "article_tags_list"
    assert route["post"]["operationId"] == "article_tags_change"
    assert {"200", "404", "422"} <= set(route["get"]["responses"])
    assert {"200", "404", "409", "413", "422"} <= set(route["post"]["responses"])
    page = route["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in page
    items = schema["components"]["schemas"][page["$ref"].split("/")[-1]]["properties"]["items"]
    assert items["items"]["$ref"].endswith("/TagRead")
    body = route["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"add", "remove"}
    assert body["additionalProperties"] is False
    assert body["properties"]["add"]["items"]["type"] == "integer"
    answer = route["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    answer = schema["components"]["schemas"][answer["$ref"].split("/")[-1]]
    assert set(answer["properties"]) == {"added", "removed", "refused"}


async def test_a_viewset_without_update_gets_no_change_route(client):
    (tag,) = await tags(1)
    article = await f.article("a")
    await article.tags.aadd(tag)
    response = await client.get(f"/tag-read-only/{tag.pk}/articles/")
    assert [a["id"] for a in response.json()["items"]] == [article.pk]
    response = await client.post(f"/tag-read-only/{tag.pk}/articles/", json={"remove": [1]})
    assert response.status_code == 405
    assert await linked(article) == [tag.pk]
