"""The APIs of the relation list-option tests: a writer's posts, a topic's posts."""

from ninja_aio import NinjaAIO
from ninja_aio.pagination import CursorPagination
from ninja_aio.views import APIViewSet
from tests.query.apis import PostFilter
from tests.testapp.models_query import Topic, Writer
from tests.viewsets.apis import TenantAuth

api = NinjaAIO(urls_namespace="relation-queries")


@api.viewset(Writer, auth=[TenantAuth()], relations=["posts"], page_size=2)
class WriterViewSet(APIViewSet):
    """A reverse foreign key to tenant rows, every option on, ready-made filters."""

    relation_options = {
        "posts": {
            "search_fields": ["title", "body", "topics__name"],
            "ordering_fields": ["views", "title", "writer__name"],
            "filter_fields": {"views": "range", "is_published": "exact", "topics": "in"},
            "field_selection": True,
        }
    }


@api.viewset(
    Topic, auth=[TenantAuth()], relations=["posts"], pagination_class=CursorPagination, page_size=2
)
class TopicViewSet(APIViewSet):
    """A reverse many-to-many paged by signed cursors, filtered by a ``FilterSchema``."""

    relation_options = {
        "posts": {"ordering_fields": ["views", "title"], "filter_schema": PostFilter},
    }
