"""The auth guide's AsyncJwtBearer examples, as written, through HTTP."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.core.cache import cache
from joserfc import jwk
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer
from tests.auth.conftest import bearer, new_api
from tests.guide import (
    ISSUER,
    PUBLIC_KEY,
    EditorAuth,
    JWTAuth,
    ReadAuth,
    RoleAdminAuth,
    User,
    WriteAuth,
    make_token,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def guide():
    """The guide's remaining examples, next to the shared ones from ``tests.guide``."""

    class ContextAuth(AsyncJwtBearer):
        jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)

        async def auth_handler(self, request):
            return {
                "user_id": self.dcd.claims.get("sub"),
                "email": self.dcd.claims.get("email"),
                "roles": self.dcd.claims.get("roles", []),
                "scopes": self.dcd.claims.get("scope", "").split(),
            }

    class ActiveAuth(AsyncJwtBearer):
        jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)

        async def auth_handler(self, request):
            user_id = self.dcd.claims.get("sub")
            try:
                user = await User.objects.aget(id=user_id, is_active=True)
            except User.DoesNotExist:
                return False
            if not await user.groups.filter(name="subscribers").aexists():
                return False
            return user

    class CachedAuth(AsyncJwtBearer):
        jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)

        async def auth_handler(self, request):
            user_id = self.dcd.claims.get("sub")
            cache_key = f"user:{user_id}"
            user = cache.get(cache_key)
            if user is None:
                user = await User.objects.aget(id=user_id)
                cache.set(cache_key, user, 300)
            return user

    class StrictAuth(AsyncJwtBearer):
        jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)

        async def auth_handler(self, request):
            if self.dcd.claims.get("typ") != "access":
                return False
            allowed_ips = self.dcd.claims.get("allowed_ips", [])
            client_ip = request.META.get("REMOTE_ADDR")
            if allowed_ips and client_ip not in allowed_ips:
                return False
            user_id = self.dcd.claims.get("sub")
            return await User.objects.aget(id=user_id)

    api = new_api()
    for name, auth in {
        "jwt": JWTAuth(),
        "context": ContextAuth(),
        "active": ActiveAuth(),
        "cached": CachedAuth(),
        "admin": RoleAdminAuth(),
        "editor": EditorAuth(),
        "read": ReadAuth(),
        "write": WriteAuth(),
        "strict": StrictAuth(),
    }.items():

        @api.get(f"/{name}", auth=auth, url_name=name)
        async def view(request):
            found = request.auth
            if isinstance(found, User):
                return {
                    "username": found.username,
                    "roles": getattr(request, "user_roles", None),
                    "scopes": getattr(request, "scopes", None),
                }
            return found

    def token(user, **claims):
        return bearer(make_token(user.id, **claims))

    return TestAsyncClient(api), token


async def test_quick_start_auth_returns_the_user(guide):
    client, token = guide
    user = await User.objects.acreate(username="alice")
    ok = await client.get("/jwt", headers=token(user))
    assert ok.json()["username"] == "alice"
    wrong_aud = await client.get("/jwt", headers=token(user, aud="other"))
    assert wrong_aud.json() == {"detail": "Invalid claim: aud"}
    wrong_iss = await client.get("/jwt", headers=token(user, iss=ISSUER + "/"))
    assert wrong_iss.json() == {"detail": "Invalid claim: iss"}
    assert wrong_aud.status_code == 401
    missing = await client.get("/jwt")
    assert missing.status_code == 401
    assert "detail" in missing.json()


async def test_custom_context(guide):
    client, token = guide
    user = await User.objects.acreate(username="bob")
    body = (
        await client.get("/context", headers=token(user, email="b@x.io", scope="read write"))
    ).json()
    assert body == {
        "user_id": str(user.id),
        "email": "b@x.io",
        "roles": [],
        "scopes": ["read", "write"],
    }


async def test_additional_validation_refuses_inactive_or_unsubscribed(guide):
    client, token = guide
    subscribers = await Group.objects.acreate(name="subscribers")
    paying = await User.objects.acreate(username="paying")
    await sync_to_async(paying.groups.add)(subscribers)
    free = await User.objects.acreate(username="free")
    gone = await User.objects.acreate(username="gone", is_active=False)
    assert (await client.get("/active", headers=token(paying))).status_code == 200
    assert (await client.get("/active", headers=token(free))).status_code == 401
    assert (await client.get("/active", headers=token(gone))).status_code == 401


async def test_cached_user(guide):
    client, token = guide
    user = await User.objects.acreate(username="cached")
    headers = token(user)
    first = await client.get("/cached", headers=headers)
    await user.adelete()
    second = await client.get("/cached", headers=headers)
    assert first.json()["username"] == "cached", first.json()
    assert second.json()["username"] == "cached"


async def test_rbac_role_classes(guide):
    client, token = guide
    user = await User.objects.acreate(username="r")
    admin = await client.get("/admin", headers=token(user, roles=["admin"]))
    assert admin.json()["roles"] == ["admin"]
    assert (await client.get("/editor", headers=token(user, roles=["admin"]))).status_code == 200
    assert (await client.get("/editor", headers=token(user, roles=["editor"]))).status_code == 200
    refused = await client.get("/admin", headers=token(user, roles=["editor"]))
    # The declarative check runs first and answers with a precise 403.
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Missing required role"}


async def test_scope_classes(guide):
    client, token = guide
    user = await User.objects.acreate(username="s")
    read = await client.get("/read", headers=token(user, scope="read"))
    assert read.json()["scopes"] == ["read"]
    assert (await client.get("/write", headers=token(user, scope="read"))).status_code == 403
    assert (await client.get("/write", headers=token(user, scope="read write"))).status_code == 200


async def test_strict_custom_validation(guide):
    client, token = guide
    user = await User.objects.acreate(username="strict")
    assert (await client.get("/strict", headers=token(user, typ="access"))).status_code == 200
    assert (await client.get("/strict", headers=token(user, typ="refresh"))).status_code == 401
    local = token(user, typ="access", allowed_ips=["127.0.0.1"])
    assert (await client.get("/strict", headers=local)).status_code == 200
    elsewhere = token(user, typ="access", allowed_ips=["10.0.0.1"])
    assert (await client.get("/strict", headers=elsewhere)).status_code == 401
