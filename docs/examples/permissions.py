"""Object permissions and soft delete on one model (docs/permissions.md).

``Story`` is the model shown on the page. ``TeamAuth`` puts the caller's tenant and roles
on the request; ``queryset_request`` (on ``Story``) keeps each tenant to its own rows.
"""

from django.contrib.auth import get_user_model

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.views import APIViewSet, action
from tests.guide import PUBLIC_KEY
from tests.testapp.models_perm import Story

User = get_user_model()

api = NinjaAIO(urls_namespace="docs-permissions")


class TeamAuth(AsyncJwtBearer):
    jwt_public = PUBLIC_KEY

    async def auth_handler(self, request):
        claims = self.dcd.claims
        if not claims.get("tenant_id"):
            return False
        request.tenant_id = claims["tenant_id"]  # read by Story.queryset_request
        request.roles = claims.get("roles", [])
        return await User.objects.aget(id=claims["sub"])


class PostViewSet(APIViewSet):
    model = Story
    api = api
    auth = [TeamAuth()]
    owner_field = "author"  # only the author may read or change a post...
    soft_delete_field = "deleted_at"  # DELETE marks it; restore and ?hard=true exist
    bulk_operations = ("delete",)

    def owner_bypass(self, request):
        return "admin" in request.roles  # ...or an admin

    @action(detail=True, methods=["post"])
    async def pin(self, request, pk: int) -> dict:
        post = await self.get_object(request, pk, operation="pin")  # checked too
        return {"id": post.pk, "pinned": True}


PostViewSet().add_views_to_route()


class ModeratedPostViewSet(APIViewSet):
    """The same rows with a custom rule: anyone in the tenant reads, the author or a
    moderator edits, only an admin removes for real."""

    model = Story
    api = api
    api_route_path = "moderated"
    auth = [TeamAuth()]
    soft_delete_field = "deleted_at"

    async def has_object_permission(self, request, obj, operation):
        if operation == "retrieve":
            return True
        if operation == "hard_delete":
            return "admin" in request.roles
        return obj.author_id == request.auth.pk or "moderator" in request.roles


ModeratedPostViewSet().add_views_to_route()
