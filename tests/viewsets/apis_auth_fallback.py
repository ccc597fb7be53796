"""APIs whose write auth is partly unset: what the fallback table gives each route.

Also a URLconf (``urlpatterns``), for ``python -m ninja_aio routes``.
"""

from django.urls import path

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet, action
from tests.guide import AdminAuth, JWTAuth
from tests.testapp.models import Article, Comment, Tag

# -- the README's snippet: public reads, "authenticated writes" ----------------------------

readme_api = NinjaAIO(urls_namespace="fallback-readme")


class ReadmeArticleViewSet(APIViewSet):
    model = Article
    api = readme_api
    get_auth = None  # public reads
    post_auth = [JWTAuth()]  # authenticated writes

    @action(detail=True, methods=["post"])
    async def publish(self, request, pk: int) -> dict[str, int]:
        await self.get_object(request, pk)
        return {"published": pk}

    @action(detail=True, methods=["delete"], url_path="purge")
    async def purge(self, request, pk: int):
        return {"purged": pk}

    @action(detail=False)
    async def stats(self, request) -> dict[str, int]:
        return {"total": await Article.objects.acount()}

    @action(detail=False, methods=["get", "post"], url_path="inbox")
    async def inbox(self, request):
        return {"method": request.method}

    def views(self):
        @self.router.post("/import/")
        async def bulk_import(request):
            return {"imported": True}

        @self.router.get("/feed/")
        async def feed(request):
            return {"feed": []}


ReadmeArticleViewSet().add_views_to_route()


class ReadmeCommentViewSet(APIViewSet):
    """A model with only Read and Create serializers: no update route, a DELETE route."""

    model = Comment
    api = readme_api
    get_auth = None
    post_auth = [JWTAuth()]


ReadmeCommentViewSet().add_views_to_route()

# -- explicit None on the way: public on purpose -------------------------------------------

explicit_api = NinjaAIO(urls_namespace="fallback-explicit")


class OpenPatchArticleViewSet(APIViewSet):
    model = Article
    api = explicit_api
    get_auth = None
    post_auth = [JWTAuth()]
    patch_auth = None  # anyone may edit
    delete_auth = [AdminAuth()]


OpenPatchArticleViewSet().add_views_to_route()


class OpenTagViewSet(APIViewSet):
    """``auth = None`` is declared for every route: only ``post_auth`` is narrower."""

    model = Tag
    api = explicit_api
    auth = None
    post_auth = [JWTAuth()]


OpenTagViewSet().add_views_to_route()

# -- nothing declared anywhere: a public API, as in django-ninja -------------------------

open_api = NinjaAIO(urls_namespace="fallback-open")


class OpenArticleViewSet(APIViewSet):
    model = Article
    api = open_api


OpenArticleViewSet().add_views_to_route()

# -- the API's auth comes before the fallback ----------------------------------------------

api_auth_api = NinjaAIO(urls_namespace="fallback-api-auth", auth=[JWTAuth()])


class AdminWritesArticleViewSet(APIViewSet):
    model = Article
    api = api_auth_api
    post_auth = [AdminAuth()]


AdminWritesArticleViewSet().add_views_to_route()

# -- only delete_auth: every write borrows it ------------------------------------------------

delete_only_api = NinjaAIO(urls_namespace="fallback-delete-only")


class DeleteOnlyTagViewSet(APIViewSet):
    model = Tag
    api = delete_only_api
    get_auth = None
    delete_auth = [AdminAuth()]

    def views(self):
        @self.router.put("/{int:pk}/rename/")
        async def rename(request, pk: int):
            return {"renamed": pk}


DeleteOnlyTagViewSet().add_views_to_route()

# -- put_auth (no generated PUT route yet): custom PUT routes and PATCH read it ---------------

put_api = NinjaAIO(urls_namespace="fallback-put")


class PutTagViewSet(APIViewSet):
    model = Tag
    api = put_api
    get_auth = None
    put_auth = [JWTAuth()]
    delete_auth = [AdminAuth()]

    def views(self):
        @self.router.put("/{int:pk}/rename/")
        async def rename(request, pk: int):
            return {"renamed": pk}


PutTagViewSet().add_views_to_route()

urlpatterns = [path("api/", readme_api.urls), path("open/", open_api.urls)]
