"""Property-based fuzzing of AsyncJwtBearer through HTTP (research §3.2 row 45).

Whatever the ``Authorization`` header holds: never a 500; a 401 always carries a
``Bearer realm=`` challenge; the body is one of the fixed messages (so nothing of the
token, the key or an exception comes back); ``error_description`` is plain ASCII.
"""

from __future__ import annotations

import base64
import json
import re
import string
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from joserfc.jws import JWSRegistry
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer
from tests.auth.conftest import new_api, public

ISSUER = "https://issuer"
AUDIENCE = "api"
NOW = int(time.time())
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

NO_CREDENTIALS = 'Bearer realm="api"'
INVALID = (
    'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"'
)
FORBIDDEN = (
    'Bearer realm="api", error="insufficient_scope", '
    'error_description="The access token does not grant the required privileges", scope="read"'
)
FIXED_DETAILS = {
    "Malformed token",
    "Unsupported header",
    "Unsupported algorithm",
    "Invalid token type",
    "Unknown key",
    "Key does not fit the algorithm",
    "Invalid signature",
    "Token has expired",
    "Token is not yet valid",
    "Token was issued in the future",
    "Invalid claims",
}
_NAMES = "iss|aud|sub|exp|nbf|iat|jti|client_id"
CLAIM_DETAIL = re.compile(
    rf"Invalid claim: ({_NAMES})|Missing claim: (aud|exp|iss|sub)(,(aud|exp|iss|sub))*"
)
PARAM = re.compile(r'(\w+)="([^"\\]*)"')


@pytest.fixture(scope="module")
def client(rsa_key, other_rsa_key) -> TestAsyncClient:
    class Auth(AsyncJwtBearer):
        jwt_public = public(rsa_key)
        claims = {
            "iss": {"essential": True, "value": ISSUER},
            "aud": {"essential": True, "value": AUDIENCE},
            "sub": {"essential": True},
        }
        leeway = 2

    class Scoped(Auth):
        required_scopes = ["read"]

    api = new_api()

    @api.get("/p", auth=Auth())
    async def protected(request):
        return {"ok": True}

    @api.get("/s", auth=Scoped())
    async def scoped(request):
        return {"ok": True}

    return TestAsyncClient(api)


# --- strategies ------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
algs = (
    st.sampled_from(
        ["RS256", "none", "None", "HS256", "PS256", "ES256", "EdDSA", "RS512", "", "rs256"]
    )
    | json_values
)
kids = st.sampled_from(["rsa-1", "rsa-2", "", "../../etc/passwd", "x" * 300]) | json_values
crits = st.sampled_from([[], ["alg"], ["b64"], ["exp"], "alg", 1, [["x"]]]) | json_values
typs = st.sampled_from(["JWT", "at+jwt", "application/at+jwt", ""]) | json_values
times = st.integers(min_value=NOW - 600, max_value=NOW + 600) | json_values

HEADER_FIELDS = {
    "alg": algs,
    "kid": kids,
    "crit": crits,
    "typ": typs,
    "b64": st.booleans(),
    "jku": st.just("https://attacker.example/jwks.json"),
    "nonce": json_values,
}
CLAIM_FIELDS = {
    "iss": st.sampled_from([ISSUER, ISSUER + "/", "http://issuer"]) | json_values,
    "aud": st.sampled_from([AUDIENCE, [AUDIENCE, "x"], [], ["x"]]) | json_values,
    "sub": st.sampled_from(["u1", "admin"]) | json_values,
    "exp": times,
    "nbf": times,
    "iat": times,
    "jti": json_values,
    "scope": st.sampled_from(["read", "read write", "reader", "write"]) | json_values,
    "scp": json_values,
    "client_id": json_values,
}


