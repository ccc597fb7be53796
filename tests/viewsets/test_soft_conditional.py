"""Soft delete with conditional requests, through HTTP: the soft ``DELETE``, ``?hard=true``
and ``POST /{id}/restore/`` honour ``If-Match`` / ``If-None-Match`` (412, nothing written)
and ``require_if_match`` (428) like the plain writes, and document them in OpenAPI."""

import pytest
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models import Sticker, Story, Tenant
from tests.viewsets import apis_perm
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

api = NinjaAIO(urls_namespace="vs-soft-cond")


@api.viewset(Sticker, api_route_path="sticker")
class TaggedStickerViewSet(APIViewSet):
    """Tags hashed from the rendered row; conditions optional."""

    soft_delete_field = "removed"


@api.viewset(Sticker, api_route_path="sticker-required")
class RequiredStickerViewSet(APIViewSet):
    """Every write must send ``If-Match``."""

    soft_delete_field = "removed"
    require_if_match = True


@api.viewset(Sticker, api_route_path="sticker-plain", conditional_requests=False)
class PlainStickerViewSet(APIViewSet):
    """Conditional requests off: the headers are not read."""

    soft_delete_field = "removed"


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


@pytest.fixture
async def sticker() -> Sticker:
    return await Sticker.objects.acreate(name="first")


