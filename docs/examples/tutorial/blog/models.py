"""The blog's data: authors write articles, articles carry tags."""

from django.db import models

from ninja_aio.models import ModelSerializer


class Author(ModelSerializer):
    name = models.CharField(max_length=100, unique=True)
    bio = models.TextField(blank=True)

    class ReadSerializer:
        fields = ["id", "name", "bio"]

    class CreateSerializer:
        fields = ["name", "bio"]

    class UpdateSerializer:
        fields = ["name", "bio"]


class Tag(ModelSerializer):
    name = models.SlugField(max_length=30, unique=True)

    class ReadSerializer:
        fields = ["id", "name"]

    class CreateSerializer:
        fields = ["name"]


class Article(ModelSerializer):
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    class ReadSerializer:
        fields = ["id", "title", "author", "tags", "is_published", "created_at"]

    class DetailSerializer:
        fields = ["id", "title", "body", "author", "tags", "is_published", "created_at"]

    class CreateSerializer:
        fields = ["title", "body", "author", "tags"]

    class UpdateSerializer:
        fields = ["title", "body", "tags"]
