"""Helpers for your own tests.

- ``TokenFactory`` / ``make_token``: tokens an authenticator class accepts, signed with a
  test key that ``TokenFactory.trust()`` makes the class use.
- ``force_auth``: a test client whose requests are authenticated without a token.
- ``obtain_tokens`` / ``issue_tokens``: tokens of your own ``TokenIssuer``.
- ``JwksServer``: a loopback identity provider (discovery document, JWK Set, failures).
- A pytest plugin (loaded automatically) exposes them as fixtures: ``jwt_tokens``,
  ``force_auth``, ``jwks_server``.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> module: imported on first use, since the pytest plugin loads before
#: Django's settings and django-ninja reads them when it is imported.
_EXPORTS = {
    "ForcedAuthClient": "ninja_aio.testing.auth",
    "force_auth": "ninja_aio.testing.auth",
    "JwksServer": "ninja_aio.testing.jwks_server",
    "TokenFactory": "ninja_aio.testing.tokens",
    "generate_key": "ninja_aio.testing.tokens",
    "make_token": "ninja_aio.testing.tokens",
    "issue_tokens": "ninja_aio.testing.issued",
    "obtain_tokens": "ninja_aio.testing.issued",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ninja_aio.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
