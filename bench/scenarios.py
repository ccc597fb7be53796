"""What the benchmark measures: the data set and one entry per scenario.

Shared by the harness (``run.py``) and the worker processes (``worker.py``), which may run
under another virtualenv: standard library only. Adding a scenario is one ``Scenario(...)``
entry in ``SCENARIOS`` (plus its route in each implementation that has it: ``impls`` says
which do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Every implementation, in the order the report lists them; ``ours`` is the reference.
#: ``hand-b`` (``--calibrate``) is the hand-written code again, in a process of its own:
#: how far apart two identical implementations measure is the run's resolution.
IMPLEMENTATIONS = ("ours", "hand", "published", "hand-b")
TITLES = {
    "ours": "ninja_aio (this repo)",
    "hand": "hand-written django-ninja",
    "published": "django-ninja-aio-crud 3.0.1",
    "hand-b": "hand-written django-ninja, second process (A/A calibration)",
}
#: Implementations that run another one's code: ``code_of(impl)``.
_SAME_CODE = {"hand-b": "hand"}


def code_of(impl: str) -> str:
    """The implementation whose code ``impl`` runs (itself, except for calibration)."""
    return _SAME_CODE.get(impl, impl)


#: The tokens' issuer and audience, which every implementation's authenticator requires.
ISSUER, AUDIENCE = "https://issuer.bench", "bench-api"


@dataclass(frozen=True)
class Sizes:
    """The data set every implementation seeds identically in its own database."""

    articles: int = 1000
    authors: int = 20
    tags: int = 30
    tags_per_article: int = 3
    page_size: int = 100
    bulk: int = 100

    @property
    def pages(self) -> int:
        return max(1, self.articles // self.page_size)


FULL = Sizes()
#: ``--quick``: the same shapes on a smaller table.
QUICK = Sizes(articles=300, authors=10, tags=12)
#: The test suite's smoke run: tiny, so that the check phase takes seconds.
TINY = Sizes(articles=12, authors=3, tags=5, page_size=5, bulk=4)


@dataclass(frozen=True)
class Scenario:
    """One kind of request, the same for every implementation.

    ``path`` may hold ``{id}`` (an article: ``rows`` says which), ``{page}`` and ``{query}``
    (request ``i`` takes ``queries[i % len(queries)]``); ``body``
    builds request ``i``'s JSON body from the sizes. ``rows`` is ``"seeded"`` (cycle over
    the seeded articles) or ``"fresh"`` (each request consumes an article created for the
    round, outside the timer: deletes). ``weight`` scales the requests per round (a bulk
    request does a hundred rows' work). ``impls`` lists who has the route (``None``: all).
    """

    name: str
    title: str
    method: str
    path: str
    status: int = 200
    body: Callable[[int, Sizes], Any] | None = None
    rows: str = "seeded"
    auth: bool = False
    weight: float = 1.0
    impls: tuple[str, ...] | None = None
    queries: tuple[str, ...] = ()

    def request(
        self, i: int, keys: list[int], sizes: Sizes, path: str | None = None
    ) -> tuple[str, str, Any]:
        """Request ``i`` of a round: method, path (``path`` overrides the template) and JSON
        body (or ``None``)."""
        path = (path or self.path).format(
            id=keys[i % len(keys)] if keys else 0,
            page=i % sizes.pages + 1,
            query=self.queries[i % len(self.queries)] if self.queries else "",
        )
        return self.method, path, self.body(i, sizes) if self.body else None

    def runs(self, impl: str) -> bool:
        return self.impls is None or code_of(impl) in self.impls


def _new_article(i: int, sizes: Sizes) -> dict[str, Any]:
    return {"title": f"new article {i}", "body": f"body {i}", "author": i % sizes.authors + 1}


def _new_tagged(i: int, sizes: Sizes) -> dict[str, Any]:
    return _new_article(i, sizes) | {"tags": [i % sizes.tags + 1, (i + 1) % sizes.tags + 1]}


def _patch(i: int, sizes: Sizes) -> dict[str, Any]:
    return {"title": f"patched title {i}", "body": f"patched body {i}"}


def _put(i: int, sizes: Sizes) -> dict[str, Any]:
    return {
        "title": f"replaced {i}",
        "body": f"replaced body {i}",
        "tags": _new_tagged(i, sizes)["tags"],
    }


def _bulk(i: int, sizes: Sizes) -> list[dict[str, Any]]:
    return [_new_tagged(i * sizes.bulk + j, sizes) for j in range(sizes.bulk)]


#: The query scenario's requests: search terms (title, author name, tag names), ordering,
#: the ``is_published`` filter and a page; each page exists even on the ``--tiny`` table.
QUERIES = tuple(
    f"search={search}&ordering={ordering}&is_published={published}&page={page}"
    for search, ordering, published, page in [
        ("article", "-title", "true", 1),
        ("article", "-title", "false", 2),
        ("tag-3", "created_at", "false", 1),
        ("author+2", "title", "false", 1),
        ("article+1", "-created_at", "true", 1),
        ("tag-2+author", "-title,created_at", "false", 1),
        ("1", "title", "true", 1),
        ("tag-1", "-created_at", "false", 1),
    ]
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "list",
        "list page of 100 (nested author + tags)",
        "GET",
        "/api/article/?page={page}",
        weight=0.3,
    ),
    Scenario("retrieve", "retrieve (nested author + tags)", "GET", "/api/article/{id}"),
    Scenario(
        "query",
        "list page: search + ordering + filter",
        "GET",
        "/api/article-query/?{query}",
        weight=0.3,
        impls=("ours", "hand"),
        queries=QUERIES,
    ),
    Scenario("create", "create (FK)", "POST", "/api/article/", 201, _new_article),
    Scenario("patch", "patch two fields", "PATCH", "/api/article/{id}/", 200, _patch),
    Scenario(
        "put",
        "put (two fields + 2 tags)",
        "PUT",
        "/api/article/{id}/",
        200,
        _put,
        impls=("ours", "hand"),
    ),
    Scenario("delete", "delete", "DELETE", "/api/article/{id}/", 204, rows="fresh"),
    Scenario(
        "create_tags",
        "create (FK + 2 tags)",
        "POST",
        "/api/article/",
        201,
        _new_tagged,
        impls=("ours", "hand"),
    ),
    Scenario("auth", "auth-only endpoint (RS256, iss + aud)", "GET", "/api/whoami", auth=True),
    Scenario(
        "bulk_create",
        "bulk create of 100 rows",
        "POST",
        "/api/article/bulk/",
        201,
        _bulk,
        weight=0.1,
        impls=("ours", "hand"),
    ),
)
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
