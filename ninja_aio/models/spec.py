"""ModelSpec: everything a viewset needs to know about one serialized model, built once."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.db import models
from django.http import HttpRequest
from ninja.errors import ConfigError

from ninja_aio.models.changes import Changes
from ninja_aio.models.config import SchemaConfig
from ninja_aio.models.hooks import call_async
from ninja_aio.models.payloads import WritePlan, build_write, editable_fields
from ninja_aio.models.replace import build_replace
from ninja_aio.models.schemas import (
    SECRET_FIELDS,
    ReadPlan,
    build_read,
    selected_fields,
    unique_name,
)

__all__ = ["HOOKS", "ModelSpec", "register", "spec_for"]

#: Lifecycle hooks a serializer may define (sync or async).
HOOKS = (
    "on_create_before_save",
    "on_create_after_save",
    "before_save",
    "after_save",
    "on_delete",
    "custom_actions",
    "post_create",
)

_REGISTRY: dict[type[models.Model], ModelSpec] = {}


def register(spec: ModelSpec) -> None:
    """Make ``spec`` the serializer other schemas nest for its model (first one wins)."""
    _REGISTRY.setdefault(spec.model, spec)


def spec_for(model: type[models.Model]) -> ModelSpec | None:
    """The serializer spec of ``model``, if it has one: a ``ModelSerializer``'s own, else
    the first ``Serializer`` declared for it. Another ``Serializer`` of a ``ModelSerializer``
    (a second API version) never replaces the model's own where other models nest it."""
    if hasattr(model, "_ninja_aio_spec"):
        return model._ninja_aio_spec()
    return _REGISTRY.get(model)


class ModelSpec:
    """Schemas, query plans, hooks and scoping for one model, as its serializer declares them.

    ``hook_owner`` is where hooks live: the model itself (``ModelSerializer``: hooks are
    instance methods) or a ``Serializer`` class (hooks receive the instance).
    """

    def __init__(
        self,
        model: type[models.Model],
        configs: dict[str, SchemaConfig | None],
        *,
        base_name: str,
        hook_owner: type | None = None,
        scope: Callable[[HttpRequest], Any] | None = None,
    ) -> None:
        self.model = model
        self.configs = configs
        self.base_name = base_name
        self.hook_owner = hook_owner
        # The serializers' default ``queryset_request`` (every row) is no scope.
        self._scope = None if getattr(scope, "_ninja_aio_default", False) else scope
        self._hooks = {name: self._find_hook(name) for name in HOOKS}
        #: The change hooks declared (``on_create`` / ``on_change`` / ``on_delete``).
        self.changes = Changes(model, hook_owner)

    def _name(self, kind: str) -> str:
        prefix = self.model._meta.app_label.title().replace("_", "")
        return unique_name(f"{self.base_name}{kind}", (self.hook_owner or self.model, kind), prefix)

    @cached_property
    def read(self) -> ReadPlan:
        """Schema for list items and for create / update responses."""
        config = self.configs.get("read") or SchemaConfig()
        return build_read(self.model, config, self._name("Read"), spec_for)

    @cached_property
    def detail(self) -> ReadPlan:
        """Schema for retrieve: the detail config, else the read one."""
        config = self.configs.get("detail")
        if config is None:
            return self.read
        return build_read(self.model, config, self._name("Detail"), spec_for)

    @cached_property
    def nested(self) -> ReadPlan:
        """Flat read schema embedded where another model points at this one."""
        config = self.configs.get("read") or SchemaConfig()
        if not any(f.is_relation for f in selected_fields(self.model, config)):
            return self.read  # same shape, and building it looks no other model up
        return build_read(self.model, config, self._name("Nested"), spec_for, nested=True)

    @cached_property
    def create(self) -> WritePlan | None:
        """Payload of create, or ``None`` when the serializer declares no create schema."""
        config = self.configs.get("create")
        if config is None:
            return None
        return build_write(self.model, config, self._name("Create"), partial=False)

    @cached_property
    def update(self) -> WritePlan | None:
        """Payload of update (every field optional), or ``None`` when not declared."""
        config = self.configs.get("update")
        if config is None:
            return None
        return build_write(self.model, config, self._name("Update"), partial=True)

    @cached_property
    def replace(self) -> WritePlan | None:
        """Payload of PUT: the update fields, those a new row needs required."""
        update = self.update
        if update is None:
            return None
        return build_replace(update, self.configs["update"], self._name("Replace"))

    def _find_hook(self, name: str) -> Callable[..., Any] | None:
        owner = self.hook_owner
        if owner is None:
            return None
        fn = getattr(owner, name, None)
        if fn is None or getattr(fn, "_ninja_aio_default", False):
            return None
        if isinstance(owner, type) and issubclass(owner, models.Model):
            return lambda instance, *args: getattr(instance, name)(*args)
        return lambda instance, *args: getattr(owner(), name)(instance, *args)

    @cached_property
    def silent(self) -> bool:
        """No hook around a write (``post_create``, run after it, aside) and no change
        hook: a write is its own statements, and the row written is the row saved."""
        return not self.changes and all(
            fn is None for name, fn in self._hooks.items() if name != "post_create"
        )

    @cached_property
    def deletes_by_query(self) -> bool:
        """A delete needs no instance: the write is silent and the model keeps Django's
        ``delete()`` (an override must run, so such a model is deleted row by row)."""
        return self.silent and self.model.delete is models.Model.delete

    def hook(self, name: str) -> Callable[..., Any] | None:
        """The hook ``name`` as ``fn(instance, *args)``, or ``None`` if not defined."""
        return self._hooks[name]

    @property
    def scoped(self) -> bool:
        """Whether the serializer defines ``queryset_request`` (rows depend on the request)."""
        return self._scope is not None

    async def queryset(self, request: HttpRequest) -> models.QuerySet:
        """Rows this request may see (``queryset_request``), before any read plan."""
        if self._scope is None:
            return self.model._default_manager.all()
        return await call_async(self._scope, request)

    @classmethod
    def for_model(cls, model: type[models.Model]) -> ModelSpec:
        """Spec for a plain model: every field on read, every editable field on write.

        A model with a password column (Django's user model among them) is refused: its
        hash would be served and written. Such models need a ``Serializer`` listing fields.
        """
        spec = spec_for(model)
        if spec is not None:
            return spec
        secret = [f.name for f in model._meta.concrete_fields if f.name in SECRET_FIELDS]
        if secret:
            raise ConfigError(
                f"{model.__name__} has {', '.join(secret)}: serve it through a Serializer "
                "that lists the fields to expose, not as a plain model"
            )
        configs = {
            "read": SchemaConfig(),
            "create": SchemaConfig(fields=editable_fields(model, partial=False)),
            "update": SchemaConfig(fields=editable_fields(model, partial=True)),
        }
        return cls(model, configs, base_name=model.__name__)
