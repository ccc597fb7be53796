"""Random list-option strings on relation routes: never a 5xx, only the list's statuses."""

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.query.apis_relations import api
from tests.query.test_fuzz import LISTS, NUMBERS, QUERY_FUZZ, TERMS
from tests.testapp.models import Tenant
from tests.testapp.models_query import Post, Topic, Writer
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.test_fuzz import LIST, _surrogates, check, send

pytestmark = pytest.mark.django_db(transaction=True)

#: Random values of every option of both relation routes, and cursors.
OPTIONS = {
    "ordering": LISTS,
    "search": TERMS,
    "fields": LISTS,
    "views__gte": NUMBERS,
    "views__lte": NUMBERS,
    "is_published": NUMBERS,
    "topics": st.lists(NUMBERS, max_size=3),
    "min_views": NUMBERS,
    "popular": NUMBERS,
    "text": TERMS,
    "topic": NUMBERS,
    "cursor": TERMS,
    "page_size": NUMBERS,
}


@pytest.fixture
def rows(transactional_db, django_user_model):
    tenant = Tenant.objects.create(name="fuzz")
    writer = Writer.objects.create(name="w")
    topic = Topic.objects.create(name="t")
    for i in range(3):
        post = Post.objects.create(title=f"post {i}", writer=writer, tenant=tenant, views=i)
        post.topics.set([topic])
    user = django_user_model.objects.create_user("fuzz")
    paths = [f"/writer/{writer.pk}/posts/", f"/topic/{topic.pk}/posts/"]
    return paths, bearer(make_token(user, tenant_id=tenant.pk))


def test_fuzz_relation_list_options(rows):
    paths, headers = rows
    client = TestAsyncClient(api)
    seen: Counter = Counter()

    @QUERY_FUZZ
    @given(path=st.sampled_from(paths), query=st.fixed_dictionaries({}, optional=OPTIONS))
    def run(path, query):
        if _surrogates(json.dumps(query, ensure_ascii=False)):
            return  # a server decodes query strings as UTF-8: no lone surrogates
        response = send(client, "get", path, query_params=query, headers=headers)
        seen[check(response, LIST)] += 1

    run()
    assert seen[200] and seen[422], seen
