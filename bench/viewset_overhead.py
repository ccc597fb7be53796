"""Side-by-side cost of an ``APIViewSet`` against hand-written django-ninja code.

Serves the demo app's ``Article`` (nested author, list of tags) two ways in one process,
on one SQLite file created in a temporary directory (5 authors, 10 tags, 200 articles
with 3 tags each), without authentication:

- ``viewset list`` / ``viewset retrieve``: ``GET /article/?page=N`` and
  ``GET /article/{id}`` of an ``APIViewSet`` for ``Article`` on a ``NinjaAIO`` (page
  size 20, the demo's read and detail schemas);
- ``hand list`` / ``hand retrieve``: the same routes written by hand on a plain
  ``NinjaAPI``: ninja ``Schema``s for the output, ``select_related`` /
  ``prefetch_related``, ninja's own ``@paginate(PageNumberPagination, page_size=20)``.

- ``viewset bulk`` / ``hand bulk``: ``POST /article/bulk/`` creating 100 articles (2 tags
  each) per request: the viewset's ``bulk_operations = ("create",)`` against a hand-written
  route that validates ``list[ArticleIn]``, checks the authors and tags exist (one query
  each, a 422 otherwise), ``bulk_create``s the articles and their tag links in one
  transaction and answers the rows read back like the list does. Each bulk round sends a
  tenth of the requests of the read rounds.

- ``viewset query`` / ``hand query``: ``GET /query/?search=...&ordering=...&is_published=...``
  on the same table grown to 1,000 articles: the viewset's ``search_fields`` (title, author
  name, tag names), ``ordering_fields`` and ``filter_fields = {"is_published": "exact"}``
  against a hand-written route taking the same three parameters, refusing an unlisted
  ordering with a 422, and searching the tags through an ``EXISTS`` subquery (no repeated
  rows), with ninja's ``@paginate``.

Before timing, every page and every article is fetched from both sides and the JSON
bodies must be equal (bulk answers too, but for the new rows' ids and timestamps). To get
there the hand-written code orders like the viewset (``-created_at`` then ``pk``, tags by
``pk``), renders the author's ``created_by`` as a key, and renders with a minimal orjson
renderer (what django-ninja's docs recommend for speed), because ``NinjaAIO`` renders with
orjson (ISO datetimes with microseconds and ``+00:00``) where ninja's default encoder
truncates to milliseconds and writes ``Z``.
Nothing is normalised after the fact.
The SQL statements each request runs are counted too (on the connection of asgiref's
thread-sensitive thread, where the async ORM runs them).

Rounds alternate between the variants (in a rotating order) so that machine noise hits
all of them alike; the table gives each variant's median time per request, its ratio to
the hand-written counterpart's median, the range of that ratio round by round, and the
queries per request: ratios, not absolute claims.
Usage: ``python bench/viewset_overhead.py [requests_per_round] [rounds]``.
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from datetime import datetime

import django
from django.conf import settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
TMP = tempfile.TemporaryDirectory(prefix="viewset-bench-")
settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    USE_TZ=True,
    TIME_ZONE="UTC",
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "demo"],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(TMP.name, "bench.sqlite3"),
        }
    },
)
django.setup()

import orjson  # noqa: E402
from asgiref.sync import sync_to_async  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, OuterRef, Prefetch, Q  # noqa: E402
from django.shortcuts import aget_object_or_404  # noqa: E402
from ninja import Field, NinjaAPI, Schema  # noqa: E402
from ninja.errors import HttpError  # noqa: E402
from ninja.pagination import PageNumberPagination, paginate  # noqa: E402
from ninja.renderers import BaseRenderer  # noqa: E402
from ninja.testing import TestAsyncClient  # noqa: E402

from demo.models import Article, Author, Tag  # noqa: E402
from ninja_aio import NinjaAIO  # noqa: E402
from ninja_aio.views import APIViewSet  # noqa: E402

AUTHORS, TAGS, ARTICLES, PAGE_SIZE, BATCH = 5, 10, 200, 20, 100
PAGES = ARTICLES // PAGE_SIZE
#: Rows of the table once seeded (the list / retrieve scenarios use the first ARTICLES).
QUERY_ROWS = 1000


# -- ninja_aio --------------------------------------------------------------------------


def build_viewset() -> TestAsyncClient:
    api = NinjaAIO(urls_namespace="bench-viewset")

    class ArticleViewSet(APIViewSet):
        model = Article
        page_size = PAGE_SIZE
        bulk_operations = ("create",)

    ArticleViewSet(api=api).add_views_to_route()

    class ArticleQueryViewSet(APIViewSet):
        model = Article
        api_route_path = "query"
        page_size = PAGE_SIZE
        operations = ("list",)
        search_fields = ["title", "author__name", "tags__name"]
        ordering_fields = ["title", "created_at"]
        filter_fields = {"is_published": "exact"}

    ArticleQueryViewSet(api=api).add_views_to_route()
    return TestAsyncClient(api)


# -- hand-written django-ninja ----------------------------------------------------------


class ORJSONRenderer(BaseRenderer):
    """A minimal orjson renderer, as a speed-minded django-ninja user would add."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data)


