"""An API exercising what OpenAPI must show; also a URLconf (``urlpatterns``)."""

from django.urls import path
from ninja import Schema
from ninja.security import APIKeyHeader

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtCookie
from ninja_aio.views import APIViewSet, action
from tests.guide import PUBLIC_KEY, AdminAuth, EditorAuth, JWTAuth, ReadAuth, WriteAuth
from tests.testapp.models import AllTypes, Article, Author, Tag

API_KEY = "openapi-key"


class KeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    async def authenticate(self, request, key):
        return key == API_KEY and {"client": "machine"}


class OtherKeyAuth(APIKeyHeader):
    param_name = "X-Other-Key"

    async def authenticate(self, request, key):
        return key == API_KEY and {"client": "other"}


class SessionCookie(AsyncJwtCookie):
    jwt_public = PUBLIC_KEY


class AdminSessionCookie(AsyncJwtCookie):
    jwt_public = PUBLIC_KEY
    required_roles = ["admin"]


class StatsOut(Schema):
    total: int


class PublishOut(Schema):
    id: int
    published: bool


api = NinjaAIO(urls_namespace="openapi-main")


class ArticleViewSet(APIViewSet):
    model = Article
    api = api
    get_auth = None
    post_auth = [EditorAuth()]
    delete_auth = [AdminAuth()]

    @action(detail=False)
    async def summary(self, request) -> StatsOut:
        return {"total": await Article.objects.acount()}

    @action(detail=True, methods=["post"], response=PublishOut)
    async def publish(self, request, pk: int):
        article = await self.get_object(request, pk)
        return {"id": article.pk, "published": True}

    @action(detail=True, url_path="words")
    async def words(self, request, pk: int, limit: int = 10) -> list[str]:
        article = await self.get_object(request, pk)
        return article.title.split()[:limit]

    @action(detail=False, methods=["get", "post"], url_path="inbox", auth=[JWTAuth()])
    async def inbox(self, request):
        return {"method": request.method}

    def views(self):
        @self.router.get("/stats/", auth=JWTAuth() | KeyAuth())
        async def stats(request):
            return {"articles": await Article.objects.acount()}


ArticleViewSet().add_views_to_route()


class TagViewSet(APIViewSet):
    model = Tag
    api = api
    get_auth = [ReadAuth()]
    post_auth = [WriteAuth()]

    def views(self):
        @self.router.get("/stats/", auth=AdminAuth() | OtherKeyAuth())
        async def stats(request):
            return {"tags": await Tag.objects.acount()}


TagViewSet().add_views_to_route()


class AuthorViewSet(APIViewSet):
    model = Author
    api = api
    page_size = 5
    max_page_size = 50
    get_auth = None
    post_auth = [SessionCookie()]
    patch_auth = [AdminSessionCookie()]
    delete_auth = [SessionCookie() & KeyAuth()]


AuthorViewSet().add_views_to_route()


@api.viewset(AllTypes)
class AllTypesViewSet(APIViewSet):
    pass


@api.get("/ping")
async def ping(request) -> dict:
    return {"pong": True}


@api.get("/sync-ping")
def sync_ping(request) -> dict:
    return {"pong": True}


urlpatterns = [path("api/", api.urls)]
