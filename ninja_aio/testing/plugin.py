"""pytest plugin (entry point ``ninja_aio``): the testing helpers as fixtures.

- ``jwt_tokens(AuthClass, alg=None)``: a ``TokenFactory`` whose key the class trusts
  until the test ends.
- ``force_auth(client, user, claims=None)``: a client authenticated without tokens.
- ``jwks_server``: a started ``JwksServer`` publishing one RSA key (``.signing_key``).

Imports happen inside the fixtures: the plugin loads before Django is configured.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture
def jwt_tokens() -> Iterator[Callable[..., Any]]:
    """Make ``TokenFactory(auth_class)`` objects whose keys the classes trust for this test."""
    from ninja_aio.testing.tokens import TokenFactory

    with contextlib.ExitStack() as stack:

        def trusted(auth: Any, *, alg: str | None = None) -> TokenFactory:
            return stack.enter_context(TokenFactory(auth, alg=alg).trust())

        yield trusted


@pytest.fixture(name="force_auth")
def force_auth_fixture() -> Callable[..., Any]:
    """``force_auth(client, user, claims=None)``: see ``ninja_aio.testing.force_auth``."""
    from ninja_aio.testing.auth import force_auth

    return force_auth


@pytest.fixture
def jwks_server() -> Iterator[Any]:
    """A loopback identity provider publishing one RSA key, kept as ``.signing_key``."""
    from ninja_aio.testing.jwks_server import JwksServer
    from ninja_aio.testing.tokens import generate_key

    key = generate_key("RS256", kid="jwks-server-1")
    with JwksServer([key]) as server:
        server.signing_key = key
        yield server
