"""Soft delete through HTTP: DELETE marks, every read and write hides marked rows,
``restore`` and ``?hard=true``, the unique-constraint interplay, and the config checks."""

import pytest
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models import DELETE_CALLS, Sticker, Story, Tenant
from tests.viewsets import apis_perm
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(apis_perm.api)


@pytest.fixture(autouse=True)
def _reset():
    DELETE_CALLS.clear()
    yield
    DELETE_CALLS.clear()


@pytest.fixture
async def world(user):
    a = await Tenant.objects.acreate(name="A")
    posts = [
        await Story.objects.acreate(title=f"p{i}", slug=f"p{i}", author=user, tenant=a)
        for i in range(3)
    ]
    return {
        "a": a,
        "posts": posts,
        "headers": bearer(make_token(user, tenant_id=a.pk, roles=["editor"])),
    }


async def _listed(client, headers, path="/story/"):
    return [p["id"] for p in (await client.get(path, headers=headers)).json()["items"]]


async def test_delete_marks_the_row_and_every_route_hides_it(client, world):
    headers, (gone, kept, other) = world["headers"], world["posts"]
    response = await client.delete(f"/story/{gone.pk}/", headers=headers)
    assert response.status_code == 204
    row = await Story.objects.aget(pk=gone.pk)
    assert row.deleted_at is not None  # still stored, marked
    # the on_delete hook ran, and the @on_delete change hook after the commit
    assert [gone.pk, ("on_delete reaction", gone.pk)] == DELETE_CALLS
    assert await _listed(client, headers) == [kept.pk, other.pk]
    put = {"title": "x", "slug": "x", "author": None, "tenant": world["a"].pk}
    statuses = [
        (await client.get(f"/story/{gone.pk}", headers=headers)).status_code,
        (
            await client.patch(f"/story/{gone.pk}/", json={"title": "x"}, headers=headers)
        ).status_code,
        (await client.put(f"/story/{gone.pk}/", json=put, headers=headers)).status_code,
        (await client.delete(f"/story/{gone.pk}/", headers=headers)).status_code,
        (await client.post(f"/story/{gone.pk}/publish/", headers=headers)).status_code,
    ]
    assert statuses == [404] * 5
    response = await client.patch(
        "/story/bulk/", json=[{"id": kept.pk, "title": "k"}, {"id": gone.pk}], headers=headers
    )
    assert response.status_code == 422
    assert [(e["index"], e["type"]) for e in response.json()["detail"]] == [(1, "not_found")]
    response = await client.delete("/story/bulk/", json={"ids": [gone.pk]}, headers=headers)
    assert response.status_code == 422
    assert (await Story.objects.aget(pk=kept.pk)).title == "p1"
    assert [gone.pk, ("on_delete reaction", gone.pk)] == DELETE_CALLS


async def test_restore_brings_the_row_back(client, world):
    headers, post = world["headers"], world["posts"][0]
    await client.delete(f"/story/{post.pk}/", headers=headers)
    response = await client.post(f"/story/{post.pk}/restore/", headers=headers)
    assert response.status_code == 200
    assert response.json()["id"] == post.pk
    assert (await Story.objects.aget(pk=post.pk)).deleted_at is None
    assert DELETE_CALLS[-1] == ("deleted_at", post.pk, False, True)  # @on_change saw it
    assert (await client.get(f"/story/{post.pk}", headers=headers)).status_code == 200
    # restoring a live row changes nothing
    calls = len(DELETE_CALLS)
    response = await client.post(f"/story/{post.pk}/restore/", headers=headers)
    assert response.status_code == 200
    assert len(DELETE_CALLS) == calls
    missing = await client.post(f"/story/{post.pk + 1000}/restore/", headers=headers)
    assert missing.status_code == 404


async def test_hard_delete_removes_live_and_marked_rows(client, world):
    headers, (live, marked, _) = world["headers"], world["posts"]
    await client.delete(f"/story/{marked.pk}/", headers=headers)
    for post in (live, marked):
        response = await client.delete(f"/story/{post.pk}/?hard=true", headers=headers)
        assert response.status_code == 204
        assert not await Story.objects.filter(pk=post.pk).aexists()
    response = await client.delete(f"/story/{live.pk}/?hard=true", headers=headers)
    assert response.status_code == 404
    response = await client.delete(f"/story/{live.pk}/?hard=maybe", headers=headers)
    assert response.status_code == 422


