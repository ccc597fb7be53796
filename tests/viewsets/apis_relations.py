"""APIs of the relation-route tests (issue 9, item 3), built at import."""

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.guide import EditorAuth, JWTAuth, RoleAdminAuth
from tests.testapp.models import Article, Author, Board, Doc, Folder, Note, Role, Tag
from tests.viewsets.apis import TenantAuth

# -- no auth: behaviour -------------------------------------------------------------------

api = NinjaAIO(urls_namespace="vs-relations")


@api.viewset(Article, relations=["tags", "comments"], page_size=2, bulk_max_items=10)
class ArticleViewSet(APIViewSet):
    """A forward many-to-many (``tags``) and a reverse foreign key that cannot be null."""


@api.viewset(Tag, relations=("articles",))
class TagViewSet(APIViewSet):
    """The other side of ``Article.tags`` (a reverse many-to-many)."""


@api.viewset(Note, api_route_path="note", relations=["labels"])
class NoteViewSet(APIViewSet):
    """A reverse foreign key that may be null (``NoteLabel.note``), to a plain model."""


@api.viewset(Role, relations=["permissions"], pagination_class=None)
class RoleViewSet(APIViewSet):
    """Related rows without a serializer (``Permission``): only their keys are served."""


# -- auth: every route under the viewset's auth, or the relation's own ----------------------

auth_api = NinjaAIO(urls_namespace="vs-relations-auth")


@auth_api.viewset(Article, relations=["tags", "comments"])
class GuardedArticleViewSet(APIViewSet):
    get_auth = [JWTAuth()]  # any user reads the tags
    patch_auth = [EditorAuth()]  # editors change them
    relation_auth = {"comments": [RoleAdminAuth()]}  # comments: admins only, both ways


@auth_api.viewset(Tag, relations=["articles"], auth=[JWTAuth()])
class PublicRelationTagViewSet(APIViewSet):
    relation_auth = {"articles": None}  # declared public, reading and changing


@auth_api.viewset(Author, relations=["articles"])
class WriteGuardedAuthorViewSet(APIViewSet):
    """Public reads; only ``post_auth`` declared: changing a relation is not public."""

    get_auth = None
    post_auth = [EditorAuth()]


# -- tenants --------------------------------------------------------------------------------

tenant_api = NinjaAIO(urls_namespace="vs-relations-tenant")


@tenant_api.viewset(Doc, auth=[TenantAuth()], relations=["labels"])
class DocViewSet(APIViewSet):
    pass


@tenant_api.viewset(Folder, auth=[TenantAuth()], relations=["doc_set"])
class TenantFolderViewSet(APIViewSet):
    pass


@tenant_api.viewset(Board, auth=[TenantAuth()], relations=["memos", "cards"])
class BoardViewSet(APIViewSet):
    """A global row relating tenant-scoped memos (M2M) and cards (reverse FK, not null)."""


@api.viewset(Tag, api_route_path="tag-read-only", relations=["articles"], operations=("list",))
class ReadOnlyTagViewSet(APIViewSet):
    """No ``update`` operation: the relation can be read, not changed."""
