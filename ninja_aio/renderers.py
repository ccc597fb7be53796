"""orjson rendering for NinjaAIO."""

import datetime
from decimal import Decimal
from typing import Any

import orjson
from django.http import HttpRequest
from django.utils.duration import duration_iso_string
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
_FALLBACK = NinjaJSONEncoder()


def _default(obj: Any) -> Any:
    """Types orjson does not know: Decimal as a string (exact), timedelta as ISO 8601,
    then whatever ninja's encoder handles (pydantic models, lazy strings...)."""
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, datetime.timedelta):
        return duration_iso_string(obj)
    return _FALLBACK.default(obj)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_default, option=_OPTIONS)
