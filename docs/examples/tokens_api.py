"""Own tokens: a login that issues them, and routes that accept them."""

from ninja_aio import NinjaAIO
from ninja_aio.auth import RedisRevocationStore, TokenIssuer, token_router

issuer = TokenIssuer(
    # keys: settings.JWT_SIGNING_KEYS / JWT_PRIVATE_KEY (python -m ninja_aio keygen)
    issuer="https://notes.example.com",
    audience="notes-api",
    access_lifetime=300,  # 5 minutes
    refresh_lifetime=86400,  # 1 day
    store=RedisRevocationStore("redis://127.0.0.1:6379/15", prefix="docs-tokens:"),
    claims=lambda user: {"roles": ["staff"] if user.is_staff else []},
)

api = NinjaAIO(urls_namespace="docs-tokens")
api.add_router("/auth", token_router(issuer))

UserAuth = issuer.bearer()  # access tokens of this issuer, revocation checked


class StaffAuth(UserAuth):
    required_roles = ["staff"]


@api.get("/me", auth=UserAuth())
async def me(request):
    return {"username": request.auth.username}


@api.get("/reports", auth=StaffAuth())
async def reports(request):
    return {"reports": []}
