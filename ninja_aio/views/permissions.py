"""Object-level permissions: ``has_object_permission`` and its ready helper ``owner_field``.

A viewset's ``has_object_permission(request, obj, operation)`` (async or sync) decides
whether the caller may do ``operation`` on a row it can already see. Operations:
``"retrieve"`` (and detail actions through ``get_object``), ``"create"`` (on the row just
inserted), ``"update"``, ``"put"``, ``"delete"``, ``"hard_delete"``, ``"restore"``; bulk
items use ``"create"`` / ``"update"`` / ``"delete"``. A refusal is a plain 403 with a
``detail`` (a row outside ``queryset_request`` stays a 404).

Writes run the check inside their transaction, on the row they load, so nothing can
change between the check and the write: a sync function is called there directly (it
may use the ORM), an async one through asgiref's ``async_to_sync``, whose ORM calls come
back to the transaction's thread and connection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from ninja.errors import ConfigError, HttpError

from ninja_aio.models.guards import Check
from ninja_aio.models.hooks import call_async, call_in_thread

__all__ = ["REFUSED", "ObjectPermission", "ObjectPermissions", "owner_key", "owns"]

logger = logging.getLogger(__name__)

REFUSED = "You do not have permission to perform this action on this row"


def default_permission(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark the base ``has_object_permission``: a viewset that keeps it (and sets no
    ``owner_field``) runs no check at all."""
    fn._ninja_aio_default = True  # type: ignore[attr-defined]
    return fn


def owner_key(auth: Any) -> Any:
    """Who the caller is, for ``owner_field``: ``request.auth``'s primary key, else its
    ``id``, else its ``sub`` (attributes or mapping keys); ``None`` when it has none."""
    if isinstance(auth, models.Model):
        return auth.pk
    for name in ("id", "sub"):
        value = auth.get(name) if isinstance(auth, dict) else getattr(auth, name, None)
        if value is not None:
            return value
    return None


def owns(row: models.Model, attname: str, auth: Any) -> bool:
    """Whether the column ``attname`` of ``row`` names the caller (compared as text, so a
    token's string ``sub`` matches an integer key)."""
    value, key = getattr(row, attname), owner_key(auth)
    return value is not None and key is not None and str(value) == str(key)


class ObjectPermissions:
    """The object-permission options and extension points of ``APIViewSet``."""

    #: A column naming the row's owner: only that caller passes ``has_object_permission``.
    owner_field: ClassVar[str | None] = None
    permission: ObjectPermission

    @default_permission
    async def has_object_permission(
        self, request: HttpRequest, obj: models.Model, operation: str
    ) -> bool:
        """Whether the caller may do ``operation`` on ``obj`` (a row it can see); override
        it (async or sync). By default: the ``owner_field`` rule, or always."""
        return self.permission.owner_allows(request, obj)

    def owner_bypass(self, request: HttpRequest) -> bool:
        """Callers who pass the ``owner_field`` rule on every row (admins); sync, it must
        not query the database (read what ``auth_handler`` put on ``request.auth``)."""
        return False


class ObjectPermission:
    """A viewset's object check, resolved once: whether there is one, and how to call it."""

    def __init__(self, viewset: Any) -> None:
        self.viewset = viewset
        method = viewset.has_object_permission
        self.custom = not getattr(method, "_ninja_aio_default", False)
        self.owner = _owner_attname(viewset)
        #: Whether any check runs (a custom method, or ``owner_field``).
        self.active = self.custom or self.owner is not None

    def owner_allows(self, request: HttpRequest, obj: models.Model) -> bool:
        """The ``owner_field`` rule: the caller owns the row, or ``owner_bypass`` lets it in."""
        if self.owner is None:
            return True
        return bool(self.viewset.owner_bypass(request)) or owns(obj, self.owner, request.auth)

    def _refuse(self, allowed: Any, obj: models.Model, operation: str) -> None:
        if not allowed:
            logger.info("%s refused on %s %s", operation, type(obj).__name__, obj.pk)
            raise HttpError(403, REFUSED)

    async def check(self, request: HttpRequest, obj: models.Model, operation: str) -> None:
        """From async code: a 403 unless the caller may do ``operation`` on ``obj``."""
        if not self.active:
            return
        if self.custom:
            allowed = await call_async(self.viewset.has_object_permission, request, obj, operation)
        else:
            allowed = self.owner_allows(request, obj)
        self._refuse(allowed, obj, operation)

    def in_transaction(self, request: HttpRequest, operation: str) -> Check | None:
        """The same check as a ``check=`` for a write (``None`` when there is none)."""
        if not self.active:
            return None

        def check(obj: models.Model) -> None:
            if self.custom:
                method = self.viewset.has_object_permission
                allowed = call_in_thread(method, request, obj, operation)
            else:
                allowed = self.owner_allows(request, obj)
            self._refuse(allowed, obj, operation)

        return check


def _owner_attname(viewset: Any) -> str | None:
    name = viewset.owner_field
    if name is None:
        return None
    try:
        field = viewset.model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ConfigError(
            f"{type(viewset).__name__}: owner_field {name!r} is not a field of "
            f"{viewset.model.__name__}"
        ) from None
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise ConfigError(
            f"{type(viewset).__name__}: owner_field {name!r} must be a column "
            "(a foreign key or a plain field)"
        )
    return field.attname
