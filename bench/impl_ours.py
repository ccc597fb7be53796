"""The benchmark's app with this repository's ``ninja_aio``: an ``APIViewSet`` for the demo's
``Article`` (its Read / Detail / Create / Update serializers) and an ``AsyncJwtBearer``.

Import it after Django is set up with the ``demo`` app installed (``bench/worker.py``).
"""

from __future__ import annotations

from typing import Any


def models() -> tuple:
    from django.contrib.auth import get_user_model

    from demo.models import Article, Author, Tag

    return Author, Tag, Article, get_user_model()


def build(sizes: Any, jwk: dict, issuer: str, audience: str):
    """List / retrieve / create / patch / delete / bulk create, a list with search,
    ordering and a filter (``/article-query/``), and ``GET /whoami``."""
    from joserfc.jwk import RSAKey

    from demo.models import Article
    from ninja_aio import NinjaAIO
    from ninja_aio.auth import AsyncJwtBearer
    from ninja_aio.views import APIViewSet

    class Bearer(AsyncJwtBearer):
        jwt_public = RSAKey.import_key(jwk)
        algorithms = ("RS256",)

    Bearer.issuer, Bearer.audience = issuer, audience
    api = NinjaAIO(urls_namespace="bench-ours")

    class ArticleViewSet(APIViewSet):
        model = Article
        page_size = sizes.page_size
        max_page_size = sizes.page_size
        bulk_operations = ("create",)
        bulk_max_items = sizes.bulk

    ArticleViewSet(api=api).add_views_to_route()

    class ArticleQueryViewSet(APIViewSet):
        model = Article
        api_route_path = "article-query"
        operations = ("list",)
        page_size = sizes.page_size
        max_page_size = sizes.page_size
        search_fields = ["title", "author__name", "tags__name"]
        ordering_fields = ["title", "created_at"]
        filter_fields = {"is_published": "exact"}

    ArticleQueryViewSet(api=api).add_views_to_route()

    @api.get("/whoami", auth=Bearer())
    async def whoami(request):
        return {"sub": request.auth["sub"]}

    return api
