"""docs/viewsets.md: the Serializer example (docs/examples/viewsets_serializer.py) over HTTP."""

import pytest
from django.contrib.auth.models import Group
from ninja.testing import TestAsyncClient

from docs.examples.viewsets_serializer import api

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_serializer_serves_a_model_it_does_not_own():
    client = TestAsyncClient(api)
    hidden = await Group.objects.acreate(name="internal-ops")
    response = await client.post("/group/", json={"name": "  editors "})
    assert response.status_code == 201
    created = response.json()
    assert created == {"id": created["id"], "name": "editors"}
    assert (await client.get("/group/")).json() == {"items": [created], "count": 1}
    assert (await client.get(f"/group/{hidden.pk}")).status_code == 404
    response = await client.patch(f"/group/{created['id']}/", json={"name": "staff"})
    assert response.json()["name"] == "staff"
    assert (await client.delete(f"/group/{created['id']}/")).status_code == 405
    response = await client.post("/group/", json={"name": "x", "permissions": [1]})
    assert response.json()["detail"][0]["type"] == "extra_forbidden"
