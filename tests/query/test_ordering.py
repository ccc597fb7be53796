"""``?ordering=``: listed fields only, `-` descending, relation paths, pk tie-break."""

import pytest

from tests.query.conftest import titles

pytestmark = pytest.mark.django_db(transaction=True)


async def test_ordering_by_one_field_both_ways(client, world):
    up = titles(await client.get("/post/?ordering=views", headers=world.headers))
    assert up == ["Sync views", "Async again", "Zebra notes", "Async views"]
    down = titles(await client.get("/post/?ordering=-views", headers=world.headers))
    assert down == list(reversed(up))


async def test_ordering_by_several_fields_and_a_relation(client, world):
    response = await client.get("/post/?ordering=-writer__name,title", headers=world.headers)
    # Bob's posts first (descending name), then Ada's; titles ascending within a writer
    assert titles(response) == ["Async again", "Sync views", "Async views", "Zebra notes"]


async def test_equal_values_are_ordered_by_pk(client, world):
    """Rows with the same sort value keep the pk order, so pages are stable."""
    for post in world.posts[:4]:
        post.views = 3
        await post.asave(update_fields=["views"])
    first = await client.get("/post/?ordering=views&page_size=2", headers=world.headers)
    second = await client.get("/post/?ordering=views&page_size=2&page=2", headers=world.headers)
    ids = [i["id"] for i in first.json()["items"] + second.json()["items"]]
    assert ids == [p.pk for p in world.posts[:4]]


async def test_default_ordering_without_the_parameter(client, world):
    response = await client.get("/post/", headers=world.headers)
    assert [i["id"] for i in response.json()["items"]] == [p.pk for p in world.posts[:4]]


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("secret", "'secret'"),  # a column the read schema hides
        ("-body", "'-body'"),  # a served column not listed
        ("views,writer__email", "'writer__email'"),  # a hidden relation column
        ("title,nope", "'nope'"),
        ("--views", "'--views'"),
    ],
)
async def test_unlisted_field_is_a_422_naming_it(client, world, value, named):
    response = await client.get("/post/", query_params={"ordering": value}, headers=world.headers)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "ordering"]
    assert (
        named in error["msg"] and "allowed: created_at, title, views, writer__name" in error["msg"]
    )


async def test_empty_ordering_is_the_default(client, world):
    response = await client.get("/post/?ordering=", headers=world.headers)
    assert [i["id"] for i in response.json()["items"]] == [p.pk for p in world.posts[:4]]


def test_openapi_lists_the_allowed_values():
    from tests.query.apis import api

    operation = api.get_openapi_schema(path_prefix="")["paths"]["/post/"]["get"]
    (param,) = [p for p in operation["parameters"] if p["name"] == "ordering"]
    assert "created_at, title, views, writer__name" in param["description"]
    pattern = param["schema"]["pattern"]
    assert pattern == (
        "^-?(created_at|title|views|writer__name)(,-?(created_at|title|views|writer__name))*$"
    )
