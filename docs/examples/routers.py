"""Two versions of one API (docs/relations-and-routers.md): ``/v1/`` and ``/v2/``.

The same model, ``Article``, is served by both versions with different serializers; the
version's router holds the auth every viewset in it falls back to.
"""

from ninja_aio import NinjaAIO
from ninja_aio.models import Serializer
from ninja_aio.views import APIRouter, APIViewSet
from tests.guide import EditorAuth, JWTAuth
from tests.testapp.models import Article


class ArticleV1(Serializer):
    class Meta:
        model = Article
        read = {"fields": ["id", "title", "author"]}
        create = {"fields": ["title", "author"]}
        update = {"fields": ["title"]}


class ArticleV2(Serializer):
    class Meta:
        model = Article
        read = {"fields": ["id", "title", "body", "status", "author", "tags"]}
        create = {"fields": ["title", "body", "status", "author"]}
        update = {"fields": ["title", "body", "status"]}


v1 = APIRouter("v1", tags=["v1"], auth=[JWTAuth()])
v2 = APIRouter("v2", tags=["v2"], auth=[JWTAuth()])


@v1.viewset(Article, serializer_class=ArticleV1)
class ArticleV1ViewSet(APIViewSet):
    """Frozen: reads are public now, every write needs a token (the router's auth)."""

    get_auth = None


@v2.viewset(Article, serializer_class=ArticleV2, relations=["tags"])
class ArticleV2ViewSet(APIViewSet):
    """Reads need a token (the router's auth); writes need an editor."""

    post_auth = [EditorAuth()]
    patch_auth = [EditorAuth()]
    delete_auth = [EditorAuth()]


api = NinjaAIO(urls_namespace="docs-routers")
v1.mount(api)  # /v1/article/...
v2.mount(api)  # /v2/article/...
