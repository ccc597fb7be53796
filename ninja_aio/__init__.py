"""Async JWT authentication and CRUD viewsets for django-ninja."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ninja_aio.api import NinjaAIO

__version__ = "0.1.0"

__all__ = ["NinjaAIO", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use: django-ninja reads Django settings at import, and
    # ``python -m ninja_aio`` (the CLI) must run before settings are known.
    if name == "NinjaAIO":
        from ninja_aio.api import NinjaAIO

        return NinjaAIO
    raise AttributeError(f"module 'ninja_aio' has no attribute {name!r}")
