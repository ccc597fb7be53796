"""Rows, expectations and a page walker for the combined list-option tests.

Tenant A's posts repeat values in every ordering column (views, titles, writers) and leave
``published_on`` NULL on some rows; tenant B's posts match the same searches and filters.
What a list should answer is computed here in Python from the rows, independently of the
code under test: NULL sorts as the largest value, ties are broken by ascending key.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.testapp.models import Tenant
from tests.testapp.models_query import Post, Topic, Writer
from tests.viewsets.conftest import bearer, make_token

DAY = datetime.date(2024, 1, 1)

#: title, body, views, published_on (days after DAY, or None), writer, topics
A_ROWS = [
    ("alpha", "django orm", 10, 0, "ada", ["django"]),
    ("beta", "python tips", 10, None, "bob", ["python"]),
    ("gamma", "async python", 50, 3, "cy", ["django", "python"]),
    ("alpha", "repeat title", 5, None, "ada", []),
    ("delta", "python django", 50, 1, "bob", ["python"]),
    ("epsilon", "misc", 0, 2, "cy", []),
    ("zeta", "django python", 10, 2, "ada", ["django"]),
    ("eta", "nothing here", 120, None, "bob", ["django"]),
    ("theta", "python", 7, 4, "ada", ["python"]),
    ("iota", "django", 10, 0, "cy", []),
]
B_ROWS = [
    ("alpha", "django python leak", 10, 0, "ada", ["django", "python"]),
    ("beta", "python", 50, None, "bob", ["python"]),
    ("python b", "django", 999, 1, "cy", ["django"]),
    ("omega", "ada python", 3, 2, "ada", []),
]

#: Every ``?ordering=`` choice walked: each field both ways, relation paths, composites.
ORDERINGS = [
    "",
    "title",
    "-title",
    "views",
    "-views",
    "published_on",
    "-published_on",
    "created_at",
    "-created_at",
    "writer__name",
    "-writer__name",
    "writer__name,-published_on",
    "-views,title",
]


@dataclass
class World:
    a: Tenant
    b: Tenant
    headers: dict[str, str]
    headers_b: dict[str, str]
    topics: dict[str, Topic]
    writers: dict[str, Writer]

    async def add(self, tenant: Tenant, spec: tuple) -> Post:
        title, body, views, day, writer, topics = spec
        post = await Post.objects.acreate(
            title=title,
            body=body,
            views=views,
            is_published=views >= 10,
            published_on=None if day is None else DAY + datetime.timedelta(days=day),
            writer=self.writers[writer],
            tenant=tenant,
            secret=f"secret-{title}",
        )
        await post.topics.aset([self.topics[t] for t in topics])
        return post


@pytest.fixture
async def combined(user) -> World:
    return await build(user)


async def build(user) -> World:
    """Both tenants' rows, and tokens of ``user`` for each tenant."""
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")
    writers = {
        n: await Writer.objects.acreate(name=n, email=f"{n}@hidden") for n in ("ada", "bob", "cy")
    }
    topics = {n: await Topic.objects.acreate(name=n) for n in ("django", "python")}
    world = World(
        a,
        b,
        bearer(make_token(user, tenant_id=a.pk)),
        bearer(make_token(user, tenant_id=b.pk)),
        topics,
        writers,
    )
    for spec in A_ROWS:
        await world.add(a, spec)
    for spec in B_ROWS:
        await world.add(b, spec)
    return world


# -- what a list should answer --------------------------------------------------------------


async def rows_of(tenant: Tenant) -> list[dict[str, Any]]:
    """The tenant's posts as plain values (what the expectations are computed from)."""
    rows = []
    query = Post.objects.filter(tenant=tenant).select_related("writer").prefetch_related("topics")
    async for post in query:
        rows.append(
            {
                "id": post.pk,
                "title": post.title,
                "body": post.body,
                "views": post.views,
                "published_on": post.published_on,
                "created_at": post.created_at,
                "writer__name": post.writer.name,
                "writer": {"id": post.writer.pk, "name": post.writer.name},
                "topics": {t.pk: t.name for t in post.topics.all()},
                "word_count": len(post.body.split()),
            }
        )
    return rows


def matches(row: dict[str, Any], params: dict[str, str]) -> bool:
    """Whether ``row`` passes the query's search and filters (tests.query.apis.PostFilter)."""
    texts = [row["title"], row["body"], row["writer__name"], *row["topics"].values()]
    for term in params.get("search", "").split():
        if not any(term.lower() in t.lower() for t in texts):
            return False
    if "min_views" in params and row["views"] < int(params["min_views"]):
        return False
    if "topic" in params and int(params["topic"]) not in row["topics"]:
        return False
    if "popular" in params:
        popular = params["popular"] == "true"
        if (row["views"] >= 100) != popular:
            return False
    return True


def expected(rows: list[dict[str, Any]], params: dict[str, str], default: str = "-views"):
    """The matching rows in the list's order: the chosen terms, NULL largest, then key."""
    chosen = [r for r in rows if matches(r, params)]
    terms = [t for t in (params.get("ordering") or default).split(",") if t]
    chosen.sort(key=lambda r: r["id"])
    for term in reversed(terms):
        name = term.removeprefix("-")
        chosen.sort(
            key=lambda r, name=name: (r[name] is None, r[name] if r[name] is not None else 0),
            reverse=term.startswith("-"),
        )
    return chosen


def item(row: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """The list item of ``row`` for a ``?fields=`` choice among the plain-valued fields."""
    names = fields.split(",") if fields else ["id", "title", "views", "writer", "word_count"]
    return {n: row[n] for n in names}


# -- walking pages --------------------------------------------------------------------------


def cursor_of(url: str | None) -> str | None:
    """The cursor of a ``next`` / ``previous`` link."""
    return None if url is None else parse_qs(urlsplit(url).query)["cursor"][0]


async def page(client, path: str, params: dict[str, str], headers: dict, cursor=None):
    query = params | ({"cursor": cursor} if cursor else {})
    response = await client.get(path, query_params=query, headers=headers)
    assert response.status_code == 200, (query, response.content)
    return response.json()


async def walk(client, path: str, params: dict[str, str], headers: dict, size: int):
    """Every page of a list forward, then back from the last page: the pages' items, and
    the items met walking back (in list order). Each page holds at most ``size`` items."""
    params = params | {"page_size": str(size)}
    pages, cursor = [], None
    for _ in range(50):
        body = await page(client, path, params, headers, cursor)
        assert len(body["results"]) <= size
        pages.append(body)
        cursor = cursor_of(body["next"])
        if cursor is None:
            break
    back = []
    cursor = cursor_of(pages[-1]["previous"])
    while cursor is not None:
        body = await page(client, path, params, headers, cursor)
        back = body["results"] + back
        cursor = cursor_of(body["previous"])
    forward = [i for p in pages for i in p["results"]]
    return forward, back, pages
