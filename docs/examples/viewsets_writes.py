"""Write workflows on one viewset: PUT, bulk routes and change hooks (docs/viewsets.md).

``Ticket`` is the model shown on the page (its change hooks included); the
authenticators are the auth guide's.
"""

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.guide import EditorAuth, JWTAuth, RoleAdminAuth
from tests.testapp.models_writes import Ticket

api = NinjaAIO(urls_namespace="docs-writes")


class TicketViewSet(APIViewSet):
    model = Ticket
    api = api
    get_auth = None  # anyone reads
    post_auth = [EditorAuth()]  # POST / and POST /bulk/
    patch_auth = [JWTAuth()]  # PATCH /{id}/, PATCH /bulk/, and PUT /{id}/ (no put_auth)
    delete_auth = [RoleAdminAuth()]  # DELETE /{id}/ and DELETE /bulk/
    bulk_operations = ("create", "update", "delete")
    bulk_max_items = 50  # a bigger batch is a 413


TicketViewSet().add_views_to_route()


class TicketImportViewSet(APIViewSet):
    """The same rows, imported item by item: a bad item does not stop the others."""

    model = Ticket
    api = api
    api_route_path = "ticket-import"
    operations = ()  # only the bulk route
    post_auth = [EditorAuth()]
    bulk_operations = ("create",)
    bulk_atomic = False


TicketImportViewSet().add_views_to_route()
