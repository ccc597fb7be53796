"""Custom routes: ``@action`` and ``views()``; never shadowed by the ``{id}`` routes."""

import uuid

import pytest

from tests.testapp.models import Article, Country, Gadget
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


async def test_detail_action_receives_pk_under_its_own_name(client):
    a = await f.article("draft")
    for path in (f"/article/{a.pk}/publish/", f"/article/{a.pk}/publish"):
        response = await client.post(path)
        assert response.status_code == 200
        assert response.json() == {"id": a.pk, "is_published": True}
    assert (await Article.objects.aget(pk=a.pk)).is_published


async def test_detail_action_on_unknown_pk_is_404(client):
    response = await client.post("/article/999/publish/")
    assert response.status_code == 404


async def test_list_action_is_not_shadowed_by_the_id_route(client):
    await f.article()
    for path in ("/article/stats/", "/article/stats"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.json() == {"total": 1}


async def test_action_methods_are_enforced(client):
    response = await client.get("/article/1/publish/")
    assert response.status_code == 405


async def test_string_pk_routes_do_not_shadow_custom_views(client):
    await Country.objects.acreate(code="FR", name="France")
    response = await client.get("/country/stats/")
    assert response.json() == {"countries": 1}
    response = await client.get("/country/FR")
    assert response.json() == {"code": "FR", "name": "France"}
    response = await client.post("/country/", json={"code": "IT", "name": "Italy"})
    assert response.status_code == 201
    response = await client.post("/country/", json={"code": "ITA", "name": "Too long"})
    assert response.status_code == 422


async def test_uuid_pk_and_read_only_viewset(client):
    gadget = await Gadget.objects.acreate(name="widget")
    response = await client.get(f"/gadget/{gadget.pk}")
    assert response.json() == {"id": str(gadget.pk), "name": "widget"}
    assert (await client.get(f"/gadget/{uuid.uuid4()}")).status_code == 404
    assert (await client.post("/gadget/", json={"name": "new"})).status_code == 405
    assert (await client.delete(f"/gadget/{gadget.pk}/")).status_code == 405


def test_decorator_registration_and_route_path():
    from tests.viewsets.apis import AllTypesViewSet, NoteViewSet, api

    assert AllTypesViewSet.api is api and NoteViewSet.model.__name__ == "Note"
    paths = api.get_openapi_schema(path_prefix="/")["paths"]
    assert "/notes/" in paths and "/note/" not in paths
    assert "/alltypes/{id}/" in paths
