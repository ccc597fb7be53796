"""APIs of the cursor and conditional-request tests, built at import."""

from ninja.pagination import CursorPagination as NinjaCursorPagination

from ninja_aio import NinjaAIO
from ninja_aio.pagination import CursorPagination
from ninja_aio.views import APIViewSet
from tests.testapp.models_cond import DistinctRelease, Release
from tests.viewsets.apis import TenantAuth

api = NinjaAIO(urls_namespace="vs-cond")

#: Each ordering choice a cursor list is tested with: route suffix -> ordering.
ORDERINGS = {
    "title": ("title",),
    "score-desc": ("-score", "title"),  # nullable column, mixed directions
    "score": ("score",),  # nullable, ties broken by pk
    "published": ("published", "-title"),  # nullable datetime
    "shelf": ("shelf__name", "-pk"),  # through a nullable relation, pk descending
    "updated": ("-updated_at",),
}

for suffix, ordering in ORDERINGS.items():
    api.viewset(
        Release,
        api_route_path=f"release-{suffix}",
        ordering=ordering,
        pagination_class=CursorPagination,
        page_size=3,
    )(type(f"Release{suffix.title().replace('-', '')}ViewSet", (APIViewSet,), {}))


@api.viewset(Release, api_route_path="release-chosen", pagination_class=CursorPagination)
class ChosenOrderViewSet(APIViewSet):
    """The ordering is chosen per request (``?order=``, as ``ordering_fields`` does)."""

    page_size = 2

    async def get_queryset(self, request):
        rows = await super().get_queryset(request)
        return rows.order_by(*request.GET.get("order", "pk").split(","))


@api.viewset(Release, api_route_path="release-tenant", pagination_class=CursorPagination)
class TenantReleaseViewSet(APIViewSet):
    """Protected and tenant-scoped: cursors and tags only ever cover the caller's rows."""

    auth = [TenantAuth()]
    ordering = ("title",)
    page_size = 2


@api.viewset(Release, api_route_path="release")
class ReleaseViewSet(APIViewSet):
    """Tags hashed from the rendered body; page-number list."""


@api.viewset(Release, api_route_path="release-versioned", etag_field="updated_at")
class VersionedReleaseViewSet(APIViewSet):
    """Tags from ``updated_at``; every write must be conditional."""

    require_if_match = True


@api.viewset(Release, api_route_path="release-plain", conditional_requests=False)
class PlainReleaseViewSet(APIViewSet):
    """Conditional requests turned off."""


@api.viewset(Release, api_route_path="release-ninja", pagination_class=NinjaCursorPagination)
class NinjaCursorViewSet(APIViewSet):
    """ninja's own class: it gets keyset pages and signed cursors."""


@api.viewset(DistinctRelease, api_route_path="release-distinct")
class DistinctReleaseViewSet(APIViewSet):
    """Conditional writes through a ``DISTINCT`` scope."""
