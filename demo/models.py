"""The blog: authors write articles, articles have tags."""

from django.conf import settings
from django.db import models

from ninja_aio.models import ModelSerializer, current_request


class Author(ModelSerializer):
    name = models.CharField(max_length=100, unique=True)
    bio = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class ReadSerializer:
        fields = ["id", "name", "bio", "created_by"]

    class CreateSerializer:
        fields = ["name", "bio"]

    class UpdateSerializer:
        fields = ["name", "bio"]

    async def on_create_before_save(self):
        """Record who created the author (the authenticated caller)."""
        request = current_request()
        if request is not None and request.auth is not None:
            self.created_by_id = request.auth.pk

    def __str__(self) -> str:
        return self.name


class Tag(ModelSerializer):
    name = models.SlugField(max_length=30, unique=True)

    class ReadSerializer:
        fields = ["id", "name"]

    class CreateSerializer:
        fields = ["name"]

    class UpdateSerializer:
        fields = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(ModelSerializer):
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    class ReadSerializer:
        fields = ["id", "title", "author", "tags", "is_published", "created_at", "updated_at"]

    class DetailSerializer:
        fields = ["id", "title", "body", "author", "tags", "is_published", "created_at"]

    class CreateSerializer:
        fields = ["title", "body", "author", "tags"]

    class UpdateSerializer:
        fields = ["title", "body", "tags"]

    def __str__(self) -> str:
        return self.title
