"""Filter + search + ordering + fields + cursor on one tenant-scoped, protected list.

Every ``?ordering=`` choice is walked page by page, forward and back, with searches,
filters and field choices: each page holds exactly the expected rows in the expected
order, none repeated or skipped, also when rows are inserted between pages, and never a
row of another tenant. Cursors are bound to their route and ordering, not to a search,
filter or tenant: elsewhere they are a 422, or a position in the new query's rows.
"""

import pytest
from django.test import AsyncClient
from ninja.testing import TestAsyncClient

from tests.query.apis import api as paged_api
from tests.query.apis_cursor import api
from tests.query.cursor_world import (
    ORDERINGS,
    cursor_of,
    expected,
    item,
    page,
    rows_of,
    walk,
)
from tests.query.cursor_world import (
    combined as combined,  # the fixture
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


def queries(world) -> list[dict[str, str]]:
    """Searches, filters and field choices walked with every ordering."""
    python = str(world.topics["python"].pk)
    return [
        {},
        {"search": "python", "fields": "id,title"},
        {"search": "django py", "min_views": "10", "fields": "id,writer"},
        {"search": "A", "topic": python, "fields": "views,word_count,id"},
        {"popular": "false", "search": "ada", "fields": "title,id"},
        {"search": "nothing-matches-this"},
    ]


@pytest.mark.parametrize("ordering", ORDERINGS)
async def test_every_ordering_with_search_filter_and_fields_walks_exactly(
    client, combined, ordering
):
    rows = await rows_of(combined.a)
    others = {r["id"] for r in await rows_of(combined.b)}
    for query in queries(combined):
        params = query | ({"ordering": ordering} if ordering else {})
        want = [item(r, query.get("fields")) for r in expected(rows, params)]
        for size in (2, 3):
            forward, back, pages = await walk(client, "/post/", params, combined.headers, size)
            got = [{k: i[k] for k in want[0]} for i in forward] if want else forward
            assert got == want, params
            assert all(len(p["results"]) == size for p in pages[:-1]), params
            assert back == forward[: len(forward) - len(pages[-1]["results"])], params
            if query.get("fields"):
                assert all(set(i) == set(query["fields"].split(",")) for i in forward)
            assert not {i["id"] for i in forward} & others


@pytest.mark.parametrize("ordering", ["-views", "published_on", "-published_on", "writer__name"])
async def test_rows_inserted_between_pages_are_neither_repeated_nor_skipped(
    client, combined, ordering
):
    params = {"search": "py", "ordering": ordering, "fields": "id,title", "page_size": "3"}
    first = await page(client, "/post/", params, combined.headers)
    edge = first["results"][-1]["id"]
    # rows of A sorting before and after the edge, rows not matching, and B's rows
    for spec in [
        ("aa", "python", 200, None, "ada", []),
        ("zz", "python", -1, 0, "cy", []),
        ("mm", "python", 10, 2, "bob", ["python"]),
        ("nomatch", "none", 10, 2, "bob", []),
    ]:
        await combined.add(combined.a, spec)
        await combined.add(combined.b, spec)
    seen = [i["id"] for i in first["results"]]
    cursor = cursor_of(first["next"])
    while cursor:
        body = await page(client, "/post/", params, combined.headers, cursor)
        seen += [i["id"] for i in body["results"]]
        cursor = cursor_of(body["next"])
    now = [r["id"] for r in expected(await rows_of(combined.a), params)]
    position = now.index(edge)
    assert seen == [i["id"] for i in first["results"]] + now[position + 1 :]
    assert len(seen) == len(set(seen))


async def test_a_cursor_of_another_ordering_is_a_422(client, combined):
    first = await page(client, "/post/", {"ordering": "title", "page_size": "2"}, combined.headers)
    cursor = cursor_of(first["next"])
    for ordering in ("-title", "views", "title,views", "writer__name", ""):
        params = {"cursor": cursor, "search": "a"} | ({"ordering": ordering} if ordering else {})
        response = await client.get("/post/", query_params=params, headers=combined.headers)
        assert response.status_code == 422, ordering
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]
    # the same ordering spelled through the default: ``?ordering=-views`` is the default
    first = await page(client, "/post/", {"page_size": "2"}, combined.headers)
    again = await page(
        client, "/post/", {"ordering": "-views"}, combined.headers, cursor_of(first["next"])
    )
    assert again["results"]


