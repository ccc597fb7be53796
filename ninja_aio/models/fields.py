"""Django model field -> pydantic type, for read (response) and write (payload) schemas."""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from ninja.errors import ConfigError
from pydantic import BeforeValidator, Field, WithJsonSchema

__all__ = ["pk_type", "read_type", "register_field", "write_type"]


def _decode_base64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("invalid base64") from None


_BYTE_FORMAT = WithJsonSchema({"type": "string", "format": "byte"})
Base64Str = Annotated[str, _BYTE_FORMAT]
Base64Input = Annotated[bytes, BeforeValidator(_decode_base64), _BYTE_FORMAT]
AnyJSON = Annotated[Any, WithJsonSchema({})]

_TYPES: dict[str, Any] = {
    "AutoField": int,
    "BigAutoField": int,
    "SmallAutoField": int,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveBigIntegerField": int,
    "PositiveSmallIntegerField": int,
    "BooleanField": bool,
    "NullBooleanField": bool,
    "CharField": str,
    "TextField": str,
    "SlugField": str,
    "EmailField": str,
    "URLField": str,
    "FilePathField": str,
    "GenericIPAddressField": str,
    "IPAddressField": str,
    "DateField": datetime.date,
    "DateTimeField": datetime.datetime,
    "TimeField": datetime.time,
    "DurationField": datetime.timedelta,
    "DecimalField": Decimal,
    "FloatField": float,
    "UUIDField": uuid.UUID,
    "JSONField": AnyJSON,
    "BinaryField": Base64Str,
    "FileField": str,
    "ImageField": str,
}


def register_field(internal_type: str, python_type: Any) -> None:
    """Teach the schema generator a custom field (by ``get_internal_type()``)."""
    _TYPES[internal_type] = python_type


def _base_type(field: models.Field) -> Any:
    internal = field.get_internal_type()
    try:
        return _TYPES[internal]
    except KeyError:
        raise ConfigError(
            f"{field.model.__name__}.{field.name}: no schema type for {internal}; "
            "use ninja_aio.models.register_field()"
        ) from None


def pk_type(model: type[models.Model]) -> Any:
    """Python type of a model's primary key (following a primary-key relation)."""
    pk = model._meta.pk
    while pk.is_relation:
        pk = pk.target_field
    return _base_type(pk)


def read_type(field: models.Field) -> Any:
    """Type of a concrete, non-relation field in a response."""
    python_type = _base_type(field)
    if field.null or isinstance(field, models.FileField):
        return python_type | None
    return python_type


def write_type(field: models.Field) -> Any:
    """Type of a concrete, non-relation field in a payload, with its constraints."""
    internal = field.get_internal_type()
    if field.choices:
        python_type: Any = Literal[tuple(value for value, _ in field.flatchoices)]
    elif internal == "BinaryField":
        python_type = Base64Input
    elif internal == "DecimalField":
        python_type = Annotated[
            Decimal, Field(max_digits=field.max_digits, decimal_places=field.decimal_places)
        ]
    elif field.max_length and _base_type(field) is str:
        python_type = Annotated[str, Field(max_length=field.max_length)]
    else:
        python_type = _base_type(field)
    return python_type | None if field.null else python_type
