"""Cursor pagination through HTTP: every ordering, inserts between pages, refused cursors,
tenant scoping, constant query counts, and random cursor strings (never a 5xx)."""

import base64
import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.testapp.models import Tenant
from tests.testapp.models_cond import Release, Shelf
from tests.viewsets import apis, apis_cond
from tests.viewsets.conftest import bearer, make_token
from tests.viewsets.conftest import user as user  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(apis_cond.api)


async def _rows() -> list[Release]:
    """Rows with duplicates and NULLs in every ordering column."""
    shelves = [await Shelf.objects.acreate(name=n) for n in ("b", "a", "b")]
    specs = [
        ("m", 3, 2, 0),
        ("c", None, None, 1),
        ("x", 3, 1, None),
        ("a", 1, None, 2),
        ("k", None, 5, 0),
        ("e", 7, 2, None),
        ("q", 1, 3, 1),
        ("g", 3, None, 2),
    ]
    rows = []
    for title, score, day, shelf in specs:
        published = None if day is None else T0 + datetime.timedelta(days=day)
        shelf_row = None if shelf is None else shelves[shelf]
        rows.append(
            await Release.objects.acreate(
                title=title, score=score, published=published, shelf=shelf_row
            )
        )
    return [await Release.objects.select_related("shelf").aget(pk=r.pk) for r in rows]


def _value(row: Release, path: str) -> Any:
    if path == "shelf__name":
        return row.shelf.name if row.shelf else None
    return getattr(row, path)


def _expected(rows: list[Release], ordering: tuple[str, ...]) -> list[int]:
    """The order the list must follow: NULL as the largest value, pk the last tie-break."""
    terms = list(ordering)
    if not {"pk", "-pk"} & set(terms):
        terms.append("pk")
    ordered = list(rows)
    for term in reversed(terms):
        path, desc = term.removeprefix("-"), term.startswith("-")
        path = "pk" if path == "pk" else path

        def key(row: Release, path: str = path) -> tuple[bool, Any]:
            value = _value(row, path)
            return (value is None, value if value is not None else 0)

        ordered.sort(key=key, reverse=desc)
    return [r.pk for r in ordered]


def _query(url: str | None) -> str:
    assert url is not None
    return urlsplit(url).query


def _follow(path: str, link: str | None) -> str:
    """``path`` (keeping its own query) at the cursor of ``link``: ninja's test client
    builds links without the request's path and query, a server keeps them."""
    cursor = parse_qs(_query(link))["cursor"][0]
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'cursor': cursor})}"


async def _walk(client: TestAsyncClient, path: str, **kwargs: Any) -> tuple[list[list[int]], Any]:
    """Follow ``next`` from the first page; the pages' ids and the last page."""
    page = await client.get(path, **kwargs)
    assert page.status_code == 200, page.content
    body = page.json()
    pages = [[r["id"] for r in body["results"]]]
    while body["next"]:
        page = await client.get(_follow(path, body["next"]), headers=kwargs.get("headers", {}))
        assert page.status_code == 200, page.content
        body = page.json()
        pages.append([r["id"] for r in body["results"]])
    return pages, body


@pytest.mark.parametrize("suffix", list(apis_cond.ORDERINGS))
async def test_pages_follow_each_ordering_forward_and_back(client, suffix):
    rows = await _rows()
    path = f"/release-{suffix}/"
    pages, last = await _walk(client, path)
    flat = [pk for page in pages for pk in page]
    assert flat == _expected(rows, apis_cond.ORDERINGS[suffix])
    assert all(len(p) == 3 for p in pages[:-1]) and len(pages) == 3
    # back from the last page: the same pages, in reverse
    back, body = [], last
    while body["previous"]:
        body = (await client.get(f"{path}?{_query(body['previous'])}")).json()
        back.append([r["id"] for r in body["results"]])
    assert back == pages[-2::-1]
    # and forward again from the first page reached backwards
    again = (await client.get(f"{path}?{_query(body['next'])}")).json()
    assert [r["id"] for r in again["results"]] == pages[1]


async def test_inserts_and_deletes_between_pages_skip_or_repeat_nothing(client):
    rows = await _rows()
    first = (await client.get("/release-score/")).json()
    seen = [r["id"] for r in first["results"]]
    boundary = await Release.objects.aget(pk=seen[-1])
    # rows before the position (never shown now), ties of the boundary (new pks sort
    # after it: shown), rows after it; and the boundary row itself deleted
    before = await Release.objects.acreate(title="early", score=-5)
    tie = await Release.objects.acreate(title="tie", score=boundary.score)
    after = await Release.objects.acreate(title="late", score=None)
    await boundary.adelete()
    body = first
    while body["next"]:
        body = (await client.get(f"/release-score/?{_query(body['next'])}")).json()
        seen += [r["id"] for r in body["results"]]
    assert len(seen) == len(set(seen))
    assert set(seen) == {r.pk for r in rows} | {tie.pk, after.pk}
    assert before.pk not in seen


async def test_the_ordering_chosen_per_request_is_followed(client):
    rows = await _rows()
    for order in ("-score,title", "published,-pk", "shelf__name,score"):
        pages, _ = await _walk(client, f"/release-chosen/?order={order}")
        expected = _expected(rows, tuple(order.split(",")))
        assert [pk for page in pages for pk in page] == expected, order


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _tamper(cursor: str) -> str:
    """``cursor`` with one character of its signed payload changed."""
    i = 2
    return cursor[:i] + ("A" if cursor[i] != "A" else "B") + cursor[i + 1 :]


