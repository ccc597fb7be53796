"""The APIs under test, built at import like a user's ``views.py`` (examples of the guide)."""

from typing import Any

from django.db.models import QuerySet
from joserfc.jwk import RSAKey
from ninja import Schema
from ninja.pagination import CursorPagination, LimitOffsetPagination, PaginationBase
from ninja.security import APIKeyHeader
from pydantic import Field

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.models import Serializer
from ninja_aio.views import APIViewSet, ReadOnlyViewSet, action
from tests.guide import (
    PRIVATE_KEY,
    PUBLIC_KEY,
    AdminAuth,
    EditorAuth,
    JWTAuth,
    ReadAuth,
    RoleAdminAuth,
    User,
    WriteAuth,
)
from tests.testapp.models import (
    AllTypes,
    Article,
    Author,
    Board,
    Book,
    Comment,
    Country,
    Doc,
    Gadget,
    Memo,
    Note,
    Tag,
)

OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": PRIVATE_KEY.kid})
API_KEY = "secret-api-key"


class TenantAuth(AsyncJwtBearer):
    jwt_public = PUBLIC_KEY
    claims = JWTAuth.claims

    async def auth_handler(self, request):
        user_id = self.dcd.claims.get("sub")
        tenant_id = self.dcd.claims.get("tenant_id")
        if not tenant_id:
            return False
        user = await User.objects.aget(id=user_id, is_active=True)
        request.tenant_id = tenant_id
        return user


class APIKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    async def authenticate(self, request, key):
        return key == API_KEY and {"client": "machine"}


# -- the guide, one API per example ---------------------------------------------------

global_api = NinjaAIO(urls_namespace="vs-global")


class GlobalArticleViewSet(APIViewSet):
    model = Article
    api = global_api
    auth = [JWTAuth()]  # Apply to all endpoints


GlobalArticleViewSet().add_views_to_route()

per_method_api = NinjaAIO(urls_namespace="vs-per-method")


class PerMethodArticleViewSet(APIViewSet):
    model = Article
    api = per_method_api
    get_auth = None  # GET endpoints public
    post_auth = [JWTAuth()]  # POST requires auth
    patch_auth = [JWTAuth()]  # PATCH requires auth
    delete_auth = [JWTAuth()]  # DELETE requires auth


PerMethodArticleViewSet().add_views_to_route()

custom_api = NinjaAIO(urls_namespace="vs-custom")


class CustomViewsArticleViewSet(APIViewSet):
    model = Article
    api = custom_api
    auth = None  # CRUD endpoints public

    def views(self):
        # Authenticated custom endpoint
        @self.router.post("/publish/{pk}/", auth=JWTAuth())
        async def publish(request, pk: int):
            article = await Article.objects.aget(pk=pk)
            article.is_published = True
            await article.asave()
            return {"message": "Article published"}

        # Public custom endpoint
        @self.router.get("/stats/")
        async def stats(request):
            total = await Article.objects.acount()
            return {"total": total}


CustomViewsArticleViewSet().add_views_to_route()

mixed_api = NinjaAIO(urls_namespace="vs-mixed")


class MixedArticleViewSet(APIViewSet):
    model = Article
    api = mixed_api
    get_auth = None  # Public read
    post_auth = [JWTAuth()]  # Regular user can create
    patch_auth = [JWTAuth()]  # Regular user can edit own
    delete_auth = [AdminAuth()]  # Only admin can delete


MixedArticleViewSet().add_views_to_route()

tenant_api = NinjaAIO(urls_namespace="vs-tenant")


class MemoViewSet(APIViewSet):
    model = Memo
    api = tenant_api
    auth = [TenantAuth()]


MemoViewSet().add_views_to_route()


class DocViewSet(APIViewSet):
    """Tenant rows whose parent (``folder``) and tags (``labels``) are tenant-scoped too."""

    model = Doc
    api = tenant_api
    auth = [TenantAuth()]


DocViewSet().add_views_to_route()


class BoardViewSet(APIViewSet):
    """Global boards listing tenant-scoped memos (M2M, forward FK) and cards (reverse FK)."""

    model = Board
    api = tenant_api
    auth = [TenantAuth()]

    @action(detail=True, url_path="rendered")
    async def rendered(self, request, pk: int):
        return self.spec.read.reader(await self.get_object(request, pk))


BoardViewSet().add_views_to_route()


class JoinedBoardViewSet(ReadOnlyViewSet):
    """Boards whose own queryset already joins scoped relations: they must be re-scoped."""

    model = Board
    api = tenant_api
    auth = [TenantAuth()]
    api_route_path = "board-joined"

    async def get_queryset(self, request):
        return (await super().get_queryset(request)).select_related("featured__tenant")


JoinedBoardViewSet().add_views_to_route()

api_key_api = NinjaAIO(urls_namespace="vs-api-key")


class KeyArticleViewSet(APIViewSet):
    model = Article
    api = api_key_api
    auth = [JWTAuth() | APIKeyAuth()]  # Either JWT or API Key


KeyArticleViewSet().add_views_to_route()

# -- inheritance: API-level auth, overridden per viewset / method -----------------------

inherit_api = NinjaAIO(urls_namespace="vs-inherit", auth=[JWTAuth()])


