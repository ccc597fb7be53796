"""Random ``ordering``, ``search``, ``fields`` and filter strings: never a 5xx.

Sync tests driving the async client through ``async_to_sync`` (see tests/viewsets/test_fuzz.py):
the ORM runs on the test's connection, and the tallies are checked once every example ran.
"""

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.query.apis import api
from tests.testapp.models import Tenant
from tests.testapp.models_query import Post, Topic, Writer
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.test_fuzz import FUZZ, LIST, _surrogates, check, send

pytestmark = pytest.mark.django_db(transaction=True)

QUERY_FUZZ = FUZZ.__class__(FUZZ, max_examples=60)

NAMES = ["id", "title", "views", "writer", "writer__name", "topics", "secret", "created_at"]
PIECES = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES).map(lambda n: f"-{n}"),
    st.text(max_size=12),
    st.sampled_from(["", " ", ",", "--", "\x00", "%", "'", '"', "😀", "9" * 30]),
)
LISTS = st.lists(PIECES, max_size=5).map(",".join)
TERMS = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(PIECES, st.integers().map(str)), max_size=12).map(" ".join),
)
NUMBERS = st.one_of(
    st.integers().map(str), st.sampled_from(["", "abc", "1.5", "1e99", "-0", "\x00", "true"])
)


@pytest.fixture
def rows(transactional_db, django_user_model):
    tenant = Tenant.objects.create(name="fuzz")
    writer = Writer.objects.create(name="w")
    topic = Topic.objects.create(name="t")
    for i in range(3):
        post = Post.objects.create(title=f"post {i}", writer=writer, tenant=tenant, views=i)
        post.topics.set([topic])
    user = django_user_model.objects.create_user("fuzz")
    return bearer(make_token(user, tenant_id=tenant.pk))


@pytest.mark.parametrize("path", ["/post/", "/open-post/"])
def test_fuzz_list_options(rows, path):
    client = TestAsyncClient(api)
    seen: Counter = Counter()
    params = st.fixed_dictionaries(
        {},
        optional={
            "ordering": LISTS,
            "search": TERMS,
            "fields": LISTS,
            "owner": NUMBERS,
            "min_views": NUMBERS,
            "topic": NUMBERS,
            "title": TERMS,
            "views__gte": NUMBERS,
            "published_on__lte": NUMBERS,
            "topics": st.lists(NUMBERS, max_size=3),
            "writer": NUMBERS,
        },
    )

    @QUERY_FUZZ
    @given(query=params)
    def run(query):
        if _surrogates(json.dumps(query, ensure_ascii=False)):
            return  # a server decodes query strings as UTF-8: no lone surrogates
        response = send(client, "get", path, query_params=query, headers=rows)
        seen[check(response, LIST)] += 1

    run()
    assert seen[200] and seen[422], seen


def _documented(name: str) -> dict:
    operation = api.get_openapi_schema(path_prefix="")["paths"]["/post/"]["get"]
    (param,) = [p for p in operation["parameters"] if p["name"] == name]
    return param["schema"]


def _valid(name: str) -> st.SearchStrategy:
    schema = _documented(name)
    pattern = schema["pattern"].replace("\\u0000", "\\x00")
    text = st.from_regex(pattern, fullmatch=True)
    return text.filter(lambda s: len(s) <= schema["maxLength"])


def test_values_valid_by_the_openapi_document_are_accepted(rows):
    """Whatever the documented pattern and length admit, the list answers 200."""
    client = TestAsyncClient(api)
    params = st.fixed_dictionaries(
        {},
        optional={
            "ordering": _valid("ordering"),
            "fields": _valid("fields"),
            "search": _valid("search"),
        },
    )

    @QUERY_FUZZ
    @given(query=params)
    def run(query):
        if _surrogates(json.dumps(query, ensure_ascii=False)):
            return
        response = send(client, "get", "/post/", query_params=query, headers=rows)
        assert response.status_code == 200, (query, response.content)

    run()
