"""Relation routes (docs/relations-and-routers.md): an article's tags and comments.

``Article.tags`` is a many-to-many to ``Tag``; ``Comment.article`` a foreign key to
``Article`` (``related_name="comments"``), which cannot be null. The authenticators are
the auth guide's.
"""

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.guide import EditorAuth, JWTAuth
from tests.testapp.models import Article

api = NinjaAIO(urls_namespace="docs-relations")


class ArticleViewSet(APIViewSet):
    model = Article
    api = api
    get_auth = None  # anyone reads articles, and lists their tags
    patch_auth = [EditorAuth()]  # editors update articles, and add / remove their tags
    relations = ["tags", "comments"]  # GET and POST /article/{id}/tags/ and .../comments/
    relation_auth = {"comments": [JWTAuth()]}  # comments: any signed-in user, both routes
    relation_options = {  # list options of the GET routes, as on a list
        "tags": {"search_fields": ["name"], "ordering_fields": ["name"]},
        "comments": {"filter_fields": {"text": "icontains"}, "field_selection": True},
    }
    page_size = 10  # relation lists page like the article list
    bulk_max_items = 20  # at most 20 ids per change: more is a 413

    async def relation_queryset(self, request, relation, queryset):
        """Newest comments first; tags in their default order."""
        if relation == "comments":
            return queryset.order_by("-pk")
        return queryset


ArticleViewSet().add_views_to_route()
