"""OpenID discovery: ``issuer`` alone, or ``openid_configuration_url``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from ninja_aio.testing import JwksServer
from tests.jwks.helpers import auth_header, bearer, client_for, token


async def test_issuer_alone_discovers_the_keys(idp, rsa_key):
    client = client_for(bearer(issuer=idp.issuer)())
    for _ in range(3):
        response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
        assert response.status_code == 200
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 1)


async def test_issuer_with_trailing_slash_discovers_from_the_same_place(idp, rsa_key):
    idp.published_issuer = idp.issuer + "/"
    client = client_for(bearer(issuer=idp.issuer + "/")())
    ok = token(rsa_key, idp.issuer + "/")
    assert (await client.get("/me", headers=auth_header(ok))).status_code == 200
    without_slash = token(rsa_key, idp.issuer)
    assert (await client.get("/me", headers=auth_header(without_slash))).status_code == 401


@pytest.mark.parametrize(
    "published",
    ["{url}/", "{url}/other", "{url_upper}", "https://127.0.0.1:{port}"],
)
async def test_discovery_issuer_must_equal_the_configured_one(idp, rsa_key, published):
    idp.published_issuer = published.format(
        url=idp.issuer, url_upper=idp.issuer.upper(), port=idp.port
    )
    client = client_for(bearer(issuer=idp.issuer)())
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 503
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 0)


async def test_configuration_url_without_issuer_checks_iss_against_the_document(idp, rsa_key):
    client = client_for(bearer(openid_configuration_url=idp.openid_configuration_url)())
    ok = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert ok.status_code == 200
    other = await client.get("/me", headers=auth_header(token(rsa_key, "https://evil.example")))
    assert other.status_code == 401
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 1)


async def test_configuration_url_with_issuer_checks_both(idp, rsa_key):
    auth = bearer(openid_configuration_url=idp.openid_configuration_url, issuer="https://x.test")
    response = await client_for(auth()).get(
        "/me", headers=auth_header(token(rsa_key, "https://x.test"))
    )
    assert response.status_code == 503  # the document names another issuer


@pytest.mark.parametrize("scenario", [JwksServer.UNAVAILABLE, JwksServer.HTML, JwksServer.EMPTY])
async def test_broken_discovery_is_503(idp, rsa_key, scenario):
    idp.discovery_scenario = scenario
    client = client_for(bearer(issuer=idp.issuer)())
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 503
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 0)


@pytest.mark.parametrize("jwks_uri", ["http://idp.example/jwks", "file:///etc/passwd", 42])
async def test_insecure_jwks_uri_in_discovery_is_refused(idp, rsa_key, jwks_uri):
    idp.published_jwks_uri = jwks_uri
    client = client_for(bearer(issuer=idp.issuer)())
    response = await client.get("/me", headers=auth_header(token(rsa_key, idp.issuer)))
    assert response.status_code == 503
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 0)


def test_insecure_issuer_is_refused_at_startup():
    with pytest.raises(ImproperlyConfigured, match="issuer"):
        bearer(issuer="http://idp.example.com")()


async def test_bearers_share_one_cache_per_url(idp, rsa_key):
    first, second = bearer(issuer=idp.issuer), bearer(issuer=idp.issuer)
    for auth in (first(), first(), second()):
        response = await client_for(auth).get(
            "/me", headers=auth_header(token(rsa_key, idp.issuer))
        )
        assert response.status_code == 200
    assert (idp.fetches("discovery"), idp.fetches("jwks")) == (1, 1)
