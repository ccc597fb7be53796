"""orjson request parsing; a body that is not JSON becomes a 422 with its location."""

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.parser import Parser

__all__ = ["InvalidJSON", "ORJSONParser"]


class InvalidJSON(ValueError):
    """The request body is not JSON. ninja wraps it in a 400; ``NinjaAIO`` answers 422."""


class ORJSONParser(Parser):
    """Parse JSON bodies with orjson."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return orjson.loads(request.body)
        except orjson.JSONDecodeError as exc:
            raise InvalidJSON(f"Invalid JSON: {exc}") from None
