"""Route helpers: a router that answers with and without trailing slash, typed pk converters."""

from __future__ import annotations

import typing
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern
from django.urls import path as django_path
from ninja import Router
from ninja.constants import NOT_SET
from ninja.utils import normalize_path, replace_path_param_notation

from ninja_aio.models.fields import pk_type, storable_pk_type
from ninja_aio.views.auth_resolution import ResolvedAuth
from ninja_aio.views.rendering import trust

__all__ = ["ViewSetRouter", "json_method_answers", "not_found_route", "pk_converter"]

#: ``resolver(method, declared=auth)`` -> the route's auth (``auth_resolution.resolve_auth``).
Resolver = Callable[..., ResolvedAuth]


class ViewSetRouter(Router):
    """A ``Router`` where every path also answers in its other slash form.

    ``/stats/`` and ``/stats`` both reach the view; OpenAPI lists only the path as
    written. Static paths registered first keep winning over ``{id}`` paths.

    With a ``resolver``, a route registered through ninja's decorators (``views()``)
    gets its auth from it per method, and an operation id ``<name_prefix>_<function>``
    like the generated routes'. ``auth_table`` records every route's auth.
    """

    def __init__(
        self, *, resolver: Resolver | None = None, name_prefix: str = "", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._resolver = resolver
        self.name_prefix = name_prefix
        #: (method, path) -> ResolvedAuth, in registration order; twins left out.
        self.auth_table: dict[tuple[str, str], ResolvedAuth] = {}

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Any, **kwargs: Any
    ) -> None:
        self.add_custom(path, methods, view_func, kwargs.pop("auth", NOT_SET), **kwargs)

    def add_custom(
        self, path: str, methods: list[str], view_func: Any, declared: Any, **kwargs: Any
    ) -> None:
        """A custom route: methods whose auth resolves differently become separate operations."""
        groups: dict[int, tuple[ResolvedAuth, list[str]]] = {}
        for method in methods:
            resolved = (
                self._resolver(method, declared=declared)
                if self._resolver
                else ResolvedAuth(declared, "route" if declared is not NOT_SET else "")
            )
            key = next((k for k, (r, _) in groups.items() if r == resolved), len(groups))
            groups.setdefault(key, (resolved, []))[1].append(method)
        if kwargs.get("operation_id") is None and self.name_prefix:
            kwargs["operation_id"] = f"{self.name_prefix}_{view_func.__name__}"
        for resolved, group in groups.values():
            options = dict(kwargs)
            if len(groups) > 1 and options.get("operation_id"):
                options["operation_id"] = f"{options['operation_id']}_{group[0].lower()}"
            self.add_route(path, group, view_func, resolved, **options)

    def add_route(
        self,
        path: str,
        methods: list[str],
        view_func: Any,
        resolved: ResolvedAuth,
        *,
        trusted: bool = False,
        **kwargs: Any,
    ) -> None:
        """Register ``view_func`` (and its slash twin) with the auth ``resolved`` gave.

        ``trusted``: its success answers are rendered unvalidated (``rendering.trust``).
        """
        for method in methods:
            self.auth_table[(method.upper(), path)] = resolved
        super().add_api_operation(path, methods, view_func, auth=resolved.auth, **kwargs)
        twin = path[:-1] if path.endswith("/") else f"{path}/"
        if twin.strip("/") == path.strip("/") and twin != path:
            url_name = kwargs.get("url_name")
            kwargs.update(include_in_schema=False, url_name=url_name and f"{url_name}-twin")
            super().add_api_operation(twin, methods, view_func, auth=resolved.auth, **kwargs)
        if trusted:
            for view in self.path_operations.values():
                for operation in view.operations:
                    if operation.view_func is view_func:
                        trust(operation)


def pk_converter(model: type[models.Model]) -> tuple[str, Any]:
    """Django path converter and Python type for the primary key of ``model``.

    ``int`` and ``uuid`` keys get typed converters, so a path such as ``/stats/`` can
    never be taken for a key, and ``/abc`` is a 404, not a 500. An integer key outside
    its column's range is a 422 at ``["path", "id"]``.
    """
    python_type = pk_type(model)
    annotated = typing.get_origin(python_type) is typing.Annotated
    base = typing.get_args(python_type)[0] if annotated else python_type
    if base is int:  # Django's ``int`` converter takes any digits: bound the value
        return "int", python_type if annotated else storable_pk_type(model)
    if base is uuid.UUID:
        return "uuid", python_type
    return "str", python_type


Respond = Callable[[HttpRequest, dict[str, Any], int], HttpResponseBase]


def json_method_answers(view: Callable[..., Any], respond: Respond) -> Callable[..., Any]:
    """``view`` (a ninja path view) answering a method it does not serve in our shape.

    A wrong method is a 405 ``{"detail": ...}`` with an ``Allow`` header; ``OPTIONS``
    (unless a route serves it) is a 204 with ``Allow``. Other answers pass unchanged.
    """

    def convert(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = {m.strip() for m in response["Allow"].split(",") if m.strip()}
        if request.method == "OPTIONS":
            answer: HttpResponseBase = HttpResponse(status=204)
        else:
            detail = f'Method "{request.method}" not allowed'
            answer = respond(request, {"detail": detail}, 405)
        answer["Allow"] = ", ".join(sorted(allowed | {"OPTIONS"}))
        return answer

    if iscoroutinefunction(view):

        async def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return convert(request, await view(request, *args, **kwargs))
    else:

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return convert(request, view(request, *args, **kwargs))

    guarded.csrf_exempt = True  # type: ignore[attr-defined]  # as ninja's own views
    return guarded


def not_found_route(prefix: str, respond: Respond) -> URLPattern:
    """A catch-all under a viewset's ``prefix``: any path no route took (``/author/-1``,
    ``/article/abc``, a key the converter refuses) is a JSON 404, not Django's HTML page."""

    async def not_found(request: HttpRequest, rest: str) -> HttpResponseBase:
        return respond(request, {"detail": "Not Found"}, 404)

    not_found.csrf_exempt = True  # type: ignore[attr-defined]
    route = replace_path_param_notation(normalize_path(f"{prefix}/")).lstrip("/")
    return django_path(f"{route}<path:rest>", not_found)
