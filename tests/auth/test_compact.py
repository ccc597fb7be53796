"""The fast segment decoders read exactly what the strict reference readers read.

``ninja_aio.auth.compact`` replaces joserfc's base64url decoding and a pure-Python
strict JSON decoder (duplicate members and NaN refused) with binascii and orjson. Here,
for any input, both must accept the same texts and give the same values, types
included; then the behaviour the fast path could get wrong is checked through HTTP.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc.jwk import OctKey
from joserfc.jws import JWSRegistry
from joserfc.util import urlsafe_b64decode
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer, encode_jwt
from ninja_aio.auth.compact import b64url_decode, loads_strict
from tests.auth.conftest import bearer, new_api

SECRET = OctKey.generate_key(256)
EXAMPLES = settings(max_examples=300, deadline=None)


def _unique(pairs):
    members = {}
    for name, value in pairs:
        if name in members:
            raise ValueError("duplicate")
        members[name] = value
    return members


def _constant(name):
    raise ValueError("constant")


REFERENCE = json.JSONDecoder(object_pairs_hook=_unique, parse_constant=_constant)


def outcome(read, data: bytes) -> tuple[str, Any]:
    try:
        return "ok", typed(read(data))
    except (ValueError, UnicodeError, RecursionError):
        return "refused", None


def typed(value: Any) -> Any:
    """The value with every scalar's type attached, so 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return {name: typed(item) for name, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def same_verdict(data: bytes) -> None:
    fast = outcome(loads_strict, data)
    slow = outcome(lambda d: REFERENCE.decode(d.decode("utf-8")), data)
    assert fast[0] == slow[0], (data, fast, slow)
    if fast[0] == "ok":
        assert fast == slow


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)
SEPARATORS = [(",", ":"), (", ", ": "), (",", " : "), (",\n", "\t:\r")]


@EXAMPLES
@given(values, st.sampled_from(SEPARATORS))
def test_well_formed_json_reads_the_same(value, separators):
    same_verdict(json.dumps(value, separators=separators, ensure_ascii=False).encode())


@EXAMPLES
@given(
    st.dictionaries(st.text(max_size=3), values, min_size=1, max_size=4),
    st.data(),
    st.sampled_from(SEPARATORS),
)
def test_a_duplicated_member_is_refused_wherever_it_hides(members, data, separators):
    """Repeat one member, at the top level or in a nested object: both refuse it."""
    name = data.draw(st.sampled_from(sorted(members)))
    comma, colon = separators
    repeated = json.dumps(name) + colon + json.dumps(data.draw(values))
    body = json.dumps(members, separators=separators)[1:-1]
    text = "{" + body + comma + repeated + "}"
    if data.draw(st.booleans()):
        text = '{"outer"' + colon + text + comma + '"x"' + colon + '"\\":"}'
    same_verdict(text.encode())


@EXAMPLES
@given(st.binary(max_size=40) | st.text(alphabet='{}[]":,\\ 0123456789.eE-+nulltrfa', max_size=40))
def test_arbitrary_text_gets_the_same_verdict(data):
    same_verdict(data.encode() if isinstance(data, str) else data)


def test_the_strict_readers_own_refusals():
    for text in [
        b'{"a":1,"a":2}',
        b'{"a" :1,"a":2}',
        b'{"a":{"b":1,"b":1}}',
        b'[{"b":1,"b":1}]',
        b'{"a":NaN}',
        b'{"a":Infinity}',
        b'{"a":"\xff"}',
        b"[" * 5000 + b"]" * 5000,
    ]:
        assert outcome(loads_strict, text)[0] == "refused", text
    for text in [b'{"n":18446744073709551616}', b'{"n":-9223372036854775809}', b'{"e":1e400}']:
        assert loads_strict(text) == json.loads(text), text
    assert type(loads_strict(b'{"n":18446744073709551616}')["n"]) is int


@EXAMPLES
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n!"))
def test_base64url_decoding_matches_joserfc(segment):
    data = segment.encode()
    try:
        expected = ("ok", urlsafe_b64decode(data))
    except ValueError:
        expected = ("refused", None)
    try:
        found = ("ok", b64url_decode(data))
    except ValueError:
        found = ("refused", None)
    assert found == expected


# --- through HTTP --------------------------------------------------------------------


class Hs(AsyncJwtBearer):
    jwt_public = SECRET
    jwt_alg = "HS256"


def client() -> TestAsyncClient:
    api = new_api()

    @api.get("/p", auth=Hs())
    async def view(request):
        return {"claims": dict(request.jwt.claims)}

    return TestAsyncClient(api)


def signed(payload: bytes) -> str:
    """An HS256 token over a payload written by hand."""
    header = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(payload).rstrip(b"=")
    signature = JWSRegistry.algorithms["HS256"].sign(header + b"." + body, SECRET)
    return b".".join([header, body, base64.urlsafe_b64encode(signature).rstrip(b"=")]).decode()


async def test_integers_beyond_64_bits_reach_the_view_exactly():
    exp = encode_jwt({}, 60, SECRET, "HS256")
    claims = json.loads(base64.urlsafe_b64decode(exp.split(".")[1] + "==="))
    big = 2**70 + 1
    text = json.dumps({**claims, "big": big, "neg": -big}).encode()
    response = await client().get("/p", headers=bearer(signed(text)))
    assert response.status_code == 200
    assert response.json()["claims"]["big"] == big
    assert response.json()["claims"]["neg"] == -big


async def test_duplicates_hidden_by_whitespace_or_quoted_colons_are_refused():
    exp = int(time.time()) + 60
    for text in [
        f'{{"exp":{exp},"sub" :"user","sub":"admin"}}',
        f'{{"exp":{exp},"note":"a\\":b","sub":"user","sub":"admin"}}',
        f'{{"exp":{exp},"sub":"user","x":{{"role" :"user","role":"admin"}}}}',
    ]:
        response = await client().get("/p", headers=bearer(signed(text.encode())))
        assert response.status_code == 401, text
        assert response.json() == {"detail": "Malformed token"}


async def test_quoted_colons_without_duplicates_are_accepted():
    exp = int(time.time()) + 60
    text = f'{{"exp":{exp},"note":"a\\":b","sub" : "user"}}'
    response = await client().get("/p", headers=bearer(signed(text.encode())))
    assert response.status_code == 200
    assert response.json()["claims"] == {"exp": exp, "note": 'a":b', "sub": "user"}
