"""Quick start: a bearer for one issuer and audience, on a viewset and on a route."""

from django.contrib.auth import get_user_model
from joserfc import jwk

from docs.examples.tutorial.blog.models import Article
from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.views import APIViewSet

User = get_user_model()

# The issuer signs with its private key; the API holds only the public one. Made on the
# spot here; in a project, read the PEM from a file or settings.JWT_PUBLIC_KEY.
PRIVATE_KEY = jwk.RSAKey.generate_key(2048)
PUBLIC_KEY = PRIVATE_KEY.as_pem(private=False).decode()


class JWTAuth(AsyncJwtBearer):
    jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)
    claims = {
        "iss": {"essential": True, "value": "https://your-issuer.com"},
        "aud": {"essential": True, "value": "your-api"},
    }

    async def auth_handler(self, request):
        user_id = self.dcd.claims.get("sub")
        return await User.objects.aget(id=user_id)


api = NinjaAIO(urls_namespace="docs-auth-quickstart")


class ArticleViewSet(APIViewSet):
    model = Article
    api = api
    auth = [JWTAuth()]  # every route of the viewset


ArticleViewSet().add_views_to_route()


@api.get("/me", auth=JWTAuth())
async def me(request):
    return {"username": request.auth.username}
