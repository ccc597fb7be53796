"""NinjaAIO: a NinjaAPI with orjson rendering and RFC 6750 auth error responses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from ninja_aio.auth.errors import FAILURE_ATTR, AuthFailure
from ninja_aio.renderers import ORJSONRenderer

__all__ = ["NinjaAIO"]


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