class AuthorOut(Schema):
    id: int
    name: str
    bio: str
    created_by: int | None = Field(None, validation_alias="created_by_id")


class TagOut(Schema):
    id: int
    name: str


class ArticleOut(Schema):
    id: int
    title: str
    author: AuthorOut
    tags: list[TagOut]
    is_published: bool
    created_at: datetime
    updated_at: datetime


class ArticleDetailOut(Schema):
    id: int
    title: str
    body: str
    author: AuthorOut
    tags: list[TagOut]
    is_published: bool
    created_at: datetime


class ArticleIn(Schema):
    title: str = Field(max_length=200)
    body: str = ""
    author: int
    tags: list[int] = []


async def missing(model, keys):
    """Keys of ``keys`` with no row of ``model`` (one query)."""
    found = {pk async for pk in model.objects.filter(pk__in=keys).values_list("pk", flat=True)}
    return set(keys) - found


def articles():
    tags = Prefetch("tags", queryset=Tag.objects.order_by("pk"))
    return Article.objects.select_related("author").prefetch_related(tags)


def build_hand() -> TestAsyncClient:
    api = NinjaAPI(urls_namespace="bench-hand", renderer=ORJSONRenderer())

    @api.get("/article/", response=list[ArticleOut])
    @paginate(PageNumberPagination, page_size=PAGE_SIZE)
    async def article_list(request):
        return articles().order_by("-created_at", "pk")

    @api.get("/article/{int:id}", response=ArticleDetailOut)
    async def article_retrieve(request, id: int):
        return await aget_object_or_404(articles(), pk=id)

    @api.post("/article/bulk/", response={201: list[ArticleOut]})
    async def article_bulk_create(request, payload: list[ArticleIn]):
        if await missing(Author, {p.author for p in payload}) or await missing(
            Tag, {t for p in payload for t in p.tags}
        ):
            raise HttpError(422, "unknown author or tag")

        def write():
            with transaction.atomic():
                rows = Article.objects.bulk_create(
                    Article(title=p.title, body=p.body, author_id=p.author) for p in payload
                )
                Article.tags.through.objects.bulk_create(
                    Article.tags.through(article_id=row.pk, tag_id=tag)
                    for row, p in zip(rows, payload, strict=True)
                    for tag in dict.fromkeys(p.tags)
                )
            return [row.pk for row in rows]

        keys = await sync_to_async(write)()
        by_key = {a.pk: a async for a in articles().filter(pk__in=keys)}
        return 201, [by_key[key] for key in keys]

    @api.get("/query/", response=list[ArticleOut])
    @paginate(PageNumberPagination, page_size=PAGE_SIZE)
    async def article_query(
        request,
        search: str | None = None,
        ordering: str | None = None,
        is_published: bool | None = None,
    ):
        rows = articles()
        if is_published is not None:
            rows = rows.filter(is_published=is_published)
        for term in (search or "").split():
            tagged = Article.objects.filter(pk=OuterRef("pk"), tags__name__icontains=term)
            rows = rows.filter(
                Q(title__icontains=term) | Q(author__name__icontains=term) | Q(Exists(tagged))
            )
        terms = [t for t in (ordering or "").split(",") if t]
        if any(t.removeprefix("-") not in QUERY_ORDERING for t in terms):
            raise HttpError(422, "unknown ordering field")
        return rows.order_by(*(terms or ["-created_at"]), "pk")

    return TestAsyncClient(api)


QUERY_ORDERING = ("title", "created_at")
QUERY_PATHS = [
    f"/query/?search={search}&ordering={ordering}&is_published={published}&page={page}"
    for search, ordering, published, page in [
        ("article", "-title", "true", 1),
        ("article", "-title", "true", 3),
        ("tag-3", "created_at", "false", 1),
        ("author+2", "title", "false", 2),
        ("article+1", "-created_at", "true", 1),
        ("tag-7+author", "-title,created_at", "false", 1),
        ("9", "title", "true", 2),
        ("tag-1", "-created_at", "false", 4),
    ]
]


# -- data, checks and timing ------------------------------------------------------------


