"""What a one-row write checks before it writes, and how a refusal reads: errors in
ninja's ``{"loc", "msg", "type"}`` shape at the payload, the model's field validators,
related keys that must exist inside the caller's scope, and keys no row can have.
Shared by the single-row writes (``writes.py``) and the batches (``bulk.py``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone

from ninja_aio.models.fields import storable_key
from ninja_aio.models.payloads import WritePlan
from ninja_aio.models.spec import spec_for

__all__ = ["CONFLICT", "LOC", "UNSTORABLE"]

#: Where payload errors point, matching ninja's locations for a ``payload`` body argument.
LOC = ("body", "payload")
UNSTORABLE = "A value of the request cannot be stored by the database"
CONFLICT = "The request conflicts with the current state of the data (unique or integrity rule)"


def _error(name: str | None, msg: str, kind: str) -> dict[str, Any]:
    return {"loc": [*LOC, name] if name else list(LOC), "msg": msg, "type": kind}


def _django_errors(exc: DjangoValidationError, name: str | None = None) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            _error(None if key == "__all__" else key, msg, "value_error")
            for key, messages in exc.message_dict.items()
            for msg in messages
        ]
    return [_error(name, msg, "value_error") for msg in exc.messages]


def _aware(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


async def _related_scope(request: HttpRequest, model: type[models.Model]) -> models.QuerySet:
    spec = spec_for(model)
    if spec is None:
        return model._default_manager.all()
    return await spec.queryset(request)


def _validator_errors(plan: WritePlan, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The model field validators' errors for the values sent."""
    errors: list[dict[str, Any]] = []
    for name, f in plan.plain.items():
        if name in data and data[name] not in f.empty_values:
            try:
                f.run_validators(_aware(data[name]))
            except DjangoValidationError as exc:
                errors.extend(_django_errors(exc, name))
    return errors


async def _check_payload(
    request: HttpRequest, plan: WritePlan, data: dict[str, Any]
) -> list[dict[str, Any]]:
    """Run model field validators and check that related primary keys exist (and are visible)."""
    errors = _validator_errors(plan, data)
    for name, f in plan.foreign.items():
        value = data.get(name)
        if value is not None:
            scope = await _related_scope(request, f.related_model)
            if not await scope.filter(**{f.target_field.attname: value}).aexists():
                errors.append(
                    _error(name, f"No {f.related_model.__name__} with pk {value}", "not_found")
                )
    for name, f in plan.many.items():
        values = set(data.get(name) or ())
        if values:
            scope = await _related_scope(request, f.related_model)
            found = {pk async for pk in scope.filter(pk__in=values).values_list("pk", flat=True)}
            missing = sorted(values - found, key=str)
            if missing:
                msg = f"No {f.related_model.__name__} with pk {', '.join(map(str, missing))}"
                errors.append(_error(name, msg, "not_found"))
    return errors


def _not_found(model: type[models.Model]) -> Http404:
    return Http404(f"No {model.__name__} matches the given query.")


def _check_key(model: type[models.Model], pk: Any) -> None:
    """A key no row can have (text with NUL) is a 404 before it reaches the database."""
    if not storable_key(pk):
        raise _not_found(model)
