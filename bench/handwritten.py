"""The demo blog's Article API written by hand with django-ninja: the benchmark's baseline.

What a careful django-ninja user writes without ``ninja_aio``: a ``NinjaAPI`` with ninja
``Schema``s, ``select_related`` / ``prefetch_related`` by hand, ninja's own
``@paginate(PageNumberPagination)``, an ``HttpBearer`` that verifies the token with
joserfc, and a minimal orjson renderer (what django-ninja's docs recommend for speed).
To answer the same JSON as the viewset it orders like it (``-created_at`` then ``pk``,
tags by ``pk``), renders the author's ``created_by`` as a key, and renders datetimes with
orjson (ISO, microseconds, ``+00:00``) where ninja's default encoder truncates to
milliseconds.

Used by ``bench/run.py`` (through ``bench/worker.py``); import it after Django is set up
with the ``demo`` app installed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import aget_object_or_404
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer

#: What the query route may order by.
QUERY_ORDERING = ("title", "created_at")


class ORJSONRenderer(BaseRenderer):
    """A minimal orjson renderer, as a speed-minded django-ninja user would add."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data)


class AuthorOut(Schema):
    id: int
    name: str
    bio: str
    created_by: int | None = Field(None, validation_alias="created_by_id")


class TagOut(Schema):
    id: int
    name: str


class ArticleOut(Schema):
    id: int
    title: str
    author: AuthorOut
    tags: list[TagOut]
    is_published: bool
    created_at: datetime
    updated_at: datetime


class ArticleDetailOut(Schema):
    id: int
    title: str
    body: str
    author: AuthorOut
    tags: list[TagOut]
    is_published: bool
    created_at: datetime


class ArticleIn(Schema):
    title: str = Field(max_length=200)
    body: str = ""
    author: int
    tags: list[int] = []


class ArticlePatch(Schema):
    title: str | None = Field(None, max_length=200)
    body: str | None = None
    tags: list[int] | None = None


class ArticlePut(Schema):
    title: str = Field(max_length=200)
    body: str
    tags: list[int]


class JoseBearer(HttpBearer):
    """The least a hand-written bearer does: joserfc decode, then the claims registry."""

    def __init__(self, key: RSAKey, issuer: str, audience: str) -> None:
        super().__init__()
        self.key = key
        self.registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
        )

    async def authenticate(self, request, token):
        try:
            decoded = jwt.decode(token, self.key, algorithms=["RS256"])
            self.registry.validate(decoded.claims)
        except (JoseError, ValueError):
            return None
        return decoded.claims


def models() -> tuple:
    from django.contrib.auth import get_user_model

    from demo.models import Article, Author, Tag

    return Author, Tag, Article, get_user_model()


def articles():
    """Articles with what the output nests, fetched up front (two queries)."""
    from demo.models import Article, Tag

    tags = Prefetch("tags", queryset=Tag.objects.order_by("pk"))
    return Article.objects.select_related("author").prefetch_related(tags)


async def missing(model, keys) -> set:
    """Keys of ``keys`` with no row of ``model`` (one query)."""
    found = {pk async for pk in model.objects.filter(pk__in=keys).values_list("pk", flat=True)}
    return set(keys) - found


