"""A bearer that remembers the tokens it verified, for a busy read-mostly API."""

from django.contrib.auth import get_user_model

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer


class NotesAuth(AsyncJwtBearer):
    # key and issuer: settings.JWT_PUBLIC_KEY and settings.JWT_ISSUER (or jwt_public,
    # jwks_url, issuer... as in authentication.md): the cache works with any of them.
    audience = "notes-api"
    token_cache_size = 10_000  # per instance and per worker process
    check_revocation = True  # still asked on every request, cached token or not

    async def auth_handler(self, request):
        # Still runs on every request: a deactivated account is refused at once.
        return await get_user_model().objects.filter(
            username=self.dcd.claims["sub"], is_active=True
        ).afirst()


notes_auth = NotesAuth()
api = NinjaAIO(urls_namespace="docs-token-cache")


@api.get("/notes", auth=notes_auth)
async def notes(request):
    return {"owner": request.auth.username, "notes": []}