async def _cursor(
    client: TestAsyncClient, path: str, headers: dict[str, str] | None = None, **params: str
) -> str:
    body = (await client.get(path, query_params=params, headers=headers or {})).json()
    return parse_qs(_query(body["next"]))["cursor"][0]


@pytest.mark.parametrize(
    "forged",
    [_b64(b"p=abc"), _b64(b"p=1&r=true&o=3"), _b64(b"v=1&k=x"), "garbage", "a:b:c", "x" * 5000],
)
async def test_forged_cursors_are_a_422_never_a_500(client, forged):
    """``p=abc`` on ninja's class (ordered by the key) was a 500."""
    await _rows()
    for path in ("/release-ninja/", "/release-title/", "/release-chosen/"):
        response = await client.get(path, query_params={"cursor": forged})
        assert response.status_code == 422, (path, response.content)
        assert response.json()["detail"] == [
            {"loc": ["query", "cursor"], "msg": "Invalid cursor", "type": "value_error"}
        ]


async def test_tampered_and_misplaced_cursors_are_a_422(client):
    await _rows()
    cursor = await _cursor(client, "/release-title/")
    assert (await client.get("/release-title/", query_params={"cursor": cursor})).status_code == 200
    refused = [
        ("/release-title/", {"cursor": _tamper(cursor)}),  # payload changed
        ("/release-title/", {"cursor": cursor[:-3]}),  # signature cut
        ("/release-published/", {"cursor": cursor}),  # another list
        ("/release-chosen/", {"cursor": cursor, "order": "title"}),  # another route, same order
    ]
    chosen = await _cursor(client, "/release-chosen/?order=title")
    refused.append(("/release-chosen/", {"cursor": chosen, "order": "-score"}))  # other order
    for path, params in refused:
        response = await client.get(path, query_params=params)
        assert response.status_code == 422, (path, params)
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]


async def test_ninja_cursor_class_pages_by_the_viewset_ordering(client):
    """Given as a class, ninja's paginator follows the viewset (no ordering: the key)."""
    rows = await _rows()
    pages, _ = await _walk(client, "/release-ninja/")
    assert [pk for page in pages for pk in page] == sorted(r.pk for r in rows)


async def test_tenant_cursors_never_reveal_another_tenants_rows(client, user):
    one, two = await Tenant.objects.acreate(name="one"), await Tenant.objects.acreate(name="two")
    mine = [await Release.objects.acreate(title=f"t{i:02}", tenant=one) for i in range(0, 10, 2)]
    theirs = [await Release.objects.acreate(title=f"t{i:02}", tenant=two) for i in range(1, 10, 2)]
    headers = bearer(make_token(user, tenant_id=one.pk))
    other = bearer(make_token(user, tenant_id=two.pk))
    assert (await client.get("/release-tenant/")).status_code == 401
    bad = bearer(make_token(user, key=apis.OTHER_KEY, tenant_id=one.pk))
    assert (await client.get("/release-tenant/", headers=bad)).status_code == 401
    pages, _ = await _walk(client, "/release-tenant/", headers=headers)
    assert [pk for page in pages for pk in page] == [r.pk for r in mine]
    # my cursor, sent by the other tenant: positions within their rows only
    cursor = await _cursor(client, "/release-tenant/", headers)
    response = await client.get("/release-tenant/", query_params={"cursor": cursor}, headers=other)
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} <= {r.pk for r in theirs}


async def test_query_count_does_not_grow_with_page_size(client, count_queries):
    await _rows()
    counts = []
    for size in (2, 6):
        cursor = await _cursor(client, "/release-shelf/", page_size="1")
        async with count_queries() as queries:
            response = await client.get(
                "/release-shelf/", query_params={"cursor": cursor, "page_size": str(size)}
            )
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] == 1


CURSOR_FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_random_cursor_strings_never_answer_a_5xx(transactional_db):
    client = TestAsyncClient(apis_cond.api)
    async_to_sync(_rows)()
    real = async_to_sync(_cursor)(client, "/release-published/")
    strings = st.one_of(
        st.text(max_size=60),
        st.binary(max_size=40).map(_b64),
        st.integers(0, len(real) - 1).map(lambda i: real[:i] + real[i + 1 :]),
        st.just(real),
    )
    seen: set[int] = set()

    @CURSOR_FUZZ
    @given(cursor=strings, path=st.sampled_from(["/release-published/", "/release-ninja/"]))
    def run(cursor: str, path: str) -> None:
        if any(0xD800 <= ord(c) <= 0xDFFF for c in cursor):
            return  # a server decodes query strings as UTF-8: no lone surrogates
        response = async_to_sync(client.get)(path, query_params={"cursor": cursor})
        assert response.status_code in (200, 422), (cursor, response.content)
        if response.status_code == 422:
            assert response.json()["detail"][0]["loc"][:1] == ["query"]
        seen.add(response.status_code)

    run()
    assert seen == {200, 422}


async def test_time_values_round_trip_through_cursors(client):
    """Microseconds and time zones survive the cursor (a datetime position is exact)."""
    base = timezone.now().replace(microsecond=123456)
    made = [
        await Release.objects.acreate(
            title=str(i), published=base + datetime.timedelta(microseconds=i)
        )
        for i in range(5)
    ]
    pages, _ = await _walk(client, "/release-published/")
    assert [pk for page in pages for pk in page] == [r.pk for r in made]
