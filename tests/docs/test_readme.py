"""README.md's example (docs/examples/tutorial/blog/quickstart.py, the same text) over HTTP."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import override_settings
from ninja.testing import TestAsyncClient

from ninja_aio.auth import encode_jwt
from ninja_aio.testing import generate_key

KEY = generate_key("RS256")

with override_settings(JWT_PUBLIC_KEY=KEY.as_pem(private=False).decode()):
    from docs.examples.tutorial.blog import quickstart

pytestmark = pytest.mark.django_db(transaction=True)


async def test_reads_are_public_and_every_write_needs_the_token():
    client = TestAsyncClient(quickstart.api)
    ada = await sync_to_async(get_user_model().objects.create_user)("ada")
    author = await quickstart.Article.author.field.related_model.objects.acreate(name="Ada")
    assert (await client.get("/article/")).status_code == 200
    payload = {"title": "Hi", "author": author.pk, "tags": []}
    assert (await client.post("/article/", json=payload)).status_code == 401
    token = encode_jwt({"sub": str(ada.pk), "iss": "https://your-issuer.com"}, 60, KEY)
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post("/article/", json=payload, headers=headers)
    assert response.status_code == 201
    path = f"/article/{response.json()['id']}/"
    # the writes the viewset does not name borrow post_auth: none is public by omission
    assert (await client.patch(path, json={"title": "x"})).status_code == 401
    assert (await client.put(path, json=payload)).status_code == 401
    assert (await client.delete(path)).status_code == 401
    assert (await client.patch(path, json={"title": "x"}, headers=headers)).status_code == 200
    assert (await client.delete(path, headers=headers)).status_code == 204
