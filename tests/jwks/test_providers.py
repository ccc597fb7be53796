"""Presets: Auth0 by domain and audience, Keycloak by realm URL and client."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from ninja_aio.auth.providers import Auth0JwtBearer, KeycloakJwtBearer
from tests.jwks.helpers import AUDIENCE, FAST, auth_header, client_for, token


def test_auth0_derives_issuer_with_trailing_slash():
    class Api(Auth0JwtBearer):
        domain = "tenant.eu.auth0.com"
        audience = "https://api.example.com"

    assert Api.issuer == "https://tenant.eu.auth0.com/"
    assert Api.roles_claim == "permissions"
    source = Api()._keys
    assert source.discovery.name == "https://tenant.eu.auth0.com/.well-known/openid-configuration"


def test_keycloak_derives_issuer_roles_and_azp():
    class Api(KeycloakJwtBearer):
        realm_url = "https://kc.example.com/realms/shop/"
        client_id = "shop-api"
        claims = {"email_verified": {"essential": True, "value": True}}

    assert Api.issuer == "https://kc.example.com/realms/shop"
    assert Api.roles_claim == ("realm_access.roles", "resource_access.shop-api.roles")
    assert Api.claims == {
        "azp": {"essential": True, "value": "shop-api"},
        "typ": {"essential": True, "value": "Bearer"},
        "email_verified": {"essential": True, "value": True},
    }

    class Other(Api):
        client_id = "admin-ui"

    assert Other.claims["azp"]["value"] == "admin-ui"
    assert Other.claims["email_verified"] == {"essential": True, "value": True}


@pytest.mark.parametrize(
    ("preset", "attributes"),
    [
        (Auth0JwtBearer, {"domain": "t.auth0.com"}),
        (Auth0JwtBearer, {"audience": "api"}),
        (KeycloakJwtBearer, {"realm_url": "https://kc.example.com/realms/r"}),
    ],
)
def test_unconfigured_preset_is_refused(preset, attributes):
    with pytest.raises(ImproperlyConfigured):
        type("Api", (preset,), attributes)()


def test_keycloak_client_id_with_dot_is_refused():
    with pytest.raises(ImproperlyConfigured, match="client_id"):
        type(
            "Api",
            (KeycloakJwtBearer,),
            {"realm_url": "https://kc.test/realms/r", "client_id": "a.b"},
        )


async def test_auth0_preset_end_to_end(idp, rsa_key):
    idp.published_issuer = idp.issuer + "/"

    class Api(Auth0JwtBearer):
        domain = idp.url
        audience = AUDIENCE
        required_scopes = ["read:items"]
        required_roles = ["items:admin"]
        jwks_cooldown = FAST["jwks_cooldown"]

    client = client_for(Api())
    iss = idp.issuer + "/"
    good = token(rsa_key, iss, scope="openid read:items", permissions=["items:admin"])
    assert (await client.get("/me", headers=auth_header(good))).status_code == 200
    no_scope = token(rsa_key, iss, scope="openid", permissions=["items:admin"])
    assert (await client.get("/me", headers=auth_header(no_scope))).status_code == 403
    no_permission = token(rsa_key, iss, scope="read:items", permissions=["items:read"])
    assert (await client.get("/me", headers=auth_header(no_permission))).status_code == 403
    other_audience = token(rsa_key, iss, scope="read:items", aud="https://other")
    assert (await client.get("/me", headers=auth_header(other_audience))).status_code == 401
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 1)


async def test_keycloak_preset_end_to_end(idp, rsa_key):
    class Api(KeycloakJwtBearer):
        realm_url = idp.url
        client_id = "shop"
        required_roles = ["admin"]

    client = client_for(Api())

    def kc_token(**claims):
        base = {"azp": "shop", "typ": "Bearer", "realm_access": {"roles": ["user"]}}
        return auth_header(token(rsa_key, idp.issuer, **{**base, **claims}))

    realm_admin = kc_token(realm_access={"roles": ["admin"]})
    assert (await client.get("/me", headers=realm_admin)).status_code == 200
    client_admin = kc_token(resource_access={"shop": {"roles": ["admin"]}})
    assert (await client.get("/me", headers=client_admin)).status_code == 200
    other_client_admin = kc_token(resource_access={"other": {"roles": ["admin"]}})
    assert (await client.get("/me", headers=other_client_admin)).status_code == 403
    wrong_azp = kc_token(azp="other", realm_access={"roles": ["admin"]})
    assert (await client.get("/me", headers=wrong_azp)).status_code == 401
    id_token = kc_token(typ="ID", realm_access={"roles": ["admin"]})
    assert (await client.get("/me", headers=id_token)).status_code == 401
