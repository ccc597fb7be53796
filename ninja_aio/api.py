"""NinjaAIO: a NinjaAPI with orjson rendering and RFC 6750 auth error responses."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, models
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.schema import OpenAPISchema

from ninja_aio.auth.errors import FAILURE_ATTR, AuthFailure
from ninja_aio.openapi import AIOOpenAPISchema
from ninja_aio.parsers import InvalidJSON, ORJSONParser
from ninja_aio.renderers import ORJSONRenderer
from ninja_aio.views.routing import ViewSetRouter, json_method_answers, not_found_route

if TYPE_CHECKING:
    from ninja_aio.views import APIViewSet

logger = logging.getLogger(__name__)
V = TypeVar("V", bound="type[APIViewSet]")

__all__ = ["NinjaAIO"]


class NinjaAIO(NinjaAPI):
    """``NinjaAPI`` with orjson rendering and exact auth error responses.

    Authentication failures answer with ``{"detail": ...}`` and the
    ``WWW-Authenticate`` / ``Retry-After`` headers RFC 6750 and RFC 9110 ask for.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("renderer", ORJSONRenderer())
        kwargs.setdefault("parser", ORJSONParser())
        super().__init__(*args, **kwargs)
        self.add_exception_handler(AuthFailure, self._auth_failure)
        self.add_exception_handler(AuthenticationError, self._chain_exhausted)
        self.add_exception_handler(IntegrityError, self._conflict)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(SuspiciousOperation, self._suspicious)

    def viewset(self, model: type[models.Model], **attrs: Any) -> Callable[[V], V]:
        """Class decorator: register an ``APIViewSet`` subclass for ``model`` on this api.

        ``attrs`` are set on the class first (``api_route_path``, ``auth``...).
        """

        def register(cls: V) -> V:
            cls.model = model
            cls.api = self
            for name, value in attrs.items():
                setattr(cls, name, value)
            cls().add_views_to_route()
            return cls

        return register

    def _http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        """ninja's answer to ``HttpError``, except a body that is not JSON: 422 like bad fields."""
        if isinstance(exc.__cause__, InvalidJSON):
            error = {"loc": ["body"], "msg": str(exc.__cause__), "type": "json_invalid"}
            return self.create_response(request, {"detail": [error]}, status=422)
        return self.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    def _suspicious(self, request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        """A request Django refuses while reading it (a body past ``DATA_UPLOAD_MAX_MEMORY_SIZE``,
        too many fields): 413 or 400 in the ``{"detail"}`` shape, not Django's HTML page."""
        logger.info("refused request: %s", exc)
        if isinstance(exc, RequestDataTooBig):
            return self.create_response(
                request, {"detail": "The request body is too large"}, status=413
            )
        return self.create_response(request, {"detail": "Bad request"}, status=400)

    def _conflict(self, request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        """A unique / integrity violation that reached the api (custom views): 409."""
        logger.info("integrity error: %s", exc)
        detail = "The request conflicts with the current state of the data"
        return self.create_response(request, {"detail": detail}, status=409)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The schema as ``AIOOpenAPISchema`` builds it (shared schemes, unique ids...)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return AIOOpenAPISchema(self, path_prefix)

    def _get_urls(self) -> list[Any]:
        """ninja's URLs; wrong methods answered as JSON 405, and under each viewset a
        catch-all JSON 404 (after every route, so it only takes what nobody else does)."""
        urls = super()._get_urls()
        for pattern in urls:
            if not isinstance(pattern.callback, functools.partial):  # the docs and root views
                pattern.callback = json_method_answers(pattern.callback, self._respond)
        urls += [
            not_found_route(bound.prefix, self._respond)
            for bound in self._get_bound_routers()
            if isinstance(bound.template, ViewSetRouter) and bound.prefix.strip("/")
        ]
        return _matched_first(urls)

    def _respond(self, request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return self.create_response(request, body, status=status)

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


def _matched_first(urls: list[Any]) -> list[Any]:
    """``urls`` with each endpoint whose route an earlier endpoint already has moved last.

    ninja adds one pattern per operation of a path (``GET`` and ``POST /article/`` are two
    patterns with one route), and only the first can match: the others serve ``reverse()``
    under their names. Django tries patterns in order on every request, so trying them
    would cost every request to a later route; moved last, nothing resolves differently.
    ``reverse()`` takes a name's last pattern: one is moved only if that keeps its route.
    """
    endpoints = [p for p in urls if isinstance(p, URLPattern)]
    last_route = {p.name: str(p.pattern) for p in endpoints}
    seen: set[str] = set()
    first, reverse_only = [], []
    for pattern in urls:
        route = str(pattern.pattern)
        repeated = isinstance(pattern, URLPattern) and route in seen
        if repeated and last_route[pattern.name] == route:
            reverse_only.append(pattern)
        else:
            first.append(pattern)
        if isinstance(pattern, URLPattern):
            seen.add(route)
    return first + reverse_only
