"""A write schema holds exactly what its serializer names; relations stay in the caller's scope."""

import pytest
from django.db import models
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio.models import ModelSerializer, Serializer
from tests.testapp.models import Book, Doc, Folder, Label, Memo, Tenant
from tests.viewsets import apis
from tests.viewsets.conftest import bearer, make_token

# -- declarations refused at class creation -----------------------------------------------


def test_a_write_serializer_naming_nothing_is_refused_at_class_creation():
    with pytest.raises(ConfigError, match=r'UpdateSerializer names no field.*fields = \["title"\]'):

        class Loose(ModelSerializer):
            title = models.CharField(max_length=10)

            class Meta:
                app_label = "testapp"

            class UpdateSerializer:
                pass


def test_excludes_on_a_write_serializer_is_refused():
    with pytest.raises(ConfigError, match=r"CreateSerializer: `excludes` is not supported"):

        class Excluding(ModelSerializer):
            title = models.CharField(max_length=10)

            class Meta:
                app_label = "testapp"

            class CreateSerializer:
                excludes = ["id"]


@pytest.mark.parametrize(
    "config",
    [{}, {"excludes": ["isbn"]}, {"relations": {"author": ["id"]}}],
    ids=["empty", "excludes", "relations only"],
)
def test_a_serializer_meta_write_config_naming_nothing_is_refused(config):
    with pytest.raises(ConfigError, match=r"LooseBookSerializer.Meta.update"):

        class LooseBookSerializer(Serializer):
            class Meta:
                model = Book
                update = config


def test_customs_alone_are_a_declared_write_schema():
    class NoteOnlySerializer(Serializer):
        class Meta:
            model = Tenant
            update = {"customs": [("note", str, "")]}

    assert set(NoteOnlySerializer.get_schema("update").model_fields) == {"note"}


def test_a_read_schema_listing_no_fields_never_serves_a_password():
    class Vault(ModelSerializer):
        name = models.CharField(max_length=10)
        password = models.CharField(max_length=128)

        class Meta:
            app_label = "testapp"

    with pytest.raises(ConfigError, match="would serve password"):
        Vault.get_schema("read")


# -- OpenAPI lists exactly the declared keys ---------------------------------------------------


def _payload_properties(api, path, method):
    schema = api.get_openapi_schema(path_prefix="/")
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    return set(schema["components"]["schemas"][name]["properties"])


def test_openapi_write_schemas_list_exactly_the_declared_fields():
    tenant = apis.tenant_api
    assert _payload_properties(tenant, "/memo/{id}/", "patch") == {"title"}
    assert _payload_properties(tenant, "/memo/", "post") == {"title", "tenant"}
    assert _payload_properties(tenant, "/doc/", "post") == {"title", "folder", "labels"}
    assert _payload_properties(tenant, "/doc/{id}/", "patch") == {"title", "folder"}
    assert _payload_properties(apis.api, "/book/{id}/", "patch") == {"title", "published"}
    article = _payload_properties(apis.api, "/article/", "post")
    assert article == {"title", "body", "subtitle", "status", "author", "tags", "owner"} | {
        "is_published",
        "notify",
    }


# -- through HTTP: undeclared columns and other tenants' relations -----------------------------

db = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def tenants(user):
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")
    rows = {"a": a, "b": b, "headers": bearer(make_token(user, tenant_id=a.pk))}
    for key, tenant in (("a", a), ("b", b)):
        rows[f"folder_{key}"] = await Folder.objects.acreate(name=key, tenant=tenant)
        rows[f"label_{key}"] = await Label.objects.acreate(name=key, tenant=tenant)
    rows["memo"] = await Memo.objects.acreate(title="mine", tenant=a)
    rows["doc"] = await Doc.objects.acreate(title="doc", tenant=a, folder=rows["folder_a"])
    await rows["doc"].labels.aset([rows["label_a"]])
    return rows


@pytest.fixture
def tenant_client():
    return TestAsyncClient(apis.tenant_api)


def _locs(response):
    return [(e["loc"][-1], e["type"]) for e in response.json()["detail"]]


@db
async def test_optionals_only_update_cannot_move_a_row_to_another_tenant(tenant_client, tenants):
    memo, headers = tenants["memo"], tenants["headers"]
    response = await tenant_client.patch(
        f"/memo/{memo.pk}/", json={"tenant": tenants["b"].pk}, headers=headers
    )
    assert response.status_code == 422
    assert _locs(response) == [("tenant", "extra_forbidden")]
    renamed = await tenant_client.patch(f"/memo/{memo.pk}/", json={"title": "t"}, headers=headers)
    assert renamed.status_code == 200
    assert renamed.json() == {"id": memo.pk, "title": "t", "tenant": tenants["a"].pk}
    await memo.arefresh_from_db()
    assert (memo.tenant_id, memo.title) == (tenants["a"].pk, "t")


@db
async def test_undeclared_m2m_and_columns_are_refused_on_update(tenant_client, tenants):
    doc, headers = tenants["doc"], tenants["headers"]
    body = {"labels": [tenants["label_b"].pk], "tenant": tenants["b"].pk}
    response = await tenant_client.patch(f"/doc/{doc.pk}/", json=body, headers=headers)
    assert response.status_code == 422
    assert sorted(_locs(response)) == [("labels", "extra_forbidden"), ("tenant", "extra_forbidden")]
    assert [label.pk async for label in doc.labels.all()] == [tenants["label_a"].pk]


@db
async def test_create_cannot_attach_another_tenants_parent_or_tag(tenant_client, tenants):
    headers = tenants["headers"]
    parent = await tenant_client.post(
        "/doc/", json={"title": "x", "folder": tenants["folder_b"].pk}, headers=headers
    )
    tag = await tenant_client.post(
        "/doc/", json={"title": "x", "labels": [tenants["label_b"].pk]}, headers=headers
    )
    assert (parent.status_code, _locs(parent)) == (422, [("folder", "not_found")])
    assert (tag.status_code, _locs(tag)) == (422, [("labels", "not_found")])
    # The message is the one of a key that does not exist: no existence leak.
    missing = await tenant_client.post(
        "/doc/", json={"title": "x", "folder": tenants["folder_b"].pk + 100}, headers=headers
    )
    assert parent.json()["detail"][0]["msg"].replace(str(tenants["folder_b"].pk), "N") == (
        missing.json()["detail"][0]["msg"].replace(str(tenants["folder_b"].pk + 100), "N")
    )
    assert await Doc.objects.acount() == 1
    own = await tenant_client.post(
        "/doc/",
        json={"title": "x", "folder": tenants["folder_a"].pk, "labels": [tenants["label_a"].pk]},
        headers=headers,
    )
    assert own.status_code == 201
    assert own.json()["tenant"] == tenants["a"].pk
    assert own.json()["labels"] == [{"id": tenants["label_a"].pk, "name": "a"}]


@db
async def test_update_cannot_attach_another_tenants_parent(tenant_client, tenants):
    doc, headers = tenants["doc"], tenants["headers"]
    response = await tenant_client.patch(
        f"/doc/{doc.pk}/", json={"folder": tenants["folder_b"].pk}, headers=headers
    )
    assert (response.status_code, _locs(response)) == (422, [("folder", "not_found")])
    await doc.arefresh_from_db()
    assert doc.folder_id == tenants["folder_a"].pk
    cleared = await tenant_client.patch(f"/doc/{doc.pk}/", json={"folder": None}, headers=headers)
    assert (cleared.status_code, cleared.json()["folder"]) == (200, None)
