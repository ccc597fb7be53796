"""The relations a viewset serves routes for (``relations``, ``relation_options``),
resolved and checked once, when the viewset is built (``views/relations.py`` serves them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja.errors import ConfigError

from ninja_aio.models.fields import storable_pk_type
from ninja_aio.query import ListOptions

__all__ = ["Relation", "relations_of"]


@dataclass(frozen=True)
class Relation:
    """A to-many relation served by relation routes, resolved once per viewset."""

    #: The accessor on a parent row (``tags``, ``articles``), also the route's last segment.
    name: str
    field: Any
    model: type[models.Model]
    #: The foreign key of a reverse relation (``Article.author`` for ``author.articles``).
    reverse_fk: models.ForeignKey | None
    #: The ``GET`` route's list options (``relation_options``), if any.
    options: ListOptions | None = None

    @property
    def removable(self) -> bool:
        """Whether ``remove`` may unlink rows (a reverse foreign key must be nullable)."""
        return self.reverse_fk is None or self.reverse_fk.null

    @property
    def key_type(self) -> Any:
        return storable_pk_type(self.model)


def _to_many(model: type[models.Model]) -> dict[str, Any]:
    """The model's to-many relations by accessor name (``tags``, ``articles``): forward
    and reverse many-to-many, reverse foreign keys; hidden ones (``related_name="+"``)
    have no accessor and are left out."""
    found = {}
    for f in model._meta.get_fields():
        if isinstance(f, models.ManyToManyField):
            found[f.name] = f
        elif isinstance(f, models.ManyToManyRel | models.ManyToOneRel) and not isinstance(
            f, models.OneToOneRel
        ):
            name = f.get_accessor_name()
            if name:
                found[name] = f
    return found


def relations_of(viewset: Any) -> dict[str, Relation]:
    """The viewset's ``relations``, checked: unknown names, relations that are not
    to-many and ``relation_auth`` for an undeclared relation are a ``ConfigError``."""
    model, owner = viewset.model, type(viewset).__name__
    if isinstance(viewset.relations, str):
        raise ConfigError(f"{owner}: relations is a list of names, not a string")
    wanted = list(viewset.relations or ())
    candidates = _to_many(model)
    result = {}
    for name in wanted:
        f = candidates.get(name)
        if f is None:
            try:
                kind = type(model._meta.get_field(name)).__name__
            except FieldDoesNotExist:
                kind = None
            what = f"is a {kind}, not a to-many relation" if kind else "is not a field"
            raise ConfigError(f"{owner}: relations: {model.__name__}.{name} {what}")
        reverse_fk = f.field if isinstance(f, models.ManyToOneRel) else None
        result[name] = Relation(name, f, f.related_model, reverse_fk)
    stray = set(viewset.relation_auth or {}) - set(result)
    if stray:
        raise ConfigError(f"{owner}: relation_auth names undeclared relations {sorted(stray)}")
    for name, options in _declared_options(viewset, owner, result).items():
        result[name] = replace(result[name], options=options)
    return result


def _declared_options(viewset: Any, owner: str, relations: Mapping[str, Relation]) -> dict:
    """``relation_options`` as ``ListOptions`` by relation (an undeclared relation, an
    entry that is not a dict, an unknown key: a ``ConfigError``)."""
    declared = viewset.relation_options or {}
    if not isinstance(declared, Mapping):
        raise ConfigError(f"{owner}: relation_options maps relation names to their options")
    stray = set(declared) - set(relations)
    if stray:
        raise ConfigError(f"{owner}: relation_options names undeclared relations {sorted(stray)}")
    return {
        name: ListOptions.from_mapping(entry, f"{owner}: relation_options[{name!r}]")
        for name, entry in declared.items()
    }
