"""Keyset cursor pagination over the queryset's own ordering, with signed cursors.

ninja's ``CursorPagination`` positions a page by the first ordering column plus an offset,
with a cursor anyone can write: a page moves when rows are inserted before it, and a
forged position reaches the database (``p=abc`` on an integer key was a 500). This
subclass keeps ninja's inputs, outputs, page-size limits and URL building, and replaces
the position: the values of *every* ordering column of the page's edge row (the primary
key last, so a position is exact), compared with a keyset condition, and carried in a
cursor signed by Django's ``signing`` with the route and ordering it belongs to.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import OrderBy
from django.http import HttpRequest
from ninja.errors import ValidationError
from ninja.pagination import CursorPagination as NinjaCursorPagination
from pydantic import Field

__all__ = ["CursorPagination", "column_field", "declared_ordering"]

SALT = "ninja_aio.cursor"
#: Longest cursor accepted: a position of a few columns is far shorter.
MAX_CURSOR_LENGTH = 4096


def _invalid() -> ValidationError:
    return ValidationError(
        [{"loc": ["query", "cursor"], "msg": "Invalid cursor", "type": "value_error"}]
    )


def column_field(model: type[models.Model], path: str) -> models.Field | None:
    """The model field a lookup path (``name``, ``pk``, ``author__name``) ends on, if any."""
    field = None
    for part in path.split(LOOKUP_SEP):
        if field is not None:
            if not field.is_relation or field.related_model is None:
                return None
            model = field.related_model
        try:
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
    return field


def declared_ordering(pagination: Any) -> tuple[str, ...] | None:
    """The ordering a cursor paginator instance was given, if any (a viewset's default)."""
    if isinstance(pagination, CursorPagination):
        return pagination.declared_ordering
    if isinstance(pagination, NinjaCursorPagination):
        return tuple(pagination.ordering)
    return None


def _dump(value: Any) -> Any:
    """A position value as JSON: exact types (dates, decimals, UUIDs) as strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)  # Decimal, UUID, timedelta...: what ``to_python`` reads back


@dataclass(frozen=True)
class Column:
    """One ordering column: its lookup path, direction, and where a row holds its value."""

    path: str
    descending: bool
    attribute: str
    field: models.Field | None
    nullable: bool

    def order(self, reverse: bool) -> Any:
        """The ``order_by`` term; NULL sorts as the largest value on every database."""
        descending = self.descending != reverse
        if not self.nullable:
            return f"-{self.path}" if descending else self.path
        expression = F(self.path)
        return expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)

    def after(self, value: Any, reverse: bool) -> Q:
        """Rows strictly after ``value`` in this column's order (NULL largest)."""
        descending = self.descending != reverse
        if value is None:
            return Q(**{f"{self.path}__isnull": False}) if descending else Q(pk__in=[])
        if descending:
            return Q(**{f"{self.path}__lt": value})
        later = Q(**{f"{self.path}__gt": value})
        return later | Q(**{f"{self.path}__isnull": True}) if self.nullable else later

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})

    def load(self, value: Any) -> Any:
        """A decoded position value as the column's Python type."""
        if value is None or self.field is None:
            return value
        return self.field.to_python(value)