async def test_bulk_delete_marks_rows(client, world):
    headers, posts = world["headers"], world["posts"]
    ids = [p.pk for p in posts[:2]]
    response = await client.delete("/story/bulk/", json={"ids": ids}, headers=headers)
    assert response.status_code == 204
    assert await Story.objects.filter(pk__in=ids, deleted_at__isnull=False).acount() == 2
    assert sorted(c for c in DELETE_CALLS if isinstance(c, int)) == ids
    assert await _listed(client, headers) == [posts[2].pk]
    response = await client.delete(
        "/post-partial/bulk/", json={"ids": [posts[0].pk, posts[2].pk]}, headers=headers
    )
    assert [(o["id"], o["status"]) for o in response.json()] == [
        (posts[0].pk, 404),
        (posts[2].pk, 204),
    ]
    assert (await Story.objects.aget(pk=posts[2].pk)).deleted_at is not None


async def test_unique_rule_on_live_rows_only(client, world):
    """The conditional UniqueConstraint: a deleted post's slug is free again; restoring it
    while a live post holds the slug is a 409, and nothing changes."""
    headers, post = world["headers"], world["posts"][0]
    body = {"title": "again", "slug": post.slug, "author": post.author_id, "tenant": world["a"].pk}
    response = await client.post("/story/", json=body, headers=headers)
    assert response.status_code == 409
    await client.delete(f"/story/{post.pk}/", headers=headers)
    response = await client.post("/story/", json=body, headers=headers)
    assert response.status_code == 201
    response = await client.post(f"/story/{post.pk}/restore/", headers=headers)
    assert response.status_code == 409
    assert response.json()["detail"]
    assert (await Story.objects.aget(pk=post.pk)).deleted_at is not None


async def test_boolean_flag_field(client):
    one = await Sticker.objects.acreate(name="one")
    two = await Sticker.objects.acreate(name="two")
    assert (await client.delete(f"/sticker/{one.pk}/")).status_code == 204
    assert (await Sticker.objects.aget(pk=one.pk)).removed is True
    assert await _listed(client, {}, "/sticker/") == [two.pk]
    assert (await client.get(f"/sticker/{one.pk}")).status_code == 404
    restored = await client.post(f"/sticker/{one.pk}/restore/")
    assert restored.json() == {"id": one.pk, "name": "one"}
    assert await _listed(client, {}, "/sticker/") == [one.pk, two.pk]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("gone", "not a field of Story"),
        ("title", "must be a nullable DateTimeField or a BooleanField, not CharField"),
        ("tenant", "not ForeignKey"),
    ],
)
def test_bad_soft_delete_field_is_a_config_error_at_class_creation(field, message):
    with pytest.raises(ConfigError, match=message):

        class Broken(APIViewSet):
            model = Story
            api = NinjaAIO(urls_namespace="soft-broken")
            soft_delete_field = field


def test_not_null_datetime_is_refused():
    with pytest.raises(ConfigError, match=r"Sticker must be .*\(not null\)"):

        class Broken(APIViewSet):
            model = Sticker
            api = NinjaAIO(urls_namespace="soft-broken-dt")
            soft_delete_field = "made_at"


def test_openapi_shows_restore_and_hard():
    paths = apis_perm.api.get_openapi_schema(path_prefix="/")["paths"]
    delete = paths["/story/{id}/"]["delete"]
    # the conditional-request headers too: both routes honour them (see test_soft_conditional)
    assert [p["name"] for p in delete["parameters"]] == ["id", "hard", "If-Match", "If-None-Match"]
    assert {"204", "401", "403", "404", "409", "412"} <= set(delete["responses"])
    restore = paths["/story/{id}/restore/"]["post"]
    assert {"200", "401", "403", "404", "409", "412"} <= set(restore["responses"])
    assert restore["operationId"] == "story_restore"
