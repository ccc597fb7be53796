"""Fixtures for remote-key tests: a loopback identity provider, no cache left over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from joserfc.jwk import Key

from ninja_aio.auth.remote import reset_remote_caches
from ninja_aio.testing import JwksServer


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    reset_remote_caches()
    yield
    reset_remote_caches()


@pytest.fixture
def idp(rsa_key: Key) -> Iterator[JwksServer]:
    with JwksServer([rsa_key]) as server:
        server.slow_seconds = 1.5
        yield server
