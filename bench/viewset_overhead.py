"""Side-by-side cost of an ``APIViewSet`` against hand-written django-ninja code.

Serves the demo app's ``Article`` (nested author, list of tags) two ways in one process,
on one SQLite file created in a temporary directory (5 authors, 10 tags, 1,000 articles
with 3 tags each), without authentication:

- ``viewset list`` / ``viewset retrieve``: ``GET /article/?page=N`` and
  ``GET /article/{id}`` of an ``APIViewSet`` for ``Article`` on a ``NinjaAIO`` (page
  size 100, the demo's read and detail schemas);
- ``hand list`` / ``hand retrieve``: the same routes written by hand on a plain
  ``NinjaAPI``: ninja ``Schema``s for the output, ``select_related`` /
  ``prefetch_related``, ninja's own ``@paginate(PageNumberPagination, page_size=100)``.

- ``create`` / ``patch`` / ``put`` / ``delete``: ``POST /article/`` (author and two tags),
  ``PATCH /article/{id}/`` (title and body), ``PUT /article/{id}/`` (title, body, tags),
  ``DELETE /article/{id}/`` (rows seeded for it). The hand-written routes check the author
  and tags exist and answer the row from the objects they hold (create), load the row
  with its relations, ``save(update_fields=...)`` it and ``tags.aset`` (PUT), or delete it.
  Each write round sends a tenth of the requests of the read rounds.

- ``viewset bulk`` / ``hand bulk``: ``POST /article/bulk/`` creating 100 articles (2 tags
  each) per request: the viewset's ``bulk_operations = ("create",)`` against a hand-written
  route that validates ``list[ArticleIn]``, checks the authors and tags exist (one query
  each, a 422 otherwise), ``bulk_create``s the articles and their tag links in one
  transaction and answers the rows read back like the list does. Each bulk round sends a
  tenth of the requests of the read rounds.

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
Usage: ``python bench/viewset_overhead.py [requests_per_round] [rounds] [cpu]``; ``cpu``
times the process's CPU (all threads: the event loop and the ORM's) instead of the wall
clock, steadier on a machine shared with other loads. ``TMPDIR=/dev/shm`` keeps the
SQLite file in memory, so that commits do not wait for the disk.
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
from django.db.models import Prefetch  # noqa: E402
from django.shortcuts import aget_object_or_404  # noqa: E402
from ninja import Field, NinjaAPI, Schema  # noqa: E402
from ninja.errors import HttpError  # noqa: E402
from ninja.pagination import PageNumberPagination, paginate  # noqa: E402
from ninja.renderers import BaseRenderer  # noqa: E402
from ninja.testing import TestAsyncClient  # noqa: E402

from demo.models import Article, Author, Tag  # noqa: E402
from ninja_aio import NinjaAIO  # noqa: E402
from ninja_aio.views import APIViewSet  # noqa: E402

AUTHORS, TAGS, ARTICLES, PAGE_SIZE, BATCH, DELETABLE = 5, 10, 1000, 100, 100, 2000
PAGES = ARTICLES // PAGE_SIZE
CHECKED = 50  # requests per scenario compared (and counted) before timing
CLOCK = time.process_time if sys.argv[3:4] == ["cpu"] else time.perf_counter


# -- ninja_aio --------------------------------------------------------------------------


def build_viewset() -> TestAsyncClient:
    api = NinjaAIO(urls_namespace="bench-viewset")

    class ArticleViewSet(APIViewSet):
        model = Article
        page_size = PAGE_SIZE
        bulk_operations = ("create",)

    ArticleViewSet(api=api).add_views_to_route()
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


class ArticlePatch(Schema):
    title: str | None = Field(None, max_length=200)
    body: str | None = None


class ArticlePut(Schema):
    title: str = Field(max_length=200)
    body: str
    tags: list[int]


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

    @api.post("/article/", response={201: ArticleOut})
    async def article_create(request, payload: ArticleIn):
        author = await Author.objects.filter(pk=payload.author).afirst()
        tags = [t async for t in Tag.objects.filter(pk__in=payload.tags).order_by("pk")]
        if author is None or len(tags) != len(set(payload.tags)):
            raise HttpError(422, "unknown author or tag")

        def write():
            with transaction.atomic():
                article = Article.objects.create(
                    title=payload.title, body=payload.body, author=author
                )
                article.tags.add(*tags)
            return article

        article = await sync_to_async(write)()
        return 201, {**vars(article), "author": author, "tags": tags}

    @api.patch("/article/{int:id}/", response=ArticleOut)
    async def article_patch(request, id: int, payload: ArticlePatch):
        article = await aget_object_or_404(articles(), pk=id)
        sent = payload.dict(exclude_unset=True)
        for name, value in sent.items():
            setattr(article, name, value)
        await article.asave(update_fields=[*sent, "updated_at"])
        return article

    @api.put("/article/{int:id}/", response=ArticleOut)
    async def article_put(request, id: int, payload: ArticlePut):
        article = await aget_object_or_404(Article.objects.select_related("author"), pk=id)
        tags = [t async for t in Tag.objects.filter(pk__in=payload.tags).order_by("pk")]
        if len(tags) != len(set(payload.tags)):
            raise HttpError(422, "unknown tag")
        article.title, article.body = payload.title, payload.body

        def write():
            with transaction.atomic():
                article.save(update_fields=["title", "body", "updated_at"])
                article.tags.set(tags)

        await sync_to_async(write)()
        return {**vars(article), "author": article.author, "tags": tags}

    @api.delete("/article/{int:id}/", response={204: None})
    async def article_delete(request, id: int):
        article = await aget_object_or_404(Article, pk=id)
        await article.adelete()
        return 204, None

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

    return TestAsyncClient(api)


# -- data, checks and timing ------------------------------------------------------------


def seed() -> tuple[list[int], list[dict], list[int]]:
    """The tables and rows; returns the articles' keys, a bulk create body and the keys of
    rows kept for the delete rounds."""
    call_command("migrate", run_syncdb=True, verbosity=0)
    user = get_user_model().objects.create_user("bench")
    authors = [
        Author.objects.create(name=f"author {i}", bio=f"bio {i}", created_by=(user, None)[i % 2])
        for i in range(AUTHORS)
    ]
    tags = [Tag.objects.create(name=f"tag-{i}") for i in range(TAGS)]
    keys = []
    for i in range(ARTICLES + DELETABLE):
        article = Article.objects.create(
            title=f"article {i}",
            body=f"body of article {i}",
            author=authors[i % AUTHORS],
            is_published=i % 3 == 0,
        )
        article.tags.set([tags[i % TAGS], tags[(i + 3) % TAGS], tags[(i + 7) % TAGS]])
        keys.append(article.pk)
    batch = [
        {
            "title": f"bulk {i}",
            "body": f"body {i}",
            "author": authors[i % AUTHORS].pk,
            "tags": [tags[i % TAGS].pk, tags[(i + 1) % TAGS].pk],
        }
        for i in range(BATCH)
    ]
    return keys[:ARTICLES], batch, keys[ARTICLES:]


class Deletions:
    """Paths of rows to delete, each handed out once whatever the index asked for."""

    def __init__(self, keys: list[int]) -> None:
        self.keys = list(keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index: int) -> tuple:
        return ("delete", f"/article/{self.keys.pop()}/", None)


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
    assert response.status_code in (200, 201, 204), (path, response.status_code, response.content)
    if response.status_code == 204:
        return response.content, len(queries)
    if isinstance(path, tuple):
        rows = response.json()
        masked = [{k: v for k, v in row.items() if k not in NEW_ROW} for row in _rows(rows)]
        return masked, len(queries)
    return response.json(), len(queries)


def _rows(body):
    return body if isinstance(body, list) else [body]


def send(client: TestAsyncClient, path):
    """GET ``path``, or ``(method, url, body)``."""
    if isinstance(path, tuple):
        method, url, body = path
        return getattr(client, method)(url, json=body)
    return client.get(path)


async def check(clients: dict[str, TestAsyncClient], paths: dict[str, list[str]]) -> dict:
    """Asserts both sides answer the same JSON; returns each variant's queries per request."""
    counts: dict[str, set[int]] = {}
    for kind, kind_paths in paths.items():
        for i in range(min(len(kind_paths), CHECKED)):
            path = kind_paths[i]
            viewset, viewset_queries = await fetch(clients[f"viewset {kind}"], path)
            hand, hand_queries = await fetch(clients[f"hand {kind}"], kind_paths[i])
            assert viewset == hand, (path, viewset, hand)
            counts.setdefault(f"viewset {kind}", set()).add(viewset_queries)
            counts.setdefault(f"hand {kind}", set()).add(hand_queries)
    return {name: "-".join(map(str, sorted({min(c), max(c)}))) for name, c in counts.items()}