@pytest.mark.parametrize(
    "change",
    [
        {"search": "python"},
        {"search": "django", "min_views": "10"},
        {"fields": "id"},
        {"popular": "true"},
    ],
)
async def test_a_cursor_reused_with_another_search_or_filter_pages_the_new_query(
    client, combined, change
):
    """A cursor is a position in an ordering: with other search terms or filters it
    continues the new query from that position, with only rows the new query matches."""
    rows = await rows_of(combined.a)
    before = {"search": "a", "ordering": "writer__name,-published_on", "page_size": "3"}
    first = await page(client, "/post/", before, combined.headers)
    edge = first["results"][-1]["id"]
    after = {k: v for k, v in before.items() if k != "search"} | change
    rest, cursor = [], cursor_of(first["next"])
    while cursor:
        body = await page(client, "/post/", after, combined.headers, cursor)
        rest += [i["id"] for i in body["results"]]
        cursor = cursor_of(body["next"])
    order = [r["id"] for r in expected(rows, before | {"search": ""})]  # every row, same order
    later = set(order[order.index(edge) + 1 :])
    assert rest == [r["id"] for r in expected(rows, after) if r["id"] in later]


async def test_a_cursor_of_tenant_a_shows_tenant_b_only_its_own_rows(client, combined):
    params = {"search": "python", "ordering": "-views", "page_size": "1", "fields": "id"}
    first = await page(client, "/post/", params, combined.headers)
    edge = next(r for r in await rows_of(combined.a) if r["id"] == first["results"][0]["id"])
    b_rows = await rows_of(combined.b)
    seen, cursor = [], cursor_of(first["next"])
    while cursor:
        body = await page(client, "/post/", params, combined.headers_b, cursor)
        seen += [i["id"] for i in body["results"]]
        cursor = cursor_of(body["next"])
    # B's matching rows strictly after A's edge row (views descending, key ascending)
    want = [
        r["id"]
        for r in expected(b_rows, params)
        if (r["views"], -r["id"]) < (edge["views"], -edge["id"])
    ]
    assert seen == want and want  # B's rows, only


async def test_counts_of_the_paged_list_never_include_another_tenants_rows(combined):
    """The page-number list with the same options: its count is the tenant's matches."""
    client = TestAsyncClient(paged_api)
    rows = await rows_of(combined.a)
    for query in queries(combined):
        for ordering in ("views", "-writer__name"):
            params = query | {"ordering": ordering, "page_size": "2"}
            response = await client.get("/post/", query_params=params, headers=combined.headers)
            assert response.status_code == 200, response.content
            assert response.json()["count"] == len(expected(rows, params)), params


async def test_query_count_is_constant_in_page_size_with_everything_on(
    client, combined, count_queries
):
    base = {
        "search": "py",
        "min_views": "5",
        "ordering": "-writer__name,published_on",
        "fields": "id,title,writer,topics",
    }
    counts = []
    for size in (1, 2, 4):  # five rows match: every size has a second page
        params = base | {"page_size": str(size)}
        first = await page(client, "/post/", params, combined.headers)
        cursor = cursor_of(first["next"])
        assert cursor is not None
        async with count_queries() as queries_run:
            body = await page(client, "/post/", params, combined.headers, cursor)
        assert body["results"]
        counts.append(len(queries_run))
    assert counts[0] == counts[1] == counts[2], counts


async def test_next_and_previous_links_carry_every_option(combined, settings):
    """Through Django's handler the links are absolute URLs holding the whole query:
    following them verbatim walks the same rows as the expectations, both ways."""
    settings.ROOT_URLCONF = "tests.query.urls_cursor"
    http = AsyncClient()
    params = {
        "search": "py",
        "min_views": "5",
        "ordering": "writer__name,-published_on",
        "fields": "id,title",
        "page_size": "2",
    }
    want = [item(r, "id,title") for r in expected(await rows_of(combined.a), params)]
    response = await http.get("/api/post/", query_params=params, headers=combined.headers)
    pages = [response.json()]
    while pages[-1]["next"]:
        response = await http.get(pages[-1]["next"], headers=combined.headers)
        assert response.status_code == 200
        pages.append(response.json())
    assert [i for p in pages for i in p["results"]] == want
    assert len(pages) > 2
    back = []
    link = pages[-1]["previous"]
    while link:
        body = (await http.get(link, headers=combined.headers)).json()
        back = body["results"] + back
        link = body["previous"]
    assert back == want[: len(want) - len(pages[-1]["results"])]
