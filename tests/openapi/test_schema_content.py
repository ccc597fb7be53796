"""What the document says about parameters, responses, components and operation ids."""

import re
import typing

from pydantic import Field

from tests.openapi.conftest import operations


def refs(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item.rsplit("/", 1)[-1]
            else:
                yield from refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs(item)


def test_every_component_is_referenced_and_every_reference_exists(doc):
    schemas = doc["components"]["schemas"]
    reached, todo = set(), set(refs(doc["paths"]))
    while todo:
        name = todo.pop()
        reached.add(name)
        assert name in schemas, f"dangling $ref {name}"
        todo |= set(refs(schemas[name])) - reached
    assert set(schemas) == reached
    assert "Input" not in schemas


def test_query_parameters_are_typed_plainly(doc):
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/author/"]["get"]["parameters"]}
    page_size = params["page_size"]
    assert page_size["type"] == "integer"
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (1, 50, 5)
    for _path, _method, operation in operations(doc):
        for parameter in operation.get("parameters", []):
            assert "anyOf" not in parameter["schema"], parameter


def test_action_responses_come_from_annotation_or_response(doc):
    summary = doc["paths"]["/api/article/summary/"]["get"]["responses"]
    assert summary["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StatsOut"
    }
    assert "404" not in summary  # a list action has no row to miss
    publish = doc["paths"]["/api/article/{pk}/publish/"]["post"]["responses"]
    assert publish["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PublishOut"
    }
    words = doc["paths"]["/api/article/{pk}/words/"]["get"]["responses"]
    assert words["200"]["content"]["application/json"]["schema"]["items"] == {"type": "string"}


def test_action_error_statuses_are_documented(doc):
    def body(responses, status):
        return responses[status]["content"]["application/json"]["schema"]["$ref"]

    publish = doc["paths"]["/api/article/{pk}/publish/"]["post"]["responses"]
    assert body(publish, "404").endswith("/ErrorBody")
    assert body(publish, "409").endswith("/ErrorBody")  # a write may conflict
    words = doc["paths"]["/api/article/{pk}/words/"]["get"]["responses"]
    assert body(words, "404").endswith("/ErrorBody")
    assert body(words, "422").endswith("/ValidationErrorBody")  # ?limit=
    assert {"401", "403"} <= set(publish)  # post_auth (EditorAuth) reached it


def test_operation_ids_are_unique_and_named_alike(doc):
    ids = [operation["operationId"] for _p, _m, operation in operations(doc)]
    assert len(ids) == len(set(ids))
    assert {
        "article_list",
        "article_create",
        "article_summary",
        "article_publish",
        "article_stats",  # a views() route: <viewset path>_<function>, like generated ones
        "tag_stats",
        "article_inbox_get",  # one route, two methods: one id each
        "article_inbox_post",
    } <= set(ids)


def test_text_fields_document_what_writes_validate(doc):
    fields = doc["components"]["schemas"]["AllTypesCreate"]["properties"]
    assert fields["slug"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert fields["slug"]["maxLength"] == 50
    assert fields["char"]["maxLength"] == 20
    assert re.fullmatch(fields["char"]["pattern"].replace("\\u0000", "\x00"), "any text")
    assert fields["email"]["format"] == "email"


def test_constraints_of_the_key_type_reach_the_path_parameter(monkeypatch):
    """Bounds on the primary-key annotation (``Annotated[int, Field(...)]``) are kept, and
    the key keeps its ``int`` converter."""
    from ninja_aio import NinjaAIO
    from ninja_aio.views import APIViewSet, routing
    from tests.testapp.models import Tag

    bounded = typing.Annotated[int, Field(ge=1, le=2**63 - 1)]
    monkeypatch.setattr(routing, "pk_type", lambda model: bounded)
    api = NinjaAIO(urls_namespace="openapi-bounded")

    class BoundedTagViewSet(APIViewSet):
        model = Tag

    BoundedTagViewSet.api = api
    BoundedTagViewSet().add_views_to_route()
    doc = api.get_openapi_schema(path_prefix="/")
    parameters = doc["paths"]["/tag/{id}"]["get"]["parameters"]
    (param,) = [p for p in parameters if p["in"] == "path"]
    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1, "title": "Id"}
    assert any("<int:id>" in str(p.pattern) for p in api.urls[0])
