"""Preconditions through Django's own handlers (WSGI and ASGI), where the views read the
headers from ``META`` (ninja's test client builds ``request.headers`` itself): every
status must be the same as through it, with and without a token read first."""

import httpx
import pytest
from django.core.asgi import get_asgi_application
from django.test import Client

from tests.testapp.models import Tenant
from tests.testapp.models_cond import Release
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.conftest import user as user  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asgi(settings) -> httpx.AsyncClient:
    settings.ROOT_URLCONF = "tests.viewsets.urls_cond"
    transport = httpx.ASGITransport(app=get_asgi_application())
    return httpx.AsyncClient(transport=transport, base_url="http://testserver/api")


async def _walk(http: httpx.AsyncClient, base: str, pk: int, auth: dict[str, str]) -> None:
    """A retrieve / list 304, a stale PATCH and DELETE 412, then both with the tag."""
    row, rows = f"{base}/{pk}", f"{base}/"
    response = await http.get(row, headers=auth)
    assert response.status_code == 200
    tag = response.headers["ETag"]
    assert (await http.get(row, headers={**auth, "if-none-match": tag})).status_code == 304
    listed = (await http.get(rows, headers=auth)).headers["ETag"]
    assert (await http.get(rows, headers={**auth, "If-None-Match": listed})).status_code == 304
    for header in ("If-Match", "if-match"):
        stale = await http.patch(f"{row}/", json={"score": 8}, headers={**auth, header: '"x"'})
        assert stale.status_code == 412
    assert (await http.get(row, headers={**auth, "If-None-Match": tag})).status_code == 304
    assert (await http.delete(f"{row}/", headers={**auth, "If-Match": '"x"'})).status_code == 412
    assert (
        await http.patch(f"{row}/", json={"score": 8}, headers={**auth, "If-Match": "nope"})
    ).status_code == 400
    response = await http.patch(f"{row}/", json={"score": 8}, headers={**auth, "If-Match": tag})
    assert response.status_code == 200 and response.json()["score"] == 8
    new = response.headers["ETag"]
    assert (await http.delete(f"{row}/", headers={**auth, "If-Match": tag})).status_code == 412
    assert (await http.delete(f"{row}/", headers={**auth, "If-Match": new})).status_code == 204
    assert not await Release.objects.filter(pk=pk).aexists()


@pytest.mark.parametrize("base", ["/release", "/release-versioned"])
async def test_preconditions_through_the_asgi_handler(asgi, base):
    row = await Release.objects.acreate(title="served", score=1)
    async with asgi as http:
        await _walk(http, base, row.pk, {})


async def test_preconditions_on_an_authenticated_route_through_asgi(asgi, user):
    """The bearer reads ``Authorization`` first (``request.headers`` then exists)."""
    tenant = await Tenant.objects.acreate(name="one")
    row = await Release.objects.acreate(title="mine", tenant=tenant)
    async with asgi as http:
        await _walk(http, "/release-tenant", row.pk, bearer(make_token(user, tenant_id=tenant.pk)))


def test_preconditions_through_the_wsgi_handler(transactional_db, settings):
    settings.ROOT_URLCONF = "tests.viewsets.urls_cond"
    row = Release.objects.create(title="served", score=1)
    client = Client()
    path = f"/api/release/{row.pk}"
    tag = client.get(path)["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=tag).status_code == 304
    stale = client.delete(f"{path}/", headers={"If-Match": '"x"'})
    assert stale.status_code == 412 and stale.json()["detail"]
    assert client.delete(f"{path}/", headers={"If-Match": "*"}).status_code == 204
    assert not Release.objects.filter(pk=row.pk).exists()
