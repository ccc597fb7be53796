"""NinjaAIO: a NinjaAPI with orjson rendering and RFC 6750 auth error responses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema

from ninja_aio.auth.errors import FAILURE_ATTR, AuthFailure
from ninja_aio.renderers import ORJSONRenderer

__all__ = ["NinjaAIO"]

_DETAIL_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}
#: Documented on every operation that has an authenticator.
_AUTH_RESPONSES = {
    "401": {"description": "Missing or invalid credentials", "content": _DETAIL_BODY},
    "403": {"description": "The credentials do not grant access", "content": _DETAIL_BODY},
}


class NinjaAIO(NinjaAPI):
    """``NinjaAPI`` with orjson rendering and exact auth error responses.

    Authentication failures answer with ``{"detail": ...}`` and the
    ``WWW-Authenticate`` / ``Retry-After`` headers RFC 6750 and RFC 9110 ask for.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("renderer", ORJSONRenderer())
        super().__init__(*args, **kwargs)
        self.add_exception_handler(AuthFailure, self._auth_failure)
        self.add_exception_handler(AuthenticationError, self._chain_exhausted)

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        """ninja's schema, plus the 401 / 403 answers of every authenticated operation."""
        schema = super().get_openapi_schema(**kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if isinstance(operation, dict) and operation.get("security"):
                    responses = operation.setdefault("responses", {})
                    for status, answer in _AUTH_RESPONSES.items():
                        responses.setdefault(status, answer)
        return schema

    def _render_failure(self, request: HttpRequest, failure: AuthFailure) -> HttpResponse:
        response = self.create_response(
            request, {"detail": failure.detail}, status=failure.status_code
        )
        for name, value in failure.headers().items():
            response[name] = value
        return response

    def _auth_failure(self, request: HttpRequest, exc: AuthFailure) -> HttpResponse:
        best = getattr(request, FAILURE_ATTR, None)
        if best is not None and best.rank > exc.rank:
            exc = best
        return self._render_failure(request, exc)

    def _chain_exhausted(self, request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        failure = getattr(request, FAILURE_ATTR, None)
        if failure is not None:
            return self._render_failure(request, failure)
        return self.create_response(request, {"detail": str(exc)}, status=exc.status_code)