def seed() -> tuple[list[int], list[dict]]:
    """The tables and rows; returns the articles' keys and a bulk create body."""
    call_command("migrate", run_syncdb=True, verbosity=0)
    user = get_user_model().objects.create_user("bench")
    authors = [
        Author.objects.create(name=f"author {i}", bio=f"bio {i}", created_by=(user, None)[i % 2])
        for i in range(AUTHORS)
    ]
    tags = [Tag.objects.create(name=f"tag-{i}") for i in range(TAGS)]
    keys = []
    for i in range(ARTICLES):
        article = Article.objects.create(
            title=f"article {i}",
            body=f"body of article {i}",
            author=authors[i % AUTHORS],
            is_published=i % 3 == 0,
        )
        article.tags.set([tags[i % TAGS], tags[(i + 3) % TAGS], tags[(i + 7) % TAGS]])
        keys.append(article.pk)
    for i in range(ARTICLES, QUERY_ROWS):
        article = Article.objects.create(
            title=f"article {i}",
            body=f"body of article {i}",
            author=authors[i % AUTHORS],
            is_published=i % 3 == 0,
        )
        article.tags.set([tags[i % TAGS], tags[(i + 5) % TAGS]])
    batch = [
        {
            "title": f"bulk {i}",
            "body": f"body {i}",
            "author": authors[i % AUTHORS].pk,
            "tags": [tags[i % TAGS].pk, tags[(i + 1) % TAGS].pk],
        }
        for i in range(BATCH)
    ]
    return keys, batch


@asynccontextmanager
async def count_queries():
    """Lists the SQL run on the connection of the thread the async ORM uses."""
    queries: list[str] = []

    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    await sync_to_async(lambda: connection.execute_wrappers.append(wrapper))()
    try:
        yield queries
    finally:
        await sync_to_async(lambda: connection.execute_wrappers.remove(wrapper))()


NEW_ROW = ("id", "created_at", "updated_at")


async def fetch(client: TestAsyncClient, path) -> tuple[object, int]:
    """GET ``path``, or POST ``path = (url, body)``: the JSON (a new row's id and timestamps
    masked) and the queries it took."""
    async with count_queries() as queries:
        response = await send(client, path)
    assert response.status_code in (200, 201), (path, response.status_code, response.content)
    if isinstance(path, tuple):
        return [{k: v for k, v in row.items() if k not in NEW_ROW} for row in response.json()], len(
            queries
        )
    return response.json(), len(queries)


def send(client: TestAsyncClient, path):
    if isinstance(path, tuple):
        return client.post(path[0], json=path[1])
    return client.get(path)


async def check(clients: dict[str, TestAsyncClient], paths: dict[str, list[str]]) -> dict:
    """Asserts both sides answer the same JSON; returns each variant's queries per request."""
    counts: dict[str, set[int]] = {}
    for kind, kind_paths in paths.items():
        for path in kind_paths:
            viewset, viewset_queries = await fetch(clients[f"viewset {kind}"], path)
            hand, hand_queries = await fetch(clients[f"hand {kind}"], path)
            assert viewset == hand, (path, viewset, hand)
            counts.setdefault(f"viewset {kind}", set()).add(viewset_queries)
            counts.setdefault(f"hand {kind}", set()).add(hand_queries)
    return {name: "-".join(map(str, sorted({min(c), max(c)}))) for name, c in counts.items()}


async def run_round(client: TestAsyncClient, paths: list, count: int) -> float:
    if isinstance(paths[0], tuple):
        count = max(count // 10, 3)
    start = time.perf_counter()
    for i in range(count):
        response = await send(client, paths[i % len(paths)])
        assert response.status_code in (200, 201)
    return (time.perf_counter() - start) / count


async def main(count: int, rounds: int) -> None:
    keys, batch = await sync_to_async(seed)()
    viewset, hand = build_viewset(), build_hand()
    paths = {
        "list": [f"/article/?page={n}" for n in range(1, PAGES + 1)],
        "retrieve": [f"/article/{pk}" for pk in keys],
        "bulk": [("/article/bulk/", batch)],
        "query": QUERY_PATHS,
    }
    clients = {
        "viewset list": viewset,
        "hand list": hand,
        "viewset retrieve": viewset,
        "hand retrieve": hand,
        "viewset bulk": viewset,
        "hand bulk": hand,
        "viewset query": viewset,
        "hand query": hand,
    }
    queries = await check(clients, paths)
    names = list(clients)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            samples[name].append(await run_round(clients[name], paths[name.split()[1]], count))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(
        f"{'variant':<17} {'median us/request':>18} {'vs hand':>8}"
        f" {'per-round vs hand':>18} {'queries':>8}"
    )
    for name in names:
        hand = f"hand {name.split()[1]}"
        paired = [v / h for v, h in zip(samples[name], samples[hand], strict=True)]
        spread = f"{min(paired):.2f}-{max(paired):.2f}"
        print(
            f"{name:<17} {medians[name] * 1e6:>18.1f} {medians[name] / medians[hand]:>8.2f}"
            f" {spread:>18} {queries[name]:>8}"
        )


if __name__ == "__main__":
    per_round = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    total_rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    try:
        asyncio.run(main(per_round, total_rounds))
    finally:
        connection.close()
        TMP.cleanup()
