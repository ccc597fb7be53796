"""ETags, tokens and random input on the list with every option and cursors on.

A list's tag is strong and names one representation: ``?fields=``, search terms, orderings
and cursor pages each get their own, so ``If-None-Match`` holding one query's tag answers
another query a 200 (a 304 only where the two bodies are byte for byte the same, which
is what a tag hashed from the body promises). A 304 carries no body; no token is never
a 304; random options, cursors and tags are never a 5xx.
"""

import json
from collections import Counter

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from hypothesis import given
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.query.apis_cursor import api
from tests.query.cursor_world import A_ROWS, B_ROWS, build, cursor_of, page
from tests.query.cursor_world import combined as combined  # the fixture
from tests.query.test_fuzz import LISTS, NUMBERS, QUERY_FUZZ, TERMS
from tests.testapp.models_query import Post
from tests.viewsets.apis import OTHER_KEY
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.test_fuzz import _surrogates, check, send

pytestmark = pytest.mark.django_db(transaction=True)

#: Tags hashed from the body / from a version field; as Django's client and ninja's reach them.
PATHS = ["/api/post/", "/api/post-versioned/"]
ROUTES = [p.removeprefix("/api") for p in PATHS]


@pytest.fixture
def client(settings) -> AsyncClient:
    """Django's client through the URLconf: links in pages are real, with their query."""
    settings.ROOT_URLCONF = "tests.query.urls_cursor"
    return AsyncClient()


async def _tagged(client, path, params, headers, **extra):
    response = await client.get(path, query_params=params, headers=headers | extra)
    assert response.status_code == 200, response.content
    return response["ETag"], response.content


def _queries(world, cursor: str) -> list[dict[str, str]]:
    python = str(world.topics["python"].pk)
    return [
        {},
        {"fields": "id"},
        {"fields": "id,title"},
        {"search": "python"},
        {"search": "django"},
        {"search": "python", "fields": "id"},
        {"ordering": "title"},
        {"topic": python},
        {"cursor": cursor},
    ]


@pytest.mark.parametrize("path", PATHS)
async def test_each_query_has_its_own_tag_and_never_a_304_for_another(client, combined, path):
    first = await page(client, path, {}, combined.headers)
    queries = _queries(combined, cursor_of(first["next"]))
    answers = [await _tagged(client, path, q, combined.headers) for q in queries]
    tags = [tag for tag, _ in answers]
    assert len(set(tags)) == len(tags)  # the bodies differ: so do the tags
    for query, (tag, content) in zip(queries, answers, strict=True):
        for other, (other_tag, _) in zip(queries, answers, strict=True):
            response = await client.get(
                path, query_params=query, headers=combined.headers | {"If-None-Match": other_tag}
            )
            if other is query:
                assert response.status_code == 304
                assert response.content == b""
                assert response["ETag"] == tag
            else:
                assert response.status_code == 200, (query, other)
                assert (response["ETag"], response.content) == (tag, content)
        # every other query's tag at once: still not a match
        others = ", ".join(t for t in tags if t != tag)
        response = await client.get(
            path, query_params=query, headers=combined.headers | {"If-None-Match": others}
        )
        assert response.status_code == 200


async def test_body_tags_match_only_identical_bodies(client, combined):
    """Two searches finding nothing render the same page: the one case where a tag hashed
    from the body is shared, and a 304 across them says truly that nothing differs."""
    empty = [{"search": "nothing-of-this"}, {"search": "nor-that"}, {"fields": "id"}]
    answers = [await _tagged(client, "/api/post/", q, combined.headers) for q in empty]
    for query, (_, content) in zip(empty, answers, strict=True):
        for other_tag, other_content in answers:
            response = await client.get(
                "/api/post/",
                query_params=query,
                headers=combined.headers | {"If-None-Match": other_tag},
            )
            assert (response.status_code == 304) == (content == other_content)
    # the versioned tag names the query too: distinct even for equal bodies
    versioned = [await _tagged(client, "/api/post-versioned/", q, combined.headers) for q in empty]
    assert len({tag for tag, _ in versioned}) == len(empty)


