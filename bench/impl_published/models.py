"""The demo blog's models declared the way ``django-ninja-aio-crud`` 3.0.1 documents:
``ModelSerializer`` models with a ``Schemas`` class of ``SchemaConfig`` per operation.

Same fields, relations and read / detail / create / update field lists as ``demo/models.py``.
"""

from django.conf import settings
from django.db import models

from ninja_aio.models import ModelSerializer
from ninja_aio.models.config import SchemaConfig


class Author(ModelSerializer):
    name = models.CharField(max_length=100, unique=True)
    bio = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Schemas:
        read = SchemaConfig(
            fields=["id", "name", "bio", "created_by"], relations_as_id=["created_by"]
        )
        create = SchemaConfig(fields=["name", "bio"])
        update = SchemaConfig(optionals=[("name", str), ("bio", str)])


class Tag(ModelSerializer):
    name = models.SlugField(max_length=30, unique=True)

    class Schemas:
        read = SchemaConfig(fields=["id", "name"])
        create = SchemaConfig(fields=["name"])
        update = SchemaConfig(optionals=[("name", str)])


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

    class Schemas:
        read = SchemaConfig(
            fields=["id", "title", "author", "tags", "is_published", "created_at", "updated_at"]
        )
        detail = SchemaConfig(
            fields=["id", "title", "body", "author", "tags", "is_published", "created_at"]
        )
        # 3.0.1 cannot set a many-to-many in a create (its M2M routes do that).
        create = SchemaConfig(fields=["title", "body", "author"])
        update = SchemaConfig(optionals=[("title", str), ("body", str), ("tags", list[int])])
