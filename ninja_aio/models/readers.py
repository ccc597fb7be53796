"""Readers: the functions that turn a model instance into the plain dict of its read
schema, one per field kind, composed into one compiled function per schema. They touch
no database: the read plan (``schemas.py``) loads every relation they read.
"""

from __future__ import annotations

import base64
import keyword
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

__all__ = ["Reader", "prefetch_cache_name"]

Reader = Callable[[Any], dict[str, Any]]


def _plain_reader(f: models.Field) -> Callable[[Any], Any]:
    attname = f.attname
    internal = f.get_internal_type()
    if isinstance(f, models.FileField):
        return lambda obj: getattr(obj, attname).url if getattr(obj, attname) else None
    if internal == "BinaryField":

        def read_binary(obj: Any) -> str | None:
            value = getattr(obj, attname)
            return None if value is None else base64.b64encode(bytes(value)).decode()

        return read_binary
    return lambda obj: getattr(obj, attname)


def _custom_reader(name: str, default: Any) -> Callable[[Any], Any]:
    def read_custom(obj: Any) -> Any:
        value = getattr(obj, name, default)
        return value() if callable(value) else value

    return read_custom


def prefetch_cache_name(f: Any) -> str:
    """Where a prefetch of the to-many relation ``f`` keeps its rows on an instance."""
    if f.many_to_many:
        return f.name if f.concrete else f.field.related_query_name()
    return f.cache_name


def _many_reader(f: Any, accessor: str, item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The related rows' items: from the prefetch cache when there (no related manager
    built per row), else through the manager."""
    cache = prefetch_cache_name(f)

    def read_many(obj: Any) -> list[Any]:
        try:
            rows = obj._prefetched_objects_cache[cache]
        except (AttributeError, KeyError):
            rows = getattr(obj, accessor).all()
        return [item(o) for o in rows]

    return read_many


def _one_reader(accessor: str, item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def read_one(obj: Any) -> Any:
        try:
            related = getattr(obj, accessor)
        except ObjectDoesNotExist:
            return None
        return None if related is None else item(related)

    return read_one


def _compose(parts: list[tuple[str, Callable[[Any], Any]]], plain: dict[str, str]) -> Reader:
    """One function per schema building the row's dict in a single expression.

    Plain columns (``name -> attname``) are read as attributes, the other parts called;
    compiled once per class, so a list page pays no per-field function call for columns.
    """
    namespace: dict[str, Any] = {}
    items = []
    for i, (name, get) in enumerate(parts):
        attname = plain.get(name)
        if attname is not None and attname.isidentifier() and not keyword.iskeyword(attname):
            items.append(f"{name!r}: obj.{attname}")
        else:
            namespace[f"_get{i}"] = get
            items.append(f"{name!r}: _get{i}(obj)")
    source = f"def reader(obj):\n    return {{{', '.join(items)}}}\n"
    exec(compile(source, "<ninja_aio reader>", "exec"), namespace)
    return namespace["reader"]


def _attr(attname: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, attname)


def _pk(obj: Any) -> Any:
    return obj.pk