def near(base: dict[str, Any], fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """``base`` with up to two members replaced (or added) and up to two removed."""
    change = st.sampled_from(sorted(fields)).flatmap(lambda k: st.tuples(st.just(k), fields[k]))

    def apply(changes: list[tuple[str, Any]], drops: set[str]) -> dict[str, Any]:
        value = {**base, **dict(changes)}
        return {k: v for k, v in value.items() if k not in drops}

    drops = st.sets(st.sampled_from(sorted(base)), max_size=2)
    return st.builds(apply, st.lists(change, max_size=2), drops)


headers = near({"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}, HEADER_FIELDS)
claim_sets = near(
    {"iss": ISSUER, "aud": AUDIENCE, "sub": "u1", "exp": NOW + 300, "iat": NOW, "scope": "read"},
    CLAIM_FIELDS,
)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


@st.composite
def structured_tokens(draw) -> str:
    """Base64url JSON header and claims, with a valid, foreign, empty or random signature."""
    head = draw(
        st.one_of(
            headers.map(json_bytes),
            headers.map(json_bytes),
            json_values.map(json_bytes),
            st.binary(max_size=40),
        )
    )
    body = draw(
        st.one_of(claim_sets.map(json_bytes), claim_sets.map(json_bytes), st.binary(max_size=60))
    )
    signing_input = f"{b64(head)}.{b64(body)}"
    how = draw(st.sampled_from(["rsa", "rsa", "rsa", "other", "empty", "random"]))
    if how in ("rsa", "other"):
        signature = b64(JWSRegistry.algorithms["RS256"].sign(signing_input.encode(), KEYS[how]))
    elif how == "random":
        signature = b64(draw(st.binary(max_size=300)))
    else:
        signature = ""
    return f"{signing_input}.{signature}"


@st.composite
def mutated_tokens(draw) -> str:
    """A well-formed token with one character changed, inserted or removed."""
    token = draw(structured_tokens())
    position = draw(st.integers(min_value=0, max_value=max(0, len(token) - 1)))
    char = draw(st.sampled_from(string.ascii_letters + string.digits + "-_.=+/ é\x00"))
    operation = draw(st.sampled_from(["replace", "insert", "delete"]))
    if operation == "replace":
        return token[:position] + char + token[position + 1 :]
    if operation == "insert":
        return token[:position] + char + token[position:]
    return token[:position] + token[position + 1 :]


segment_text = st.text(alphabet=string.ascii_letters + string.digits + "-_=+/", max_size=40)
random_tokens = st.one_of(
    st.text(max_size=80),
    st.lists(segment_text, min_size=1, max_size=6).map(".".join),
    st.lists(st.binary(max_size=40).map(b64), min_size=1, max_size=6).map(".".join),
    structured_tokens(),
    mutated_tokens(),
)
schemes = st.sampled_from(
    ["Bearer", "bearer", "BEARER", "Basic", "Token", "", "Bearer\t"]
) | st.text(max_size=8)
authorization_values = st.one_of(
    st.text(max_size=120),
    st.tuples(schemes, st.sampled_from([" ", "  ", ""]), random_tokens).map("".join),
)

KEYS: dict[str, Any] = {}


@pytest.fixture(autouse=True, scope="module")
def _signing_keys(rsa_key, other_rsa_key):
    KEYS.update(rsa=rsa_key, other=other_rsa_key)


# --- the properties --------------------------------------------------------------------


def check_response(response, authorization: str) -> None:
    status = response.status_code
    assert status in (200, 401, 403), (status, response.content[:200])
    challenge = response.headers.get("WWW-Authenticate")
    body = response.json()
    if currently_in_test_context():
        event(f"{status} {body.get('detail', '')}")
    if status == 200:
        assert body == {"ok": True}
        assert challenge is None
        return
    assert challenge is not None and challenge.startswith("Bearer realm="), challenge
    params = dict(PARAM.findall(challenge))
    description = params.get("error_description", "")
    assert description.isascii() and '"' not in description and "\\" not in description
    assert ", ".join(f'{k}="{v}"' for k, v in params.items()) == challenge[len("Bearer ") :]
    assert set(body) == {"detail"}, body
    detail = body["detail"]
    if status == 403:
        assert (challenge, body) == (FORBIDDEN, {"detail": "Insufficient scope"})
    elif challenge == NO_CREDENTIALS:
        assert detail == "Authentication credentials were not provided"
    else:
        assert challenge == INVALID, challenge
        assert detail in FIXED_DETAILS or CLAIM_DETAIL.fullmatch(detail), detail
    # The body, the challenge and the content headers are pinned to fixed texts above; any
    # other header must not echo the token (names are not looked at: a token may spell one).
    token = authorization.partition(" ")[2]
    if len(token) >= 12:
        pinned = {"www-authenticate", "content-type", "content-length"}
        others = [value for name, value in response.headers.items() if name.lower() not in pinned]
        everything = json.dumps(others)
        assert token not in everything
        for segment in token.split("."):
            assert len(segment) < 12 or segment not in everything


@FUZZ
@given(authorization=authorization_values, path=st.sampled_from(["/p", "/s"]))
async def test_random_authorization_headers(client, authorization, path):
    response = await client.get(path, headers={"Authorization": authorization})
    check_response(response, authorization)


@FUZZ
@given(token=st.one_of(structured_tokens(), mutated_tokens()), path=st.sampled_from(["/p", "/s"]))
async def test_random_tokens(client, token, path):
    authorization = f"Bearer {token}"
    response = await client.get(path, headers={"Authorization": authorization})
    check_response(response, authorization)


@FUZZ
@given(claims=claim_sets | json_values, path=st.sampled_from(["/p", "/s"]))
async def test_validly_signed_random_claims(client, rsa_key, claims, path):
    """Claims reach the claim checks: whatever they are, the answer is a clean 2xx/401/403."""
    signing_input = f"{b64(json_bytes({'alg': 'RS256', 'kid': 'rsa-1'}))}.{b64(json_bytes(claims))}"
    signature = b64(JWSRegistry.algorithms["RS256"].sign(signing_input.encode(), rsa_key))
    authorization = f"Bearer {signing_input}.{signature}"
    response = await client.get(path, headers={"Authorization": authorization})
    check_response(response, authorization)
    aud = claims.get("aud") if isinstance(claims, dict) else None
    valid = (
        isinstance(claims, dict)
        and claims.get("iss") == ISSUER
        and isinstance(claims.get("sub"), str)
        and claims["sub"] != ""
        and (aud == AUDIENCE or (isinstance(aud, list) and AUDIENCE in aud))
        and type(claims.get("exp")) in (int, float)
    )
    if response.status_code == 200:
        assert valid, claims


async def test_fuzz_oracle_sees_a_valid_token(client, rsa_key):
    """The oracle above is not vacuous: a good token gets through, and a 403 is recognised."""
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u1", "exp": int(time.time()) + 60}
    signing_input = f"{b64(json_bytes({'alg': 'RS256', 'kid': 'rsa-1'}))}.{b64(json_bytes(claims))}"
    signature = b64(JWSRegistry.algorithms["RS256"].sign(signing_input.encode(), rsa_key))
    authorization = f"Bearer {signing_input}.{signature}"
    for path, status in (("/p", 200), ("/s", 403)):
        response = await client.get(path, headers={"Authorization": authorization})
        assert response.status_code == status
        check_response(response, authorization)
