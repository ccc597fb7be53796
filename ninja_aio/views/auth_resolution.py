"""Which auth a viewset route gets: one table, asked by every kind of route.

A write route (POST, PUT, PATCH, DELETE) is public only when ``None`` is declared on
its way; left unset, it borrows the nearest write auth the viewset declares, so
``get_auth = None`` plus ``post_auth = [JWTAuth()]`` protects PATCH and DELETE too.
With no auth declared anywhere the API stays public, as in django-ninja.

Generated routes (list, create, ...) try their method's attribute first, then the
viewset's ``auth``, then its ``APIRouter``'s (``views/routers.py``), then the API's,
then the rest of the method's row in ``FALLBACKS``. Custom routes (``views()``,
``@action``) try their own ``auth=``, the viewset's ``auth``, the router's, the API's,
then the whole row: they never lose the ``auth`` they inherited before the fallback
existed. A router's ``auth=None``, like the API's, counts as unset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ninja.constants import NOT_SET

from ninja_aio.auth.combine import AllOf

__all__ = [
    "FALLBACKS",
    "SAFE_METHODS",
    "ResolvedAuth",
    "auth_rows",
    "describe_auth",
    "resolve_auth",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: HTTP method -> viewset attributes, nearest first. ``"auth"`` marks where the viewset's
#: ``auth`` and then the API's come for a generated route (for PUT, after ``patch_auth``:
#: a replacement is an update). Custom routes try ``auth`` first and then the row.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "GET": ("get_auth", "auth"),
    "POST": ("post_auth", "auth", "patch_auth", "put_auth", "delete_auth"),
    "PUT": ("put_auth", "patch_auth", "auth", "post_auth", "delete_auth"),
    "PATCH": ("patch_auth", "auth", "put_auth", "post_auth", "delete_auth"),
    "DELETE": ("delete_auth", "auth", "patch_auth", "put_auth", "post_auth"),
}
_ROW_OF = {"HEAD": "GET", "OPTIONS": "GET"}  # other unknown methods: as POST (unsafe)


@dataclass(frozen=True)
class ResolvedAuth:
    """A route's auth and where it came from.

    ``auth`` is what the route is registered with: authenticators, ``None`` (public), or
    ``NOT_SET`` (nothing declared: ninja applies the API's auth, if any). ``source`` names
    the attribute it came from (``"post_auth"``, ``"auth"``, ``"api"``, ``"route"``), or
    is ``""`` when nothing was declared.
    """

    auth: Any
    source: str

    def describe(self, api_auth: Any = NOT_SET) -> str:
        """As text: ``"JWTAuth (post_auth)"``, ``"public (get_auth = None)"``..."""
        auth = api_auth if self.auth is NOT_SET and self.source == "api" else self.auth
        if self.source == "":
            return "public (no auth declared)"
        where = "API auth" if self.source == "api" else self.source
        if auth is None or auth == []:
            return f"public ({where} = None)"
        return f"{describe_auth(auth)} ({where})"


def _row(method: str) -> tuple[str, ...]:
    method = method.upper()
    return FALLBACKS.get(_ROW_OF.get(method, method), FALLBACKS["POST"])


def _api_auth(viewset: Any) -> Any:
    """The API's auth; ``NinjaAPI(auth=None)`` counts as unset (it is the API's default)."""
    auth = getattr(getattr(viewset, "api", None), "auth", NOT_SET)
    return NOT_SET if auth is None else auth


def resolve_auth(
    viewset: Any, method: str, *, custom: bool = False, declared: Any = NOT_SET
) -> ResolvedAuth:
    """The auth of a ``method`` route of ``viewset``.

    ``custom=False``: a generated route (its method attribute first). ``custom=True``:
    a custom route whose own ``auth=`` is ``declared``. Unknown methods resolve as POST;
    HEAD and OPTIONS as GET.
    """
    if declared is not NOT_SET:
        return ResolvedAuth(declared, "route")
    row = _row(method)
    if custom:
        row = ("auth", *(name for name in row if name != "auth"))
    position = row.index("auth")
    for name in row[:position]:
        value = getattr(viewset, name, NOT_SET)
        if value is not NOT_SET:
            return ResolvedAuth(value, name)
    value = getattr(viewset, "auth", NOT_SET)
    if value is not NOT_SET:
        return ResolvedAuth(value, "auth")
    group_auth = getattr(getattr(viewset, "router_group", None), "auth", NOT_SET)
    if group_auth is not NOT_SET and group_auth not in (None, []):
        return ResolvedAuth(group_auth, "router")
    if _api_auth(viewset) is not NOT_SET:
        return ResolvedAuth(NOT_SET, "api")
    explicit_none = None
    for name in row[position + 1 :]:
        value = getattr(viewset, name, NOT_SET)
        if value is NOT_SET:
            continue
        if value is None or value == []:
            explicit_none = explicit_none or ResolvedAuth(None, name)
            continue
        return ResolvedAuth(value, name)
    return explicit_none or ResolvedAuth(NOT_SET, "")


def describe_auth(auth: Any) -> str:
    """Authenticators as text: ``"JWTAuth"``, ``"JWTAuth | APIKeyAuth"``, ``"A, B"`` (a list)."""
    if auth is None or auth is NOT_SET:
        return "public"
    if isinstance(auth, Sequence) and not isinstance(auth, str):
        return ", ".join(describe_auth(member) for member in auth) or "public"
    members = getattr(auth, "auths", None)
    if members is not None:
        joint = " & " if isinstance(auth, AllOf) else " | "
        return joint.join(
            f"({describe_auth(m)})" if getattr(m, "auths", None) else describe_auth(m)
            for m in members
        )
    return type(auth).__name__


def auth_rows(
    routes: Iterable[tuple[tuple[str, str], ResolvedAuth]], prefix: str, api_auth: Any
) -> list[tuple[str, str, str]]:
    """``(method, path, effective auth)`` rows of a router's ``auth_table`` under ``prefix``."""
    rows = []
    for (method, path), resolved in routes:
        full = "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
        full += "/" if path.endswith("/") else ""
        rows.append((method, re.sub(r"{[^}:]+:", "{", full), resolved.describe(api_auth)))
    return rows
