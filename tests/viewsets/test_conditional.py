"""Conditional requests through HTTP: ETags, 304, If-Match 412 / 428, concurrent writers,
tenant scoping, OpenAPI, and random header strings (never a 5xx)."""

import threading
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection, connections
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.testapp.models import Tenant
from tests.testapp.models_cond import WRITE_GATE, Release
from tests.viewsets import apis, apis_cond
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.conftest import user as user  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(apis_cond.api)


@pytest.fixture
async def row() -> Release:
    return await Release.objects.acreate(title="first", score=1)


async def _tag(client: TestAsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200
    return response.headers["ETag"]


@pytest.mark.parametrize("base", ["/release", "/release-versioned"])
async def test_retrieve_answers_304_for_a_matching_tag(client, row, base):
    path = f"{base}/{row.pk}"
    tag = await _tag(client, path)
    assert tag.startswith('"') and tag.endswith('"') and len(tag) > 10  # strong
    assert await _tag(client, path) == tag  # stable
    for header in (tag, f"W/{tag}", f'"other", {tag}', "*", f' "x" ,, {tag} '):
        response = await client.get(path, headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b"" and response.headers["ETag"] == tag
    for header in ('"other"', 'W/"other", "x"', tag[:-2] + '"'):
        response = await client.get(path, headers={"If-None-Match": header})
        assert response.status_code == 200 and response.json()["id"] == row.pk
    await Release.objects.filter(pk=row.pk).aupdate(title="changed")
    if base == "/release-versioned":  # its tag follows updated_at, which aupdate left alone
        await Release.objects.filter(pk=row.pk).aupdate(score=2, updated_at=row.updated_at)
        assert await _tag(client, path) == tag
        return
    response = await client.get(path, headers={"If-None-Match": tag})
    assert response.status_code == 200 and response.headers["ETag"] != tag


@pytest.mark.parametrize("base", ["/release/", "/release-versioned/", "/release-title/"])
async def test_list_answers_304_until_its_rows_change(client, row, base):
    tag = await _tag(client, base)
    response = await client.get(base, headers={"If-None-Match": tag})
    assert response.status_code == 304 and response.content == b""
    await Release.objects.acreate(title="second")
    response = await client.get(base, headers={"If-None-Match": tag})
    assert (
        response.status_code == 200
        and len(response.json()["results" if "title" in base else "items"]) == 2
    )
    assert response.headers["ETag"] != tag


async def test_list_tag_depends_on_the_query(client, row):
    await Release.objects.acreate(title="second")
    tag = await _tag(client, "/release-versioned/")
    response = await client.get("/release-versioned/?page_size=1", headers={"If-None-Match": tag})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("base", "method", "payload"),
    [
        ("/release", "patch", {"score": 5}),
        ("/release", "put", {"title": "new", "score": 5, "published": None, "shelf": None}),
        ("/release-versioned", "patch", {"score": 5}),
    ],
)
async def test_writes_honour_if_match(client, row, base, method, payload):
    path = f"{base}/{row.pk}/"
    tag = await _tag(client, path)
    send = getattr(client, method)
    for stale in ('"stale"', f"W/{tag}", '"a", "b"'):  # a weak tag never matches strongly
        response = await send(path, json=payload, headers={"If-Match": stale})
        assert response.status_code == 412, stale
        assert set(response.json()) == {"detail"}
        assert (await Release.objects.aget(pk=row.pk)).score == 1  # nothing written
    response = await send(path, json=payload, headers={"If-None-Match": "*", "If-Match": tag})
    assert response.status_code == 412  # the resource exists: "*" matches
    response = await send(path, json=payload, headers={"If-Match": f'"x", {tag}'})
    assert response.status_code == 200 and response.json()["score"] == 5
    new = response.headers["ETag"]
    assert new != tag and new == await _tag(client, path)  # the tag a GET now gives
    assert (await send(path, json=payload, headers={"If-Match": tag})).status_code == 412
    assert (await send(path, json=payload, headers={"If-Match": "*"})).status_code == 200


async def test_delete_honours_if_match(client, row):
    path = f"/release/{row.pk}/"
    tag = await _tag(client, path)
    response = await client.delete(path, headers={"If-Match": '"stale"'})
    assert response.status_code == 412
    assert await Release.objects.filter(pk=row.pk).aexists()
    assert (await client.delete(path, headers={"If-Match": tag})).status_code == 204
    assert not await Release.objects.filter(pk=row.pk).aexists()


async def test_require_if_match_makes_unconditional_writes_a_428(client, row):
    path = f"/release-versioned/{row.pk}/"
    for method, kwargs in (("patch", {"json": {"score": 9}}), ("delete", {})):
        response = await getattr(client, method)(path, **kwargs)
        assert response.status_code == 428
        assert "If-Match" in response.json()["detail"]
    assert await Release.objects.filter(pk=row.pk, score=1).aexists()
    tag = await _tag(client, path)
    assert (await client.delete(path, headers={"If-Match": tag})).status_code == 204


@pytest.mark.parametrize("header", ["garbage", '"unterminated', 'W/ "x"', '"a" "b"', "*, *"])
async def test_a_malformed_precondition_is_a_400_and_writes_nothing(client, row, header):
    path = f"/release/{row.pk}/"
    response = await client.patch(path, json={"score": 3}, headers={"If-Match": header})
    assert response.status_code == 400 and "If-Match" in response.json()["detail"]
    assert (await Release.objects.aget(pk=row.pk)).score == 1
    response = await client.get(path, headers={"If-None-Match": header})
    assert response.status_code == 400


async def test_conditional_requests_can_be_turned_off(client, row):
    path = f"/release-plain/{row.pk}/"
    response = await client.get(path)
    assert response.status_code == 200 and "ETag" not in response.headers
    response = await client.patch(path, json={"score": 4}, headers={"If-Match": '"stale"'})
    assert response.status_code == 200


async def test_two_writers_with_the_same_tag_sequential_interleave(client, row):
    """Both read the same tag; the second write, checked in its own transaction, is a 412."""
    path = f"/release-versioned/{row.pk}/"
    tag = await _tag(client, path)
    first = await client.patch(path, json={"title": "one"}, headers={"If-Match": tag})
    second = await client.patch(path, json={"title": "two"}, headers={"If-Match": tag})
    assert (first.status_code, second.status_code) == (200, 412)
    assert (await Release.objects.aget(pk=row.pk)).title == "one"


@pytest.mark.postgresql
def test_two_concurrent_writers_with_the_same_tag_one_wins(transactional_db, settings):
    """Two threads, two connections: the first holds its write open (locked row) while the
    second starts; the second waits for the lock, then sees the new version: 412."""
    assert connection.vendor == "postgresql"
    settings.ROOT_URLCONF = "tests.viewsets.urls_cond"
    row = Release.objects.create(title="first")
    path = f"/api/release/{row.pk}/"
    tag = Client().get(path).headers["ETag"]
    holding, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def gate(instance: Release) -> None:
        if instance.title == "one":
            holding.set()
            release.wait(10)

    def patch(title: str) -> None:
        try:
            response = Client().patch(
                path, {"title": title}, content_type="application/json", HTTP_IF_MATCH=tag
            )
            results[title] = response.status_code
        finally:
            connections.close_all()

    WRITE_GATE[0] = gate
    try:
        one = threading.Thread(target=patch, args=("one",))
        one.start()
        assert holding.wait(10)
        two = threading.Thread(target=patch, args=("two",))
        two.start()
        _wait_for_lock_waiter()
        release.set()
        one.join(10)
        two.join(10)
    finally:
        WRITE_GATE[0] = lambda instance: None
        release.set()
    assert results == {"one": 200, "two": 412}
    row.refresh_from_db()
    assert row.title == "one"


def _wait_for_lock_waiter() -> None:
    """Until another backend waits on a row lock (the second writer's SELECT FOR UPDATE)."""
    with connection.cursor() as cursor:
        for _ in range(2000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.005)
    raise AssertionError("the second writer never waited for the row lock")


async def test_tenant_routes_with_no_bad_and_good_tokens(client, user):
    one, two = await Tenant.objects.acreate(name="one"), await Tenant.objects.acreate(name="two")
    mine = await Release.objects.acreate(title="mine", tenant=one)
    theirs = await Release.objects.acreate(title="theirs", tenant=two)
    good = bearer(make_token(user, tenant_id=one.pk))
    bad = bearer(make_token(user, key=apis.OTHER_KEY, tenant_id=one.pk))
    path = f"/release-tenant/{mine.pk}"
    assert (await client.get(path)).status_code == 401
    assert (await client.get(path, headers=bad)).status_code == 401
    response = await client.get(path, headers=good)
    assert response.status_code == 200
    tag = response.headers["ETag"]
    assert (await client.get(path, headers={**good, "If-None-Match": tag})).status_code == 304
    # another tenant's row: a 404 whatever the tag, never a 304 or 412 that would confirm it
    other = f"/release-tenant/{theirs.pk}"
    for header in ("If-None-Match", "If-Match"):
        response = await client.get(other, headers={**good, header: "*"})
        assert response.status_code == 404
    response = await client.patch(f"{other}/", json={"score": 1}, headers={**good, "If-Match": "*"})
    assert response.status_code == 404
    response = await client.delete(f"{path}/", headers={**bad, "If-Match": tag})
    assert response.status_code == 401
    assert await Release.objects.filter(pk=mine.pk).aexists()


def test_openapi_documents_headers_and_statuses():
    paths = apis_cond.api.get_openapi_schema(path_prefix="/")["paths"]
    retrieve = paths["/release-versioned/{id}"]["get"]
    headers = {p["name"] for p in retrieve["parameters"] if p["in"] == "header"}
    assert headers == {"If-None-Match"}
    assert {"200", "304"} <= set(map(str, retrieve["responses"]))
    assert "ETag" in retrieve["responses"]["200"]["headers"]
    listing = paths["/release-versioned/"]["get"]
    assert "304" in set(map(str, listing["responses"]))
    assert "ETag" in listing["responses"]["200"]["headers"]
    for method in ("patch", "put", "delete"):
        operation = paths["/release-versioned/{id}/"][method]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert set(headers) == {"If-Match", "If-None-Match"}
        assert "428" in headers["If-Match"]["description"]
        assert {"400", "412", "428"} <= set(map(str, operation["responses"]))
    assert "428" not in set(map(str, paths["/release/{id}/"]["patch"]["responses"]))
    assert "ETag" in paths["/release/{id}/"]["patch"]["responses"]["200"]["headers"]
    plain = paths["/release-plain/{id}"]["get"]
    assert not [p for p in plain["parameters"] if p["in"] == "header"]


HEADER_FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_ETAGC = st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters='"')


