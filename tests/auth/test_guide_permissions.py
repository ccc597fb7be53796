"""The guide's Permission-Based Access and Tenant Isolation authenticators, as written.

``User`` in the guide is a user model with a ``role`` and a ``tenant_id``; here that is
``tests.testapp.models.Member``.
"""

import pytest
from asgiref.sync import sync_to_async
from joserfc import jwk
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer, encode_jwt
from tests.auth.conftest import bearer, new_api
from tests.testapp.models import Member as User
from tests.testapp.models import Permission, Role, Tenant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(rsa_public):
    PUBLIC_KEY = rsa_public.as_pem(private=False)

    class PermissionAuth(AsyncJwtBearer):
        jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)
        required_permissions: list[str] = []

        async def auth_handler(self, request):
            user_id = self.dcd.claims.get("sub")
            user = await User.objects.select_related("role").aget(id=user_id)

            permissions = await sync_to_async(list)(
                user.role.permissions.values_list("code", flat=True)
            )

            if self.required_permissions:
                missing = set(self.required_permissions) - set(permissions)
                if missing:
                    return False
            request.permissions = permissions
            return user

    class ArticleCreateAuth(PermissionAuth):
        required_permissions = ["article.create"]

    class ArticleDeleteAuth(PermissionAuth):
        required_permissions = ["article.delete"]

    class TenantAuth(AsyncJwtBearer):
        jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)

        async def auth_handler(self, request):
            user_id = self.dcd.claims.get("sub")
            tenant_id = self.dcd.claims.get("tenant_id")

            if not tenant_id:
                return False

            user = await User.objects.aget(id=user_id, tenant_id=tenant_id, is_active=True)

            request.tenant_id = tenant_id
            return user

    api = new_api()

    @api.post("/article/", auth=[ArticleCreateAuth()])
    async def create(request):
        return {"user": request.auth.username, "permissions": sorted(request.permissions)}

    @api.delete("/article/", auth=[ArticleDeleteAuth()])
    async def delete(request):
        return {"user": request.auth.username}

    @api.get("/tenant/", auth=[TenantAuth()])
    async def tenant(request):
        return {"user": request.auth.username, "tenant_id": request.tenant_id}

    return TestAsyncClient(api)


def token(rsa_key, user, **claims):
    return bearer(encode_jwt({"sub": str(user.id), **claims}, 300, rsa_key))


async def test_permission_based_access(client, rsa_key):
    create = await Permission.objects.acreate(code="article.create")
    delete = await Permission.objects.acreate(code="article.delete")
    writer = await Role.objects.acreate(name="writer")
    await sync_to_async(writer.permissions.add)(create)
    admin = await Role.objects.acreate(name="admin")
    await sync_to_async(admin.permissions.add)(create, delete)
    alice = await User.objects.acreate(username="alice", role=writer)
    root = await User.objects.acreate(username="root", role=admin)

    created = await client.post("/article/", headers=token(rsa_key, alice))
    assert created.json() == {"user": "alice", "permissions": ["article.create"]}
    assert (await client.delete("/article/", headers=token(rsa_key, alice))).status_code == 401
    assert (await client.delete("/article/", headers=token(rsa_key, root))).json() == {
        "user": "root"
    }
    assert (await client.post("/article/")).status_code == 401


async def test_tenant_isolation_auth(client, rsa_key):
    acme, other = await Tenant.objects.acreate(name="acme"), await Tenant.objects.acreate(name="x")
    bob = await User.objects.acreate(username="bob", tenant=acme)
    ok = await client.get("/tenant/", headers=token(rsa_key, bob, tenant_id=acme.id))
    assert ok.json() == {"user": "bob", "tenant_id": acme.id}
    # A token naming another tenant, or none, is refused (never a 500).
    for claims in ({"tenant_id": other.id}, {}):
        refused = await client.get("/tenant/", headers=token(rsa_key, bob, **claims))
        assert refused.status_code == 401
        assert refused.json() == {"detail": "Token rejected"}
