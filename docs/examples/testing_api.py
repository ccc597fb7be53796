"""The api under test: production keys come from an identity provider."""

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer


class JWTAuth(AsyncJwtBearer):
    jwks_url = "https://login.example.com/.well-known/jwks.json"
    issuer = "https://login.example.com/"
    audience = "notes-api"
    required_scopes = ["notes:read"]


api = NinjaAIO(urls_namespace="docs-testing")


@api.get("/me", auth=JWTAuth())
async def me(request):
    return {"sub": request.auth["sub"]}
