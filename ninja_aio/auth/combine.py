"""``A | B`` (either authenticates) and ``A & B`` (both must) for ninja auth callables."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from ninja.utils import is_async_callable

from ninja_aio.auth.errors import AuthFailure

__all__ = ["AllOf", "AnyOf", "CombinableAuth"]


async def _run(auth: Callable[[HttpRequest], Any], request: HttpRequest) -> Any:
    if getattr(auth, "is_async", False) or is_async_callable(auth):
        result = auth(request)
        return await result if inspect.isawaitable(result) else result
    return await sync_to_async(auth)(request)


class CombinableAuth:
    """Gives an authenticator the ``|`` and ``&`` operators."""

    def __or__(self, other: Callable) -> AnyOf:
        return AnyOf(self, other)

    def __and__(self, other: Callable) -> AllOf:
        return AllOf(self, other)


class _Combined(CombinableAuth):
    is_async = True

    def __init__(self, *auths: Callable) -> None:
        flat: list[Callable] = []
        for auth in auths:
            flat.extend(auth.auths if type(auth) is type(self) else [auth])
        self.auths = tuple(flat)
        # OpenAPI: ninja documents one scheme per callable; show the first member's.
        first = self.auths[0]
        self.openapi_security_schema = getattr(first, "openapi_security_schema", None)


class AnyOf(_Combined):
    """Authenticates with the first member that accepts the request.

    Unlike a plain ``auth=[...]`` list, a member that refuses with 403 or 503 does
    not end the chain; if nobody accepts, the most specific failure is reported.
    """

    async def __call__(self, request: HttpRequest) -> Any:
        best: AuthFailure | None = None
        for auth in self.auths:
            try:
                result = await _run(auth, request)
            except AuthFailure as failure:
                if best is None or failure.rank > best.rank:
                    best = failure
                continue
            if result:
                return result
        if best is not None:
            raise best
        return None


class AllOf(_Combined):
    """Authenticates only when every member accepts; ``request.auth`` is the first's result."""

    async def __call__(self, request: HttpRequest) -> Any:
        first: Any = None
        for auth in self.auths:
            result = await _run(auth, request)
            if not result:
                return None
            first = first or result
        return first
