"""Error body schemas: one ``{"detail": ...}`` shape for every error, documented in OpenAPI."""

from typing import Any

from ninja import Schema

__all__ = ["ErrorBody", "ValidationErrorBody", "error_responses"]


class ErrorBody(Schema):
    """Every non-validation error: ``{"detail": "message"}``."""

    detail: str


class ValidationErrorItem(Schema):
    """One invalid input: where (``["body", "payload", "title"]``), why, and its kind."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(Schema):
    """422 body: ``{"detail": [{"loc": [...], "msg": ..., "type": ...}, ...]}``."""

    detail: list[ValidationErrorItem]


def error_responses(*codes: int) -> dict[int, Any]:
    """Response models for error ``codes`` (``NinjaAIO`` adds 401 / 403 to secured routes)."""
    return {code: ValidationErrorBody if code == 422 else ErrorBody for code in codes}
