"""docs/permissions.md: its example (docs/examples/permissions.py) over HTTP."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from ninja.testing import TestAsyncClient

from docs.examples.permissions import api
from tests.testapp.models import Tenant
from tests.testapp.models_perm import Story
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.conftest import user as user  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return TestAsyncClient(api)


@pytest.fixture
async def team(user):
    bob = await sync_to_async(get_user_model().objects.create_user)("bob")
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")

    def headers(who, tenant, *roles):
        return bearer(make_token(who, tenant_id=tenant.pk, roles=list(roles)))

    return {
        "a": a,
        "b": b,
        "bob": bob,
        "alice_h": headers(user, a),
        "bob_h": headers(bob, a),
        "admin_h": headers(bob, a, "admin"),
        "moderator_h": headers(bob, a, "moderator"),
        "outsider_h": headers(user, b, "admin"),
    }


async def test_owner_field_soft_delete_and_restore_as_the_page_shows(client, user, team):
    alice, bob, admin = team["alice_h"], team["bob_h"], team["admin_h"]
    body = {"title": "Hello", "slug": "hello", "author": user.pk, "tenant": team["a"].pk}
    response = await client.post("/story/", json=body, headers=alice)
    assert response.status_code == 201
    pk = response.json()["id"]
    # creating a post for someone else, or in another tenant, is refused: nothing written
    assert (
        await client.post("/story/", json={**body, "slug": "x"}, headers=bob)
    ).status_code == 403
    other = {**body, "slug": "y", "tenant": team["b"].pk}
    assert (await client.post("/story/", json=other, headers=alice)).status_code == 403
    assert await Story.objects.acount() == 1
    # the author and admins pass the owner rule; another member gets a 403
    assert (await client.get(f"/story/{pk}", headers=alice)).status_code == 200
    response = await client.patch(f"/story/{pk}/", json={"title": "Hi"}, headers=bob)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You do not have permission to perform this action on this row"},
    )
    assert (await client.post(f"/story/{pk}/pin/", headers=bob)).status_code == 403
    assert (await client.post(f"/story/{pk}/pin/", headers=admin)).json() == {
        "id": pk,
        "pinned": True,
    }
    # another tenant's caller: a 404, even for an admin
    assert (await client.get(f"/story/{pk}", headers=team["outsider_h"])).status_code == 404
    # DELETE marks the row; it disappears from every route, restore brings it back
    assert (await client.delete(f"/story/{pk}/", headers=alice)).status_code == 204
    assert (await client.get("/story/", headers=alice)).json()["count"] == 0
    assert (await client.get(f"/story/{pk}", headers=alice)).status_code == 404
    # the slug is free again while the post is deleted (conditional unique constraint)
    response = await client.post("/story/", json=body, headers=alice)
    assert response.status_code == 201
    assert (await client.post(f"/story/{pk}/restore/", headers=alice)).status_code == 409
    await client.delete(f"/story/{response.json()['id']}/?hard=true", headers=alice)
    assert (await client.post(f"/story/{pk}/restore/", headers=alice)).status_code == 200
    assert (await client.get(f"/story/{pk}", headers=alice)).status_code == 200
    # bulk delete marks rows too; ?hard=true removes for real
    response = await client.delete("/story/bulk/", json={"ids": [pk]}, headers=alice)
    assert response.status_code == 204
    assert (await client.delete(f"/story/{pk}/?hard=true", headers=alice)).status_code == 204
    assert await Story.objects.acount() == 0


async def test_soft_delete_routes_honour_if_match_as_the_page_says(client, user, team):
    alice = team["alice_h"]
    post = await Story.objects.acreate(title="t", slug="t", author=user, tenant=team["a"])
    path = f"/story/{post.pk}/"
    tag = (await client.get(f"/story/{post.pk}", headers=alice)).headers["ETag"]
    stale = {**alice, "If-Match": '"stale"'}
    assert (await client.delete(path, headers=stale)).status_code == 412
    assert (await Story.objects.aget(pk=post.pk)).deleted_at is None  # nothing marked
    assert (await client.delete(path, headers={**alice, "If-Match": tag})).status_code == 204
    assert (await client.post(f"{path}restore/", headers=stale)).status_code == 412
    assert (await Story.objects.aget(pk=post.pk)).deleted_at is not None  # still marked
    response = await client.post(f"{path}restore/", headers={**alice, "If-Match": "*"})
    assert response.status_code == 200
    new = response.headers["ETag"]
    assert new == (await client.get(f"/story/{post.pk}", headers=alice)).headers["ETag"]
    assert (await client.delete(f"{path}?hard=true", headers=stale)).status_code == 412
    hard = await client.delete(f"{path}?hard=true", headers={**alice, "If-Match": new})
    assert hard.status_code == 204
    assert not await Story.objects.filter(pk=post.pk).aexists()


async def test_custom_rule_of_the_moderated_viewset(client, user, team):
    post = await Story.objects.acreate(title="t", slug="t", author=user, tenant=team["a"])
    pk, bob, moderator = post.pk, team["bob_h"], team["moderator_h"]
    assert (await client.get(f"/moderated/{pk}", headers=bob)).status_code == 200
    assert (
        await client.patch(f"/moderated/{pk}/", json={"title": "b"}, headers=bob)
    ).status_code == 403
    response = await client.patch(f"/moderated/{pk}/", json={"title": "m"}, headers=moderator)
    assert response.status_code == 200
    assert (await client.delete(f"/moderated/{pk}/", headers=moderator)).status_code == 204
    hard = f"/moderated/{pk}/?hard=true"
    assert (await client.delete(hard, headers=moderator)).status_code == 403
    assert (await client.delete(hard, headers=team["admin_h"])).status_code == 204
    assert not await Story.objects.filter(pk=pk).aexists()
