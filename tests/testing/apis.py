"""Authenticators with production keys the tests never hold, and an api using them."""

from __future__ import annotations

from django.http import HttpRequest
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer, KeycloakJwtBearer

PRODUCTION_RSA = RSAKey.generate_key(2048, private=False)


class EditorAuth(AsyncJwtBearer):
    """A static production key, pinned issuer and audience, a role, a scope and a typ."""

    jwt_public = PRODUCTION_RSA
    issuer = "https://issuer.example.test"
    audience = "blog-api"
    required_roles = ["editor"]
    required_scopes = ["articles:write"]
    token_types = ["at+jwt"]


class TenantAuth(AsyncJwtBearer):
    """An essential claim without a pinned value: tokens must be given one."""

    jwt_public = PRODUCTION_RSA
    claims = {"tenant": {"essential": True}}


class EcAuth(AsyncJwtBearer):
    jwt_public = ECKey.generate_key("P-256", private=False)
    jwt_alg = "ES256"


class EdAuth(AsyncJwtBearer):
    jwt_public = OKPKey.generate_key("Ed25519", private=False)
    jwt_alg = "Ed25519"


class HmacAuth(AsyncJwtBearer):
    jwt_public = OctKey.generate_key(256)
    jwt_alg = "HS256"


class IdpAuth(AsyncJwtBearer):
    """Keys from an identity provider that does not exist: tests must not reach it."""

    jwks_url = "https://idp.invalid/jwks"
    issuer = "https://idp.invalid/"
    audience = "blog-api"


class RealmAuth(KeycloakJwtBearer):
    realm_url = "https://sso.invalid/realms/blog"
    client_id = "blog"
    required_roles = ["writer"]


AUTHENTICATORS = {
    "editor": EditorAuth,
    "tenant": TenantAuth,
    "ec": EcAuth,
    "ed": EdAuth,
    "hmac": HmacAuth,
    "idp": IdpAuth,
    "realm": RealmAuth,
}

api = NinjaAIO(urls_namespace="testing-helpers")


async def _whoami(request: HttpRequest) -> dict:
    token = getattr(request, "jwt", None)
    auth = request.auth
    return {
        "auth": auth if isinstance(auth, dict) else str(auth),
        "claims": dict(token.claims) if token is not None else None,
    }


for _name, _cls in AUTHENTICATORS.items():
    api.get(f"/{_name}", auth=_cls(), url_name=f"whoami-{_name}", operation_id=f"whoami_{_name}")(
        _whoami
    )


@api.get("/sync", auth=RealmAuth(), url_name="whoami-sync")
def whoami_sync(request: HttpRequest) -> dict:
    """A sync view, for ninja's sync ``TestClient``."""
    return {"auth": request.auth, "claims": dict(request.jwt.claims)}
