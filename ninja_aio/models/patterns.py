"""JSON-schema constraints of text fields, so that OpenAPI says what writes accept.

A slug field runs Django's ``validate_slug`` on write, an email field
``validate_email``, and every text refuses NUL (``reject_nul``): without ``pattern`` /
``format`` in OpenAPI, a client following the schema (``"a b"`` fits ``maxLength``)
gets a 422. Django and pydantic still validate; these only document it, in the ECMA
regex dialect JSON Schema uses.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import EmailValidator, RegexValidator
from django.db import models
from pydantic import Field

__all__ = ["NO_NUL_PATTERN", "text_constraints"]

#: Any text without NUL (PostgreSQL cannot store it; ``reject_nul`` refuses it).
NO_NUL_PATTERN = "^[^\\u0000]*$"


def _ecma(regex: str) -> str:
    """A Python pattern in ECMA syntax: ``\\A`` / ``\\Z`` anchors as ``^`` / ``$``."""
    return regex.replace(r"\A", "^").replace(r"\Z", "$")


def text_constraints(field: models.Field) -> list[Any]:
    """``Field(json_schema_extra=...)`` documenting ``field``'s validators: the pattern of a
    plain ``RegexValidator`` (not inverted, no flags; subclasses such as ``URLValidator``
    left out), ``format: email`` for an ``EmailValidator``, else the no-NUL pattern."""
    extra: dict[str, str] = {}
    for validator in field.validators:
        if type(validator) is RegexValidator and not validator.inverse_match:
            if not validator.flags:
                extra.setdefault("pattern", _ecma(validator.regex.pattern))
        elif isinstance(validator, EmailValidator):
            extra["format"] = "email"
    if not extra:
        extra["pattern"] = NO_NUL_PATTERN
    return [Field(json_schema_extra=extra)]
