"""``TokenFactory`` / ``make_token``: tokens each authenticator accepts, through HTTP."""

from __future__ import annotations

import pytest
from ninja.testing import TestAsyncClient

from ninja_aio.testing import TokenFactory, make_token
from tests.testing.apis import (
    AUTHENTICATORS,
    EdAuth,
    EditorAuth,
    HmacAuth,
    IdpAuth,
    RealmAuth,
    TenantAuth,
    api,
)

client = TestAsyncClient(api)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("name", sorted(set(AUTHENTICATORS) - {"tenant"}))
async def test_a_factory_token_passes_every_check_of_its_class(name):
    factory = TokenFactory(AUTHENTICATORS[name])
    with factory.trust():
        response = await client.get(f"/{name}", headers=bearer(factory.make_token(sub="42")))
    assert response.status_code == 200, response.json()
    assert response.json()["claims"]["sub"] == "42"


@pytest.mark.parametrize("name", ["editor", "ec", "ed", "hmac"])  # static keys: no network
async def test_without_trust_the_production_keys_refuse_the_test_key(name):
    token = TokenFactory(AUTHENTICATORS[name]).make_token()
    response = await client.get(f"/{name}", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid signature"}


async def test_trust_ends_with_the_block():
    factory = TokenFactory(EditorAuth)
    token = factory.make_token()
    with factory.trust():
        assert (await client.get("/editor", headers=bearer(token))).status_code == 200
    assert (await client.get("/editor", headers=bearer(token))).status_code == 401


async def test_the_token_carries_the_class_requirements():
    claims = TokenFactory(EditorAuth).claims(sub="7")
    assert claims == {
        "sub": "7",
        "iss": "https://issuer.example.test",
        "aud": "blog-api",
        "scope": "articles:write",
        "roles": ["editor"],
    }
    realm = TokenFactory(RealmAuth).claims(sub="7")
    assert realm["realm_access"] == {"roles": ["writer"]}
    assert (realm["azp"], realm["typ"]) == ("blog", "Bearer")


async def test_overriding_roles_or_scope_gets_the_refusal_a_real_token_would():
    factory = TokenFactory(EditorAuth)
    with factory.trust():
        no_role = await client.get("/editor", headers=bearer(factory.make_token(roles=[])))
        no_scope = await client.get("/editor", headers=bearer(factory.make_token(scope="read")))
        expired = await client.get("/editor", headers=bearer(factory.make_token(expires_in=-60)))
    assert no_role.status_code == 403
    assert no_scope.status_code == 403
    assert 'scope="articles:write"' in no_scope["WWW-Authenticate"]
    assert expired.status_code == 401
    assert expired.json() == {"detail": "Token has expired"}


async def test_an_essential_claim_without_a_value_must_be_given():
    with pytest.raises(ValueError, match="requires tenant"):
        TokenFactory(TenantAuth).make_token()
    factory = TokenFactory(TenantAuth)
    with factory.trust():
        token = factory.make_token(claims={"tenant": 3})
        response = await client.get("/tenant", headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["claims"]["tenant"] == 3


async def test_remote_key_classes_are_verified_without_the_network():
    factory = TokenFactory(IdpAuth)
    with factory.trust():
        response = await client.get("/idp", headers=bearer(factory.make_token()))
    assert response.status_code == 200


async def test_make_token_signs_with_the_shared_test_key_of_the_algorithm():
    with TokenFactory(EdAuth).trust():
        response = await client.get("/ed", headers=bearer(make_token(EdAuth, sub="9")))
    assert response.status_code == 200
    assert response.json()["claims"]["sub"] == "9"


async def test_a_key_the_class_already_trusts_needs_no_trust_block():
    secret = HmacAuth.jwt_public
    token = make_token(HmacAuth, private_key=secret)
    response = await client.get("/hmac", headers=bearer(token))
    assert response.status_code == 200


def test_algorithms_the_class_refuses_are_refused_up_front():
    with pytest.raises(ValueError, match="does not accept ES256"):
        TokenFactory(EditorAuth, alg="ES256")
    with pytest.raises(TypeError, match="not an AsyncJwtBearer"):
        TokenFactory(dict)
