"""The auth guide's authenticator classes, written as the guide writes them.

Both suites use them: ``tests/auth`` checks their behaviour, ``tests/viewsets`` puts them
on viewsets. The key is generated at import; ``User`` is Django's user model.
"""

from django.contrib.auth import get_user_model
from joserfc import jwk

from ninja_aio.auth import AsyncJwtBearer, encode_jwt

User = get_user_model()

PRIVATE_KEY = jwk.RSAKey.generate_key(2048, parameters={"kid": "guide-1"})
PUBLIC_KEY = PRIVATE_KEY.as_pem(private=False).decode()
ISSUER = "https://your-issuer.com"
AUDIENCE = "your-api"


def make_token(sub: object, key: jwk.RSAKey = PRIVATE_KEY, **claims: object) -> str:
    """A token the guide's JWTAuth accepts: ``sub``, ``iss`` and ``aud``, 5 minutes."""
    payload = {"sub": str(sub), "iss": ISSUER, "aud": AUDIENCE, **claims}
    return encode_jwt(payload, 300, key)


# -- Quick Start ---------------------------------------------------------------------------


class JWTAuth(AsyncJwtBearer):
    jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)
    claims = {
        "iss": {"essential": True, "value": ISSUER},
        "aud": {"essential": True, "value": AUDIENCE},
    }

    async def auth_handler(self, request):
        user_id = self.dcd.claims.get("sub")
        user = await User.objects.aget(id=user_id)
        return user


# -- Mixed Authentication ------------------------------------------------------------------


class AdminAuth(AsyncJwtBearer):
    jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)

    async def auth_handler(self, request):
        user_id = self.dcd.claims.get("sub")
        user = await User.objects.aget(id=user_id)
        if not user.is_staff:
            return False
        return user


# -- Role-Based Access Control (its AdminAuth is RoleAdminAuth here) -------------------------


class RoleAuth(AsyncJwtBearer):
    jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)
    required_roles: list[str] = []

    async def auth_handler(self, request):
        user_id = self.dcd.claims.get("sub")
        user = await User.objects.aget(id=user_id)

        # Check roles
        user_roles = self.dcd.claims.get("roles", [])
        if self.required_roles:  # noqa: SIM102 (as the guide writes it)
            if not any(role in user_roles for role in self.required_roles):
                return False

        request.user_roles = user_roles
        return user


class RoleAdminAuth(RoleAuth):
    required_roles = ["admin"]


class EditorAuth(RoleAuth):
    required_roles = ["editor", "admin"]


# -- Scope-Based Access --------------------------------------------------------------------


class ScopeAuth(AsyncJwtBearer):
    jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)
    required_scopes: list[str] = []

    async def auth_handler(self, request):
        # Get scopes from token
        scope_str = self.dcd.claims.get("scope", "")
        scopes = scope_str.split()

        # Check required scopes
        if self.required_scopes:
            missing = set(self.required_scopes) - set(scopes)
            if missing:
                return False

        user_id = self.dcd.claims.get("sub")
        user = await User.objects.aget(id=user_id)

        request.scopes = scopes
        return user


class ReadAuth(ScopeAuth):
    required_scopes = ["read"]


class WriteAuth(ScopeAuth):
    required_scopes = ["write"]
