"""A viewset that overrides ``get_queryset`` narrows its writes too: PATCH, PUT, DELETE,
bulk update and bulk delete, soft delete, restore and hard delete reach only the rows it
returns (a 404 otherwise, nothing written), and a write cannot move a row out of them."""

import pytest
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models import Tag
from tests.testapp.models_cond import Release

pytestmark = pytest.mark.django_db(transaction=True)

api = NinjaAIO(urls_namespace="narrowed-writes")
BULK = ("create", "update", "delete")


class PublicOnly:
    """Rows whose name (or title) starts with "pub"."""

    field = "name"

    async def get_queryset(self, request):
        queryset = await super().get_queryset(request)
        return queryset.filter(**{f"{self.field}__startswith": "pub"})


@api.viewset(Tag, bulk_operations=BULK)
class NarrowTags(PublicOnly, APIViewSet):
    pass


@api.viewset(Tag, api_route_path="tag-items", bulk_operations=BULK, bulk_atomic=False)
class NarrowTagsItemByItem(PublicOnly, APIViewSet):
    pass


@api.viewset(Release, api_route_path="release-soft", soft_delete_field="published")
class NarrowSoftReleases(PublicOnly, APIViewSet):
    field = "title"


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


@pytest.mark.parametrize("base", ["/tag", "/tag-items"])
async def test_hidden_rows_are_404_on_every_write(client, base):
    hidden = await Tag.objects.acreate(name="secret")
    shown = await Tag.objects.acreate(name="pub-one")
    path = f"{base}/{hidden.pk}/"
    assert (await client.get(f"{base}/{hidden.pk}")).status_code == 404
    assert (await client.patch(path, json={"name": "pub-x"})).status_code == 404
    assert (await client.put(path, json={"name": "pub-x"})).status_code == 404
    assert (await client.delete(path)).status_code == 404
    for method, body in (
        ("patch", [{"id": hidden.pk, "name": "pub-y"}]),
        ("delete", {"ids": [hidden.pk]}),
    ):
        response = await getattr(client, method)(f"{base}/bulk/", json=body)
        if base == "/tag":  # all or nothing: the batch is refused at the hidden row
            assert response.status_code == 422, response.content
            assert response.json()["detail"][0]["type"] == "not_found"
        else:  # item by item: that item's outcome
            assert response.status_code == 200
            assert [o["status"] for o in response.json()] == [404]
    assert (await Tag.objects.aget(pk=hidden.pk)).name == "secret"
    # the rows it shows are written as usual
    response = await client.patch(f"{base}/{shown.pk}/", json={"name": "pub-two"})
    assert response.status_code == 200 and response.json()["name"] == "pub-two"
    response = await client.patch(f"{base}/bulk/", json=[{"id": shown.pk, "name": "pub-3"}])
    assert response.status_code == 200, response.content
    assert (await client.delete(f"{base}/{shown.pk}/")).status_code == 204
    assert not await Tag.objects.filter(pk=shown.pk).aexists()


async def test_a_write_cannot_move_its_row_out_of_the_rows_shown(client):
    shown = await Tag.objects.acreate(name="pub-one")
    response = await client.patch(f"/tag/{shown.pk}/", json={"name": "secret"})
    assert response.status_code == 403
    response = await client.patch("/tag/bulk/", json=[{"id": shown.pk, "name": "secret"}])
    assert response.status_code == 403
    assert (await Tag.objects.aget(pk=shown.pk)).name == "pub-one"


async def test_soft_delete_restore_and_hard_delete_follow_the_narrowing(client):
    hidden = await Release.objects.acreate(title="secret")
    shown = await Release.objects.acreate(title="pub")
    for path in (f"/release-soft/{hidden.pk}/", f"/release-soft/{hidden.pk}/?hard=true"):
        assert (await client.delete(path)).status_code == 404
    assert (await client.post(f"/release-soft/{hidden.pk}/restore/")).status_code == 404
    assert (await Release.objects.aget(pk=hidden.pk)).published is None
    # a shown row: marked, then restored (marked rows are reachable there), then removed
    assert (await client.delete(f"/release-soft/{shown.pk}/")).status_code == 204
    assert (await client.get(f"/release-soft/{shown.pk}")).status_code == 404
    assert (await client.delete(f"/release-soft/{shown.pk}/")).status_code == 404
    restored = await client.post(f"/release-soft/{shown.pk}/restore/")
    assert restored.status_code == 200 and restored.json()["id"] == shown.pk
    assert (await client.delete(f"/release-soft/{shown.pk}/")).status_code == 204
    response = await client.delete(f"/release-soft/{shown.pk}/?hard=true")
    assert response.status_code == 204
    assert not await Release.objects.filter(pk=shown.pk).aexists()
    # a hidden row marked by someone else stays out of reach
    await Release.objects.filter(pk=hidden.pk).aupdate(published="2026-01-01T00:00:00Z")
    assert (await client.post(f"/release-soft/{hidden.pk}/restore/")).status_code == 404
    response = await client.delete(f"/release-soft/{hidden.pk}/?hard=true")
    assert response.status_code == 404
    assert await Release.objects.filter(pk=hidden.pk).aexists()


async def test_a_create_outside_the_rows_shown_is_refused(client):
    """A viewset narrowing by a column its create schema lists (a tenant, an owner): a
    create outside is rolled back, as for ``queryset_request``."""
    response = await client.post("/tag/", json={"name": "secret"})
    assert response.status_code == 403
    response = await client.post("/tag/bulk/", json=[{"name": "pub-a"}, {"name": "secret-b"}])
    assert response.status_code == 403
    response = await client.post("/tag-items/bulk/", json=[{"name": "pub-c"}, {"name": "hid"}])
    assert response.status_code == 200
    assert [o["status"] for o in response.json()] == [201, 403]
    assert sorted([t.name async for t in Tag.objects.all()]) == ["pub-c"]
    response = await client.post("/tag/", json={"name": "pub-d"})
    assert response.status_code == 201 and response.json()["name"] == "pub-d"


def test_openapi_lists_the_403_of_writes_that_must_stay_in_the_rows_shown():
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    for path, method in (("/tag/", "post"), ("/tag/{id}/", "patch"), ("/tag/{id}/", "put")):
        assert "403" in paths[path][method]["responses"], (path, method)
    assert "403" in paths["/tag/bulk/"]["patch"]["responses"]
    assert "403" not in paths["/tag/{id}"]["get"]["responses"]
