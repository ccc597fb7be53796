"""Django model field -> pydantic type, for read (response) and write (payload) schemas."""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from django.utils import timezone
from ninja.errors import ConfigError
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from ninja_aio.models.patterns import text_constraints

__all__ = [
    "pk_type",
    "read_type",
    "register_field",
    "reject_nul",
    "storable_key",
    "storable_pk_type",
    "write_type",
]

#: Durations are stored as 64-bit microseconds where the database has no interval type.
MAX_DURATION = datetime.timedelta(microseconds=2**63 - 1)


def _decode_base64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("invalid base64") from None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def reject_nul(value: Any) -> Any:
    """Refuse NUL characters: PostgreSQL text and jsonb cannot store them."""
    if _has_nul(value):
        raise ValueError("NUL characters are not allowed")
    return value


def _storable_datetime(value: datetime.datetime) -> datetime.datetime:
    """Refuse a datetime that leaves the datetime range once stored in UTC."""
    aware = value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        aware.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("datetime out of range once converted to UTC") from None
    return value


def storable_key(value: Any) -> bool:
    """Whether a primary key from a URL can be looked up: PostgreSQL refuses text with NUL."""
    return not _has_nul(value)


NoNul = AfterValidator(reject_nul)
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


def storable_pk_type(model: type[models.Model]) -> Any:
    """``pk_type`` for payloads: a text key refuses what the database cannot look up."""
    python_type = pk_type(model)
    return Annotated[str, NoNul] if python_type is str else python_type


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
    elif _base_type(field) is str:
        python_type = Annotated[
            str, Field(max_length=field.max_length), NoNul, *text_constraints(field)
        ]
    elif internal == "JSONField":
        python_type = Annotated[AnyJSON, NoNul]
    elif internal == "FloatField":
        python_type = Annotated[float, Field(allow_inf_nan=False)]
    elif internal == "DurationField":
        python_type = Annotated[datetime.timedelta, Field(ge=-MAX_DURATION, le=MAX_DURATION)]
    elif internal == "DateTimeField":
        python_type = Annotated[datetime.datetime, AfterValidator(_storable_datetime)]
    else:
        python_type = _base_type(field)
    return python_type | None if field.null else python_type
