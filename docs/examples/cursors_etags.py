"""Cursor pages and conditional requests on one viewset (docs/cursors-and-etags.md).

``Release`` is the model shown on the page.
"""

from ninja_aio import NinjaAIO
from ninja_aio.pagination import CursorPagination
from ninja_aio.views import APIViewSet
from tests.testapp.models_cond import Release

api = NinjaAIO(urls_namespace="docs-cursors-etags")


@api.viewset(Release, api_route_path="releases")
class ReleaseViewSet(APIViewSet):
    pagination_class = CursorPagination  # ?cursor= pages, in the viewset's ordering
    page_size = 2
    ordering = ("-score", "title")  # any columns and directions; the key breaks ties
    etag_field = "updated_at"  # tags from this field: no rendering to compute them
    require_if_match = True  # PATCH / PUT / DELETE without If-Match: 428


@api.viewset(Release, api_route_path="releases-hashed")
class HashedReleaseViewSet(APIViewSet):
    """The same rows with the default tags: a hash of the rendered response."""
