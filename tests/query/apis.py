"""The APIs of the list-query tests."""

from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models_query import Post
from tests.viewsets.apis import TenantAuth

api = NinjaAIO(urls_namespace="list-queries")


class PostFilter(FilterSchema):
    """django-ninja's own FilterSchema: lookups, a list of them, a custom method."""

    title: Annotated[str | None, FilterLookup("title__icontains")] = None
    min_views: Annotated[int | None, FilterLookup("views__gte")] = None
    text: Annotated[str | None, FilterLookup(["title__icontains", "body__icontains"])] = None
    topic: Annotated[int | None, FilterLookup("topics")] = None
    popular: bool | None = None

    def filter_popular(self, value: bool) -> Q:
        return Q(views__gte=100) if value else Q(views__lt=100)


class PostViewSet(APIViewSet):
    """Every option on, behind a tenant token."""

    model = Post
    api = api
    auth = [TenantAuth()]
    ordering_fields = ["created_at", "title", "views", "writer__name"]
    search_fields = ["title", "body", "writer__name", "topics__name", "=views"]
    filter_schema = PostFilter
    field_selection = True
    #: A str filter on a foreign key: ``?owner=abc`` must be a 422, not a 500.
    query_params = {"owner": (str, None)}


PostViewSet().add_views_to_route()


class OpenPostViewSet(APIViewSet):
    """Public, with ready-made filters and prefix searches."""

    model = Post
    api = api
    api_route_path = "open-post"
    auth = None
    search_fields = ["^title", "=body"]
    ordering_fields = ["views", "published_on"]
    filter_fields = {
        "title": "icontains",
        "is_published": "exact",
        "writer": "exact",
        "topics": "in",
        "views": "range",
        "published_on": "range",
    }


OpenPostViewSet().add_views_to_route()
