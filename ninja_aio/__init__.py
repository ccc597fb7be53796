"""Async JWT authentication and CRUD viewsets for django-ninja."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ninja_aio.api import NinjaAIO

__version__ = "0.1.0"

__all__ = ["NinjaAIO", "__version__"]


def __getattr__(name: str) -> Any:
    """``NinjaAIO`` is imported on first use: django-ninja reads Django's settings when
    it is imported, and the command line and the pytest plugin load before them."""
    if name == "NinjaAIO":
        from ninja_aio.api import NinjaAIO

        return NinjaAIO
    raise AttributeError(f"module 'ninja_aio' has no attribute {name!r}")
