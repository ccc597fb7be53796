"""Fuzzing of the bulk bodies: whatever a batch holds, a documented status, never a 5xx.

Plain (sync) tests driving the async client through ``async_to_sync``, like test_fuzz.py,
whose strategies and contract check they reuse; tallies make sure both successes and
failures were seen.
"""

from collections import Counter
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.testapp.models import Article, Author
from tests.viewsets import apis_writes
from tests.viewsets.test_fuzz import (
    EDGE_INTS,
    FUZZ,
    JSON,
    RAW_BODIES,
    TEXT,
    article_fields,
    body_kwargs,
    check,
    send,
)
from tests.viewsets.test_fuzz import seed as seed  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)

ATOMIC = {
    "post": {201, 409, 413, 422},
    "patch": {200, 409, 413, 422},
    "delete": {204, 409, 413, 422},
}
PARTIAL = {200, 413, 422}
#: Each example sends batches of a few items: fewer examples than test_fuzz.py's.
BULK_FUZZ = settings(FUZZ, max_examples=80)
WRITTEN = {"post": 201, "patch": 200, "delete": 204}
OVERSIZED = ("json", [{}] * 101)


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(apis_writes.api)


def batches(item: st.SearchStrategy, clean: st.SearchStrategy) -> st.SearchStrategy:
    """Bulk bodies: lists of hostile items, lists of valid ones, anything else JSON or raw,
    and (rarely) an oversized batch."""
    return st.one_of(
        st.tuples(st.just("json"), clean),
        st.tuples(st.just("json"), st.lists(item, max_size=5)),
        st.tuples(st.just("json"), st.lists(item | JSON, max_size=3)),
        st.tuples(st.just("json"), JSON),
        st.tuples(st.just("raw"), RAW_BODIES),
        st.just(OVERSIZED),
    )


def check_outcomes(response: Any, method: str, base: str) -> Counter:
    """The per-item results of a partial batch: their shape and statuses."""
    seen: Counter = Counter()
    if "partial" not in base or response.status_code != 200:
        return seen
    for index, result in enumerate(response.json()):
        assert set(result) == {"index", "id", "status", "detail"}, result
        assert result["index"] == index
        status = result["status"]
        assert status in {WRITTEN[method], 404, 409, 422}, result
        if status == 422:
            assert all({"loc", "msg", "type"} <= set(e) for e in result["detail"]), result
        elif status != WRITTEN[method]:
            assert isinstance(result["detail"], str), result
        seen[status == WRITTEN[method]] += 1
    return seen


def update_items(seed: dict[str, Any], *, clean: bool) -> st.SearchStrategy:
    fields = article_fields(seed, partial=True, clean=clean)
    if clean:
        keys = st.lists(st.sampled_from(seed["articles"]), min_size=1, max_size=3, unique=True)
        return keys.flatmap(
            lambda ks: st.tuples(*[fields.map(lambda f, k=k: {**f, "id": k}) for k in ks]).map(list)
        )
    key = st.one_of(st.sampled_from(seed["articles"]), EDGE_INTS, TEXT, JSON)
    return st.builds(lambda f, k: {**f, "id": k}, fields, key)


@pytest.mark.parametrize("base", ["/article/bulk/", "/article-partial/bulk/"])
def test_fuzz_bulk_create_and_update(client, seed, base):
    seen: Counter = Counter()
    create_item = article_fields(seed, partial=False)
    clean_create = st.lists(article_fields(seed, partial=False, clean=True), min_size=1, max_size=4)

    @BULK_FUZZ
    @example(create=OVERSIZED, update=OVERSIZED)  # the 413, whatever the draw
    @given(
        create=batches(create_item, clean_create),
        update=batches(update_items(seed, clean=False), update_items(seed, clean=True)),
    )
    def run(create, update):
        for method, body in (("post", create), ("patch", update)):
            allowed = ATOMIC[method] if "partial" not in base else PARTIAL
            response = send(client, method, base, **body_kwargs(body))
            seen[method, check(response, allowed)] += 1
            seen.update(
                (method, "item", ok) for ok in check_outcomes(response, method, base).elements()
            )

    run()
    for method in ("post", "patch"):
        assert seen[method, 422] and seen[method, 413], seen
        if "partial" in base:
            assert seen[method, "item", True] and seen[method, "item", False], seen
        else:
            assert seen[method, WRITTEN[method]], seen


@pytest.mark.parametrize("base", ["/article/bulk/", "/article-partial/bulk/"])
def test_fuzz_bulk_delete(client, seed, base):
    seen: Counter = Counter()
    writer = Author.objects.get(pk=seed["authors"][0])

    @BULK_FUZZ
    @example(body="fresh")
    @example(body="fresh and junk")
    @given(
        body=st.one_of(
            st.builds(lambda ids: {"ids": ids}, st.lists(EDGE_INTS | TEXT | JSON, max_size=4)),
            st.builds(lambda extra: {"ids": [], **extra}, st.dictionaries(TEXT, JSON, max_size=2)),
            JSON,
            st.just("fresh"),
            st.just("fresh and junk"),
        ),
    )
    def run(body):
        if isinstance(body, str) and body.startswith("fresh"):
            fresh = [Article.objects.create(title="fresh", author=writer).pk for _ in range(2)]
            body = {"ids": fresh + (["junk"] if "junk" in body else [])}
        allowed = ATOMIC["delete"] if "partial" not in base else PARTIAL
        response = send(client, "delete", base, **body_kwargs(("json", body)))
        seen[check(response, allowed)] += 1
        seen.update(("item", ok) for ok in check_outcomes(response, "delete", base).elements())

    run()
    assert seen[422], seen
    if "partial" in base:
        assert seen["item", True] and seen["item", False], seen
    else:
        assert seen[204], seen
