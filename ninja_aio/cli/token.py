"""``python -m ninja_aio token``: a signed token with chosen claims, for local calls.

With ``--auth module:Class`` the token carries what that authenticator requires
(``iss``, ``aud``, pinned claims, required scopes and roles, ``typ``), as
``ninja_aio.testing.TokenFactory`` builds it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from ninja_aio.cli import setup_django


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", type=Path, help="private key file (default: JWT_PRIVATE_KEY)")
    parser.add_argument("--alg", default=None, help="RS256 (default), ES256, EdDSA, HS256...")
    parser.add_argument("--sub", default="1", help="subject (default: 1)")
    parser.add_argument("--expires-in", type=int, default=3600, help="seconds (default: 3600)")
    parser.add_argument("--iss", help="issuer (default: JWT_ISSUER)")
    parser.add_argument("--aud", help="audience (default: JWT_AUDIENCE)")
    parser.add_argument("--scope", help='space-separated scopes, e.g. "read write"')
    parser.add_argument("--role", action="append", default=None, help="a role (repeatable)")
    parser.add_argument(
        "--claim", action="append", default=[], metavar="NAME=VALUE", help="JSON or text"
    )
    parser.add_argument("--kid", help="key id for the token header")
    parser.add_argument("--auth", metavar="MODULE:CLASS", help="match this authenticator class")
    parser.add_argument("--settings", help="Django settings module (or DJANGO_SETTINGS_MODULE)")


def _claim(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--claim {text!r}: expected NAME=VALUE")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def _load_class(path: str) -> Any:
    module_name, sep, class_name = path.partition(":")
    if not sep:
        raise ValueError(f"--auth {path!r}: expected MODULE:CLASS")
    return getattr(importlib.import_module(module_name), class_name)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    claims = dict(_claim(text) for text in args.claim)
    if args.iss:
        claims["iss"] = args.iss
    if args.aud:
        claims["aud"] = args.aud
    return {"sub": args.sub, "scope": args.scope, "roles": args.role, "claims": claims}


def _mint(args: argparse.Namespace) -> str:
    from ninja_aio.auth.tokens import encode_jwt

    key: Any = None
    if args.key is not None:
        key = args.key.read_text()
        key = key.strip() if (args.alg or "").startswith("HS") else key
    header = {"kid": args.kid} if args.kid else None
    options = _options(args)
    if args.auth:
        from ninja_aio.testing.tokens import TokenFactory

        if key is None:
            from django.conf import settings

            key = getattr(settings, "JWT_PRIVATE_KEY", None)
        factory = TokenFactory(_load_class(args.auth), alg=args.alg, private_key=key)
        return factory.make_token(expires_in=args.expires_in, header=header, **options)
    claims = options["claims"]
    if args.sub is not None:
        claims.setdefault("sub", args.sub)
    if args.scope:
        claims["scope"] = args.scope
    if args.role:
        claims["roles"] = args.role
    return encode_jwt(claims, args.expires_in, key, args.alg or "RS256", header=header)


def run(args: argparse.Namespace) -> int:
    setup_django(args.settings)
    from django.core.exceptions import ImproperlyConfigured

    try:
        token = _mint(args)
    except (
        ImproperlyConfigured,
        ValueError,
        TypeError,
        OSError,
        AttributeError,
        ImportError,
    ) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write(token + "\n")
    return 0
