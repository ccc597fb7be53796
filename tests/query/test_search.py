"""``?search=``: OR across fields, AND across terms, through relations, no repeated rows."""

import pytest

from tests.query.conftest import titles

pytestmark = pytest.mark.django_db(transaction=True)


async def search(client, world, term, path="/post/", **params):
    return await client.get(path, query_params={"search": term, **params}, headers=world.headers)


async def test_one_term_matches_any_field_case_insensitively(client, world):
    # "ASYNC" is in two titles and one body of tenant A
    assert titles(await search(client, world, "ASYNC")) == ["Async views", "Async again"]
    # "plain" only in a body
    assert titles(await search(client, world, "plain")) == ["Sync views"]


async def test_terms_must_all_match(client, world):
    assert titles(await search(client, world, "async python")) == ["Async views", "Async again"]
    assert titles(await search(client, world, "async  plain")) == []


async def test_search_through_a_forward_relation(client, world):
    assert titles(await search(client, world, "lovelace")) == ["Async views", "Zebra notes"]


async def test_search_through_many_to_many_repeats_no_row(client, world):
    """'o' is in both topic names of "Async views": a join would list it twice."""
    response = await search(client, world, "o", ordering="views")
    assert titles(response) == ["Sync views", "Async again", "Zebra notes", "Async views"]
    assert response.json()["count"] == 4
    response = await search(client, world, "python")
    assert titles(response) == ["Async views", "Async again"]
    assert response.json()["count"] == 2


async def test_exact_prefix_on_a_number_column(client, world):
    assert titles(await search(client, world, "120")) == ["Async views"]
    # a term that is no number, or a number past the column's range, matches nothing there
    assert titles(await search(client, world, "abc")) == []
    assert titles(await search(client, world, str(10**30))) == []


async def test_startswith_and_exact_prefixes(client, world):
    open_path = "/open-post/"
    # ^title: "Async" starts two titles of A and one of B (the open list is unscoped)
    response = await search(client, world, "async", open_path, ordering="views")
    assert titles(response) == ["Async again", "Async views", "Async leak"]
    assert titles(await search(client, world, "views", open_path)) == []  # not a prefix
    # =body: the whole body, any case
    assert titles(await search(client, world, "PLAIN", open_path)) == []
    response = await client.get("/open-post/", query_params={"search": "NOTHING"})
    assert titles(response) == ["Zebra notes"]


async def test_another_tenant_never_matches(client, world):
    response = await search(client, world, "leak")
    assert titles(response) == [] and response.json()["count"] == 0
    response = await search(client, world, "django")
    assert "Async leak" not in titles(response) and response.json()["count"] == 2


async def test_search_costs_the_queries_of_a_plain_page_and_no_distinct(
    client, world, count_queries
):
    async with count_queries() as plain:
        assert (await client.get("/post/", headers=world.headers)).status_code == 200
    async with count_queries() as searched:
        response = await search(client, world, "python lovelace")
    assert titles(response) == ["Async views"]
    # the token's auth_handler reads the user in both; page + count + the topics prefetch
    assert len(searched) == len(plain)
    listing = [q for q in searched if "post" in q.lower() and "EXISTS" in q.upper()]
    assert listing, searched
    assert not any("DISTINCT" in q.upper() for q in searched)


@pytest.mark.parametrize(
    ("value", "status"),
    [("a\x00b", 422), ("x" * 201, 422), ("   ", 200), (" ".join(["w"] * 100), 200)],
)
async def test_bad_search_values_are_a_422(client, world, value, status):
    response = await search(client, world, value)
    assert response.status_code == status, response.content
    if status == 422:
        assert response.json()["detail"][0]["loc"] == ["query", "search"]
