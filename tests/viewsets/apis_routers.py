"""APIs of the router tests (issue 9, item 7): two versions of the same models."""

from django.urls import path

from ninja_aio import NinjaAIO
from ninja_aio.models import Serializer
from ninja_aio.views import APIRouter, APIViewSet, action
from tests.guide import EditorAuth, JWTAuth
from tests.testapp.models import Article, Tag


class ArticleV1(Serializer):
    """Version 1 serves a small article: no body, no status."""

    class Meta:
        model = Article
        read = {"fields": ["id", "title", "author"]}
        create = {"fields": ["title", "author"]}
        update = {"fields": ["title"]}


class ArticleV2(Serializer):
    """Version 2 adds the body and the status."""

    class Meta:
        model = Article
        read = {"fields": ["id", "title", "body", "status", "author"]}
        create = {"fields": ["title", "body", "status", "author"]}
        update = {"fields": ["title", "body", "status"]}


api = NinjaAIO(urls_namespace="vs-routers")

v1 = APIRouter("v1", tags=["v1"], auth=[JWTAuth()])  # every v1 route needs a token...
v2 = APIRouter("/v2/", tags=["v2"])  # ...v2 has no auth of its own: the viewsets' decide


@v1.viewset(Article, serializer_class=ArticleV1, relations=["tags"])
class ArticleV1ViewSet(APIViewSet):
    get_auth = None  # ...except reading articles, declared public on the viewset

    @action(detail=False, url_path="count")
    async def count(self, request) -> int:
        return await (await self.get_queryset(request)).acount()


@v1.viewset(Tag)
class TagV1ViewSet(APIViewSet):
    pass


@v2.viewset(Article, serializer_class=ArticleV2, relations=["tags"])
class ArticleV2ViewSet(APIViewSet):
    get_auth = None
    post_auth = [EditorAuth()]  # PATCH, PUT, DELETE and relation changes borrow it

    @action(detail=False, url_path="count")
    async def count(self, request) -> int:
        return await (await self.get_queryset(request)).acount()


v1.mount(api)
v2.mount(api)


@v2.viewset(Tag)  # recorded after mount: registered at once
class TagV2ViewSet(APIViewSet):
    pass


@api.viewset(Tag)  # the same model at the api's root, outside any version
class TagViewSet(APIViewSet):
    pass


urlpatterns = [path("api/", api.urls)]  # for the routes command