async def run_round(client: TestAsyncClient, paths: list, count: int) -> float:
    if isinstance(paths, Deletions) or isinstance(paths[0], tuple):
        count = max(count // 10, 3)
    start = CLOCK()
    for i in range(count):
        response = await send(client, paths[i % len(paths)])
        assert response.status_code in (200, 201, 204)
    return (CLOCK() - start) / count


async def main(count: int, rounds: int) -> None:
    keys, batch, deletable = await sync_to_async(seed)()
    viewset, hand = build_viewset(), build_hand()
    create = {**batch[0], "title": "created"}
    put = {"title": "replaced", "body": "new body", "tags": batch[1]["tags"]}
    paths = {
        "list": [f"/article/?page={n}" for n in range(1, PAGES + 1)],
        "retrieve": [f"/article/{pk}" for pk in keys],
        "create": [("post", "/article/", create)],
        "patch": [("patch", f"/article/{pk}/", {"title": "patched", "body": "b"}) for pk in keys],
        "put": [("put", f"/article/{pk}/", put) for pk in keys],
        "delete": Deletions(deletable),
        "bulk": [("post", "/article/bulk/", batch)],
    }
    clients = {
        f"{side} {kind}": client
        for kind in paths
        for side, client in (("viewset", viewset), ("hand", hand))
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
