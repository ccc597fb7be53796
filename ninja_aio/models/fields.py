"""Django model field -> pydantic type, for read (response) and write (payload) schemas."""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from ninja.errors import ConfigError
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from ninja_aio.models.patterns import text_constraints

__all__ = [
    "INT64",
    "StorableInt",
    "bounded_int",
    "check_int_range",
    "int_range",
    "pk_type",
    "read_type",
    "register_field",
    "reject_nul",
    "reject_out_of_range",
    "storable_key",
    "storable_key_type",
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


#: Integers SQL can bind (SQLite raises ``OverflowError`` past them, PostgreSQL an error).
INT64 = (-(2**63), 2**63 - 1)
#: Range of each integer column type that every supported database stores (PostgreSQL's
#: ``integer`` for ``IntegerField``...): a value valid on one backend is valid on all.
_INT_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


@functools.cache
def bounded_int(low: int = INT64[0], high: int = INT64[1]) -> Any:
    """The integer type of every value that reaches the database: ``int`` within
    ``[low, high]`` (64-bit by default), a 422 at its location otherwise; the bounds
    show in OpenAPI (``minimum`` / ``maximum``)."""
    return Annotated[int, Field(ge=low, le=high)]


#: Any integer a query or payload may carry to the database.
StorableInt = bounded_int()


def int_range(field: models.Field) -> tuple[int, int] | None:
    """Range of an integer column (following relations to the column they store), or
    ``None`` for other fields. Integer types registered with ``register_field`` get 64 bits."""
    while field.is_relation and field.target_field is not None:
        field = field.target_field
    internal = field.get_internal_type()
    if internal in _INT_RANGES:
        return _INT_RANGES[internal]
    return INT64 if _TYPES.get(internal) is int else None


def _out_of_range(value: Any, low: int, high: int) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not low <= value <= high
    if isinstance(value, list | tuple | set | frozenset):
        return any(_out_of_range(v, low, high) for v in value)
    return False


def reject_out_of_range(value: Any, low: int = INT64[0], high: int = INT64[1]) -> Any:
    """Refuse integers (alone or in lists) outside ``[low, high]`` (64-bit by default)."""
    if _out_of_range(value, low, high):
        raise ValueError(f"integers must be between {low} and {high}")
    return value


def check_int_range(low: int, high: int) -> AfterValidator:
    """``reject_out_of_range`` as a validator, for types the schema does not choose (a
    serializer's ``optionals``)."""
    return AfterValidator(functools.partial(reject_out_of_range, low=low, high=high))


def storable_key(value: Any) -> bool:
    """Whether a primary key can be looked up: text without NUL (PostgreSQL refuses it),
    an integer SQL can bind."""
    return not (_has_nul(value) or _out_of_range(value, *INT64))


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


def storable_key_type(field: models.Field) -> Any:
    """Type of a value stored in or looked up by ``field`` (a key, or a relation's column):
    text refuses NUL, integers the column's range."""
    bounds = int_range(field)
    if bounds is not None:
        return bounded_int(*bounds)
    while field.is_relation and field.target_field is not None:
        field = field.target_field
    python_type = _base_type(field)
    return Annotated[str, NoNul] if python_type is str else python_type


def storable_pk_type(model: type[models.Model]) -> Any:
    """``pk_type`` for payloads and paths: what the database can look up (see above)."""
    return storable_key_type(model._meta.pk)


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
    elif int_range(field) is not None:
        python_type = bounded_int(*int_range(field))
    else:
        python_type = _base_type(field)
    return python_type | None if field.null else python_type
