"""The ``@action`` decorator: extra routes declared as viewset methods."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ninja.constants import NOT_SET

from ninja_aio.views.auth_resolution import SAFE_METHODS
from ninja_aio.views.responses import error_documentation

__all__ = ["ActionSpec", "action", "action_options", "bind_action"]


@dataclass(frozen=True)
class ActionSpec:
    """What ``@action`` recorded on a method."""

    detail: bool
    methods: tuple[str, ...]
    url_path: str
    auth: Any = NOT_SET
    options: dict[str, Any] = field(default_factory=dict)


def action(
    *,
    detail: bool,
    methods: list[str] | tuple[str, ...] = ("get",),
    url_path: str | None = None,
    auth: Any = NOT_SET,
    **options: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a viewset method as a route.

    ``detail=True`` routes live under ``/{pk}/<url_path>/`` and the method receives the
    primary key under the name of its first parameter after ``request``;
    ``detail=False`` routes live under ``/<url_path>/``. ``url_path`` defaults to the
    method name. ``auth`` works as in ninja (unset: the viewset's auth; ``None``:
    public). Other keyword arguments (``response``, ``summary``...) go to the router.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn._ninja_aio_action = ActionSpec(  # type: ignore[attr-defined]
            detail=detail,
            methods=tuple(m.upper() for m in methods),
            url_path=(url_path or fn.__name__).strip("/"),
            auth=auth,
            options=options,
        )
        return fn

    return decorate


def bind_action(method: Callable[..., Any]) -> tuple[Callable[..., Any], str | None]:
    """A plain function calling the bound ``method``, with its resolved signature.

    Returns the function and the name of its primary-key parameter (the first one
    after ``request``), which detail actions put in their path.
    """
    hints = typing.get_type_hints(method.__func__, include_extras=True)
    signature = inspect.signature(method)
    params = [
        p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()
    ]
    pk_name = params[1].name if len(params) > 1 else None

    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def endpoint(request: Any, **kwargs: Any) -> Any:
            return await method(request, **kwargs)
    else:

        @functools.wraps(method)
        def endpoint(request: Any, **kwargs: Any) -> Any:
            return method(request, **kwargs)

    returned = hints.get("return", signature.return_annotation)
    endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=params, return_annotation=returned
    )
    return endpoint, pk_name


def action_options(
    spec: ActionSpec, endpoint: Callable[..., Any], *, detail: bool
) -> dict[str, Any]:
    """Router options of an action: its response schema and its documented error answers.

    The success schema is ``response=`` or the return annotation (``-> None`` / none: not
    documented, the result is rendered as it is). Errors: 404 for a detail action (the
    row), 422 when it takes inputs, 409 when it writes.
    """
    options = dict(spec.options)
    if "response" not in options:
        returned = inspect.signature(endpoint).return_annotation
        if returned not in (inspect.Signature.empty, None, type(None), Any):
            options["response"] = returned
    params = list(inspect.signature(endpoint).parameters)[1:]
    codes = [404] if detail else []
    if len(params) > (1 if detail else 0):
        codes.append(422)
    if set(spec.methods) - SAFE_METHODS:
        codes.append(409)
    declared = options.get("response")
    taken = set(declared) if isinstance(declared, dict) else set()
    extra = dict(options.get("openapi_extra") or {})
    extra["responses"] = {
        **error_documentation(*(c for c in codes if c not in taken)),
        **extra.get("responses", {}),
    }
    options["openapi_extra"] = extra
    return options
