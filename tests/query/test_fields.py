"""``?fields=``: only the chosen read-schema fields, a narrower query, a valid OpenAPI."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


async def items(client, world, fields, **params):
    response = await client.get(
        "/post/", query_params={"fields": fields, **params}, headers=world.headers
    )
    assert response.status_code == 200, response.content
    return response.json()["items"]


async def test_only_the_chosen_fields(client, world):
    rows = await items(client, world, "id,title", ordering="-views")
    assert rows[:2] == [
        {"id": world.posts[0].pk, "title": "Async views"},
        {"id": world.posts[2].pk, "title": "Zebra notes"},
    ]
    assert await items(client, world, " title ,title", ordering="title") == [
        {"title": "Async again"},
        {"title": "Async views"},
        {"title": "Sync views"},
        {"title": "Zebra notes"},
    ]


async def test_nested_relations_and_customs(client, world):
    (first, *_) = await items(client, world, "id,writer,topics,word_count")
    assert first == {
        "id": world.posts[0].pk,
        "writer": {"id": world.ada.pk, "name": "Ada Lovelace"},
        "topics": [
            {"id": world.django.pk, "name": "django"},
            {"id": world.python.pk, "name": "python"},
        ],
        "word_count": 3,
    }
    (first, *_) = await items(client, world, "owner,is_published")
    assert first == {"owner": world.owner.pk, "is_published": True}


async def test_no_choice_answers_every_field(client, world):
    (first, *_) = await items(client, world, "")
    assert set(first) == {
        *("id", "title", "body", "views", "is_published", "published_on", "created_at"),
        *("writer", "owner", "topics", "tenant", "word_count"),
    }
    assert first["published_on"] == "2024-01-01" and first["topics"]


@pytest.mark.parametrize(
    ("value", "named"), [("id,secret", "'secret'"), ("email", "'email'"), ("writer__name", "")]
)
async def test_a_field_not_in_the_read_schema_is_a_422(client, world, value, named):
    response = await client.get("/post/", query_params={"fields": value}, headers=world.headers)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "fields"]
    assert named in error["msg"] and "allowed: id, title" in error["msg"]


async def test_the_query_is_narrowed(client, world, count_queries):
    async with count_queries() as full:
        await items(client, world, "")
    async with count_queries() as narrow:
        await items(client, world, "id,title")
    # no topics prefetch; the page selects only the chosen columns, without joins
    assert len(narrow) == len(full) - 1
    (page,) = [q for q in narrow if "LIMIT" in q.upper() and "testapp_post" in q]
    assert '"testapp_post"."title"' in page and '"testapp_post"."body"' not in page
    assert "JOIN" not in page.upper()
    async with count_queries() as joined:
        await items(client, world, "id,writer")
    (page,) = [q for q in joined if "LIMIT" in q.upper() and "testapp_post" in q]
    assert "testapp_writer" in page and '"testapp_post"."body"' not in page


def test_openapi_items_have_no_required_field():
    from tests.query.apis import api

    document = api.get_openapi_schema(path_prefix="")
    schemas = document["components"]["schemas"]
    ok = document["paths"]["/post/"]["get"]["responses"]["200"]["content"]["application/json"]
    page = schemas[ok["schema"]["$ref"].rsplit("/", 1)[1]]
    assert page["properties"]["items"]["items"] == {"$ref": "#/components/schemas/PostReadFields"}
    item = schemas["PostReadFields"]
    assert "required" not in item
    assert {"id", "title", "writer", "topics", "word_count"} <= set(item["properties"])


async def test_each_field_renders_as_in_the_full_item(client, world):
    """A chosen field is rendered exactly as the full read schema renders it."""
    full = await items(client, world, "", ordering="views")
    names = list(full[0])
    for name in names:
        assert await items(client, world, name, ordering="views") == [
            {name: row[name]} for row in full
        ]
    chosen = await items(client, world, ",".join(reversed(names)), ordering="views")
    assert chosen == full
