"""Property check: a request valid by the OpenAPI document is never refused with a 422.

Requests are generated from the document itself (a small JSON-schema -> hypothesis
translation covering what these routes use), then sent over HTTP.
"""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

ROUTES_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def document():
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="tests.viewsets.urls"):
        return Client().get("/api/openapi.json").json()


def strategy(schema, components):
    """Values valid by ``schema`` (the subset of JSON Schema our documents use)."""
    if "$ref" in schema:
        return strategy(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        return st.one_of([strategy(s, components) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**63)), schema.get("maximum", 2**63 - 1))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        size = schema.get("maxLength")
        if schema.get("format") == "email":
            text = st.emails()
        elif "pattern" in schema:
            text = st.from_regex(schema["pattern"].replace("\\u0000", "\\x00"), fullmatch=True)
        else:
            text = st.text()
        return text.filter(lambda s: size is None or len(s) <= size)
    if kind == "array":
        return st.lists(strategy(schema["items"], components), max_size=3)
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: strategy(v, components) for k, v in properties.items() if k in required},
            optional={
                k: strategy(v, components) for k, v in properties.items() if k not in required
            },
        )
    raise NotImplementedError(schema)


def query_value(value):
    return json.dumps(value) if isinstance(value, bool) else str(value)


def query(document, path, opaque=()):
    parameters = document["paths"][path]["get"]["parameters"]
    components = document["components"]["schemas"]
    return st.fixed_dictionaries(
        {},
        optional={
            p["name"]: strategy(p["schema"], components)
            for p in parameters
            if p["name"] not in opaque
        },
    )


def body(document, path):
    content = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return strategy(content["schema"], document["components"]["schemas"])


@pytest.mark.parametrize(
    ("path", "opaque"),
    [
        ("/api/author/", ()),
        ("/api/article/", ()),
        ("/api/tags-cursor/", ("cursor",)),  # a cursor is a token the server issued
    ],
)
def test_schema_valid_list_queries_are_accepted(document, path, opaque, settings):
    settings.ROOT_URLCONF = "tests.viewsets.urls"
    client = Client()

    @ROUTES_SETTINGS
    @given(query(document, path, opaque))
    def check(params):
        response = client.get(path, {k: query_value(v) for k, v in params.items()})
        assert response.status_code == 200, (params, response.content)

    check()


@pytest.mark.parametrize("path", ["/api/tag/", "/api/author/"])
def test_schema_valid_bodies_are_accepted(document, path, settings):
    settings.ROOT_URLCONF = "tests.viewsets.urls"
    client = Client()

    @ROUTES_SETTINGS
    @given(body(document, path))
    def check(payload):
        response = client.post(path, payload, content_type="application/json")
        assert response.status_code in (201, 409), (payload, response.content)

    check()


def test_text_list_filters_document_the_no_nul_pattern(document):
    """A list filter refuses NUL (422): OpenAPI says so, or a schema-valid query fails."""
    from ninja_aio.models.patterns import NO_NUL_PATTERN

    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/article/"]["get"]["parameters"]
    }
    assert parameters["tag"]["pattern"] == NO_NUL_PATTERN
    assert parameters["title__icontains"]["pattern"] == NO_NUL_PATTERN
