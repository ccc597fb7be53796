"""Shared fixtures: keys generated at test time."""

import os

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections
from hypothesis import settings as hypothesis_settings
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from tests.services import SERVICES, need

# CI replays the same examples on every run (derandomized): a failure there is
# reproducible, and new random exploration happens on developers' machines.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.node`` / ``redis`` / ``postgresql``: see tests/services.py."""
    for service in SERVICES:
        if item.get_closest_marker(service) is not None:
            need(service)


@pytest.fixture(scope="session")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})


@pytest.fixture(scope="session")
def other_rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "rsa-2"})


@pytest.fixture(scope="session")
def ec_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": "ec-1"})


@pytest.fixture(scope="session")
def okp_key() -> OKPKey:
    return OKPKey.generate_key("Ed25519", parameters={"kid": "okp-1"})


@pytest.fixture(scope="session")
def hmac_key() -> OctKey:
    return OctKey.generate_key(256, parameters={"kid": "hs-1"})


@pytest.fixture(autouse=True)
def _close_orm_thread_connections():
    """The async ORM runs in asgiref's executor thread: close its connections after each
    test, so PostgreSQL can drop the test database at the end of the run."""
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def verified_signatures(monkeypatch):
    """``verified_signatures("RS256")``: the list of every message joserfc verifies with
    that algorithm from then on (how the token-cache tests count fresh verifications)."""

    def spy_on(alg: str) -> list[bytes]:
        checked: list[bytes] = []
        algorithm = JWSRegistry.algorithms[alg]
        original = algorithm.verify

        def verify(message, signature, key):
            checked.append(message)
            return original(message, signature, key)

        monkeypatch.setattr(algorithm, "verify", verify)
        return checked

    return spy_on
