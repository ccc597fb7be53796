"""List queries on a viewset: filters, search, ordering and field selection
(docs/list-queries.md).

``Post`` is the model shown on the page (a ``Writer``, ``Topic`` tags, a tenant).
"""

from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet, ReadOnlyViewSet
from tests.testapp.models_query import Post

api = NinjaAIO(urls_namespace="docs-list-queries")


class PostFilter(FilterSchema):
    """django-ninja's own FilterSchema: one query parameter per field."""

    title: Annotated[str | None, FilterLookup("title__icontains")] = None
    min_views: Annotated[int | None, FilterLookup("views__gte")] = None
    topic: Annotated[int | None, FilterLookup("topics")] = None  # a topic's id
    popular: bool | None = None

    def filter_popular(self, value: bool) -> Q:
        return Q(views__gte=100) if value else Q(views__lt=100)


class PostViewSet(APIViewSet):
    model = Post
    api = api
    ordering = ("-created_at",)  # the default order
    ordering_fields = ["created_at", "views", "title", "writer__name"]
    search_fields = ["title", "body", "writer__name", "topics__name", "=views"]
    filter_schema = PostFilter
    field_selection = True


PostViewSet().add_views_to_route()


class PostFeedViewSet(ReadOnlyViewSet):
    """The same rows with ready-made filters: no schema to write."""

    model = Post
    api = api
    api_route_path = "feed"
    search_fields = ["^title"]  # titles starting with each term
    filter_fields = {
        "is_published": "exact",  # ?is_published=true
        "writer": "exact",  # ?writer=3 (a writer's id)
        "topics": "in",  # ?topics=1&topics=2
        "views": "range",  # ?views__gte=10&views__lte=100
        "published_on": "range",  # ?published_on__gte=2024-01-01
        "title": "icontains",  # ?title=async
    }


PostFeedViewSet().add_views_to_route()