@pytest.mark.parametrize("path", PATHS)
async def test_a_tenants_tag_is_never_a_304_for_another_tenant(client, combined, path):
    params = {"search": "python", "ordering": "-views", "fields": "id,title"}
    tag_a, body_a = await _tagged(client, path, params, combined.headers)
    tag_b, body_b = await _tagged(
        client, path, params, combined.headers_b, **{"If-None-Match": tag_a}
    )
    assert tag_a != tag_b and body_a != body_b
    a_titles = {t for t, *_ in A_ROWS} - {t for t, *_ in B_ROWS}
    assert not {i["title"] for i in json.loads(body_b)["results"]} & a_titles


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("token", ["none", "bad", "no-tenant", "good"])
async def test_tokens_on_the_combined_list(client, combined, user, path, token):
    params = {
        "search": "py",
        "min_views": "5",
        "ordering": "-writer__name,published_on",
        "fields": "id,title",
        "page_size": "2",
    }
    first = await page(client, path, params, combined.headers)
    tag = (await client.get(path, query_params=params, headers=combined.headers))["ETag"]
    headers = {
        "none": {},
        "bad": bearer(make_token(user, key=OTHER_KEY, tenant_id=combined.a.pk)),
        "no-tenant": bearer(make_token(user)),
        "good": combined.headers,
    }[token]
    cursor = cursor_of(first["next"])
    queries = (params, params | {"cursor": cursor}, {"ordering": "secret", "cursor": "x"})
    statuses = (200, 200, 422) if token == "good" else (401, 401, 401)  # auth comes first
    for query, status in zip(queries, statuses, strict=True):
        response = await client.get(path, query_params=query, headers=headers)
        assert response.status_code == status, response.content
        if status == 401:
            assert set(response.json()) == {"detail"}
    # the right tag without the right token: a 401, not a 304 revealing that it matched
    response = await client.get(path, query_params=params, headers=headers | {"If-None-Match": tag})
    assert response.status_code == (304 if token == "good" else 401)
    if token == "good":
        second = await client.get(path, query_params=params | {"cursor": cursor}, headers=headers)
        assert second.status_code == 200
        assert second.json()["results"] != first["results"]


# -- random input --------------------------------------------------------------------------


@pytest.fixture
def seeded(transactional_db, django_user_model):
    """The rows of ``combined`` (sync), real cursors and tags of several queries, and
    the ids of tenant A's rows."""

    async def make():
        user = await django_user_model.objects.acreate(username="fuzzer")
        world = await build(user)
        client = TestAsyncClient(api)
        cursors, tags = [], []
        for path in ROUTES:
            for ordering in ("", "title", "-published_on", "writer__name"):
                params = {"ordering": ordering, "page_size": "2"} if ordering else {}
                response = await client.get(path, query_params=params, headers=world.headers)
                cursors.append(cursor_of(response.json()["next"]))
                tags.append(response["ETag"])
        return world, cursors, tags

    return async_to_sync(make)()


CURSOR_TEXT = st.one_of(st.text(max_size=40), st.text("abcdefABCDEF0123456789:-_=", max_size=120))


def test_random_combined_queries_are_never_a_5xx(seeded):
    world, cursors, tags = seeded
    a_ids = set(Post.objects.filter(tenant=world.a).values_list("pk", flat=True))
    client = TestAsyncClient(api)
    real = st.sampled_from(cursors)
    tampered = st.tuples(real, st.integers(0, 200), st.characters()).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
    )
    params = st.fixed_dictionaries(
        {},
        optional={
            "ordering": LISTS,
            "search": TERMS,
            "fields": LISTS,
            "min_views": NUMBERS,
            "topic": NUMBERS,
            "popular": st.sampled_from(["true", "false", "", "maybe"]),
            "title": TERMS,
            "cursor": st.one_of(real, tampered, CURSOR_TEXT),
            "page_size": NUMBERS,
        },
    )
    header = st.one_of(st.none(), st.sampled_from(tags), st.text(max_size=30))
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    documented = {
        route: {int(code) for code in paths[route]["get"]["responses"]} for route in ROUTES
    }
    seen: Counter = Counter()

    @QUERY_FUZZ
    @given(path=st.sampled_from(ROUTES), query=params, if_none_match=header)
    def run(path, query, if_none_match):
        text = json.dumps([query, if_none_match], ensure_ascii=False)
        if _surrogates(text) or (if_none_match and not if_none_match.isprintable()):
            return  # servers decode UTF-8 and headers hold no control characters
        extra = {"If-None-Match": if_none_match} if if_none_match is not None else {}
        response = send(client, "get", path, query_params=query, headers=world.headers | extra)
        assert response.status_code in documented[path], (query, response.content)
        if response.status_code == 304:
            assert response.content == b""
            seen[304] += 1
            return
        status = check(response, documented[path] - {401, 403})
        seen[status] += 1
        if status == 200:
            ids = {i["id"] for i in response.json()["results"] if "id" in i}
            assert ids <= a_ids, query

    run()
    assert seen[200] and seen[422], seen
