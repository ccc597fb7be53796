"""Every Django field type through the orjson renderer, both ways; relation rendering."""

import base64
import datetime
import uuid
from decimal import Decimal

import pytest

from tests.testapp.models import Account, AllTypes, Article
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

FULL = {
    "uid": "12345678-1234-5678-1234-567812345678",
    "char": "chars",
    "text": "long text",
    "integer": -7,
    "big": 2**40,
    "flag": True,
    "price": "12.50",
    "ratio": 0.25,
    "day": "2024-02-29",
    "moment": "2024-02-29T10:30:00+02:00",
    "clock": "23:59:58",
    "span": "P1DT2H3M4S",
    "data": {"nested": [1, "two", None], "ok": True},
    "blob": base64.b64encode(b"\x00\x01binary\xff").decode(),
    "color": "blue",
    "email": "a@example.com",
    "site": "https://example.com/x",
    "slug": "a-slug",
    "ip": "192.168.0.1",
}


async def test_every_field_type_round_trips(client):
    response = await client.post("/alltypes/", json=FULL)
    assert response.status_code == 201, response.json()
    body = response.json()
    row = await AllTypes.objects.aget(pk=body["id"])

    assert row.uid == uuid.UUID(FULL["uid"]) and body["uid"] == FULL["uid"]
    assert row.price == Decimal("12.50") and body["price"] == "12.50"
    assert row.big == 2**40 and body["big"] == 2**40
    assert row.day == datetime.date(2024, 2, 29) and body["day"] == "2024-02-29"
    expected_moment = datetime.datetime(2024, 2, 29, 8, 30, tzinfo=datetime.UTC)
    assert row.moment == expected_moment
    assert datetime.datetime.fromisoformat(body["moment"]) == expected_moment
    assert body["moment"].endswith("+00:00")
    assert row.clock == datetime.time(23, 59, 58) and body["clock"] == "23:59:58"
    assert row.span == datetime.timedelta(days=1, hours=2, minutes=3, seconds=4)
    assert body["span"] == "P1DT02H03M04S"
    assert row.data == FULL["data"] and body["data"] == FULL["data"]
    assert bytes(row.blob) == b"\x00\x01binary\xff" and body["blob"] == FULL["blob"]
    assert body["attachment"] is None
    for key in ("char", "text", "integer", "flag", "ratio", "color", "email", "site", "slug", "ip"):
        assert body[key] == FULL[key], key

    again = await client.get(f"/alltypes/{row.pk}")
    assert again.json() == body


async def test_naive_datetime_is_taken_in_the_current_timezone(client):
    response = await client.post(
        "/alltypes/", json={"char": "naive", "moment": "2024-01-01T12:00:00"}
    )
    assert response.status_code == 201
    assert response.json()["moment"] == "2024-01-01T12:00:00+00:00"


async def test_file_field_renders_its_url(client):
    row = await AllTypes.objects.acreate(char="file", attachment="files/report.pdf")
    body = (await client.get(f"/alltypes/{row.pk}")).json()
    assert body["attachment"].endswith("files/report.pdf")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "123456.789"),
        ("price", "abc"),
        ("uid", "not-a-uuid"),
        ("day", "2024-02-30"),
        ("color", "green"),
        ("blob", "***"),
        ("integer", "twelve"),
        ("ip", "999.1.1.1"),
        ("slug", "not a slug"),
        ("site", "not a url"),
        # Values the database cannot store: 422s, not 409s / 500s (found by test_fuzz).
        ("ratio", "nan"),
        ("ratio", "inf"),
        ("span", "P999999999D"),
        ("moment", "9999-12-31T23:59:59-12:00"),
        ("moment", "0001-01-01T00:00:00+12:00"),
        ("char", "a\x00b"),
        ("text", "\x00"),
        ("email", "a\x00@example.com"),
        ("data", {"k": ["\x00"]}),
        ("data", {"\x00": 1}),
    ],
)
async def test_invalid_values_are_422_at_their_field(client, field, value):
    response = await client.post("/alltypes/", json={"char": "x", field: value})
    assert response.status_code == 422, response.json()
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "payload", field]]
    assert not await AllTypes.objects.aexists()


async def test_largest_storable_values_are_accepted(client):
    payload = {"char": "x", "span": "P106751991D", "moment": "9999-12-31T23:59:59+00:00"}
    response = await client.post("/alltypes/", json=payload)
    assert response.status_code == 201, response.json()
    assert response.json()["moment"].startswith("9999-12-31T23:59:59")


async def test_json_integers_beyond_64_bits_render_exactly(client):
    """orjson refuses them; PostgreSQL's jsonb hands them back (a 500 before)."""
    row = await AllTypes.objects.acreate(char="big", data={"n": 10**30, "m": [-(2**70)]})
    response = await client.get(f"/alltypes/{row.pk}")
    assert response.status_code == 200
    assert response.json()["data"] == {"n": 10**30, "m": [-(2**70)]}  # exact, not floats


async def test_plain_model_relation_renders_pk_not_columns(client):
    owner = await Account.objects.acreate(username="plain-owner")
    a = await f.article("owned", owner=owner)
    item = (await client.get("/article/")).json()["items"][0]
    assert item["owner"] == owner.pk
    detail = (await client.get(f"/article/{a.pk}")).json()
    assert detail["owner"] == {"id": owner.pk, "username": "plain-owner"}
    assert "password" not in str(detail) and "secret-hash" not in str(detail)


async def test_reverse_fk_and_m2m_render_lists(client):
    (a,) = await f.rich_articles(1)
    item = (await client.get("/article/")).json()["items"][0]
    assert [c["text"] for c in item["comments"]] == ["c1", "c2"]
    assert all(c["article"] == a.pk for c in item["comments"])
    assert [t["name"] for t in item["tags"]] == ["t0", "t1"]
    author = (await client.get(f"/author/{a.author_id}")).json()
    assert author == {"id": a.author_id, "name": "prolific", "email": ""}


async def test_serializer_without_relations_config_nests_pk_lists():
    from tests.testapp.models import Tag

    schema = Tag.get_schema("read")
    assert list(schema.model_fields) == ["id", "name"]
    assert Article.get_schema("create").__name__ == "ArticleCreate"


def test_openapi_schema_names_are_stable():
    from tests.viewsets.apis import api

    schemas = api.get_openapi_schema(path_prefix="/api/")["components"]["schemas"]
    for name in ("ArticleRead", "ArticleDetail", "ArticleCreate", "ArticleUpdate", "AuthorRead"):
        assert name in schemas
    article = schemas["ArticleRead"]["properties"]
    assert article["author"]["anyOf"][0]["$ref"].endswith("/AuthorRead")
    assert article["tags"]["items"]["$ref"].endswith("/TagRead")
    assert article["owner"]["anyOf"][0]["type"] == "integer"
    assert Article.get_schema("read") is Article.get_schema("read")


def test_serializer_class_schemas_are_named_after_it():
    from tests.viewsets.apis import BookSerializer, api

    schemas = api.get_openapi_schema(path_prefix="/api/")["components"]["schemas"]
    assert list(schemas["BookRead"]["properties"]) == ["id", "title", "isbn", "author", "published"]
    assert list(schemas["BookUpdate"]["properties"]) == ["title", "published"]
    assert schemas["BookUpdate"].get("required", []) == []
    assert BookSerializer.get_schema("read").__name__ == "BookRead"
