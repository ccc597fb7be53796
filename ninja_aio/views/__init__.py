"""Async CRUD viewsets."""

from ninja_aio.views.actions import action
from ninja_aio.views.routers import APIRouter
from ninja_aio.views.viewset import APIViewSet, ReadOnlyViewSet, WriteOnlyViewSet

__all__ = ["APIRouter", "APIViewSet", "ReadOnlyViewSet", "WriteOnlyViewSet", "action"]
