"""APIs of the write-workflow tests (PUT, bulk routes, change hooks), built at import."""

from ninja_aio import NinjaAIO
from ninja_aio.models import Serializer, on_change, on_create, on_delete
from ninja_aio.views import APIViewSet
from tests.guide import EditorAuth, JWTAuth, RoleAdminAuth
from tests.testapp.models import Article, Board, Country, Memo, Note, Tag
from tests.testapp.models_writes import CHANGE_CALLS, Entry, Parcel, Ticket
from tests.viewsets.apis import TenantAuth

ALL = ("create", "update", "delete")

# -- no auth: behaviour -------------------------------------------------------------------

api = NinjaAIO(urls_namespace="vs-writes")


@api.viewset(Article, bulk_operations=ALL)
class ArticleViewSet(APIViewSet):
    pass


@api.viewset(Article, api_route_path="article-partial", bulk_operations=ALL, bulk_atomic=False)
class PartialArticleViewSet(APIViewSet):
    pass


@api.viewset(Tag, bulk_operations=ALL)
class TagViewSet(APIViewSet):
    pass


@api.viewset(Tag, api_route_path="tag-partial", bulk_operations=ALL, bulk_atomic=False)
class PartialTagViewSet(APIViewSet):
    pass


@api.viewset(Note, api_route_path="notes", bulk_operations=ALL)
class NoteViewSet(APIViewSet):
    pass


@api.viewset(Ticket, bulk_operations=ALL)
class TicketViewSet(APIViewSet):
    pass


@api.viewset(Ticket, api_route_path="ticket-partial", bulk_operations=ALL, bulk_atomic=False)
class PartialTicketViewSet(APIViewSet):
    pass


@api.viewset(Country, bulk_operations=ALL)
class CountryViewSet(APIViewSet):
    """String keys: ``/country/bulk/`` must not be read as the key ``"bulk"``."""


class ParcelSerializer(Serializer):
    class Meta:
        model = Parcel
        read = {"fields": ["id", "label", "state"]}
        create = {"fields": ["label"]}
        update = {"fields": ["label", "state"]}

    @on_create
    def created(self, parcel, request):
        CHANGE_CALLS.append(("parcel created", parcel.pk))

    @on_change("state")
    async def state_changed(self, parcel, old, new, request):
        CHANGE_CALLS.append(("parcel state", parcel.pk, old, new))

    @on_delete
    def deleted(self, parcel, request):
        CHANGE_CALLS.append(("parcel deleted", parcel.pk))


class ParcelViewSet(APIViewSet):
    serializer_class = ParcelSerializer
    api = api
    bulk_operations = ALL


ParcelViewSet().add_views_to_route()

# -- auth: each bulk route under its single-row twin's auth --------------------------------

auth_api = NinjaAIO(urls_namespace="vs-writes-auth")


class GuardedArticleViewSet(APIViewSet):
    model = Article
    api = auth_api
    get_auth = None
    post_auth = [EditorAuth()]  # editors and admins create (one by one or in bulk)
    patch_auth = [JWTAuth()]  # any user updates; PUT falls back to this
    delete_auth = [RoleAdminAuth()]  # only admins delete
    bulk_operations = ALL


GuardedArticleViewSet().add_views_to_route()


class PutGuardedTagViewSet(APIViewSet):
    """``put_auth`` of its own: PATCH for users, PUT for admins."""

    model = Tag
    api = auth_api
    patch_auth = [JWTAuth()]
    put_auth = [RoleAdminAuth()]


PutGuardedTagViewSet().add_views_to_route()

# -- tenants --------------------------------------------------------------------------------

tenant_api = NinjaAIO(urls_namespace="vs-writes-tenant")


@tenant_api.viewset(Memo, auth=[TenantAuth()], bulk_operations=("update", "delete"))
class MemoViewSet(APIViewSet):
    pass


@tenant_api.viewset(Board, auth=[TenantAuth()], bulk_operations=ALL)
class BoardViewSet(APIViewSet):
    pass


@tenant_api.viewset(Entry, auth=[TenantAuth()], bulk_operations=ALL)
class EntryViewSet(APIViewSet):
    pass