class CursorPagination(NinjaCursorPagination):
    """ninja's ``CursorPagination`` with keyset positions and signed cursors.

    The page order is the queryset's (so a viewset's ``ordering``, or an ordering chosen
    per request, is followed): any number of columns, mixed directions, relation paths,
    NULLs sorted as the largest value, the primary key appended as the tie-break.
    ``ordering`` given here is only the default for a viewset that declares none.
    A cursor is valid only for the route and ordering that issued it; anything else
    (forged, tampered, from another list or ordering) is a 422 at ``["query", "cursor"]``.
    """

    class Cursor(NinjaCursorPagination.Cursor):
        """Pagination state: position values ``v``, direction ``r``, binding key ``k``."""

        # A tuple: ninja's validator takes the first item of any list (query-string parsing).
        v: tuple[Any, ...] = Field(default=(), title="position values")
        k: str = Field(default="", title="route and ordering the cursor belongs to")

        @classmethod
        def from_encoded_param(
            cls, encoded_param: str | None, context: Any = None
        ) -> CursorPagination.Cursor:
            if not encoded_param:
                return cls()
            if len(encoded_param) > MAX_CURSOR_LENGTH:
                raise _invalid()
            try:
                data = signing.Signer(salt=SALT).unsign_object(encoded_param)
            except signing.BadSignature:
                raise _invalid() from None
            if not (
                isinstance(data, dict)
                and isinstance(data.get("v"), list)
                and isinstance(data.get("r"), bool)
                and isinstance(data.get("k"), str)
            ):
                raise _invalid()
            return cls(v=tuple(data["v"]), r=data["r"], k=data["k"])

        def encode_as_param(self) -> str:
            # No timestamp (``signing.dumps`` adds one): the same position is the same
            # cursor at any time, so a page's links, and the ETag hashed from them, hold.
            data = {"v": self.v, "r": self.r, "k": self.k}
            return signing.Signer(salt=SALT).sign_object(data, compress=True)

    def __init__(
        self,
        *,
        ordering: tuple[str, ...] | None = None,
        page_size: int | None = None,
        max_page_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        sizes = {"page_size": page_size, "max_page_size": max_page_size}
        super().__init__(
            ordering=tuple(ordering or ("pk",)),
            **{k: v for k, v in sizes.items() if v is not None},
            **kwargs,
        )
        self.declared_ordering = tuple(ordering) if ordering else None

    # -- ordering -----------------------------------------------------------------------

    def columns(self, queryset: QuerySet) -> list[Column]:
        """The queryset's ordering (else the declared one, else the model's) as columns,
        the primary key last."""
        model = queryset.model
        deferred = _deferred(queryset)
        terms: Iterable[Any] = queryset.query.order_by or (
            self.declared_ordering or model._meta.ordering or ()
        )
        columns: list[Column] = []
        for term in terms:
            path, descending = _term(term)
            field = column_field(model, path)
            if field is not None and field.is_relation and field.concrete:
                path = f"{path}{LOOKUP_SEP}pk"  # a relation orders by its key
                field = field.target_field
            if field is not None and field.primary_key and LOOKUP_SEP not in path:
                path = "pk"
            if path in {c.path for c in columns}:
                continue
            columns.append(_column(path, descending, field, len(columns), deferred))
            if path == "pk":
                break  # the key is unique: later terms never decide the order
        if not columns or columns[-1].path != "pk":
            columns.append(_column("pk", False, model._meta.pk, len(columns), deferred))
        return columns

    # -- pages --------------------------------------------------------------------------

    def _window(
        self, queryset: QuerySet, columns: list[Column], cursor: Any, key: str, size: int
    ) -> QuerySet:
        """The rows of the page after the cursor's position, plus one to detect more."""
        reverse = cursor.r
        aliases = {c.attribute: F(c.path) for c in columns if c.attribute.startswith("_cursor_")}
        if aliases:
            queryset = queryset.annotate(**aliases)
        queryset = queryset.order_by(*(c.order(reverse) for c in columns))
        if cursor.k:
            if cursor.k != key or len(cursor.v) != len(columns):
                raise _invalid()
            try:
                values = [c.load(v) for c, v in zip(columns, cursor.v, strict=True)]
            except (DjangoValidationError, ValueError, TypeError):
                raise _invalid() from None
            condition = Q(pk__in=[])
            for i, column in enumerate(columns):
                term = column.after(values[i], reverse)
                for before, value in zip(columns[:i], values[:i], strict=False):
                    term &= before.equal(value)
                condition |= term
            queryset = queryset.filter(condition)
        return queryset[: size + 1]

    def _page(
        self,
        rows: list[Any],
        columns: list[Column],
        cursor: Any,
        key: str,
        size: int,
        request: HttpRequest,
    ) -> dict[str, Any]:
        more = len(rows) > size
        results = rows[:size]
        if cursor.r:
            results.reverse()

        def at(obj: Any, reverse: bool) -> Any:
            values = tuple(_dump(getattr(obj, c.attribute)) for c in columns)
            return self.Cursor(v=values, r=reverse, k=key)

        if not cursor.r:
            following = at(results[-1], False) if more else None
            preceding = at(results[0], True) if cursor.k and results else None
            if cursor.k and not results:
                preceding = self.Cursor(v=cursor.v, r=True, k=key)
        else:
            preceding = at(results[0], True) if more else None
            following = at(results[-1], False) if results else None
            if not results:
                following = self.Cursor(v=cursor.v, r=False, k=key)
        url = request.build_absolute_uri()
        return {
            "next": self._add_cursor_to_URL(url, following),
            "previous": self._add_cursor_to_URL(url, preceding),
            self.items_attribute: results,
        }

    def _start(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, scope: str | None
    ) -> tuple[QuerySet, list[Column], Any, str, int]:
        size = self._get_page_size(pagination.page_size)
        columns = self.columns(queryset)
        cursor = self.Cursor.from_encoded_param(pagination.cursor)
        key = _key(scope or request.path, queryset.model, columns)
        return self._window(queryset, columns, cursor, key, size), columns, cursor, key, size

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        window, *state = self._start(queryset, pagination, request, params.get("scope"))
        return self._page(list(window), *state, request)

    async def apaginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        window, *state = self._start(queryset, pagination, request, params.get("scope"))
        rows = [obj async for obj in window]
        return self._page(rows, *state, request)


def _term(term: Any) -> tuple[str, bool]:
    if isinstance(term, str):
        if term == "?":
            raise ImproperlyConfigured("cursor pagination cannot follow a random ordering")
        return term.removeprefix("-"), term.startswith("-")
    if isinstance(term, OrderBy) and isinstance(term.expression, F):
        return term.expression.name, term.descending
    if isinstance(term, F):
        return term.name, False
    raise ImproperlyConfigured(f"cursor pagination needs orderings by field names, not {term!r}")


def _deferred(queryset: QuerySet) -> Callable[[models.Field], bool]:
    """Whether the queryset leaves a field out of its rows (``only()`` / ``defer()``):
    reading it from a row would be one more query, and a sync one."""
    names, defer = queryset.query.deferred_loading
    if defer:
        return lambda field: bool({field.name, field.attname} & names)
    return lambda field: (
        bool(names) and not field.primary_key and not {field.name, field.attname} & names
    )


def _column(
    path: str, descending: bool, field: Any, index: int, deferred: Callable[[models.Field], bool]
) -> Column:
    """A column read from its field's attribute when the row loads it, else from an alias
    the page's query selects (``_cursor_<index>``)."""
    local = LOOKUP_SEP not in path and field is not None and not deferred(field)
    if path == "pk":
        attribute = "pk"
    elif local:
        attribute = field.attname
    else:
        attribute = f"_cursor_{index}"
    nullable = field is None or LOOKUP_SEP in path or bool(field.null)
    return Column(path, descending, attribute, field, nullable)


def _key(scope: str, model: type[models.Model], columns: list[Column]) -> str:
    """What a cursor is bound to: the route, the model and the ordering it was issued for."""
    order = ",".join(("-" if c.descending else "") + c.path for c in columns)
    raw = f"{scope}|{model._meta.label}|{order}".encode()
    return hashlib.blake2b(raw, digest_size=12).hexdigest()
