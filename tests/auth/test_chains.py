"""Authenticator chains: stepping aside, several issuers, most specific failure, | and &."""

from ninja import NinjaAPI
from ninja.security import APIKeyHeader
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AllOf, AnyOf, AsyncJwtBearer, encode_jwt
from tests.auth.conftest import bearer, new_api, public


class KeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    async def authenticate(self, request, key):
        return {"api_key": key} if key == "secret-key" else None


def make_issuers(rsa_key, other_rsa_key):
    class IssuerA(AsyncJwtBearer):
        jwt_public = public(rsa_key)
        issuer = "https://a.example"

    class IssuerB(AsyncJwtBearer):
        jwt_public = public(other_rsa_key)
        issuer = "https://b.example"
        required_scopes = ["read"]

    return IssuerA, IssuerB


def client_for(auth, api=None):
    api = api or new_api()

    @api.get("/p", auth=auth)
    async def view(request):
        return {"auth": request.auth}

    return TestAsyncClient(api)


async def test_without_bearer_the_next_authenticator_runs(rsa_key, other_rsa_key):
    issuer_a, _ = make_issuers(rsa_key, other_rsa_key)
    client = client_for([issuer_a(), KeyAuth()])
    by_key = await client.get("/p", headers={"X-API-Key": "secret-key"})
    assert by_key.json() == {"auth": {"api_key": "secret-key"}}
    by_basic = await client.get(
        "/p", headers={"Authorization": "Basic eDp5", "X-API-Key": "secret-key"}
    )
    assert by_basic.status_code == 200
    token = encode_jwt({"sub": "a", "iss": "https://a.example"}, 60, rsa_key)
    by_jwt = await client.get("/p", headers=bearer(token))
    assert by_jwt.json()["auth"]["sub"] == "a"
    neither = await client.get("/p", headers={"X-API-Key": "wrong"})
    assert neither.status_code == 401
    assert neither.headers["WWW-Authenticate"] == 'Bearer realm="api"'


async def test_two_issuers_in_one_list_accept_either(rsa_key, other_rsa_key):
    issuer_a, issuer_b = make_issuers(rsa_key, other_rsa_key)
    client = client_for([issuer_a(), issuer_b()])
    token_a = encode_jwt({"sub": "a", "iss": "https://a.example"}, 60, rsa_key)
    token_b = encode_jwt(
        {"sub": "b", "iss": "https://b.example", "scope": "read"}, 60, other_rsa_key
    )
    assert (await client.get("/p", headers=bearer(token_a))).json()["auth"]["sub"] == "a"
    assert (await client.get("/p", headers=bearer(token_b))).json()["auth"]["sub"] == "b"


async def test_the_most_specific_failure_is_reported(rsa_key, other_rsa_key):
    issuer_a, issuer_b = make_issuers(rsa_key, other_rsa_key)
    client = client_for([issuer_a(), issuer_b()])
    expired_b = encode_jwt({"sub": "b", "iss": "https://b.example"}, -5, other_rsa_key)
    response = await client.get("/p", headers=bearer(expired_b))
    assert response.status_code == 401
    # Issuer A saw a bad signature; B verified the signature and found it expired.
    assert response.json() == {"detail": "Token has expired"}
    unscoped_b = encode_jwt({"sub": "b", "iss": "https://b.example"}, 60, other_rsa_key)
    forbidden = await client.get("/p", headers=bearer(unscoped_b))
    assert forbidden.status_code == 403
    assert 'scope="read"' in forbidden.headers["WWW-Authenticate"]


async def test_or_means_either(rsa_key, other_rsa_key):
    issuer_a, _ = make_issuers(rsa_key, other_rsa_key)
    combined = issuer_a() | KeyAuth()
    assert isinstance(combined, AnyOf)
    client = client_for(combined)
    token = encode_jwt({"sub": "a", "iss": "https://a.example"}, 60, rsa_key)
    assert (await client.get("/p", headers=bearer(token))).status_code == 200
    assert (await client.get("/p", headers={"X-API-Key": "secret-key"})).status_code == 200
    assert (await client.get("/p")).status_code == 401
    bad = await client.get("/p", headers=bearer("a.b.c"))
    assert bad.status_code == 401
    assert bad.json() == {"detail": "Malformed token"}


async def test_or_keeps_trying_after_a_403(rsa_key, other_rsa_key):
    public_key = public(rsa_key)

    class Admin(AsyncJwtBearer):
        jwt_public = public_key
        required_roles = ["admin"]

    class Editor(AsyncJwtBearer):
        jwt_public = public_key
        required_roles = ["editor"]

    client = client_for(Admin() | Editor())
    editor = encode_jwt({"sub": "e", "roles": ["editor"]}, 60, rsa_key)
    assert (await client.get("/p", headers=bearer(editor))).status_code == 200
    viewer = encode_jwt({"sub": "v", "roles": ["viewer"]}, 60, rsa_key)
    refused = await client.get("/p", headers=bearer(viewer))
    assert refused.status_code == 403


async def test_or_works_with_a_plain_ninja_api(rsa_key, other_rsa_key):
    issuer_a, _ = make_issuers(rsa_key, other_rsa_key)
    client = client_for(issuer_a() | KeyAuth(), api=NinjaAPI(urls_namespace="plain-or"))
    assert (await client.get("/p", headers={"X-API-Key": "secret-key"})).status_code == 200
    assert (await client.get("/p", headers=bearer("bad"))).status_code == 401


async def test_and_means_both(rsa_key, other_rsa_key):
    issuer_a, _ = make_issuers(rsa_key, other_rsa_key)
    combined = issuer_a() & KeyAuth()
    assert isinstance(combined, AllOf)
    client = client_for(combined)
    token = encode_jwt({"sub": "a", "iss": "https://a.example"}, 60, rsa_key)
    both = await client.get("/p", headers={**bearer(token), "X-API-Key": "secret-key"})
    assert both.json()["auth"]["sub"] == "a"
    assert (await client.get("/p", headers=bearer(token))).status_code == 401
    assert (await client.get("/p", headers={"X-API-Key": "secret-key"})).status_code == 401


def test_combined_operators_flatten(rsa_key, other_rsa_key):
    issuer_a, issuer_b = make_issuers(rsa_key, other_rsa_key)
    chain = issuer_a() | issuer_b() | KeyAuth()
    assert len(chain.auths) == 3
    both = issuer_a() & issuer_b() & KeyAuth()
    assert len(both.auths) == 3


def test_openapi_lists_combined_authenticators_as_alternatives(rsa_key, other_rsa_key):
    issuer_a, issuer_b = make_issuers(rsa_key, other_rsa_key)
    api = new_api()

    @api.get("/either", auth=issuer_a() | KeyAuth())
    async def either(request):
        return {}

    @api.get("/both", auth=issuer_a() & (issuer_b() | KeyAuth()))
    async def both(request):
        return {}

    schema = api.get_openapi_schema(path_prefix="")
    # One scheme per credential: both issuers read the Bearer header; IssuerB's scope
    # goes in the requirement.
    key = "header.x-api-key"
    assert schema["paths"]["/either"]["get"]["security"] == [{"Bearer": []}, {key: []}]
    assert schema["paths"]["/both"]["get"]["security"] == [
        {"Bearer": ["read"]},
        {"Bearer": [], key: []},
    ]
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"Bearer", key}
    assert schemes[key] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert "401" in schema["paths"]["/both"]["get"]["responses"]