def test_random_precondition_headers_never_answer_a_5xx(transactional_db):
    client = TestAsyncClient(apis_cond.api)
    row = Release.objects.create(title="fuzzed", score=1)
    real = async_to_sync(_tag)(client, f"/release/{row.pk}")
    tags = st.builds(lambda w, t: f'{w}"{t}"', st.sampled_from(["", "W/"]), st.text(_ETAGC))
    headers = st.one_of(
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40),
        st.lists(st.one_of(tags, st.just(real)), max_size=4).map(", ".join),
        st.sampled_from(["*", real, f"W/{real}", " , "]),
    )
    seen: set[int] = set()

    # Each status the property must see, drawn first (a successful PATCH may change the tag).
    @HEADER_FUZZ
    @example(name="If-None-Match", value=real, method="get")
    @example(name="If-Match", value='"stale"', method="patch")
    @example(name="If-Match", value="not a tag", method="patch")
    @given(
        name=st.sampled_from(["If-Match", "If-None-Match"]),
        value=headers,
        method=st.sampled_from(["get", "list", "patch"]),
    )
    def run(name: str, value: str, method: str) -> None:
        if method == "patch":
            response = async_to_sync(client.patch)(
                f"/release/{row.pk}/", json={"score": 1}, headers={name: value}
            )
            allowed = {200, 400, 412}
        else:
            path = f"/release/{row.pk}" if method == "get" else "/release/"
            response = async_to_sync(client.get)(path, headers={name: value})
            allowed = {200, 304, 400}
        assert response.status_code in allowed, (name, value, response.content)
        if response.status_code >= 400:
            assert set(response.json()) == {"detail"}
        seen.add(response.status_code)

    run()
    assert {200, 304, 400, 412} <= seen


async def test_conditional_writes_through_a_distinct_scope(client, row):
    """PostgreSQL refuses FOR UPDATE with DISTINCT: the row is then locked by its key."""
    path = f"/release-distinct/{row.pk}/"
    tag = await _tag(client, path)
    assert (
        await client.patch(path, json={"score": 2}, headers={"If-Match": tag})
    ).status_code == 200
    assert (
        await client.patch(path, json={"score": 3}, headers={"If-Match": tag})
    ).status_code == 412
    assert (await client.delete(path, headers={"If-Match": tag})).status_code == 412
    assert (await Release.objects.aget(pk=row.pk)).score == 2
