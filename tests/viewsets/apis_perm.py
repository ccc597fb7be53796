"""APIs of the object-permission and soft-delete tests, built at import.

``post`` uses ``owner_field`` (admins through ``owner_bypass``); ``post-async`` and
``post-sync`` use a custom ``has_object_permission`` (async / sync) that reads the
database: a row of a tenant named ``locked...`` can be read but not changed.
"""

from django.contrib.auth import get_user_model

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.views import APIViewSet, action
from tests.guide import PUBLIC_KEY, JWTAuth
from tests.testapp.models import Sticker, Story, Tenant

User = get_user_model()
ALL = ("create", "update", "delete")
#: ``(viewset path, operation, row pk)`` of each custom permission call, in order.
CALLS: list = []


class TenantRoleAuth(AsyncJwtBearer):
    """The caller's tenant (``tenant_id``) and roles (``roles``) from the token; with
    ``required_roles``, a token holding none of them is refused."""

    jwt_public = PUBLIC_KEY
    claims = JWTAuth.claims
    required_roles: tuple[str, ...] = ()

    async def auth_handler(self, request):
        tenant_id = self.dcd.claims.get("tenant_id")
        roles = self.dcd.claims.get("roles", [])
        if not tenant_id or (self.required_roles and not set(roles) & set(self.required_roles)):
            return False
        request.tenant_id = tenant_id
        request.user_roles = roles
        return await User.objects.aget(id=self.dcd.claims.get("sub"))


class EditorAuth(TenantRoleAuth):
    required_roles = ("editor", "admin")


api = NinjaAIO(urls_namespace="vs-perm")


class PostViewSet(APIViewSet):
    model = Story
    api = api
    auth = [TenantRoleAuth()]
    post_auth = patch_auth = delete_auth = [EditorAuth()]
    owner_field = "author"
    soft_delete_field = "deleted_at"
    bulk_operations = ALL

    def owner_bypass(self, request):
        return "admin" in request.user_roles

    @action(detail=True, methods=["post"])
    async def publish(self, request, pk: int) -> dict:
        post = await self.get_object(request, pk, operation="publish")
        return {"id": post.pk, "published": True}


PostViewSet().add_views_to_route()


async def _tenant_locked(obj) -> bool:
    return await Tenant.objects.filter(pk=obj.tenant_id, name__startswith="locked").aexists()


class AsyncGuardedPostViewSet(PostViewSet):
    api_route_path = "post-async"
    owner_field = None

    async def has_object_permission(self, request, obj, operation):
        CALLS.append(("post-async", operation, obj.pk))
        if operation == "create":
            # Not committed yet: the row is visible only on the write's own connection.
            seen = await Story.objects.filter(pk=obj.pk).aexists()
            return seen and not await _tenant_locked(obj)
        return operation == "retrieve" or not await _tenant_locked(obj)


AsyncGuardedPostViewSet().add_views_to_route()


class SyncGuardedPostViewSet(PostViewSet):
    api_route_path = "post-sync"
    owner_field = None

    def has_object_permission(self, request, obj, operation):
        CALLS.append(("post-sync", operation, obj.pk))
        if operation == "create" and not Story.objects.filter(pk=obj.pk).exists():
            return False
        return operation == "retrieve" or not obj.tenant.name.startswith("locked")


SyncGuardedPostViewSet().add_views_to_route()


class PartialPostViewSet(PostViewSet):
    """Bulk item by item: each refused or hidden item is its own outcome."""

    api_route_path = "post-partial"
    operations = ()
    bulk_atomic = False


PartialPostViewSet().add_views_to_route()


class StickerViewSet(APIViewSet):
    model = Sticker
    api = api
    soft_delete_field = "removed"
    bulk_operations = ALL


StickerViewSet().add_views_to_route()
