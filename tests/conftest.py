"""Shared fixtures: keys generated at test time."""

import pytest
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey


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
