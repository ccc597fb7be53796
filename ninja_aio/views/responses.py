"""Error body schemas: one ``{"detail": ...}`` shape for every error, documented in OpenAPI."""

from http import HTTPStatus
from typing import Any

from ninja import Schema

__all__ = [
    "ErrorBody",
    "ValidationErrorBody",
    "error_components",
    "error_documentation",
    "error_responses",
]

_REF = "#/components/schemas/{model}"


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


def error_documentation(*codes: int) -> dict[int, dict[str, Any]]:
    """OpenAPI response objects for error ``codes``, for routes whose errors ninja does not
    know (``openapi_extra``); ``error_components()`` holds the schemas they point at."""
    return {
        code: {
            "description": HTTPStatus(code).phrase,
            "content": {
                "application/json": {
                    "schema": {"$ref": _REF.format(model=error_responses(code)[code].__name__)}
                }
            },
        }
        for code in codes
    }


def error_components() -> dict[str, Any]:
    """The JSON schemas of the error bodies, by component name."""
    found: dict[str, Any] = {}
    for model in (ErrorBody, ValidationErrorBody):
        schema = model.model_json_schema(ref_template=_REF)
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found
