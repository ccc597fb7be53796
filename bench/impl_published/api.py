"""The benchmark's app on ``django-ninja-aio-crud`` 3.0.1: a ``NinjaAIO`` with an
``APIViewSet`` for ``Article`` and its ``AsyncJwtBearer`` (written from the package's
docstrings and signatures). Import after Django is set up (``bench/worker.py``)."""

from __future__ import annotations

from typing import Any

#: Where its routes differ from the scenarios' paths: the list has no trailing slash.
PATHS = {"list": "/api/article?page={page}"}


def models() -> tuple:
    from django.contrib.auth import get_user_model

    from impl_published.models import Article, Author, Tag

    return Author, Tag, Article, get_user_model()


def build(sizes: Any, jwk: dict, issuer: str, audience: str):
    from joserfc.jwk import RSAKey
    from ninja.pagination import PageNumberPagination

    from impl_published.models import Article
    from ninja_aio import APIViewSet, NinjaAIO
    from ninja_aio.auth import AsyncJwtBearer

    class Bearer(AsyncJwtBearer):
        jwt_public = RSAKey.import_key(jwk)
        algorithms = ["RS256"]
        claims = {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": audience},
            "exp": {"essential": True},
        }

        async def auth_handler(self, request):
            return self.dcd.claims

    class Pages(PageNumberPagination):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(page_size=sizes.page_size, **kwargs)

    api = NinjaAIO(urls_namespace="bench-published")

    @api.viewset(model=Article, prefix="article")
    class ArticleViewSet(APIViewSet):
        pagination_class = Pages
        bulk_operations = ["create"]

    @api.get("/whoami", auth=Bearer())
    async def whoami(request):
        return {"sub": request.auth["sub"]}

    return api
