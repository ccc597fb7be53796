"""Helpers for the authentication tests: public keys, token minting, throw-away APIs."""

import itertools

import pytest
from joserfc.jwk import RSAKey

from ninja_aio import NinjaAIO

_names = itertools.count()


def public(key):
    """The public half of a joserfc key, as a verifier would hold it."""
    return type(key).import_key(key.as_dict(private=False))


def new_api(**kwargs) -> NinjaAIO:
    """A NinjaAIO with a unique URL namespace, so tests can build as many as they need."""
    return NinjaAIO(urls_namespace=f"auth-test-{next(_names)}", **kwargs)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def rsa_public(rsa_key) -> RSAKey:
    return public(rsa_key)
