"""``WWW-Authenticate`` and ``Retry-After`` values are always well formed, whoever built them.

Configuration is checked when the class is created (``realm``, ``required_scopes``);
what reaches the header at run time (an ``InsufficientScope(scope=...)`` built in
``auth_handler``, a realm or description changed later) is escaped or filtered, so
no quote, backslash, NUL or CRLF can end a quoted-string or add a parameter, and
nothing turns into a 500.
"""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import OctKey
from ninja import NinjaAPI
from ninja.testing import TestAsyncClient

from ninja_aio.auth import (
    AsyncJwtBearer,
    InsufficientScope,
    InvalidToken,
    KeysUnavailable,
    encode_jwt,
)
from tests.auth.conftest import bearer, new_api

SECRET = OctKey.generate_key(256)
_PARAM = r'([a-z_]+)="((?:[^"\\\x00-\x1f\x7f]|\\[\t\x20-\x7e])*)"'
_CHALLENGE = re.compile(rf"Bearer {_PARAM}(?:, {_PARAM})*")
#: RFC 6750 §3: what error, error_description and scope values may hold.
_RFC6750_TEXT = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
HOSTILE = [
    'api", error_uri="https://evil.example"',
    'read"',
    "read\\",
    "read\x00",
    "read\r\nSet-Cookie: a=b",
    "read\nX-Evil: 1",
    "réad",
]


def parse_challenge(value: str) -> dict[str, str]:
    """The auth-params of one Bearer challenge (RFC 9110 §11.2), or AssertionError."""
    assert _CHALLENGE.fullmatch(value), value
    return {
        name: re.sub(r"\\(.)", r"\1", text)
        for name, text in re.findall(_PARAM, value[len("Bearer ") :])
    }


def token(**claims) -> str:
    return encode_jwt({"sub": "u", **claims}, 60, SECRET, "HS256")


class Hs(AsyncJwtBearer):
    jwt_public = SECRET
    jwt_alg = "HS256"


def client_raising(failure, api=None) -> TestAsyncClient:
    class Raising(Hs):
        async def auth_handler(self, request):
            raise failure

    api = api or new_api()

    @api.get("/p", auth=Raising())
    async def view(request):
        return {}

    return TestAsyncClient(api)


@pytest.mark.parametrize("scope", [*HOSTILE, "read write", "", "read\t"])
def test_required_scopes_must_be_scope_tokens(scope):
    with pytest.raises(ImproperlyConfigured) as info:
        type("Scoped", (Hs,), {"required_scopes": ["ok", scope]})
    assert "Scoped.required_scopes" in str(info.value)
    assert repr(scope) in str(info.value)


async def test_every_scope_token_character_is_allowed_and_sent_as_is():
    scopes = ["read:admin", "https://api.example/x.y", "!#[]~{}|^`"]
    scoped = type("Scoped", (Hs,), {"required_scopes": scopes})
    api = new_api()

    @api.get("/p", auth=scoped())
    async def view(request):
        return {}

    response = await TestAsyncClient(api).get("/p", headers=bearer(token()))
    assert response.status_code == 403
    assert parse_challenge(response.headers["WWW-Authenticate"])["scope"] == " ".join(scopes)


@pytest.mark.parametrize("scope", HOSTILE)
async def test_a_hostile_scope_built_at_run_time_cannot_inject(scope):
    response = await client_raising(InsufficientScope(scope=scope)).get(
        "/p", headers=bearer(token())
    )
    assert response.status_code == 403
    params = parse_challenge(response.headers["WWW-Authenticate"])
    assert set(params) <= {"realm", "error", "error_description", "scope"}
    assert params["error"] == "insufficient_scope"
    # Only whole scope-tokens, space-separated, survive: nothing can end the quoted-string.
    assert all(_SCOPE_TOKEN.fullmatch(part) for part in params.get("scope", "x").split(" "))


async def test_valid_scope_tokens_survive_next_to_hostile_ones():
    mixed = InsufficientScope(scope=["read", 'x", a="b', "write:all", "bad\r\n"])
    response = await client_raising(mixed).get("/p", headers=bearer(token()))
    assert parse_challenge(response.headers["WWW-Authenticate"])["scope"] == "read write:all"
    text = InsufficientScope(scope="read  write\tadmin")
    response = await client_raising(text).get("/p", headers=bearer(token()))
    assert parse_challenge(response.headers["WWW-Authenticate"])["scope"] == "read write admin"
    odd = InsufficientScope(scope=42)  # not text at all: still a 403, never a 500
    response = await client_raising(odd).get("/p", headers=bearer(token()))
    assert parse_challenge(response.headers["WWW-Authenticate"])["scope"] == "42"


async def test_a_realm_and_description_set_at_run_time_are_escaped():
    class Custom(InsufficientScope):
        description = 'Needs "admin" \\ or\r\nmore'

    realm = 'a"b\\c\r\nd\x00e'
    for failure in (InvalidToken("Nope", realm=realm), Custom(realm=realm, scope="admin")):
        response = await client_raising(failure).get("/p", headers=bearer(token()))
        assert response.status_code == failure.status_code
        params = parse_challenge(response.headers["WWW-Authenticate"])
        assert params["realm"] == 'a"b\\cde'  # quoted-pairs, controls dropped
        assert _RFC6750_TEXT.fullmatch(params["error_description"])
    assert params["error_description"] == "Needs admin  ormore"


async def test_a_realm_changed_on_the_instance_is_escaped():
    auth = Hs()
    auth.realm = 'x", error="spoof'
    api = new_api()

    @api.get("/p", auth=auth)
    async def view(request):
        return {}

    response = await TestAsyncClient(api).get("/p")
    assert parse_challenge(response.headers["WWW-Authenticate"]) == {"realm": 'x", error="spoof'}


@pytest.mark.parametrize(("retry_after", "header"), [(2.5, "3"), (7, "7"), (-4, "0")])
async def test_retry_after_is_delay_seconds(retry_after, header):
    failure = KeysUnavailable(retry_after=retry_after)
    response = await client_raising(failure).get("/p", headers=bearer(token()))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == header


@pytest.mark.parametrize("retry_after", ["5\r\nX-Evil: 1", float("inf"), float("nan"), None])
async def test_a_retry_after_that_is_no_number_falls_back(retry_after):
    failure = KeysUnavailable(retry_after=retry_after)
    response = await client_raising(failure).get("/p", headers=bearer(token()))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"


async def test_a_plain_ninja_api_answers_the_status_too():
    api = NinjaAPI(urls_namespace="challenges-plain")
    client = client_raising(InsufficientScope(scope=HOSTILE[4]), api=api)
    assert (await client.get("/p", headers=bearer(token()))).status_code == 403
