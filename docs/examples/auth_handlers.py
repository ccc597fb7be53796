"""From a verified token to an identity: auth_handler, roles, scopes, tenants, API keys."""

import logging

from django.contrib.auth import get_user_model
from django.core.cache import cache
from ninja.security import APIKeyHeader

from docs.examples.auth_keys import PUBLIC_KEY
from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer

User = get_user_model()
logger = logging.getLogger(__name__)


class JWTAuth(AsyncJwtBearer):
    """request.auth is the active user the token's `sub` names (else 401)."""

    jwt_public = PUBLIC_KEY
    claims = {"sub": {"essential": True}}

    async def auth_handler(self, request):
        user_id = self.dcd.claims["sub"]
        try:
            return await User.objects.aget(id=user_id, is_active=True)
        except User.DoesNotExist:
            logger.warning("token for unknown or inactive user %s", user_id)
            return False


class ContextAuth(AsyncJwtBearer):
    """request.auth is a dict built from the claims: no database query."""

    jwt_public = PUBLIC_KEY

    async def auth_handler(self, request):
        claims = self.dcd.claims
        return {
            "user_id": claims.get("sub"),
            "email": claims.get("email"),
            "roles": claims.get("roles", []),
            "scopes": claims.get("scope", "").split(),
        }


class CachedUserAuth(JWTAuth):
    """The user is read from Django's cache for 5 minutes (async cache API)."""

    async def auth_handler(self, request):
        key = f"user:{self.dcd.claims['sub']}"
        user = await cache.aget(key)
        if user is None:
            user = await super().auth_handler(request)
            if user:
                await cache.aset(key, user, 300)
        return user


class EditorAuth(JWTAuth):
    required_roles = ["editor", "admin"]  # any one of them, from the `roles` claim


class AdminAuth(JWTAuth):
    required_roles = ["admin"]


class ReadAuth(JWTAuth):
    required_scopes = ["read"]  # every one of them, from the `scope` claim


class TenantAuth(JWTAuth):
    """Tokens must carry a tenant; views and querysets read it from the request."""

    claims = {"sub": {"essential": True}, "tenant_id": {"essential": True}}

    async def auth_handler(self, request):
        user = await super().auth_handler(request)
        request.tenant_id = self.dcd.claims["tenant_id"]
        return user


class StrictAuth(JWTAuth):
    """Access tokens only (header `typ`), from the addresses the token allows."""

    token_types = ["at+jwt"]

    async def auth_handler(self, request):
        allowed_ips = self.dcd.claims.get("allowed_ips", [])
        if allowed_ips and request.META.get("REMOTE_ADDR") not in allowed_ips:
            return False
        return await super().auth_handler(request)


API_KEYS = {"k-123": "reporting-job"}  # in a project: a model, hashed keys


class APIKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    async def authenticate(self, request, key):
        client = API_KEYS.get(key)
        return {"client": client} if client else None


api = NinjaAIO(urls_namespace="docs-auth-handlers")


@api.get("/me", auth=JWTAuth())
async def me(request):
    return {"username": request.auth.username}


@api.get("/context", auth=ContextAuth())
async def context(request):
    return request.auth


@api.get("/cached", auth=CachedUserAuth())
async def cached(request):
    return {"username": request.auth.username}


@api.post("/articles", auth=[EditorAuth()])
async def create_article(request):
    return {"created_by": request.auth.username}


@api.delete("/articles", auth=[AdminAuth()])
async def delete_articles(request):
    return {"deleted_by": request.auth.username}


@api.get("/reports", auth=[ReadAuth()])
async def reports(request):
    return {"scopes": request.jwt.claims["scope"].split()}


@api.get("/tenant", auth=[TenantAuth()])
async def tenant(request):
    return {"tenant_id": request.tenant_id}


@api.get("/strict", auth=[StrictAuth()])
async def strict(request):
    return {"ok": True}


@api.get("/either", auth=[JWTAuth() | APIKeyAuth()])  # a token or an API key
async def either(request):
    auth = request.auth
    return {"who": auth["client"] if isinstance(auth, dict) else auth.username}
