from django.conf import settings
from django.contrib.auth import get_user_model

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.views import APIViewSet

from .models import Article  # a ModelSerializer (see the tutorial)

User = get_user_model()


class JWTAuth(AsyncJwtBearer):
    jwt_public = settings.JWT_PUBLIC_KEY  # PEM, e.g. from `python -m ninja_aio keygen`
    claims = {"iss": {"essential": True, "value": "https://your-issuer.com"}}

    async def auth_handler(self, request):
        return await User.objects.aget(id=self.dcd.claims["sub"])


api = NinjaAIO(urls_namespace="quickstart")


class ArticleViewSet(APIViewSet):
    model = Article
    api = api
    get_auth = None  # public reads
    post_auth = [JWTAuth()]  # authenticated writes (PATCH, PUT and DELETE borrow it)


ArticleViewSet().add_views_to_route()
