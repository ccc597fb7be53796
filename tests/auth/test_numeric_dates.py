"""NumericDates with fractions (RFC 7519 §2) are compared at the precision they carry.

Several issuers and libraries write ``iat = time.time()``; such a token used at once
must pass, whatever the fraction. Tokens here come from PyJWT, a foreign JOSE library.
"""

import time
from types import SimpleNamespace

import joserfc._rfc7519.claims as joserfc_claims
import jwt as pyjwt
import pytest
from joserfc.jwk import OctKey
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer, InvalidToken, decode_jwt
from ninja_aio.auth import claims as claims_module
from tests.auth.conftest import bearer, new_api

SECRET = OctKey.generate_key(256)
RAW_SECRET = SECRET.get_op_key("sign")
MINTED = 200
#: A frozen "now" with a fraction, well in the past of the real clock.
FROZEN = 1_600_000_000.5


class Hs(AsyncJwtBearer):
    jwt_public = SECRET
    jwt_alg = "HS256"


class HsLeeway(Hs):
    leeway = 1


def pyjwt_token(**claims) -> str:
    return pyjwt.encode({"sub": "u", **claims}, RAW_SECRET, algorithm="HS256")


def client() -> TestAsyncClient:
    api = new_api()

    @api.get("/p", auth=Hs())
    async def view(request):
        return {"iat": request.jwt.claims["iat"]}

    @api.get("/leeway", auth=HsLeeway())
    async def lenient(request):
        return {"iat": request.jwt.claims["iat"]}

    return TestAsyncClient(api)


async def test_pyjwt_tokens_with_a_float_iat_used_at_once_are_accepted():
    http = client()
    refused = []
    for _ in range(MINTED):
        now = time.time()
        token = pyjwt_token(iat=now, nbf=now, exp=now + 60)
        response = await http.get("/p", headers=bearer(token))
        if response.status_code != 200:
            refused.append(response.json()["detail"])
        else:
            assert response.json() == {"iat": now}
    assert refused == [], f"{len(refused)} of {MINTED} refused, e.g. {refused[0]}"


def test_decode_jwt_accepts_a_float_iat_used_at_once():
    for _ in range(MINTED):
        now = time.time()
        assert decode_jwt(pyjwt_token(iat=now, exp=now + 60), SECRET, ["HS256"]).claims["sub"]


@pytest.fixture
def frozen(monkeypatch):
    """Freeze our claims clock, and joserfc's own too (the one a whole-second compare used)."""
    clock = SimpleNamespace(time=lambda: FROZEN)
    monkeypatch.setattr(claims_module, "time", clock)
    monkeypatch.setattr(joserfc_claims, "time", clock)


CASES = [
    # (path, claims, refusal or None), around FROZEN = …000.5
    ("/p", {"iat": FROZEN - 0.25}, None),
    ("/p", {"iat": FROZEN}, None),
    ("/p", {"iat": FROZEN + 0.25}, "Token was issued in the future"),
    ("/p", {"nbf": FROZEN - 0.25}, None),
    ("/p", {"nbf": FROZEN + 0.25}, "Token is not yet valid"),
    ("/p", {"exp": FROZEN + 0.25}, None),
    ("/p", {"exp": FROZEN}, "Token has expired"),
    ("/p", {"exp": FROZEN - 0.25}, "Token has expired"),
    ("/p", {"exp": int(FROZEN)}, "Token has expired"),
    ("/p", {"exp": int(FROZEN) + 1}, None),
    ("/p", {"nbf": int(FROZEN) + 1}, "Token is not yet valid"),
    ("/leeway", {"iat": FROZEN + 0.75}, None),
    ("/leeway", {"iat": FROZEN + 1}, None),
    ("/leeway", {"iat": FROZEN + 1.25}, "Token was issued in the future"),
    ("/leeway", {"nbf": FROZEN + 1.25}, "Token is not yet valid"),
    ("/leeway", {"exp": FROZEN - 0.75}, None),
    ("/leeway", {"exp": FROZEN - 1}, "Token has expired"),
]


@pytest.mark.parametrize(("path", "claims", "refusal"), CASES)
async def test_fractional_times_against_a_frozen_clock(frozen, path, claims, refusal):
    claims = {"iat": FROZEN - 10, "exp": FROZEN + 60, **claims}
    response = await client().get(path, headers=bearer(pyjwt_token(**claims)))
    if refusal is None:
        assert response.status_code == 200, response.json()
    else:
        assert response.status_code == 401
        assert response.json() == {"detail": refusal}


@pytest.mark.parametrize(("path", "claims", "refusal"), [c for c in CASES if c[0] == "/p"])
def test_decode_jwt_fractional_times_against_a_frozen_clock(frozen, path, claims, refusal):
    token = pyjwt_token(**{"iat": FROZEN - 10, "exp": FROZEN + 60, **claims})
    if refusal is None:
        assert decode_jwt(token, SECRET, ["HS256"]).claims["sub"] == "u"
    else:
        with pytest.raises(InvalidToken) as info:
            decode_jwt(token, SECRET, ["HS256"])
        assert info.value.detail == refusal
