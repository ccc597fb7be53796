"""APIRouter: viewsets grouped under one prefix, with the group's tags and auth (``/v1/``).

A group is a ninja ``Router``: ``@v1.viewset(Model)`` (or ``v1.add_viewset(cls)``)
records a viewset class, and ``v1.mount(api)`` registers every recorded viewset under
the group and the group on the api, at ``/<prefix>/<viewset path>/``. Viewsets recorded
after ``mount`` are registered at once. The same model may be served by two groups with
different serializers: each route's operation id and URL name start with the group's
``name`` (its prefix by default: ``v1_article_list``), so they never collide.

Auth, nearest first: the route's own (``@action(auth=...)``, ``relation_auth``), the
viewset's method attribute (``get_auth``...), the viewset's ``auth``, the group's
``auth``, the api's, then the other write attributes of the viewset for a write route
(``auth_resolution.py``). ``auth=None`` on a group counts as unset, like on the api: a
group cannot make its viewsets' write routes public by omission. Tags: the group's,
followed by each viewset's own (the model name unless declared).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from ninja import NinjaAPI, Router
from ninja.constants import NOT_SET
from ninja.errors import ConfigError

if TYPE_CHECKING:
    from ninja_aio.views.viewset import APIViewSet

__all__ = ["APIRouter"]

V = TypeVar("V", bound="type[APIViewSet]")


class APIRouter(Router):
    """Viewsets under ``prefix`` with the group's ``tags`` and ``auth``; ``name`` (default:
    the prefix) starts the operation ids and URL names of its routes."""

    def __init__(
        self,
        prefix: str,
        *,
        tags: list[str] | None = None,
        auth: Any = NOT_SET,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        # ``None`` / ``[]`` is no auth of the group's own: ninja must not apply it either.
        super().__init__(tags=tags, auth=NOT_SET if auth in (None, []) else auth, **kwargs)
        self.prefix = prefix.strip("/")
        self.name = name or self.prefix.replace("/", "_") or "root"
        self.viewsets: list[type[APIViewSet]] = []
        self._api: NinjaAPI | None = None

    def viewset(self, model: type[models.Model], **attrs: Any) -> Callable[[V], V]:
        """Class decorator: record an ``APIViewSet`` subclass for ``model`` in this group.

        ``attrs`` are set on the class first (``serializer_class``, ``get_auth``...).
        """

        def record(cls: V) -> V:
            cls.model = model
            for name, value in attrs.items():
                setattr(cls, name, value)
            self.add_viewset(cls)
            return cls

        return record

    def add_viewset(self, cls: type[APIViewSet]) -> None:
        """Record ``cls`` (registered now if the group is already mounted)."""
        if vars(cls).get("router_group") not in (None, self):
            raise ConfigError(f"{cls.__name__} already belongs to another APIRouter")
        cls.router_group = self
        self.viewsets.append(cls)
        if self._api is not None:
            self._register(cls)

    def mount(self, api: NinjaAPI) -> None:
        """Register the recorded viewsets under this group, and the group on ``api``."""
        if self._api is not None:
            raise ConfigError(f"APIRouter {self.prefix!r} is already mounted")
        self._api = api
        for cls in self.viewsets:
            self._register(cls)
        api.add_router(self.prefix, self)

    def _register(self, cls: type[APIViewSet]) -> None:
        if cls.api not in (None, self._api):
            raise ConfigError(f"{cls.__name__}.api is another api than its APIRouter's")
        cls.api = self._api
        cls().add_views_to_route()
