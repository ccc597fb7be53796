"""Async JWT authentication and CRUD viewsets for django-ninja."""

from ninja_aio.api import NinjaAIO

__version__ = "0.1.0"

__all__ = ["NinjaAIO", "__version__"]
