"""The blog API: public reads, authenticated writes, admin-only deletes, a publish action."""

from ninja import Schema

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet, action

from .auth import AdminAuth, JWTAuth
from .models import Article, Author, Tag

api = NinjaAIO(title="Blog", urls_namespace="blog")


class BlogViewSet(APIViewSet):
    """What every viewset of the blog shares."""

    get_auth = None  # anyone may read
    post_auth = [JWTAuth()]  # signed-in users write; PATCH and PUT borrow this
    delete_auth = [AdminAuth()]  # administrators delete


class AuthorViewSet(BlogViewSet):
    model = Author
    api = api


class TagViewSet(BlogViewSet):
    model = Tag
    api = api


class Published(Schema):
    id: int
    is_published: bool


class ArticleViewSet(BlogViewSet):
    model = Article
    api = api
    query_params = {"is_published": (bool, None)}

    @action(detail=True, methods=["post"])  # POST /article/{pk}/publish/, post_auth
    async def publish(self, request, pk: int) -> Published:
        article = await self.get_object(request, pk)
        article.is_published = True
        await article.asave(update_fields=["is_published"])
        return Published(id=article.pk, is_published=True)


for viewset in (AuthorViewSet, TagViewSet, ArticleViewSet):
    viewset().add_views_to_route()
