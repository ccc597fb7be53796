"""The five generated routes: status codes, bodies, slash forms, error contract."""

import pytest
from django.db import connection
from django.test import AsyncClient

from tests.testapp.models import Account, Article, Author, Comment, Country, Tag
from tests.viewsets import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


async def test_list_empty(client):
    response = await client.get("/article/")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


async def test_create_returns_201_with_read_schema(client):
    user = await Account.objects.acreate(username="reader")
    writer = await f.author("Writer")
    tags = [await Tag.objects.acreate(name=n) for n in ("django", "async")]
    payload = {
        "title": "First",
        "body": "one two three",
        "author": writer.pk,
        "tags": [t.pk for t in tags],
        "owner": user.pk,
    }
    response = await client.post("/article/", json=payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    row = await Article.objects.aget(pk=body["id"])
    assert row.title == "First" and row.author_id == writer.pk and row.owner_id == user.pk
    assert {t.pk async for t in row.tags.all()} == {t.pk for t in tags}
    assert body["author"] == {"id": writer.pk, "name": "Writer", "email": ""}
    assert body["owner"] == user.pk
    assert body["tags"] == [{"id": t.pk, "name": t.name} for t in tags]
    assert body["comments"] == []
    assert body["is_published"] is False and body["status"] == "draft"


async def test_retrieve_uses_detail_schema(client):
    user = await Account.objects.acreate(username="reader")
    a = await f.article("Detail", body="a b c d", owner=user)
    await Comment.objects.acreate(article=a, text="nice")
    response = await client.get(f"/article/{a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "title", "body", "author", "owner", "tags", "comments", "word_count"}
    assert body["word_count"] == 4
    assert body["owner"] == {"id": user.pk, "username": "reader"}
    assert body["comments"] == [{"id": body["comments"][0]["id"], "text": "nice", "article": a.pk}]


async def test_update_and_delete(client):
    a = await f.article("Old")
    response = await client.patch(f"/article/{a.pk}/", json={"title": "New"})
    assert response.status_code == 200
    assert response.json()["title"] == "New"
    assert (await Article.objects.aget(pk=a.pk)).title == "New"

    response = await client.delete(f"/article/{a.pk}/")
    assert response.status_code == 204
    assert response.content == b""
    assert not await Article.objects.filter(pk=a.pk).aexists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/article/{pk}"), ("patch", "/article/{pk}/"), ("delete", "/article/{pk}/")],
)
async def test_unknown_pk_is_404(client, method, path):
    a = await f.article()
    kwargs = {"json": {"title": "x"}} if method == "patch" else {}
    response = await getattr(client, method)(path.format(pk=a.pk + 1000), **kwargs)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


async def test_slash_and_no_slash_forms_answer(client):
    a = await f.article("Slashes")
    for path in ("/article/", "/article"):
        assert (await client.get(path)).status_code == 200
    for path in (f"/article/{a.pk}", f"/article/{a.pk}/"):
        assert (await client.get(path)).status_code == 200
        response = await client.patch(path, json={"title": f"via {path}"})
        assert response.status_code == 200
        assert response.json()["title"] == f"via {path}"
    for path in ("/article/", "/article"):
        response = await client.post(path, json={"title": path, "author": a.author_id})
        assert response.status_code == 201
    created = await Article.objects.filter(title__in=["/article/", "/article"]).acount()
    assert created == 2
    b = await f.article("gone")
    assert (await client.delete(f"/article/{a.pk}")).status_code == 204
    assert (await client.delete(f"/article/{b.pk}/")).status_code == 204
    assert not await Article.objects.filter(pk__in=[a.pk, b.pk]).aexists()


async def test_openapi_lists_one_form_per_route():
    from tests.viewsets.apis import api

    paths = api.get_openapi_schema(path_prefix="/api/")["paths"]
    assert set(paths["/api/article/"]) == {"get", "post"}
    assert set(paths["/api/article/{id}"]) == {"get"}
    assert set(paths["/api/article/{id}/"]) == {"patch", "put", "delete"}
    assert "/api/article" not in paths


def _locs(response):
    return [tuple(e["loc"]) for e in response.json()["detail"]]


async def test_422_missing_and_wrong_fields(client):
    writer = await f.author()
    response = await client.post("/article/", json={"author": writer.pk})
    assert response.status_code == 422
    assert ("body", "payload", "title") in _locs(response)

    response = await client.post("/article/", json={"title": "x" * 201, "author": writer.pk})
    assert response.status_code == 422
    assert _locs(response) == [("body", "payload", "title")]

    response = await client.post(
        "/article/", json={"title": "ok", "author": writer.pk, "status": "nonsense"}
    )
    assert response.status_code == 422
    assert _locs(response) == [("body", "payload", "status")]

    response = await client.post("/article/", json={"title": "ok", "author": "not a pk"})
    assert response.status_code == 422
    assert _locs(response) == [("body", "payload", "author")]
    assert not await Article.objects.aexists()


async def test_422_unknown_keys_are_refused_not_dropped(client):
    writer = await f.author()
    response = await client.post("/article/", json={"titel": "typo", "author": writer.pk})
    assert response.status_code == 422
    assert ("body", "payload", "titel") in _locs(response)
    article = await f.article(author_obj=writer)
    patched = await client.patch(f"/article/{article.pk}/", json={"titel": "typo"})
    assert patched.status_code == 422
    assert _locs(patched) == [("body", "payload", "titel")]


async def test_422_unknown_related_pks(client):
    writer = await f.author()
    tag = await Tag.objects.acreate(name="real")
    payload = {"title": "x", "author": writer.pk + 99, "tags": [tag.pk, tag.pk + 50]}
    response = await client.post("/article/", json=payload)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [tuple(e["loc"]) for e in errors] == [
        ("body", "payload", "author"),
        ("body", "payload", "tags"),
    ]
    assert str(tag.pk + 50) in errors[1]["msg"]
    assert not await Article.objects.aexists()

    a = await f.article("exists", author_obj=writer)
    response = await client.patch(f"/article/{a.pk}/", json={"author": writer.pk + 99})
    assert response.status_code == 422
    assert _locs(response) == [("body", "payload", "author")]


async def test_422_model_validators(client):
    response = await client.post("/author/", json={"name": "Val", "email": "not-an-email"})
    assert response.status_code == 422
    assert _locs(response) == [("body", "payload", "email")]
    assert not await Author.objects.aexists()


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b"\xff\xfe"])
async def test_bad_json_body_is_422(client, body):
    response = await client.post("/tag/", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


@pytest.mark.parametrize("body", [[1, 2], "text", 3])
async def test_json_that_is_not_an_object_is_422(client, body):
    response = await client.post("/tag/", json=body)
    assert response.status_code == 422


async def test_409_on_unique_conflict(client):
    assert (await client.post("/tag/", json={"name": "dup"})).status_code == 201
    response = await client.post("/tag/", json={"name": "dup"})
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    other = await Tag.objects.acreate(name="other")
    response = await client.patch(f"/tag/{other.pk}/", json={"name": "dup"})
    assert response.status_code == 409
    assert (await Tag.objects.aget(pk=other.pk)).name == "other"


async def test_nullable_field_can_be_set_to_null_but_required_one_cannot(client):
    a = await f.article("nulls", subtitle="sub")
    response = await client.patch(f"/article/{a.pk}/", json={"subtitle": None})
    assert response.status_code == 200
    assert response.json()["subtitle"] is None
    assert (await Article.objects.aget(pk=a.pk)).subtitle is None

    response = await client.patch(f"/article/{a.pk}/", json={"title": None})
    assert response.status_code == 422
    assert _locs(response) == [("body", "payload", "title")]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
async def test_text_pk_with_nul_is_404(client, method):
    """PostgreSQL cannot compare text with NUL: a 404 like any unknown key (a 500 before)."""
    await Country.objects.acreate(code="fr", name="France")
    kwargs = {"json": {"name": "x"}} if method == "patch" else {}
    response = await getattr(client, method)("/country/f\x00/", **kwargs)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert await Country.objects.filter(name="France").aexists()


async def test_nul_in_text_payload_is_422_at_its_field(client):
    writer = await f.author()
    response = await client.post("/article/", json={"title": "a\x00b", "author": writer.pk})
    assert response.status_code == 422
    assert _locs(response) == [("body", "payload", "title")]


async def test_value_the_database_refuses_in_a_custom_action_is_422(client):
    """A custom action writing an unchecked value PostgreSQL refuses: 422, rolled back."""
    a = await f.article("note")
    response = await client.patch(f"/article/{a.pk}/", json={"title": "t", "touch_note": "\x00"})
    if connection.vendor == "postgresql":
        assert response.status_code == 422
        assert _locs(response) == [("body", "payload")]
        assert (await Article.objects.aget(pk=a.pk)).title == "note"
    else:  # SQLite stores NUL
        assert response.status_code == 200


class TestThroughDjangoUrls:
    """Through Django's URL resolver and middleware, as a server would route requests."""

    @pytest.fixture(autouse=True)
    def _urls(self, settings):
        settings.ROOT_URLCONF = "tests.viewsets.urls"

    async def test_non_integer_pk_is_404_not_500(self):
        client = AsyncClient()
        for method in ("get", "patch", "delete"):
            response = await getattr(client, method)("/api/article/abc/")
            assert response.status_code == 404
            response = await getattr(client, method)("/api/article/abc")
            assert response.status_code == 404

    async def test_percent_encoded_nul_in_text_pk_is_404(self):
        await Country.objects.acreate(code="fr", name="France")
        client = AsyncClient()
        for method in ("get", "delete"):
            response = await getattr(client, method)("/api/country/f%00/")
            assert response.status_code == 404
            assert set(response.json()) == {"detail"}

    async def test_crud_over_http(self):
        client = AsyncClient()
        writer = await f.author()
        response = await client.post(
            "/api/article/", {"title": "http", "author": writer.pk}, content_type="application/json"
        )
        assert response.status_code == 201
        pk = response.json()["id"]
        assert (await client.get(f"/api/article/{pk}")).json()["title"] == "http"
        response = await client.get("/api/article/stats/")
        assert response.status_code == 200
        assert response.json() == {"total": 1}

    async def test_reverse_only_patterns_come_last_and_names_reverse_as_before(self):
        """Patterns only ``reverse()`` can reach (a second operation on a route) come after
        every matchable one, so a request does not try them; each name reverses to the
        route it did in ninja's own order, and the routes still answer their methods."""
        from django.urls import URLPattern, reverse
        from ninja import NinjaAPI

        from tests.viewsets.apis import api

        def endpoints(patterns):
            return [
                (p.name, str(p.pattern)) for p in patterns if isinstance(p, URLPattern) and p.name
            ]

        ours, ninjas = endpoints(api.urls[0]), endpoints(NinjaAPI._get_urls(api))
        assert sorted(ours, key=str) == sorted(ninjas, key=str)
        routes = [route for _, route in ours]
        repeats = [i for i, route in enumerate(routes) if route in routes[:i]]
        assert repeats and repeats == list(range(repeats[0], len(routes)))
        assert dict(ours) == dict(ninjas)  # a name's last pattern: what reverse() takes
        client = AsyncClient()
        writer = await f.author()
        created = await client.post(
            reverse(f"{api.urls_namespace}:article_create"),
            {"title": "t", "author": writer.pk},
            content_type="application/json",
        )
        assert created.status_code == 201
        path = reverse(f"{api.urls_namespace}:article_delete", kwargs={"id": created.json()["id"]})
        response = await client.patch(path, {"title": "u"}, content_type="application/json")
        assert response.status_code == 200 and response.json()["title"] == "u"
        assert (await client.get(path.rstrip("/"))).json()["title"] == "u"
        assert (await client.delete(path)).status_code == 204
