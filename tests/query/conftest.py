"""Fixtures of the list-query tests: two tenants' posts, tokens, clients."""

import datetime
from types import SimpleNamespace

import pytest
from ninja.testing import TestAsyncClient

from tests.query.apis import api
from tests.testapp.models import Account, Tenant
from tests.testapp.models_query import Post, Topic, Writer
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.conftest import count_queries as count_queries  # the fixture
from tests.viewsets.conftest import user as user  # the fixture


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


@pytest.fixture
async def world(user):
    """Tenant A: four posts; tenant B: two posts whose words also match A's searches."""
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")
    ada = await Writer.objects.acreate(name="Ada Lovelace", email="hidden-ada@x")
    bob = await Writer.objects.acreate(name="Bob Marley", email="hidden-bob@x")
    django, python = (
        await Topic.objects.acreate(name="django"),
        await Topic.objects.acreate(name="python"),
    )
    owner = await Account.objects.acreate(username="own")
    day = datetime.date(2024, 1, 1)
    rows = [
        # title, body, views, published, writer, tenant, topics, secret
        ("Async views", "django async orm", 120, True, ada, a, [django, python], "s1"),
        ("Sync views", "plain old django", 5, False, bob, a, [django], "s2"),
        ("Zebra notes", "nothing", 50, True, ada, a, [], "zz"),
        ("Async again", "more python", 7, False, bob, a, [python], "s4"),
        ("Async leak", "django secret of B", 999, True, ada, b, [django], "s5"),
        ("Other tenant", "python B", 1, False, bob, b, [python], "s6"),
    ]
    posts = []
    for i, (title, body, views, pub, writer, tenant, topics, secret) in enumerate(rows):
        post = await Post.objects.acreate(
            title=title,
            body=body,
            views=views,
            is_published=pub,
            writer=writer,
            tenant=tenant,
            owner=owner if i == 0 else None,
            secret=secret,
            published_on=day + datetime.timedelta(days=i),
        )
        await post.topics.aset(topics)
        posts.append(post)
    return SimpleNamespace(
        a=a,
        b=b,
        posts=posts,
        ada=ada,
        bob=bob,
        django=django,
        python=python,
        owner=owner,
        headers=bearer(make_token(user, tenant_id=a.pk)),
        headers_b=bearer(make_token(user, tenant_id=b.pk)),
    )


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]
