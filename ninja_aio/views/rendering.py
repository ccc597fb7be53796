"""Responses a read plan already shaped, rendered without a second validation.

ninja validates a view's result against the route's response schema, then dumps it
(``model_validate`` + ``model_dump``). A generated route whose read plan is ``exact``
answers dicts built by the plan's reader from the rows, exactly what that round trip
would produce, so it is handed to the api's renderer (orjson) directly: a page of 100
nested rows skips building and dumping 100 pydantic models. Other answers (errors, an
``HttpResponse``, another status) go through ninja as before.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja.operation import AsyncOperation, Operation
from ninja.responses import Status

__all__ = ["trust"]


class _Trusted(AsyncOperation):
    """An operation whose success body is rendered as the view returned it."""

    def _result_to_response(
        self, request: HttpRequest, result: Any, temporal_response: HttpResponse
    ) -> HttpResponseBase:
        status, body = (
            (result.status_code, result.value) if isinstance(result, Status) else (None, result)
        )
        success = next(iter(self.response_models))
        if status not in (None, success) or isinstance(result, HttpResponseBase):
            return super()._result_to_response(request, result, temporal_response)
        temporal_response.status_code = success
        return self.api.create_response(request, body, temporal_response=temporal_response)


def trust(operation: Operation) -> None:
    """Render ``operation``'s success answers without validating them (its view returns a
    read plan's output, in the shape of its first declared response)."""
    if not isinstance(operation, AsyncOperation):
        raise TypeError("only async generated routes are rendered unvalidated")
    operation.__class__ = _Trusted
