"""orjson rendering for NinjaAIO."""

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.renderers import BaseRenderer

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _default(obj: Any) -> Any:
    """Fallback for types orjson does not know (Decimal, timedelta, pydantic models...)."""
    from ninja.responses import NinjaJSONEncoder

    return NinjaJSONEncoder().default(obj)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_default, option=_OPTIONS)
