"""The OpenAPI document of ``tests.openapi.apis``, fetched over HTTP."""

import pytest
from django.test import Client


@pytest.fixture
def http(settings) -> Client:
    settings.ROOT_URLCONF = "tests.openapi.apis"
    return Client()


@pytest.fixture
def doc(http) -> dict:
    response = http.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(doc: dict):
    """(path, method, operation) of every documented operation."""
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation
