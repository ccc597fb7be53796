"""Per-operation schema configuration: which fields a schema has and how."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ninja.errors import ConfigError

__all__ = ["SchemaConfig"]


@dataclass(frozen=True)
class SchemaConfig:
    """What one generated schema (read, create, update or detail) contains.

    ``fields``: model fields (concrete, forward / reverse relations, M2M), in order.
    ``optionals``: ``[(name, type)]`` model fields that may be omitted on write.
    ``customs``: ``[(name, type, default)]`` extra values: on writes they are accepted
    in the payload and handed to ``custom_actions``; on reads they are read from the
    instance attribute of that name (called if callable). ``...`` as default = required.
    ``excludes``: on read schemas, model fields left out (used when ``fields`` is empty).
    A write schema (create / update) holds exactly what it names: ``fields``, ``optionals``
    and ``customs``; ``excludes`` has no meaning there (see ``check_write``).
    ``relations``: ``{relation: [fields]}`` fields rendered for a related model that
    has no serializer (otherwise a forward relation renders its primary key only).
    """

    fields: tuple[str, ...] = ()
    optionals: tuple[tuple[str, Any], ...] = ()
    customs: tuple[tuple[str, Any, Any], ...] = ()
    excludes: tuple[str, ...] = ()
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_source(cls, source: Any) -> SchemaConfig | None:
        """Build a config from an inner class, a dict, or a ``SchemaConfig``; ``None`` stays."""
        if source is None or isinstance(source, SchemaConfig):
            return source
        get = source.get if isinstance(source, dict) else lambda k, d: getattr(source, k, d)
        return cls(
            fields=tuple(get("fields", ()) or ()),
            optionals=tuple(tuple(o) for o in get("optionals", ()) or ()),
            customs=tuple(tuple(c) for c in get("customs", ()) or ()),
            excludes=tuple(get("excludes", ()) or ()),
            relations={k: tuple(v) for k, v in (get("relations", {}) or {}).items()},
        )

    def check_write(self, where: str) -> None:
        """Refuse a declared write schema that does not name its keys.

        "Every editable column" is never a silent default: a payload could then set any
        column (a tenant, an owner). ``where`` names the declaration in the message.
        """
        example = 'fields = ["title"] or optionals = [("title", str)]'
        if self.excludes:
            raise ConfigError(
                f"{where}: `excludes` is not supported on a write schema (it would make "
                f"every other editable column writable); name what the payload may "
                f"contain instead, e.g. {example}"
            )
        if not (self.fields or self.optionals or self.customs):
            raise ConfigError(
                f"{where} names no field: declare what the payload may contain, e.g. {example}"
            )
