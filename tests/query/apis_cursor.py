"""The API of the combined-options tests: every list option on a cursor-paged, tenant-scoped
and protected list, with ETags on."""

from ninja_aio import NinjaAIO
from ninja_aio.pagination import CursorPagination
from ninja_aio.views import APIViewSet
from tests.query.apis import PostFilter
from tests.testapp.models_query import Post
from tests.viewsets.apis import TenantAuth

api = NinjaAIO(urls_namespace="list-queries-cursor")

#: The ``?ordering=`` choices of the combined list (each also tried descending).
ORDERING_FIELDS = ["title", "views", "published_on", "created_at", "writer__name"]


@api.viewset(Post, api_route_path="post", pagination_class=CursorPagination)
class CursorPostViewSet(APIViewSet):
    """Filter + search + ordering + fields + cursor, behind a tenant token."""

    auth = [TenantAuth()]
    page_size = 2
    ordering = ("-views",)
    ordering_fields = ORDERING_FIELDS
    search_fields = ["title", "body", "writer__name", "topics__name"]
    filter_schema = PostFilter
    field_selection = True


@api.viewset(Post, api_route_path="post-versioned", pagination_class=CursorPagination)
class VersionedCursorPostViewSet(APIViewSet):
    """The same options, with tags from ``created_at`` (no rendering for a 304)."""

    auth = [TenantAuth()]
    page_size = 2
    etag_field = "created_at"
    ordering_fields = ORDERING_FIELDS
    search_fields = ["title", "body", "writer__name", "topics__name"]
    filter_schema = PostFilter
    field_selection = True
