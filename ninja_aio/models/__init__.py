"""Serializers: schemas, query plans and lifecycle hooks for models."""

from ninja_aio.models.changes import on_change, on_create, on_delete
from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.fields import register_field
from ninja_aio.models.hooks import current_request
from ninja_aio.models.serializers import ModelSerializer, Serializer

__all__ = [
    "ModelSerializer",
    "SchemaConfig",
    "Serializer",
    "current_request",
    "on_change",
    "on_create",
    "on_delete",
    "register_field",
]
