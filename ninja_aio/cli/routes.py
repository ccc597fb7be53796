"""Print every route of the NinjaAPIs in a URLconf with its effective auth.

``python -m ninja_aio routes myproject.urls --settings myproject.settings`` lists
method, path and the auth each route really gets (for viewset routes, also where it
came from: ``post_auth``, ``auth``, the fallback...), so nothing is public by surprise.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["add_arguments", "route_rows", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "urlconf", nargs="?", help="dotted path of a URLconf (default: settings.ROOT_URLCONF)"
    )
    parser.add_argument(
        "--settings", help="Django settings module (default: $DJANGO_SETTINGS_MODULE)"
    )


def _apis(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(URL prefix, NinjaAPI) for each API mounted in ``patterns`` (ninja's root view)."""
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _apis(pattern.url_patterns, prefix + str(pattern.pattern))
            continue
        callback = pattern.callback
        if pattern.name == "api-root" and isinstance(callback, functools.partial):
            api = callback.keywords.get("api")
            if api is not None:
                yield prefix + str(pattern.pattern), api


def route_rows(urlconf: str) -> list[tuple[str, str, str]]:
    """``(method, path, effective auth)`` of every route in ``urlconf``, in URL order."""
    from django.urls import get_resolver

    from ninja_aio.views.auth_resolution import describe_auth
    from ninja_aio.views.routing import ViewSetRouter

    rows: list[tuple[str, str, str]] = []
    for prefix, api in _apis(get_resolver(urlconf).url_patterns):
        for bound in api._get_bound_routers():
            base = "/" + "/".join(p.strip("/") for p in (prefix, bound.prefix) if p.strip("/"))
            table = bound.template.auth_table if isinstance(bound.template, ViewSetRouter) else {}
            for path, path_view in bound.path_operations.items():
                full = re.sub(r"{[^}:]+:", "{", f"{base.rstrip('/')}/{path.lstrip('/')}")
                for operation in path_view.operations:
                    # The bound operation's authenticators are what runs; a viewset's
                    # resolution only adds where they came from (and hides slash twins).
                    effective = describe_auth(list(operation.auth_callbacks))
                    for method in operation.methods:
                        resolved = table.get((method, path))
                        if table and resolved is None:
                            continue
                        text = resolved.describe(api.auth) if resolved else effective
                        if not text.startswith(effective):
                            text = f"{effective} (router or mount auth)"
                        rows.append((method, full, text))
    return rows


def run(args: argparse.Namespace) -> int:
    if args.settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        raise SystemExit("routes: no settings: pass --settings or set DJANGO_SETTINGS_MODULE")
    import django
    from django.conf import settings

    django.setup()
    rows = route_rows(args.urlconf or settings.ROOT_URLCONF)
    if not rows:
        raise SystemExit("routes: no NinjaAPI found in the URLconf")
    header = ("METHOD", "PATH", "AUTH")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(2)]
    out = [f"{m:<{widths[0]}}  {p:<{widths[1]}}  {a}" for m, p, a in (header, *rows)]
    sys.stdout.write("\n".join(out) + "\n")
    return 0
