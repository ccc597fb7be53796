"""Demo data and tokens."""

from django.contrib.auth import get_user_model

from demo.keys import PRIVATE_KEY
from demo.models import Article, Author, Tag
from ninja_aio.auth import encode_jwt

TOKEN_SECONDS = 3600


def seed() -> None:
    """A user, an admin, two authors, three tags and a few articles (idempotent)."""
    users = get_user_model().objects
    alice = users.filter(username="alice").first() or users.create_user("alice")
    if not users.filter(username="admin").exists():
        users.create_user("admin", is_staff=True)
    if Article.objects.exists():
        return
    ann = Author.objects.create(name="Alice", bio="Writes about async Python.", created_by=alice)
    bob = Author.objects.create(name="Bob", bio="Writes about Django.")
    tags = {name: Tag.objects.create(name=name) for name in ("django", "async", "jwt")}
    for title, author, tag_names, published in [
        ("Async views in Django", ann, ["django", "async"], True),
        ("Verifying JWTs without blocking", ann, ["async", "jwt"], True),
        ("Draft: viewsets", bob, ["django"], False),
    ]:
        article = Article.objects.create(
            title=title, body=f"{title}...", author=author, is_published=published
        )
        article.tags.set([tags[name] for name in tag_names])


def tokens() -> tuple[str, str]:
    """Ready-to-use bearer tokens of the demo user and of the admin."""
    users = get_user_model().objects
    alice = users.get(username="alice")
    admin = users.get(username="admin")
    user_token = encode_jwt({"sub": str(alice.pk), "roles": ["user"]}, TOKEN_SECONDS, PRIVATE_KEY)
    admin_token = encode_jwt({"sub": str(admin.pk), "roles": ["admin"]}, TOKEN_SECONDS, PRIVATE_KEY)
    return user_token, admin_token