class InheritedArticleViewSet(APIViewSet):
    model = Article
    api = inherit_api

    @action(detail=False, url_path="count")
    async def count(self, request):
        return {"count": await Article.objects.acount()}


InheritedArticleViewSet().add_views_to_route()


class PublicTagViewSet(APIViewSet):
    model = Tag
    api = inherit_api
    get_auth = None


PublicTagViewSet().add_views_to_route()


class OpenAuthorViewSet(APIViewSet):
    model = Author
    api = inherit_api
    auth = None


OpenAuthorViewSet().add_views_to_route()

# -- the main API: no auth, every feature --------------------------------------------------

api = NinjaAIO(urls_namespace="vs-main")


class ArticleViewSet(APIViewSet):
    model = Article
    api = api
    query_params = {
        "is_published": (bool, None),
        "title__icontains": (str, None),
        "tag": (str, None),
        "author": (int, None),
    }

    async def query_params_handler(self, queryset: QuerySet, filters: dict) -> QuerySet:
        queryset = await super().query_params_handler(queryset, filters)
        if "tag" in filters:
            queryset = queryset.filter(tags__name=filters["tag"]).distinct()
        return queryset

    @action(detail=True, methods=["post"], url_path="publish")
    async def publish(self, request, pk: int):
        article = await self.get_object(request, pk)
        article.is_published = True
        await article.asave(update_fields=["is_published"])
        return {"id": pk, "is_published": True}

    @action(detail=False, methods=["get"])
    async def stats(self, request):
        return {"total": await Article.objects.acount()}

    @action(detail=True, methods=["post"], url_path="archive", auth=[JWTAuth()])
    async def archive(self, request, article_id: int):
        return {"archived": article_id, "by": request.auth.username}


ArticleViewSet().add_views_to_route()


class AuthorViewSet(APIViewSet):
    model = Author
    api = api
    page_size = 2
    max_page_size = 3


AuthorViewSet().add_views_to_route()


class TagViewSet(APIViewSet):
    model = Tag
    api = api
    pagination_class = LimitOffsetPagination


TagViewSet().add_views_to_route()


class CommentViewSet(APIViewSet):
    model = Comment
    api = api
    pagination_class = None


CommentViewSet().add_views_to_route()


@api.viewset(AllTypes)
class AllTypesViewSet(APIViewSet):
    pass


@api.viewset(Note, api_route_path="notes")
class NoteViewSet(APIViewSet):
    pass


class BookSerializer(Serializer):
    class Meta:
        model = Book
        read = {"fields": ["id", "title", "isbn", "author", "published"]}
        create = {"fields": ["title", "isbn", "author", "published"]}
        update = {"fields": ["title", "published"]}

    def before_save(self, instance):
        instance.title = instance.title.strip()

    @classmethod
    async def queryset_request(cls, request):
        return Book.objects.exclude(isbn__startswith="000")


class BookViewSet(APIViewSet):
    serializer_class = BookSerializer
    api = api


BookViewSet().add_views_to_route()


class CountryViewSet(APIViewSet):
    model = Country
    api = api

    def views(self):
        @self.router.get("/stats/")
        async def country_stats(request):
            return {"countries": await Country.objects.acount()}


CountryViewSet().add_views_to_route()


@api.viewset(Gadget)
class GadgetViewSet(ReadOnlyViewSet):
    pass


class SmallPages(PaginationBase):
    """A custom, sync-only paginator: ``?n=`` items, no count."""

    class Input(Schema):
        n: int = Field(2, ge=1)

    class Output(Schema):
        results: list[Any]
        size: int

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination, request, **params):
        items = list(queryset[: pagination.n])
        return {"results": items, "size": len(items)}


class CustomPagesTagViewSet(APIViewSet):
    model = Tag
    api = api
    api_route_path = "tags-custom-pages"
    pagination_class = SmallPages


CustomPagesTagViewSet().add_views_to_route()


class CursorTagViewSet(APIViewSet):
    model = Tag
    api = api
    api_route_path = "tags-cursor"
    pagination_class = CursorPagination(ordering=("name",), page_size=2)


CursorTagViewSet().add_views_to_route()


class CursorArticleViewSet(APIViewSet):
    """Cursor positions on an integer column (a foreign key's)."""

    model = Article
    api = api
    api_route_path = "articles-cursor"
    pagination_class = CursorPagination(ordering=("author_id", "id"), page_size=2)


CursorArticleViewSet().add_views_to_route()


# -- the guide's role- and scope-based examples ------------------------------------------

rbac_api = NinjaAIO(urls_namespace="vs-rbac")


class RbacArticleViewSet(APIViewSet):
    model = Article
    api = rbac_api
    get_auth = None
    post_auth = [EditorAuth()]  # Editors and admins
    delete_auth = [RoleAdminAuth()]  # Only admins


RbacArticleViewSet().add_views_to_route()

scope_api = NinjaAIO(urls_namespace="vs-scope")


class ScopeArticleViewSet(APIViewSet):
    model = Article
    api = scope_api
    get_auth = [ReadAuth()]  # read scope
    post_auth = [WriteAuth()]  # write scope
    patch_auth = [WriteAuth()]  # write scope
    delete_auth = [WriteAuth()]  # write scope


ScopeArticleViewSet().add_views_to_route()