async def _tag(client: TestAsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200
    return response.headers["ETag"]


async def _removed(pk: int) -> bool | None:
    row = await Sticker.objects.filter(pk=pk).afirst()
    return None if row is None else row.removed


async def test_soft_delete_honours_if_match_and_if_none_match(client, sticker):
    path = f"/sticker/{sticker.pk}/"
    tag = await _tag(client, path)
    for headers in ({"If-Match": '"stale"'}, {"If-Match": f"W/{tag}"}, {"If-None-Match": "*"}):
        response = await client.delete(path, headers=headers)
        assert response.status_code == 412, headers
        assert set(response.json()) == {"detail"}
        assert await _removed(sticker.pk) is False  # nothing marked
    response = await client.delete(path, headers={"If-Match": f'"x", {tag}'})
    assert response.status_code == 204
    assert await _removed(sticker.pk) is True


async def test_restore_and_hard_delete_honour_if_match(client, sticker):
    path = f"/sticker/{sticker.pk}/"
    tag = await _tag(client, path)
    assert (await client.delete(path)).status_code == 204  # unconditional: allowed
    restore = f"/sticker/{sticker.pk}/restore/"
    response = await client.post(restore, headers={"If-Match": '"stale"'})
    assert response.status_code == 412
    assert await _removed(sticker.pk) is True  # still marked
    response = await client.post(restore, headers={"If-Match": tag})
    assert response.status_code == 200 and response.json() == {"id": sticker.pk, "name": "first"}
    assert response.headers["ETag"] == tag == await _tag(client, path)
    assert await _removed(sticker.pk) is False
    assert (await client.delete(path, headers={"If-Match": tag})).status_code == 204
    hard = f"{path}?hard=true"
    for headers in ({"If-Match": '"stale"'}, {"If-None-Match": tag}):
        response = await client.delete(hard, headers=headers)
        assert response.status_code == 412, headers
        assert await _removed(sticker.pk) is True  # still stored
    assert (await client.delete(hard, headers={"If-Match": tag})).status_code == 204
    assert await _removed(sticker.pk) is None  # gone for real


async def test_require_if_match_makes_each_soft_write_a_428_without_it(client, sticker):
    path = f"/sticker-required/{sticker.pk}/"
    restore = f"{path}restore/"
    for send, url in ((client.delete, path), (client.delete, f"{path}?hard=true")):
        response = await send(url)
        assert response.status_code == 428 and "If-Match" in response.json()["detail"]
        assert await _removed(sticker.pk) is False
    tag = await _tag(client, path)
    assert (await client.delete(path, headers={"If-Match": tag})).status_code == 204
    response = await client.post(restore, headers={"If-None-Match": '"other"'})
    assert response.status_code == 428
    assert await _removed(sticker.pk) is True
    assert (await client.post(restore, headers={"If-Match": "*"})).status_code == 200
    assert await _removed(sticker.pk) is False


@pytest.mark.parametrize("header", ["garbage", '"unterminated', '"a" "b"'])
async def test_a_malformed_precondition_is_a_400_and_writes_nothing(client, sticker, header):
    path = f"/sticker/{sticker.pk}/"
    for url in (path, f"{path}?hard=true"):
        response = await client.delete(url, headers={"If-Match": header})
        assert response.status_code == 400 and "If-Match" in response.json()["detail"]
        assert await _removed(sticker.pk) is False
    await Sticker.objects.filter(pk=sticker.pk).aupdate(removed=True)
    response = await client.post(f"{path}restore/", headers={"If-Match": header})
    assert response.status_code == 400
    assert await _removed(sticker.pk) is True


async def test_conditional_requests_off_ignores_the_headers(client, sticker):
    path = f"/sticker-plain/{sticker.pk}/"
    response = await client.delete(path, headers={"If-Match": '"stale"'})
    assert response.status_code == 204 and "ETag" not in response.headers
    response = await client.post(f"{path}restore/", headers={"If-Match": '"stale"'})
    assert response.status_code == 200 and "ETag" not in response.headers
    assert await _removed(sticker.pk) is False


async def test_scope_and_permission_come_before_the_precondition(user):
    """Another tenant's row is a 404 whatever the tags; a stale tag on one's own is a 412."""
    mine = await Tenant.objects.acreate(name="A")
    theirs = await Tenant.objects.acreate(name="B")
    post = await Story.objects.acreate(title="p", slug="p", author=user, tenant=mine)
    other = await Story.objects.acreate(title="o", slug="o", author=user, tenant=theirs)
    client = TestAsyncClient(apis_perm.api)
    headers = bearer(make_token(user, tenant_id=mine.pk, roles=["editor"]))
    for url in (f"/story/{other.pk}/", f"/story/{other.pk}/?hard=true"):
        response = await client.delete(url, headers={**headers, "If-Match": "*"})
        assert response.status_code == 404
    response = await client.post(
        f"/story/{other.pk}/restore/", headers={**headers, "If-Match": "*"}
    )
    assert response.status_code == 404
    path = f"/story/{post.pk}/"
    response = await client.delete(path, headers={**headers, "If-Match": '"stale"'})
    assert response.status_code == 412
    assert (await Story.objects.aget(pk=post.pk)).deleted_at is None
    tag = (await client.get(f"/story/{post.pk}", headers=headers)).headers["ETag"]
    response = await client.delete(path, headers={**headers, "If-Match": tag})
    assert response.status_code == 204
    assert (await Story.objects.aget(pk=post.pk)).deleted_at is not None
    assert (await Story.objects.aget(pk=other.pk)).deleted_at is None


def test_openapi_documents_the_headers_and_statuses():
    paths = api.get_openapi_schema(path_prefix="/")["paths"]
    for base, required in (("sticker", False), ("sticker-required", True)):
        delete = paths[f"/{base}/{{id}}/"]["delete"]
        restore = paths[f"/{base}/{{id}}/restore/"]["post"]
        for operation in (delete, restore):
            names = {p["name"]: p for p in operation["parameters"]}
            assert {"If-Match", "If-None-Match"} <= set(names)
            assert ("428" in operation["responses"]) is required
            assert {"400", "412"} <= set(operation["responses"])
            assert ("Required" in names["If-Match"]["description"]) is required
        assert "ETag" in restore["responses"]["200"]["headers"]
    for operation in (
        paths["/sticker-plain/{id}/"]["delete"],
        paths["/sticker-plain/{id}/restore/"]["post"],
    ):
        assert not {"If-Match", "If-None-Match"} & {p["name"] for p in operation["parameters"]}
        assert "412" not in operation["responses"]
