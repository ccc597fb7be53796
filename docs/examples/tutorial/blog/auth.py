"""Who may call the blog: any active user, and administrators."""

from django.contrib.auth import get_user_model

from ninja_aio.auth import AsyncJwtBearer

User = get_user_model()


class JWTAuth(AsyncJwtBearer):
    """A token signed with our key (settings.JWT_PUBLIC_KEY), for our issuer and audience
    (settings.JWT_ISSUER, JWT_AUDIENCE), naming an active user in `sub`."""

    async def auth_handler(self, request):
        return await User.objects.aget(pk=self.dcd.claims["sub"], is_active=True)


class AdminAuth(JWTAuth):
    """The same, and the token's `roles` claim holds "admin" (else 403)."""

    required_roles = ["admin"]
