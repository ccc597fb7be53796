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


def _big_ints(data: Any) -> Any:
    """``data`` with the integers orjson refuses (beyond 64 bits) as exact JSON fragments."""
    if isinstance(data, dict):
        return {k: _big_ints(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_big_ints(v) for v in data]
    if isinstance(data, int) and not -(2**63) <= data < 2**64:
        return orjson.Fragment(str(int(data)).encode())
    return data


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        try:
            return orjson.dumps(data, default=_default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            # Integers beyond 64 bits (a JSONField read back from PostgreSQL, a custom view):
            # rare, so only then is the data walked.
            return orjson.dumps(_big_ints(data), default=_default, option=_OPTIONS)
