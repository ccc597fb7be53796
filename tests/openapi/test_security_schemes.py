"""One security scheme per credential; each operation documents its own authenticators."""

import pytest
from django.test import Client

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.guide import AdminAuth, JWTAuth
from tests.openapi.apis import KeyAuth, OtherKeyAuth
from tests.testapp.models import Article, Tag

BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def test_authenticators_reading_one_credential_share_one_scheme(doc):
    assert doc["components"]["securitySchemes"] == {
        "Bearer": BEARER,
        "header.x-api-key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "header.x-other-key": {"type": "apiKey", "in": "header", "name": "X-Other-Key"},
        "cookie.access_token": {"type": "apiKey", "in": "cookie", "name": "access_token"},
    }
    article = doc["paths"]["/api/article/"]["post"]
    assert article["security"] == [{"Bearer": []}]
    assert "`EditorAuth` (Bearer; one of the roles: editor, admin)" in article["description"]
    delete = doc["paths"]["/api/article/{id}/"]["delete"]
    assert delete["security"] == [{"Bearer": []}]
    assert "`AdminAuth` (Bearer)" in delete["description"]


def test_scopes_go_in_the_requirement_and_the_description(doc):
    listing = doc["paths"]["/api/tag/"]["get"]
    assert listing["security"] == [{"Bearer": ["read"]}]
    assert "scopes: read" in listing["description"]
    assert doc["paths"]["/api/tag/"]["post"]["security"] == [{"Bearer": ["write"]}]


def test_cookie_authenticators_share_the_cookie_scheme(doc):
    author = doc["paths"]["/api/author/{id}/"]
    assert doc["paths"]["/api/author/"]["post"]["security"] == [{"cookie.access_token": []}]
    assert author["patch"]["security"] == [{"cookie.access_token": []}]
    assert (
        "`AdminSessionCookie` (cookie.access_token; one of the roles: admin)"
        in (author["patch"]["description"])
    )
    assert author["delete"]["security"] == [{"cookie.access_token": [], "header.x-api-key": []}]


def test_same_named_views_of_two_viewsets_keep_their_own_security(doc):
    """Both viewsets define ``stats`` with a different ``A | B``."""
    article = doc["paths"]["/api/article/stats/"]["get"]
    tag = doc["paths"]["/api/tag/stats/"]["get"]
    assert article["security"] == [{"Bearer": []}, {"header.x-api-key": []}]
    assert tag["security"] == [{"Bearer": []}, {"header.x-other-key": []}]
    assert (article["operationId"], tag["operationId"]) == ("article_stats", "tag_stats")
    assert "`JWTAuth` (Bearer) or `KeyAuth` (header.x-api-key)" in article["description"]


@pytest.fixture
def same_id_client(settings, tmp_path, monkeypatch):
    """Two viewsets whose ``stats`` views even share an explicit operation id."""
    api = NinjaAIO(urls_namespace="openapi-same-id")

    class One(APIViewSet):
        model = Article

        def views(self):
            @self.router.get("/stats/", auth=JWTAuth() | KeyAuth(), operation_id="stats")
            async def stats(request):
                return {}

    class Two(APIViewSet):
        model = Tag

        def views(self):
            @self.router.get("/stats/", auth=AdminAuth() | OtherKeyAuth(), operation_id="stats")
            async def stats(request):
                return {}

    for viewset in (One, Two):
        viewset.api = api
        viewset().add_views_to_route()
    module = tmp_path / "same_id_urls.py"
    module.write_text("urlpatterns = []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import same_id_urls
    from django.urls import clear_url_caches, path

    same_id_urls.urlpatterns = [path("api/", api.urls)]
    settings.ROOT_URLCONF = "same_id_urls"
    clear_url_caches()
    return Client()


def test_security_is_recorded_per_operation_not_per_operation_id(same_id_client):
    doc = same_id_client.get("/api/openapi.json").json()
    article = doc["paths"]["/api/article/stats/"]["get"]
    tag = doc["paths"]["/api/tag/stats/"]["get"]
    assert article["security"] == [{"Bearer": []}, {"header.x-api-key": []}]
    assert tag["security"] == [{"Bearer": []}, {"header.x-other-key": []}]
    assert article["security"] != tag["security"]
    assert {article["operationId"], tag["operationId"]} == {"stats", "stats_2"}
