"""ModelSerializer (a model carrying its schemas) and Serializer (for models you cannot change)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ConfigError

from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.spec import ModelSpec, register

__all__ = ["ModelSerializer", "Serializer"]

_KINDS = {
    "read": "ReadSerializer",
    "create": "CreateSerializer",
    "update": "UpdateSerializer",
    "detail": "DetailSerializer",
}
#: The write schemas: a declared one must name its keys (``SchemaConfig.check_write``).
_WRITES = ("create", "update")


def _default(fn: Any) -> Any:
    """Mark a base-class default (a no-op hook, the unscoped ``queryset_request``) as such.

    Marked defaults are never called: ``ModelSpec`` treats them as absent.
    """
    fn._ninja_aio_default = True
    return fn


class _Hooks:
    """No-op lifecycle hooks; override any of them, sync or async."""

    @_default
    def on_create_before_save(self, *args: Any) -> None:
        """Create only: before the first save (set defaults, derived fields)."""

    @_default
    def on_create_after_save(self, *args: Any) -> None:
        """Create only: after the first save and the M2M writes, in the transaction."""

    @_default
    def before_save(self, *args: Any) -> None:
        """Create and update: before saving, in the transaction."""

    @_default
    def after_save(self, *args: Any) -> None:
        """Create and update: after saving and the M2M writes, in the transaction."""

    @_default
    def on_delete(self, *args: Any) -> None:
        """Delete: before the row is deleted, in the transaction."""

    @_default
    def custom_actions(self, *args: Any) -> None:
        """Create and update: receives the ``customs`` values of the payload (a dict)."""

    @_default
    def post_create(self, *args: Any) -> None:
        """Create: after the transaction committed (notifications, tasks)."""


class ModelSerializer(_Hooks, models.Model):
    """Abstract model base: subclasses declare their schemas as inner classes.

    ``ReadSerializer`` (list items, create / update responses), ``DetailSerializer``
    (retrieve; defaults to read), ``CreateSerializer`` and ``UpdateSerializer`` (without
    them the viewset has no create / update route). Each has ``fields``, ``optionals``,
    ``customs``, ``excludes`` and ``relations`` (see ``SchemaConfig``).
    """

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for kind in _WRITES:
            config = SchemaConfig.from_source(getattr(cls, _KINDS[kind], None))
            if config is not None:
                config.check_write(f"{cls.__name__}.{_KINDS[kind]}")

    @classmethod
    @_default
    async def queryset_request(cls, request: HttpRequest) -> models.QuerySet:
        """Rows ``request`` may read or write; override to scope (tenant, owner...)."""
        return cls._default_manager.all()

    @classmethod
    def _ninja_aio_spec(cls) -> ModelSpec:
        spec = cls.__dict__.get("_ninja_aio_spec_cache")
        if spec is None:
            configs = {
                k: SchemaConfig.from_source(getattr(cls, v, None)) for k, v in _KINDS.items()
            }
            spec = ModelSpec(
                cls,
                configs,
                base_name=cls.__name__,
                hook_owner=cls,
                scope=cls.queryset_request,
            )
            cls._ninja_aio_spec_cache = spec
        return spec

    @classmethod
    def get_schema(cls, kind: str) -> type[Schema] | None:
        """Generated schema: ``"read"``, ``"detail"``, ``"create"`` or ``"update"``."""
        plan = getattr(cls._ninja_aio_spec(), kind)
        return None if plan is None else plan.schema


class Serializer(_Hooks):
    """Schemas and hooks for a model you cannot change, configured by an inner ``Meta``.

    ``Meta.model`` is the model; ``Meta.read``, ``Meta.create``, ``Meta.update`` and
    ``Meta.detail`` are ``SchemaConfig`` objects (or dicts / classes with the same
    attributes). Hooks receive the instance: ``def before_save(self, instance)``.
    """

    Meta: ClassVar[type]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        model = getattr(meta, "model", None)
        if model is None:
            raise ConfigError(f"{cls.__name__}.Meta.model is required")
        configs = {k: SchemaConfig.from_source(getattr(meta, k, None)) for k in _KINDS}
        for kind in _WRITES:
            if configs[kind] is not None:
                configs[kind].check_write(f"{cls.__name__}.Meta.{kind}")
        base = cls.__name__.removesuffix("Serializer") or model.__name__
        cls._spec = ModelSpec(
            model, configs, base_name=base, hook_owner=cls, scope=cls.queryset_request
        )
        register(cls._spec)

    @classmethod
    @_default
    async def queryset_request(cls, request: HttpRequest) -> models.QuerySet:
        """Rows ``request`` may read or write; override to scope (tenant, owner...)."""
        return cls.Meta.model._default_manager.all()

    @classmethod
    def get_schema(cls, kind: str) -> type[Schema] | None:
        """Generated schema: ``"read"``, ``"detail"``, ``"create"`` or ``"update"``."""
        plan = getattr(cls._spec, kind)
        return None if plan is None else plan.schema
