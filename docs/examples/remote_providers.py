"""Keys from an identity provider: discovery, the Auth0 and Keycloak presets, Firebase."""

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.auth.providers import Auth0JwtBearer, KeycloakJwtBearer


class ApiAuth(AsyncJwtBearer):
    issuer = "https://login.example.com/realms/main"  # discovery + exact iss check
    audience = "https://api.example.com"
    algorithms = ["RS256", "ES256"]  # local allow-list (default: jwt_alg)


class Auth0(Auth0JwtBearer):
    domain = "my-tenant.eu.auth0.com"  # or your custom domain
    audience = "https://api.example.com"  # the API identifier (required)
    required_scopes = ["read:orders"]  # all of them, from the `scope` claim
    required_roles = ["orders:admin"]  # any of them, from the RBAC `permissions` claim


class Keycloak(KeycloakJwtBearer):
    realm_url = "https://sso.example.com/realms/shop"
    client_id = "shop-frontend"  # must equal the token's `azp`
    required_roles = ["admin"]  # any of them
    audience = "shop-api"  # once an audience mapper adds it to `aud`


class FirebaseAuth(AsyncJwtBearer):
    """Firebase ID tokens: Google's JWKS, the project's issuer and audience."""

    jwks_url = (
        "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
    )
    issuer = "https://securetoken.google.com/my-project"
    audience = "my-project"


api = NinjaAIO(urls_namespace="docs-remote-providers")


@api.get("/orders", auth=Auth0())
async def orders(request):
    return {"sub": request.auth["sub"]}


@api.get("/shop", auth=Keycloak())
async def shop(request):
    return {"sub": request.auth["sub"]}


@api.get("/profile", auth=[FirebaseAuth()])
async def profile(request):
    return {"uid": request.auth["sub"]}


@api.get("/main", auth=[ApiAuth()])
async def main(request):
    return {"sub": request.auth["sub"]}
