"""Fuzzing of relation bodies and parent ids: a documented status, never a 5xx.

Plain (sync) tests driving the async client through ``async_to_sync``, like test_fuzz.py,
whose strategies and contract check they reuse. A 200 must account for every id sent
(added, removed or refused); tallies make sure successes and failures were both seen.
"""

from collections import Counter
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.viewsets import apis_relations
from tests.viewsets.test_fuzz import (
    EDGE_INTS,
    FUZZ,
    JSON,
    RAW_BODIES,
    TEXT,
    _surrogates,
    body_kwargs,
    check,
    ids,
    send,
)
from tests.viewsets.test_fuzz import seed as seed  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)

RELATION_FUZZ = settings(FUZZ, max_examples=80)
ALLOWED = {"get": {200, 404, 422}, "post": {200, 404, 413, 422}}
OVERSIZED = ("json", {"add": list(range(11))})  # bulk_max_items = 10


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(apis_relations.api)


def relation_bodies(valid: list[Any]) -> st.SearchStrategy:
    """Bodies: well-formed changes of known and unknown ids, hostile keys and values,
    any JSON, raw bytes, and (rarely) too many ids."""
    key = st.sampled_from(valid) | EDGE_INTS
    hostile = key | TEXT | JSON
    lists = st.lists(key, max_size=5)
    return st.one_of(
        st.tuples(
            st.just("json"), st.fixed_dictionaries({}, optional={"add": lists, "remove": lists})
        ),
        st.tuples(
            st.just("json"),
            st.dictionaries(
                st.sampled_from(["add", "remove", "ids", ""]) | TEXT,
                st.lists(hostile, max_size=4) | hostile,
                max_size=3,
            ),
        ),
        st.tuples(st.just("json"), JSON),
        st.tuples(st.just("raw"), RAW_BODIES),
        st.just(OVERSIZED),
    )


def accounted(response: Any, body: tuple[str, Any]) -> bool:
    """On a 200, every id sent is added, removed or refused, each once."""
    if response.status_code != 200 or body[0] != "json":
        return False
    sent = body[1]
    answer = response.json()
    assert set(answer) == {"added", "removed", "refused"}, answer
    total = len(answer["added"]) + len(answer["removed"]) + len(answer["refused"])
    assert total == len(sent.get("add", [])) + len(sent.get("remove", [])), (sent, answer)
    return True


@pytest.mark.parametrize("relation", ["tags", "comments"])
def test_fuzz_relation_routes(client, seed, relation):
    seen: Counter = Counter()
    targets = seed["tags"] if relation == "tags" else []

    @RELATION_FUZZ
    @example(parent=seed["articles"][0], body=OVERSIZED)
    @example(parent=seed["articles"][0], body=("json", {"add": targets[:1]}))
    @given(parent=ids(seed["articles"]), body=relation_bodies(targets or seed["articles"]))
    def run(parent, body):
        if isinstance(parent, str) and _surrogates(parent):
            return
        path = f"/article/{quote(str(parent), safe='')}/{relation}/"
        listing = send(client, "get", path)
        if listing is not None:
            seen["get", check(listing, ALLOWED["get"])] += 1
        response = send(client, "post", path, **body_kwargs(body))
        if response is None:
            return
        seen["post", check(response, ALLOWED["post"])] += 1
        seen["accounted"] += accounted(response, body)

    run()
    assert seen["get", 200] and seen["get", 404], seen
    assert seen["post", 200] and seen["post", 413] and seen["post", 422], seen
    assert seen["accounted"], seen