def build_api(
    page_size: int, bearer: HttpBearer | None = None, namespace: str = "bench-hand"
) -> NinjaAPI:
    """The routes, with ``bearer`` on ``GET /whoami`` (the only authenticated one)."""
    from demo.models import Article, Author, Tag

    api = NinjaAPI(urls_namespace=namespace, renderer=ORJSONRenderer())
    through = Article.tags.through

    @api.get("/article/", response=list[ArticleOut])
    @paginate(PageNumberPagination, page_size=page_size)
    async def article_list(request):
        return articles().order_by("-created_at", "pk")

    @api.get("/article/{int:id}", response=ArticleDetailOut)
    async def article_retrieve(request, id: int):
        return await aget_object_or_404(articles(), pk=id)

    @api.post("/article/", response={201: ArticleOut})
    async def article_create(request, payload: ArticleIn):
        author = await Author.objects.filter(pk=payload.author).afirst()
        tags = [tag async for tag in Tag.objects.filter(pk__in=payload.tags).order_by("pk")]
        if author is None or len(tags) != len(set(payload.tags)):
            raise HttpError(422, "unknown author or tag")

        fields = {"title": payload.title, "body": payload.body, "author": author}
        if tags:  # two inserts: atomic

            def write() -> Any:
                with transaction.atomic():
                    row = Article.objects.create(**fields)
                    through.objects.bulk_create(through(article_id=row.pk, tag=t) for t in tags)
                return row

            article = await sync_to_async(write)()
        else:
            article = await Article.objects.acreate(**fields)
        article._prefetched_objects_cache = {"tags": tags}
        return 201, article

    @api.patch("/article/{int:id}/", response=ArticleOut)
    async def article_patch(request, id: int, payload: ArticlePatch):
        article = await aget_object_or_404(articles(), pk=id)
        changes = payload.dict(exclude_unset=True)
        tags = changes.pop("tags", None)
        for name, value in changes.items():
            setattr(article, name, value)
        await article.asave(update_fields=[*changes, "updated_at"])
        if tags is not None:
            await article.tags.aset(tags)
            article = await articles().aget(pk=id)
        return article

    @api.put("/article/{int:id}/", response=ArticleOut)
    async def article_put(request, id: int, payload: ArticlePut):
        article = await aget_object_or_404(Article.objects.select_related("author"), pk=id)
        tags = [tag async for tag in Tag.objects.filter(pk__in=payload.tags).order_by("pk")]
        if len(tags) != len(set(payload.tags)):
            raise HttpError(422, "unknown tag")
        article.title, article.body = payload.title, payload.body

        def write() -> None:
            with transaction.atomic():
                article.save(update_fields=["title", "body", "updated_at"])
                article.tags.set(tags)

        await sync_to_async(write)()
        article._prefetched_objects_cache = {"tags": tags}
        return article

    @api.delete("/article/{int:id}/", response={204: None})
    async def article_delete(request, id: int):
        deleted, _ = await Article.objects.filter(pk=id).adelete()
        if not deleted:
            raise HttpError(404, "Not Found")
        return 204, None

    @api.post("/article/bulk/", response={201: list[ArticleOut]})
    async def article_bulk_create(request, payload: list[ArticleIn]):
        if await missing(Author, {p.author for p in payload}) or await missing(
            Tag, {t for p in payload for t in p.tags}
        ):
            raise HttpError(422, "unknown author or tag")

        def write() -> list[int]:
            with transaction.atomic():
                rows = Article.objects.bulk_create(
                    Article(title=p.title, body=p.body, author_id=p.author) for p in payload
                )
                through.objects.bulk_create(
                    through(article_id=row.pk, tag_id=tag)
                    for row, p in zip(rows, payload, strict=True)
                    for tag in dict.fromkeys(p.tags)
                )
            return [row.pk for row in rows]

        keys = await sync_to_async(write)()
        by_key = {a.pk: a async for a in articles().filter(pk__in=keys)}
        return 201, [by_key[key] for key in keys]

    @api.get("/article-query/", response=list[ArticleOut])
    @paginate(PageNumberPagination, page_size=page_size)
    async def article_query(
        request,
        search: str | None = None,
        ordering: str | None = None,
        is_published: bool | None = None,
    ):
        """Search (each term in the title, the author's name or a tag's name; tags through
        ``EXISTS``, so no row repeats), a listed ordering (else a 422), a filter."""
        rows = articles()
        if is_published is not None:
            rows = rows.filter(is_published=is_published)
        for term in (search or "").split():
            tagged = Article.objects.filter(pk=OuterRef("pk"), tags__name__icontains=term)
            rows = rows.filter(
                Q(title__icontains=term) | Q(author__name__icontains=term) | Q(Exists(tagged))
            )
        terms = [t for t in (ordering or "").split(",") if t]
        if any(t.removeprefix("-") not in QUERY_ORDERING for t in terms):
            raise HttpError(422, "unknown ordering field")
        return rows.order_by(*(terms or ["-created_at"]), "pk")

    @api.get("/whoami", auth=bearer)
    async def whoami(request):
        return {"sub": request.auth["sub"]}

    return api


def build(sizes: Any, jwk: dict, issuer: str, audience: str) -> NinjaAPI:
    """The benchmark's app (``bench/worker.py``)."""
    return build_api(sizes.page_size, JoseBearer(RSAKey.import_key(jwk), issuer, audience))
