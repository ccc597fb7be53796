"""The blog API: public reads, authenticated writes, admin-only deletes, a publish action."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from demo.keys import PUBLIC_KEY
from demo.models import Article, Author, Tag
from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.views import APIViewSet, action

User = get_user_model()


class JWTAuth(AsyncJwtBearer):
    """Any active user (iss / aud come from JWT_ISSUER / JWT_AUDIENCE)."""

    jwt_public = PUBLIC_KEY

    async def auth_handler(self, request: HttpRequest):
        return await User.objects.aget(id=self.dcd.claims.get("sub"), is_active=True)


class AdminAuth(JWTAuth):
    """Tokens whose ``roles`` claim holds ``admin`` (403 otherwise)."""

    required_roles = ["admin"]


api = NinjaAIO(title="Blog (ninja_aio demo)", urls_namespace="demo")


class AuthorViewSet(APIViewSet):
    model = Author
    api = api
    get_auth = None
    post_auth = [JWTAuth()]
    patch_auth = [JWTAuth()]
    delete_auth = [AdminAuth()]


class ArticleViewSet(APIViewSet):
    model = Article
    api = api
    get_auth = None  # public reads
    post_auth = [JWTAuth()]  # authenticated writes
    patch_auth = [JWTAuth()]
    delete_auth = [AdminAuth()]  # admin-only delete
    query_params = {"is_published": (bool, None), "tag": (str, None)}

    async def query_params_handler(self, queryset: QuerySet, filters: dict) -> QuerySet:
        queryset = await super().query_params_handler(queryset, filters)
        if "tag" in filters:
            queryset = queryset.filter(tags__name=filters["tag"]).distinct()
        return queryset

    @action(detail=True, methods=["post"], url_path="publish", auth=[JWTAuth()])
    async def publish(self, request: HttpRequest, pk: int):
        """Publish an article (any signed-in user, in this demo)."""
        article = await self.get_object(request, pk)
        article.is_published = True
        await article.asave(update_fields=["is_published", "updated_at"])
        return {"id": article.pk, "is_published": True}

    def views(self):
        @self.router.get("/stats/")
        async def stats(request):
            """Public counters."""
            published = await Article.objects.filter(is_published=True).acount()
            return {"total": await Article.objects.acount(), "published": published}


class TagViewSet(APIViewSet):
    model = Tag
    api = api
    get_auth = None
    post_auth = [JWTAuth()]
    patch_auth = [JWTAuth()]
    delete_auth = [AdminAuth()]


for viewset in (AuthorViewSet, ArticleViewSet, TagViewSet):
    viewset().add_views_to_route()
