"""Bad input and attacks against AsyncJwtBearer, row by row of research §3.2 groups A to E.

Every HTTP case goes through a TestAsyncClient and checks the status, the exact
``WWW-Authenticate`` challenge and the ``detail``. The claims clock is frozen (see
``frozen_clock``) so that the time rows are exact; tokens are forged by hand so
that their headers and payloads can be anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwe
from joserfc.jwk import ECKey, KeySet, OKPKey, RSAKey
from joserfc.jws import JWSRegistry
from ninja.security import APIKeyHeader
from ninja.testing import TestAsyncClient

from ninja_aio.auth import AsyncJwtBearer, verify
from ninja_aio.auth import claims as claims_module
from tests.auth.conftest import new_api, public

ISSUER = "https://issuer"
AUDIENCE = "api"
BASE_CLAIMS = {
    "iss": {"essential": True, "value": ISSUER},
    "aud": {"essential": True, "value": AUDIENCE},
    "sub": {"essential": True},
}
#: The frozen "now" of the claims clock: far enough in the past that a token built for it
#: is already expired by the real clock, so a clock patch that did not apply shows up.
FROZEN_NOW = int(time.time()) - 100_000

NO_CREDENTIALS = 'Bearer realm="api"'
INVALID = (
    'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"'
)
FORBIDDEN = (
    'Bearer realm="api", error="insufficient_scope", '
    'error_description="The access token does not grant the required privileges"'
)
NOT_PROVIDED = "Authentication credentials were not provided"
OK = {"sub": "u1"}
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64(data: Any) -> str:
    """base64url without padding; dicts, lists and other JSON values are serialised first."""
    if not isinstance(data, bytes):
        data = (data if isinstance(data, str) else json.dumps(data)).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def noncanonical(segment: str) -> str:
    """The same bytes with different unused trailing bits (strict decoders refuse it)."""
    assert len(segment) % 4 in (2, 3), "segment has no unused bits"
    return segment[:-1] + B64URL[B64URL.index(segment[-1]) ^ 1]


# --- keys used only here ---------------------------------------------------------------


@pytest.fixture(scope="module")
def ec384_key() -> ECKey:
    return ECKey.generate_key("P-384", parameters={"kid": "ec-384"})


@pytest.fixture(scope="module")
def attacker_ec_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": "ec-1"})


@pytest.fixture(scope="module")
def keys(rsa_key, other_rsa_key, ec_key, okp_key, hmac_key, ec384_key, attacker_ec_key):
    return {
        "rsa": rsa_key,
        "other": other_rsa_key,
        "ec": ec_key,
        "ec384": ec384_key,
        "okp": okp_key,
        "hmac": hmac_key,
        "attacker_ec": attacker_ec_key,
    }


# --- the protected API -----------------------------------------------------------------


@pytest.fixture(scope="module")
def client(keys) -> TestAsyncClient:
    rsa, other, ec, ec384 = (keys[name] for name in ("rsa", "other", "ec", "ec384"))

    class Base(AsyncJwtBearer):
        jwt_public = public(rsa)
        jwt_alg = "RS256"
        claims = BASE_CLAIMS

    class TwoKeys(Base):
        jwt_public = KeySet([public(rsa), public(other)])

    class OneKeySet(Base):
        jwt_public = KeySet([public(rsa)])

    class Mixed(Base):
        jwt_public = KeySet([public(rsa), public(ec), public(ec384)])
        algorithms = ["RS256", "ES256", "ES384"]

    class AlgPinned(Base):
        jwt_public = KeySet(
            [RSAKey.import_key(rsa.as_dict(private=False), {"kid": "rsa-pinned", "alg": "RS256"})]
        )
        algorithms = ["RS256", "PS256"]

    class Ec(Base):
        jwt_public = public(ec)
        jwt_alg = "ES256"

    class Typed(Base):
        token_types = ["at+jwt"]

    class TypedOrJwt(Base):
        token_types = ["at+jwt", "JWT"]

    class Lenient(Base):
        leeway = 5

    class Scoped(Base):
        required_scopes = ["read"]

    class TwoScopes(Base):
        required_scopes = ["read", "write"]

    class Roles(Base):
        required_roles = ["admin"]

    class Rfc9068(Base):
        token_types = ["at+jwt"]
        claims = {
            **BASE_CLAIMS,
            **{name: {"essential": True} for name in ("exp", "iat", "jti", "client_id")},
        }

    class Kind(Base):
        claims = {**BASE_CLAIMS, "token_use": {"essential": True, "value": "access"}}

    class Custom(Base):
        claims = {
            **BASE_CLAIMS,
            "admin": {"essential": True, "value": True},
            "level": {"essential": True, "values": [1, 2]},
            "flag": {"essential": True, "value": False},
        }

    class AnyOfNoAudience(Base):
        # An empty claim allow-list must allow nothing (an empty ``audience`` attribute
        # is refused at class creation, see the misconfiguration cases).
        claims = {
            "iss": {"essential": True, "value": ISSUER},
            "sub": {"essential": True},
            "aud": {"values": []},
        }

    class SharedKey(AsyncJwtBearer):
        jwt_public = keys["hmac"]
        jwt_alg = "HS256"
        claims = BASE_CLAIMS

    class ApiKey(APIKeyHeader):
        param_name = "X-Key"

        async def authenticate(self, request, key):
            return "key" if key == "letmein" else None

    api = new_api()
    routes = {
        "/p": Base(),
        "/ks": TwoKeys(),
        "/ks1": OneKeySet(),
        "/mixed": Mixed(),
        "/algpin": AlgPinned(),
        "/ec": Ec(),
        "/typ": Typed(),
        "/typ2": TypedOrJwt(),
        "/leeway": Lenient(),
        "/scoped": Scoped(),
        "/scoped2": TwoScopes(),
        "/roles": Roles(),
        "/rfc9068": Rfc9068(),
        "/kind": Kind(),
        "/custom": Custom(),
        "/noaud": AnyOfNoAudience(),
        "/hs": SharedKey(),
        "/chain": [Base(), ApiKey()],
    }
    for path, auth in routes.items():

        @api.get(path, auth=auth, operation_id=f"op{path.replace('/', '_')}")
        async def view(request):
            if request.auth == "key":
                return {"sub": "key"}
            return {"sub": request.jwt.claims["sub"]}

    @api.post("/form", auth=Base())
    async def form(request):
        return {"sub": request.jwt.claims["sub"]}

    return TestAsyncClient(api)


# --- forging tokens --------------------------------------------------------------------


class Forge:
    """Hand-made JWS compact tokens with any header, payload and signature."""

    def __init__(self, keys: dict[str, Any], now: int) -> None:
        self.keys = keys
        self.now = now

    def claims(self, drop: tuple[str, ...] = (), **values: Any) -> dict[str, Any]:
        now = self.now
        claims = {"sub": "u1", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now}
        claims.update({"exp": now + 300, "jti": "j1"})
        claims.update(values)
        for name in drop:
            del claims[name]
        return claims

    def sign(self, header: Any, payload: Any, key: str = "rsa", alg: str = "RS256") -> str:
        """``header`` / ``payload``: JSON values, or bytes used verbatim before base64url."""
        signing_input = f"{b64(header)}.{b64(payload)}"
        return f"{signing_input}.{self.signature(signing_input, key, alg)}"

    def signature(self, signing_input: str, key: str = "rsa", alg: str = "RS256") -> str:
        message = signing_input.encode()
        if isinstance(key, bytes):  # a raw HMAC secret, e.g. a public key's PEM text
            return b64(hmac.new(key, message, hashlib.sha256).digest())
        return b64(JWSRegistry.algorithms[alg].sign(message, self.keys[key]))

    def token(
        self,
        *,
        key: Any = "rsa",
        alg: str = "RS256",
        kid: Any = "rsa-1",
        header: dict[str, Any] | None = None,
        drop: tuple[str, ...] = (),
        **claims: Any,
    ) -> str:
        protected = {"alg": alg, "typ": "JWT"}
        if kid is not None:
            protected["kid"] = kid
        protected.update(header or {})
        return self.sign(protected, self.claims(drop, **claims), key, alg)

    def raw_claims(self, text: str, key: str = "rsa") -> str:
        """A validly signed token whose payload is exactly ``text``."""
        return self.sign({"alg": "RS256", "kid": "rsa-1"}, text.encode(), key)

    def with_length(self, length: int, **kw: Any) -> str:
        """A valid token padded (with a ``pad`` claim) to exactly ``length`` characters."""
        for extra in ("", "x", "xy"):
            estimate = (length - len(self.token(pad="", note=extra, **kw))) * 3 // 4
            for size in range(max(0, estimate - 4), estimate + 4):
                token = self.token(pad="p" * size, note=extra, **kw)
                if len(token) == length:
                    return token
        raise AssertionError(f"cannot build a token of {length} characters")


@dataclass(frozen=True)
class Req:
    path: str = "/p"
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, str] | None = None
    cookies: dict[str, str] | None = None


def get(token: str, path: str = "/p", scheme: str = "Bearer") -> Req:
    return Req(path, {"Authorization": f"{scheme} {token}"})


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Forge], Req]
    status: int
    detail: str | None = None
    challenge: str | None = None
    body: dict[str, Any] | None = None
    #: The token must be refused before any base64 / JSON work.
    unparsed: bool = False
    xfail: str | None = None


def ok(id_: str, build: Callable[[Forge], Req], body: dict[str, Any] = OK, **kw: Any) -> Case:
    return Case(id_, build, 200, body=body, **kw)


def bad(id_: str, build: Callable[[Forge], Req], detail: str, **kw: Any) -> Case:
    return Case(id_, build, 401, detail, INVALID, **kw)


def absent(id_: str, build: Callable[[Forge], Req], **kw: Any) -> Case:
    return Case(id_, build, 401, NOT_PROVIDED, NO_CREDENTIALS, **kw)


def forbidden(id_: str, build: Callable[[Forge], Req], scope: str | None = "read", **kw) -> Case:
    challenge = FORBIDDEN + (f', scope="{scope}"' if scope else "")
    detail = "Insufficient scope" if scope else "Missing required role"
    return Case(id_, build, 403, detail, challenge, **kw)


def claim(path: str = "/p", drop: tuple[str, ...] = (), **claims: Any) -> Callable[[Forge], Req]:
    """A validly signed token on ``path`` with these claims changed (or dropped)."""
    return lambda f: get(f.token(drop=drop, **claims), path)


def raw_payload(text: str, path: str = "/p") -> Callable[[Forge], Req]:
    return lambda f: get(f.raw_claims(text), path)


def literal(literal: str, name: str = "exp") -> Callable[[Forge], Req]:
    """A claim written as a raw JSON literal (NaN, 1e400, ...) in an otherwise valid payload."""

    def build(f: Forge) -> Req:
        text = json.dumps(f.claims(**{name: 0})).replace(f'"{name}": 0', f'"{name}": {literal}')
        return get(f.raw_claims(text))

    return build


def header(path: str = "/p", key: Any = "rsa", **values: Any) -> Callable[[Forge], Req]:
    """An RS256-signed token whose protected header gets ``values`` (``kid=None`` drops it)."""
    kid = values.pop("kid", "rsa-1")
    return lambda f: get(f.token(key=key, kid=kid, header=values), path)


def typed(typ: Any, path: str = "/typ") -> Callable[[Forge], Req]:
    def build(f: Forge) -> Req:
        protected = {"alg": "RS256", "kid": "rsa-1"}
        if typ is not None:
            protected["typ"] = typ
        return get(f.sign(protected, f.claims()), path)

    return build


def segments(make: Callable[[str, str, str], str]) -> Callable[[Forge], Req]:
    """Rewrite a valid token from its three segments."""

    def build(f: Forge) -> Req:
        return get(make(*f.token().split(".")))

    return build


def mac_with_public_key(form: str) -> Callable[[Forge], Req]:
    """RS256 -> HS256 confusion: HS256 MAC'd with the verifier's public key material."""

    def build(f: Forge) -> Req:
        native = f.keys["rsa"].raw_value.public_key()
        secret = {
            "pem": native.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            "der": native.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            "jwk": json.dumps(f.keys["rsa"].as_dict(private=False)).encode(),
        }[form]
        return get(f.token(key=secret, alg="HS256"))

    return build


def jwe_token(f: Forge) -> Req:
    protected = {"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "rsa-1"}
    payload = json.dumps(f.claims()).encode()
    return get(
        jwe.encrypt_compact(protected, payload, f.keys["rsa"], algorithms=["RSA-OAEP", "A256GCM"])
    )


def b64_false(payload: str, crit: bool = True) -> Callable[[Forge], Req]:
    """RFC 7797 unencoded payload, signed as that RFC says (over the raw payload)."""

    def build(f: Forge) -> Req:
        protected = {"alg": "RS256", "kid": "rsa-1", "b64": False}
        if crit:
            protected["crit"] = ["b64"]
        head = b64(protected)
        return get(f"{head}.{payload}.{f.signature(f'{head}.{payload}')}")

    return build


def nested(depth: int) -> Callable[[Forge], Req]:
    def build(f: Forge) -> Req:
        text = json.dumps(f.claims(x=0)).replace('"x": 0', '"x": ' + "[" * depth + "]" * depth)
        return get(f.raw_claims(text))

    return build


def noncanonical_header(f: Forge) -> Req:
    for size in range(4):
        token = f.token(header={"nonce": "n" * size})
        head, payload, signature = token.split(".")
        if len(head) % 4:
            return get(f"{noncanonical(head)}.{payload}.{signature}")
    raise AssertionError("no header length with unused bits")


def noncanonical_payload(f: Forge) -> Req:
    for size in range(4):
        head, payload, signature = f.token(pad="p" * size).split(".")
        if len(payload) % 4:
            return get(f"{head}.{noncanonical(payload)}.{signature}")
    raise AssertionError("no payload length with unused bits")


def transplanted_signature(f: Forge) -> Req:
    head, payload, _ = f.token(sub="admin").split(".")
    return get(f"{head}.{payload}.{f.token().split('.')[2]}")


def garbled_signature(f: Forge) -> Req:
    head, payload, signature = f.token().split(".")
    middle = len(signature) // 2
    flipped = B64URL[(B64URL.index(signature[middle]) + 1) % 64]
    return get(f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}")


def embedded_jwk(f: Forge) -> Req:
    attacker = f.keys["attacker_ec"]
    protected = {"alg": "ES256", "kid": "ec-1", "jwk": attacker.as_dict(private=False)}
    return get(f.sign(protected, f.claims(), "attacker_ec", "ES256"), "/ec")


def signed_with(key: str, alg: str, kid: Any, path: str) -> Callable[[Forge], Req]:
    return lambda f: get(f.token(key=key, alg=alg, kid=kid), path)


def alg_none(alg: str, signed: bool) -> Callable[[Forge], Req]:
    def build(f: Forge) -> Req:
        head, payload = b64({"alg": alg, "kid": "rsa-1", "typ": "JWT"}), b64(f.claims())
        signature = f.signature(f"{head}.{payload}") if signed else ""
        return get(f"{head}.{payload}.{signature}")

    return build


def rfc9068(drop: tuple[str, ...] = (), **claims: Any) -> Callable[[Forge], Req]:
    """A token on the RFC 9068 endpoint (typ at+jwt; client_id, jti, iat required)."""
    protected = {"alg": "RS256", "kid": "rsa-1", "typ": "at+jwt"}
    return lambda f: get(f.sign(protected, f.claims(drop, **claims)), "/rfc9068")


def chain(**headers: str) -> Callable[[Forge], Req]:
    """``headers`` values may hold ``{token}``, replaced by a valid token."""
    return lambda f: Req("/chain", {k: v.format(token=f.token()) for k, v in headers.items()})


# --- the checklist ---------------------------------------------------------------------

GROUP_A = [
    # 1: no credentials -> 401 with a bare challenge; the next authenticator still runs.
    absent("A1-no-header", lambda f: Req(), unparsed=True),
    absent("A1-empty-header", lambda f: Req(headers={"Authorization": ""}), unparsed=True),
    absent("A1-chain-nobody-accepts", chain()),
    ok("A1-next-authenticator-runs", chain(**{"X-Key": "letmein"}), {"sub": "key"}),
    # 2: another scheme is no credential; the scheme name is case-insensitive.
    absent("A2-basic-scheme", lambda f: get("dXNlcjpwYXNz", scheme="Basic"), unparsed=True),
    absent("A2-token-scheme-with-valid-jwt", lambda f: get(f.token(), scheme="Token")),
    absent("A2-scheme-glued-to-token",
           lambda f: Req(headers={"Authorization": "Bearer" + f.token()})),
    absent("A2-tab-is-not-the-separator",
           lambda f: Req(headers={"Authorization": "Bearer\t" + f.token()})),
    ok("A2-basic-then-next-authenticator",
       chain(Authorization="Basic eDp5", **{"X-Key": "letmein"}), {"sub": "key"}),
    ok("A2-lowercase-scheme", lambda f: get(f.token(), scheme="bearer")),
    ok("A2-uppercase-scheme", lambda f: get(f.token(), scheme="BEARER")),
    ok("A2-mixed-case-scheme", lambda f: get(f.token(), scheme="bEaReR")),
    # 3: a Bearer credential that is not a b64token -> invalid_token, never a 500.
    bad("A3-empty-token", lambda f: get(""), "Malformed token", unparsed=True),
    bad("A3-scheme-alone", lambda f: Req(headers={"Authorization": "Bearer"}), "Malformed token",
        unparsed=True),
    bad("A3-whitespace-token", lambda f: get("    "), "Malformed token", unparsed=True),
    bad("A3-two-words", lambda f: get("a b"), "Malformed token", unparsed=True),
    bad("A3-valid-token-then-extra-word", lambda f: get(f.token() + " extra"), "Malformed token",
        unparsed=True),
    bad("A3-char-outside-b64token", lambda f: get("ab$c.de!f.gh~i"), "Malformed token",
        unparsed=True),
    bad("A3-quoted-token", lambda f: get(f'"{f.token()}"'), "Malformed token", unparsed=True),
    bad("A3-bad-bearer-ends-chain-with-its-reason", chain(Authorization="Bearer x.y.z"),
        "Malformed token"),
    ok("A3-bad-bearer-then-next-authenticator",
       chain(Authorization="Bearer x.y.z", **{"X-Key": "letmein"}), {"sub": "key"}),
    ok("A3-several-spaces-after-scheme", lambda f: get(" " + f.token())),
    # 4: the header is the only place a token is read from.
    absent("A4-query-access-token", lambda f: Req(f"/p?access_token={f.token()}"), unparsed=True),
    absent("A4-form-access-token", lambda f: Req("/form", method="post",
                                                 data={"access_token": f.token()}), unparsed=True),
    absent("A4-cookie-access-token", lambda f: Req(cookies={"access_token": f.token()}),
           unparsed=True),
    # 5: size cap (8 KiB) before any decoding.
    ok("A5-valid-token-at-the-cap", lambda f: get(f.with_length(8192))),
    bad("A5-valid-token-one-over-the-cap", lambda f: get(f.with_length(8193)), "Malformed token",
        unparsed=True),
    bad("A5-ten-megabytes", lambda f: get("a" * 10_000_000 + ".b.c"), "Malformed token",
        unparsed=True),
]  # fmt: skip

GROUP_B = [
    # 6: not three segments.
    bad("B6-one-segment", lambda f: get("abcdef"), "Malformed token", unparsed=True),
    bad("B6-two-segments", lambda f: get(".".join(f.token().split(".")[:2])), "Malformed token",
        unparsed=True),
    bad("B6-four-segments", lambda f: get(f.token() + ".abc"), "Malformed token", unparsed=True),
    bad("B6-dots-only", lambda f: get(".."), "Malformed token", unparsed=True),
    bad("B6-empty-payload", segments(lambda h, p, s: f"{h}..{s}"), "Malformed token",
        unparsed=True),
    bad("B6-garbage", lambda f: get("<script>alert(1)</script>"), "Malformed token",
        unparsed=True),
    bad("B6-base64-garbage-segments", lambda f: get("eyJhbGciOiJSUzI1NiJ9.abc.def"),
        "Malformed token"),
    # 7: JWE compact serialisation is not accepted.
    bad("B7-jwe-compact", jwe_token, "Malformed token", unparsed=True),
    bad("B7-five-segments", lambda f: get("a.b.c.d.e"), "Malformed token", unparsed=True),
    # 8: only canonical, unpadded base64url.
    bad("B8-padded-signature", segments(lambda h, p, s: f"{h}.{p}.{s}=="), "Malformed token",
        unparsed=True),
    bad("B8-padded-header", segments(lambda h, p, s: f"{h}==.{p}.{s}"), "Malformed token",
        unparsed=True),
    bad("B8-plus-in-signature", segments(lambda h, p, s: f"{h}.{p}.{s[:-1]}+"), "Malformed token",
        unparsed=True),
    bad("B8-slash-in-payload", segments(lambda h, p, s: f"{h}.{p[:-1]}/.{s}"), "Malformed token",
        unparsed=True),
    bad("B8-noncanonical-signature", segments(lambda h, p, s: f"{h}.{p}.{noncanonical(s)}"),
        "Invalid signature"),
    bad("B8-noncanonical-header", noncanonical_header, "Malformed token"),
    bad("B8-noncanonical-payload", noncanonical_payload, "Malformed token"),
    bad("B8-non-ascii-letter", segments(lambda h, p, s: f"{h}.{p}é.{s}"), "Malformed token",
        unparsed=True),
    bad("B8-unicode-digit", segments(lambda h, p, s: f"{h}.{p}.{s}\u0663"), "Malformed token",
        unparsed=True),
    bad("B8-trailing-space", lambda f: get(f.token() + " "), "Malformed token", unparsed=True),
    bad("B8-trailing-newline", lambda f: get(f.token() + "\n"), "Malformed token", unparsed=True),
    # 9: the header must be a JSON object.
    *(
        bad(f"B9-header-{name}", lambda f, h=value: get(f.sign(h, f.claims())), "Malformed token")
        for name, value in [
            ("list", ["alg"]),
            ("string", "alg"),
            ("number", 1),
            ("null", None),
            ("true", True),
            ("truncated-json", b'{"alg":"RS256"'),
            ("not-utf8", b'{"alg":"\xff"}'),
        ]
    ),
    # 10: the payload must be a JSON object in UTF-8.
    bad("B10-payload-not-json", raw_payload("not json"), "Malformed token"),
    bad("B10-payload-array", raw_payload('[{"sub": "u1"}]'), "Malformed token"),
    bad("B10-payload-string", raw_payload('"u1"'), "Malformed token"),
    bad("B10-payload-number", raw_payload("1"), "Malformed token"),
    bad("B10-payload-null", raw_payload("null"), "Malformed token"),
    bad("B10-payload-invalid-utf8", lambda f: get(f.sign({"alg": "RS256"}, b'{"sub":"\xff\xfe"}')),
        "Malformed token"),
    bad("B10-payload-nested-2500-deep", nested(2500), "Malformed token"),
    bad("B10-payload-empty-object", raw_payload("{}"), "Missing claim: aud,exp,iss,sub"),
    # 11: duplicate members are refused, not "last one wins".
    bad("B11-duplicate-sub", lambda f: get(f.raw_claims(
        json.dumps(f.claims())[:-1] + ', "sub": "admin"}')), "Malformed token"),
    bad("B11-duplicate-aud", lambda f: get(f.raw_claims(
        '{"aud": "other", ' + json.dumps(f.claims())[1:])), "Malformed token"),
    bad("B11-duplicate-in-nested-object", lambda f: get(f.raw_claims(
        json.dumps(f.claims())[:-1] + ', "x": {"role": "user", "role": "admin"}}')),
        "Malformed token"),
    bad("B11-duplicate-header-alg", lambda f: get(f.sign(
        b'{"alg":"none","kid":"rsa-1","alg":"RS256"}', f.claims())), "Malformed token"),
    bad("B11-duplicate-header-kid", lambda f: get(f.sign(
        b'{"alg":"RS256","kid":"rsa-2","kid":"rsa-1"}', f.claims(), "rsa"), "/ks"),
        "Malformed token"),
    # 12: non-finite and oversized numbers.
    bad("B12-exp-NaN", literal("NaN"), "Malformed token"),
    bad("B12-exp-Infinity", literal("Infinity"), "Malformed token"),
    bad("B12-exp-minus-Infinity", literal("-Infinity"), "Malformed token"),
    bad("B12-exp-1e400", literal("1e400"), "Invalid claim: exp"),
    bad("B12-exp-5000-digits", literal("9" * 5000), "Malformed token"),
    bad("B12-custom-claim-NaN", lambda f: get(f.raw_claims(
        json.dumps(f.claims())[:-1] + ', "x": NaN}')), "Malformed token"),
    bad("B12-nbf-1e400", literal("1e400", "nbf"), "Invalid claim: nbf"),
    bad("B12-iat-minus-1e400", literal("-1e400", "iat"), "Invalid claim: iat"),
]  # fmt: skip

GROUP_C = [
    # 13: "none" in any spelling, signed or not.
    *(
        bad(f"C13-alg-{alg}-{'signed' if signed else 'unsigned'}", alg_none(alg, signed),
            "Unsupported algorithm")
        for alg in ("none", "None", "NONE", "nOnE")
        for signed in (False, True)
    ),
    # 14: algorithms outside the allow-list, even with a valid signature.
    bad("C14-HS256", signed_with("hmac", "HS256", "hs-1", "/p"), "Unsupported algorithm"),
    bad("C14-PS256-same-rsa-key", signed_with("rsa", "PS256", "rsa-1", "/p"),
        "Unsupported algorithm"),
    bad("C14-RS384-same-rsa-key", signed_with("rsa", "RS384", "rsa-1", "/p"),
        "Unsupported algorithm"),
    bad("C14-ES384", signed_with("ec384", "ES384", "ec-384", "/p"), "Unsupported algorithm"),
    bad("C14-EdDSA", signed_with("okp", "EdDSA", "okp-1", "/p"), "Unsupported algorithm"),
    bad("C14-lowercase-rs256", header(alg="rs256"), "Unsupported algorithm"),
    bad("C14-alg-empty", header(alg=""), "Unsupported algorithm"),
    bad("C14-alg-list", header(alg=["RS256"]), "Unsupported algorithm"),
    bad("C14-alg-missing", lambda f: get(f.sign({"kid": "rsa-1"}, f.claims())), "Malformed token"),
    bad("C14-RS256-on-hs-endpoint", signed_with("rsa", "RS256", "hs-1", "/hs"),
        "Unsupported algorithm"),
    # 15: RS256 -> HS256 confusion with the public key as the HMAC secret.
    bad("C15-hs256-mac-public-pem", mac_with_public_key("pem"), "Unsupported algorithm"),
    bad("C15-hs256-mac-public-der", mac_with_public_key("der"), "Unsupported algorithm"),
    bad("C15-hs256-mac-public-jwk", mac_with_public_key("jwk"), "Unsupported algorithm"),
    bad("C15-hs256-mac-public-pem-mixed-endpoint",
        lambda f: get(mac_with_public_key("pem")(f).headers["Authorization"][7:], "/mixed"),
        "Unsupported algorithm"),
    # 16 (static equivalent; remote JWKS in tests/jwks): an oct key is refused at class
    # creation (test_misconfiguration_refused), so an HS256 forgery has nothing to hit.
    bad("C16-hs256-forgery-naming-an-rsa-kid", signed_with("hmac", "HS256", "rsa-2", "/ks"),
        "Unsupported algorithm"),
    # 17: kid naming a key of another type or curve.
    bad("C17-ES256-with-rsa-kid", signed_with("ec", "ES256", "rsa-1", "/mixed"),
        "Key does not fit the algorithm"),
    bad("C17-RS256-with-ec-kid", signed_with("rsa", "RS256", "ec-1", "/mixed"),
        "Key does not fit the algorithm"),
    bad("C17-ES256-with-p384-kid", signed_with("ec", "ES256", "ec-384", "/mixed"),
        "Key does not fit the algorithm"),
    bad("C17-ES384-with-p256-kid", signed_with("ec384", "ES384", "ec-1", "/mixed"),
        "Key does not fit the algorithm"),
    ok("C17-control-ES256", signed_with("ec", "ES256", "ec-1", "/mixed")),
    ok("C17-control-ES384", signed_with("ec384", "ES384", "ec-384", "/mixed")),
    ok("C17-control-RS256", signed_with("rsa", "RS256", "rsa-1", "/mixed")),
    # 18: the key's own alg / use / key_ops restrict it.
    bad("C18-jwk-alg-RS256-token-PS256", signed_with("rsa", "PS256", "rsa-pinned", "/algpin"),
        "Key does not fit the algorithm"),
    ok("C18-control-jwk-alg-RS256", signed_with("rsa", "RS256", "rsa-pinned", "/algpin")),
    # 19: unknown kid (static KeySet; the refresh logic belongs to the JWKS suite).
    bad("C19-unknown-kid", signed_with("rsa", "RS256", "rsa-3", "/ks"), "Unknown key"),
    bad("C19-kid-other-case", signed_with("rsa", "RS256", "RSA-1", "/ks"), "Unknown key"),
    bad("C19-kid-trailing-space", signed_with("rsa", "RS256", "rsa-1 ", "/ks"), "Unknown key"),
    bad("C19-unknown-kid-single-key-other-signer", signed_with("other", "RS256", "rsa-9", "/p"),
        "Invalid signature"),
    ok("C19-control-second-key", lambda f: get(f.token(key="other", kid="rsa-2"), "/ks")),
    # 20: no kid with several keys: no "try every key".
    bad("C20-no-kid-two-keys", signed_with("rsa", "RS256", None, "/ks"), "Unknown key"),
    bad("C20-null-kid-two-keys", lambda f: get(f.sign({"alg": "RS256", "kid": None}, f.claims()),
                                                "/ks"), "Unknown key"),
    ok("C20-no-kid-one-key-set", signed_with("rsa", "RS256", None, "/ks1")),
    ok("C20-no-kid-single-key", signed_with("rsa", "RS256", None, "/p")),
    # 21: hostile kid values are opaque lookup keys, length-capped.
    *(
        bad(f"C21-kid-{name}", signed_with("rsa", "RS256", kid, "/ks"), "Unknown key")
        for name, kid in [
            ("path-traversal", "../../../../dev/null"),
            ("sql", "rsa-1' OR '1'='1"),
            ("url", "https://attacker.example/jwks.json"),
            ("nul-byte", "rsa-1\x00"),
            ("at-the-cap", "k" * 256),
        ]
    ),
    bad("C21-kid-over-the-cap", signed_with("rsa", "RS256", "k" * 257, "/ks"), "Malformed token"),
    bad("C21-kid-10KB", signed_with("rsa", "RS256", "k" * 10240, "/ks"), "Malformed token"),
    bad("C21-kid-int", signed_with("rsa", "RS256", 1, "/ks"), "Malformed token"),
    bad("C21-kid-empty", signed_with("rsa", "RS256", "", "/ks"), "Malformed token"),
    bad("C21-kid-list", signed_with("rsa", "RS256", ["rsa-1"], "/ks"), "Malformed token"),
    bad("C21-kid-object", signed_with("rsa", "RS256", {"$ne": ""}, "/ks"), "Malformed token"),
    # 22: embedded key references are never used nor fetched (see the socket guard).
    bad("C22-embedded-jwk-attacker-key", embedded_jwk, "Invalid signature"),
    bad("C22-jku-attacker", header(key="other", jku="https://attacker.example/jwks.json"),
        "Invalid signature"),
    bad("C22-x5u-attacker", header(key="other", x5u="https://attacker.example/cert.pem"),
        "Invalid signature"),
    bad("C22-x5c-attacker", header(key="other", x5c=[b64(b"\x30\x82attacker-cert")]),
        "Invalid signature"),
    bad("C22-jku-no-kid", header(key="other", kid=None, jku="https://attacker.example/k"),
        "Invalid signature"),
    bad("C22-jku-not-a-url", header(jku="ftp://attacker.example/k"), "Unsupported header"),
    bad("C22-x5c-not-a-list", header(x5c="not-a-chain"), "Unsupported header"),
    # 23: bad signatures.
    bad("C23-signature-stripped", segments(lambda h, p, s: f"{h}.{p}."), "Invalid signature"),
    bad("C23-signature-garbled", garbled_signature, "Invalid signature"),
    bad("C23-signature-truncated", segments(lambda h, p, s: f"{h}.{p}.{s[:100]}"),
        "Invalid signature"),
    bad("C23-signature-zeros", segments(lambda h, p, s: f"{h}.{p}.{'A' * len(s)}"),
        "Invalid signature"),
    bad("C23-signature-over-joserfc-cap", segments(lambda h, p, s: f"{h}.{p}.{'A' * 1100}"),
        "Malformed token"),
    bad("C23-signed-by-another-key", signed_with("other", "RS256", "rsa-1", "/p"),
        "Invalid signature"),
    bad("C23-signature-of-another-token", transplanted_signature, "Invalid signature"),
    # 24: weak keys never load: see test_misconfiguration_refused.
]  # fmt: skip

GROUP_D = [
    # 25: crit is never honoured: we implement no extension.
    bad("D25-crit-unknown", header(crit=["foo"], foo=1), "Unsupported header"),
    bad("D25-crit-exp", header(crit=["exp"], exp=1), "Unsupported header"),
    bad("D25-crit-alg", header(crit=["alg"]), "Unsupported header"),
    bad("D25-crit-empty", header(crit=[]), "Unsupported header"),
    bad("D25-crit-kid", header(crit=["kid"]), "Unsupported header"),
    # 26: malformed crit.
    bad("D26-crit-int", header(crit=1), "Unsupported header"),
    bad("D26-crit-string", header(crit="alg"), "Unsupported header"),
    bad("D26-crit-nested-list", header(crit=[["x"]]), "Unsupported header"),
    bad("D26-crit-null", header(crit=None), "Unsupported header"),
    bad("D26-crit-object", header(crit={"b64": 1}), "Unsupported header"),
    # 27: RFC 7797 unencoded payloads are not JWTs.
    bad("D27-b64-false-crit-b64", b64_false("c3ViCg"), "Unsupported header"),
    bad("D27-b64-false-without-crit", b64_false("c3ViCg", crit=False), "Malformed token"),
    bad("D27-b64-false-raw-json-payload", b64_false('{"sub":"admin"}'), "Malformed token",
        unparsed=True),
    bad("D27-b64-true-crit-b64", header(b64=True, crit=["b64"]), "Unsupported header"),
    # 28: unknown non-critical header parameters are ignored (RFC 7515 §4).
    ok("D28-nonce-header", header(nonce="abc")),
    ok("D28-foo-header", header(foo={"bar": [1, 2]})),
    ok("D28-cty-header", header(cty="JWT")),
    # 29: explicit typing when token_types is set.
    *(ok(f"D29-typ-{name}", typed(value)) for name, value in [
        ("at+jwt", "at+jwt"),
        ("application-at+jwt", "application/at+jwt"),
        ("upper-case", "AT+JWT"),
        ("mixed-case-application", "Application/At+Jwt"),
    ]),
    *(bad(f"D29-typ-{name}", typed(value), "Invalid token type") for name, value in [
        ("JWT", "JWT"),
        ("missing", None),
        ("empty", ""),
        ("int", 5),
        ("list", ["at+jwt"]),
        ("trailing-space", "at+jwt "),
        ("application-jwt", "application/jwt"),
        ("id-token-jwt", "id_token+jwt"),
        ("prefix", "x-at+jwt"),
        ("media-type-parameter", "application/at+jwt; charset=utf-8"),
    ]),
    ok("D29-allow-list-with-JWT", typed("JWT", "/typ2")),
    ok("D29-allow-list-with-application-jwt", typed("application/JWT", "/typ2")),
    bad("D29-allow-list-other-typ", typed("secevent+jwt", "/typ2"), "Invalid token type"),
    ok("D29-typ-unchecked-by-default", typed("anything", "/p")),
]  # fmt: skip

GROUP_E = [
    # 30: expired (exp == now is expired: "on or after", RFC 7519 §4.1.4).
    bad("E30-expired-long-ago", claim(exp=FROZEN_NOW - 86400), "Token has expired"),
    bad("E30-expired-1s-ago", claim(exp=FROZEN_NOW - 1), "Token has expired"),
    bad("E30-exp-equals-now", claim(exp=FROZEN_NOW), "Token has expired"),
    bad("E30-exp-zero", claim(exp=0), "Token has expired"),
    bad("E30-exp-negative", claim(exp=-1), "Token has expired"),
    # 31: exp required, and a NumericDate.
    bad("E31-exp-missing", claim(drop=("exp",)), "Missing claim: exp"),
    bad("E31-exp-null", claim(exp=None), "Missing claim: exp"),
    bad("E31-exp-string", claim(exp=str(FROZEN_NOW + 300)), "Invalid claim: exp"),
    bad("E31-exp-true", claim(exp=True), "Invalid claim: exp"),
    bad("E31-exp-false", claim(exp=False), "Invalid claim: exp"),
    bad("E31-exp-list", claim(exp=[FROZEN_NOW + 300]), "Invalid claim: exp"),
    bad("E31-exp-object", claim(exp={"t": FROZEN_NOW + 300}), "Invalid claim: exp"),
    # 32: not before.
    bad("E32-nbf-in-the-future", claim(nbf=FROZEN_NOW + 60), "Token is not yet valid"),
    bad("E32-nbf-over-leeway", claim("/leeway", nbf=FROZEN_NOW + 6), "Token is not yet valid"),
    ok("E32-nbf-within-leeway", claim("/leeway", nbf=FROZEN_NOW + 3)),
    bad("E32-nbf-string", claim(nbf="soon"), "Invalid claim: nbf"),
    bad("E32-nbf-true", claim(nbf=True), "Invalid claim: nbf"),
    # 33: issued in the future (no max-age policy exists: nothing to test there).
    bad("E33-iat-in-the-future", claim(iat=FROZEN_NOW + 60), "Token was issued in the future"),
    bad("E33-iat-over-leeway", claim("/leeway", iat=FROZEN_NOW + 6),
        "Token was issued in the future"),
    ok("E33-iat-within-leeway", claim("/leeway", iat=FROZEN_NOW + 3)),
    bad("E33-iat-string", claim(iat="yesterday"), "Invalid claim: iat"),
    # 34: exact boundaries with the frozen clock, leeway 0 and 5 s.
    ok("E34-exp-now-plus-1", claim(exp=FROZEN_NOW + 1)),
    ok("E34-nbf-equals-now", claim(nbf=FROZEN_NOW)),
    bad("E34-nbf-now-plus-1", claim(nbf=FROZEN_NOW + 1), "Token is not yet valid"),
    ok("E34-iat-equals-now", claim(iat=FROZEN_NOW)),
    bad("E34-iat-now-plus-1", claim(iat=FROZEN_NOW + 1), "Token was issued in the future"),
    bad("E34-leeway5-exp-now-minus-5", claim("/leeway", exp=FROZEN_NOW - 5), "Token has expired"),
    ok("E34-leeway5-exp-now-minus-4", claim("/leeway", exp=FROZEN_NOW - 4)),
    ok("E34-leeway5-nbf-now-plus-5", claim("/leeway", nbf=FROZEN_NOW + 5)),
    ok("E34-leeway5-iat-now-plus-5", claim("/leeway", iat=FROZEN_NOW + 5)),
    # 35: exact issuer.
    bad("E35-iss-missing", claim(drop=("iss",)), "Missing claim: iss"),
    bad("E35-iss-null", claim(iss=None), "Missing claim: iss"),
    *(bad(f"E35-iss-{name}", claim(iss=value), "Invalid claim: iss") for name, value in [
        ("trailing-slash", ISSUER + "/"),
        ("upper-case", ISSUER.upper()),
        ("http", "http://issuer"),
        ("suffix", ISSUER + ".attacker.example"),
        ("prefix", ISSUER[:-1]),
        ("list", [ISSUER]),
        ("empty", ""),
        ("int", 5),
    ]),
    # 36: audience: must identify us.
    bad("E36-aud-missing", claim(drop=("aud",)), "Missing claim: aud"),
    *(bad(f"E36-aud-{name}", claim(aud=value), "Invalid claim: aud") for name, value in [
        ("other", "other"),
        ("other-case", "API"),
        ("trailing-space", "api "),
        ("list-without-us", ["x", "y"]),
        ("empty-list", []),
        ("empty-string", ""),
        ("int-member", [5]),
        ("us-and-int-member", [AUDIENCE, 5]),
        ("int", 5),
        ("object", {AUDIENCE: True}),
    ]),
    ok("E36-aud-list-with-us", claim(aud=["x", AUDIENCE])),
    ok("E36-aud-string", claim(aud=AUDIENCE)),
    bad("E36-empty-audience-allow-list-allows-nothing", claim("/noaud", aud="anything"),
        "Invalid claim: aud"),
    # 37: sub, jti, client_id types and presence.
    bad("E37-sub-missing", claim(drop=("sub",)), "Missing claim: sub"),
    bad("E37-sub-null", claim(sub=None), "Missing claim: sub"),
    bad("E37-sub-int", claim(sub=5), "Invalid claim: sub"),
    bad("E37-sub-empty", claim(sub=""), "Invalid claim: sub"),
    bad("E37-sub-list", claim(sub=["u1"]), "Invalid claim: sub"),
    bad("E37-jti-int", claim(jti=5), "Invalid claim: jti"),
    ok("E37-rfc9068-control", rfc9068(client_id="c1")),
    bad("E37-rfc9068-jti-missing", rfc9068(("jti",), client_id="c1"), "Missing claim: jti"),
    bad("E37-rfc9068-jti-int", rfc9068(client_id="c1", jti=7), "Invalid claim: jti"),
    bad("E37-rfc9068-iat-missing", rfc9068(("iat",), client_id="c1"), "Missing claim: iat"),
    bad("E37-rfc9068-client-id-missing", rfc9068(), "Missing claim: client_id"),
    bad("E37-rfc9068-client-id-int", rfc9068(client_id=5), "Invalid claim: client_id"),
    bad("E37-rfc9068-client-id-list", rfc9068(client_id=["c1"]), "Invalid claim: client_id"),
    bad("E37-rfc9068-client-id-empty", rfc9068(client_id=""), "Invalid claim: client_id"),
    # 38: other kinds of tokens.
    bad("E38-refresh-token-typ", typed("refresh+jwt"), "Invalid token type"),
    bad("E38-id-token-on-typed-endpoint", typed("JWT"), "Invalid token type"),
    bad("E38-id-token-audience-is-client", claim(aud="client-app"), "Invalid claim: aud"),
    bad("E38-token-for-another-api", claim(aud="https://other-api"), "Invalid claim: aud"),
    bad("E38-token-from-another-issuer", claim(iss="https://other-issuer"), "Invalid claim: iss"),
    bad("E38-token-use-refresh", claim("/kind", token_use="refresh"), "Invalid claim: token_use"),
    bad("E38-token-use-id", claim("/kind", token_use="id"), "Invalid claim: token_use"),
    bad("E38-token-use-missing", claim("/kind"), "Missing claim: token_use"),
    ok("E38-control-token-use-access", claim("/kind", token_use="access")),
    # 39: scopes, exact tokens of the space-delimited string (or the scp list).
    *(forbidden(f"E39-scope-{name}", claim("/scoped", **value)) for name, value in [
        ("missing", {}),
        ("other", {"scope": "write"}),
        ("prefix-match", {"scope": "read:admin"}),
        ("longer-word", {"scope": "reader"}),
        ("other-case", {"scope": "READ"}),
        ("comma-delimited", {"scope": "read,write"}),
        ("int", {"scope": 5}),
        ("object", {"scope": {"read": True}}),
        ("scp-other", {"scp": ["reader"]}),
        ("nested-list", {"scp": [["read"]]}),
    ]),
    *(ok(f"E39-scope-{name}", claim("/scoped", **value)) for name, value in [
        ("exact", {"scope": "read"}),
        ("among-others", {"scope": "write read"}),
        ("extra-spaces", {"scope": "  read   write "}),
        ("scp-list", {"scp": ["write", "read"]}),
        ("scp-string", {"scp": "read"}),
    ]),
    forbidden("E39-two-required-one-granted", claim("/scoped2", scope="read"), "read write"),
    ok("E39-two-required-both-granted", claim("/scoped2", scope="write read")),
    forbidden("E39-role-missing", claim("/roles", roles=["user"]), None),
    forbidden("E39-role-prefix", claim("/roles", roles=["admins"]), None),
    forbidden("E39-role-nested-list", claim("/roles", roles=[["admin"]]), None),
    ok("E39-role-granted", claim("/roles", roles=["user", "admin"])),
    # 40: type-strict custom claim checks (no True == 1, no "1" == 1).
    ok("E40-control", claim("/custom", admin=True, level=1, flag=False)),
    ok("E40-second-allowed-value", claim("/custom", admin=True, level=2, flag=False)),
    *(bad(f"E40-{name}", claim("/custom", **{**{"admin": True, "level": 1, "flag": False},
                                               **value}), f"Invalid claim: {next(iter(value))}")
      for name, value in [
        ("one-for-true", {"admin": 1}),
        ("string-true", {"admin": "true"}),
        ("list-with-one-for-true", {"admin": [1]}),
        ("true-for-one", {"level": True}),
        ("string-one", {"level": "1"}),
        ("list-true-for-one", {"level": [True]}),
        ("zero-for-false", {"flag": 0}),
        ("empty-string-for-false", {"flag": ""}),
    ]),
    bad("E40-false-claim-null", claim("/custom", admin=True, level=1, flag=None),
        "Missing claim: flag"),
]  # fmt: skip

CASES = GROUP_A + GROUP_B + GROUP_C + GROUP_D + GROUP_E


# --- running a case --------------------------------------------------------------------


@pytest.fixture
def frozen_clock(monkeypatch) -> int:
    """Freeze the claims clock (``claims._clock`` reads ``time.time`` each call).

    Frozen on the whole second: the clock is as precise as the NumericDates, so the
    E30 / E34 boundary rows are exact.
    """
    monkeypatch.setattr(claims_module, "time", SimpleNamespace(time=lambda: FROZEN_NOW))
    return FROZEN_NOW


@pytest.fixture
def parse_calls(monkeypatch) -> list[bytes]:
    """Every segment that reached the base64url / JSON decoding of a token."""
    calls: list[bytes] = []
    original = verify.b64url_decode

    def spy(value, *args, **kwargs):
        calls.append(value)
        return original(value, *args, **kwargs)

    monkeypatch.setattr(verify, "b64url_decode", spy)
    return calls


@pytest.fixture
def connections(monkeypatch) -> list[Any]:
    """Refuse (and record) any network connection: nothing in a header may be fetched."""
    attempts: list[Any] = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


async def send(client: TestAsyncClient, req: Req):
    kwargs: dict[str, Any] = {"headers": req.headers}
    if req.cookies:
        kwargs["COOKIES"] = req.cookies
    if req.method == "post":
        return await client.post(req.path, data=req.data, **kwargs)
    return await client.get(req.path, **kwargs)


def credential_text(req: Req) -> list[str]:
    """The parts of the credential that must never come back in a response."""
    values = [*req.headers.values(), *(req.data or {}).values(), *(req.cookies or {}).values()]
    if "?" in req.path:
        values.append(req.path.split("=", 1)[1])
    parts = []
    for value in values:
        token = value.split(" ", 1)[-1].strip()
        parts += [segment for segment in [token, *token.split(".")] if len(segment) >= 12]
    return parts


def case_params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else [],
        )
        for case in cases
    ]


@pytest.mark.parametrize("case", case_params(CASES))
async def test_attack(case: Case, client, keys, frozen_clock, parse_calls, connections):
    req = case.build(Forge(keys, frozen_clock))
    response = await send(client, req)

    assert response.status_code == case.status, response.content[:300]
    assert response.headers.get("WWW-Authenticate") == case.challenge
    expected = case.body if case.status == 200 else {"detail": case.detail}
    assert response.json() == expected
    if case.unparsed:
        assert parse_calls == []
    assert connections == []
    text = response.content.decode() + "".join(f"{k}: {v}" for k, v in response.headers.items())
    for secret in credential_text(req):
        assert secret not in text


def test_every_checklist_row_is_covered():
    rows = {case.id.split("-", 1)[0] for case in CASES}
    rows |= {"C24"}  # weak keys: test_misconfiguration_refused
    expected = {
        f"{group}{n}"
        for group, numbers in {
            "A": range(1, 6),
            "B": range(6, 13),
            "C": range(13, 25),
            "D": range(25, 30),
            "E": range(30, 41),
        }.items()
        for n in numbers
    }
    assert rows == expected
    assert len({case.id for case in CASES}) == len(CASES)


async def test_real_clock_expiry(client, keys):
    """E30/E34 without the frozen clock: the patch above does not hide the real one."""
    forge = Forge(keys, int(time.time()))
    fresh = await client.get("/p", headers={"Authorization": f"Bearer {forge.token()}"})
    assert fresh.status_code == 200, fresh.content
    expired = forge.token(exp=forge.now - 5, iat=forge.now - 60, nbf=forge.now - 60)
    response = await client.get("/p", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has expired"}
    assert response.headers["WWW-Authenticate"] == INVALID


# --- configurations that must never load -----------------------------------------------


def _rsa_1024() -> RSAKey:
    return RSAKey.generate_key(1024, parameters={"kid": "weak"}, private=False)


def _pem(key) -> bytes:
    return key.as_pem(private=False)


MISCONFIGURATIONS: list[tuple[str, Callable[[dict], dict[str, Any]]]] = [
    # 13: "none" is never configurable.
    ("C13-jwt-alg-none", lambda k: {"jwt_public": public(k["rsa"]), "jwt_alg": "none"}),
    ("C13-algorithms-with-none",
     lambda k: {"jwt_public": public(k["rsa"]), "algorithms": ["RS256", "none"]}),
    ("C13-jwt-alg-None", lambda k: {"jwt_public": public(k["rsa"]), "jwt_alg": "None"}),
    # 15: HS and RS never share a key source; a public key is no HMAC secret.
    ("C15-hs-rs-mix", lambda k: {"jwt_public": public(k["rsa"]), "algorithms": ["RS256", "HS256"]}),
    ("C15-public-pem-as-hmac-secret", lambda k: {"jwt_public": _pem(k["rsa"]), "jwt_alg": "HS256"}),
    ("C15-public-pem-text-as-hmac-secret",
     lambda k: {"jwt_public": _pem(k["rsa"]).decode(), "jwt_alg": "HS256"}),
    ("C15-rsa-key-for-hs256", lambda k: {"jwt_public": public(k["rsa"]), "jwt_alg": "HS256"}),
    ("C15-oct-key-for-rs256", lambda k: {"jwt_public": k["hmac"], "jwt_alg": "RS256"}),
    # 16 (static equivalent of "JWKS with an oct key").
    ("C16-keyset-with-oct-key",
     lambda k: {"jwt_public": KeySet([public(k["rsa"]), k["hmac"]]), "jwt_alg": "RS256"}),
    ("C16-jwk-set-dict-with-oct-key",
     lambda k: {"jwt_public": {"keys": [public(k["rsa"]).as_dict(), k["hmac"].as_dict()]},
                "jwt_alg": "RS256"}),
    ("C16-jwk-dict-oct-key", lambda k: {"jwt_public": k["hmac"].as_dict(), "jwt_alg": "RS256"}),
    ("C16-keyset-oct-multi-alg",
     lambda k: {"jwt_public": KeySet([public(k["ec"]), k["hmac"]]),
                "algorithms": ["RS256", "ES256"]}),
    # 17: a key that fits none of the algorithms.
    ("C17-ec-key-for-rs256", lambda k: {"jwt_public": public(k["ec"]), "jwt_alg": "RS256"}),
    ("C17-okp-key-in-rsa-keyset",
     lambda k: {"jwt_public": KeySet([public(k["rsa"]), public(k["okp"])]), "jwt_alg": "RS256"}),
    # 18: a key pinned to another algorithm.
    ("C18-jwk-alg-PS256-for-RS256", lambda k: {
        "jwt_public": RSAKey.import_key(k["rsa"].as_dict(private=False), {"alg": "PS256"}),
        "jwt_alg": "RS256"}),
    # 18: keys not meant for verification never load (use: enc, key_ops without verify).
    ("C18-key-use-enc", lambda k: {
        "jwt_public": RSAKey.import_key(k["rsa"].as_dict(private=False), {"use": "enc"}),
        "jwt_alg": "RS256"}),
    ("C18-key-ops-without-verify", lambda k: {
        "jwt_public": RSAKey.import_key(k["rsa"].as_dict(private=False), {"key_ops": ["encrypt"]}),
        "jwt_alg": "RS256"}),
    ("C18-keyset-member-use-enc", lambda k: {
        "jwt_public": KeySet([RSAKey.import_key(k["rsa"].as_dict(private=False), {"use": "enc"})]),
        "jwt_alg": "RS256"}),
    # 24: weak keys and unexpected curves never load.
    ("C24-rsa-1024-key", lambda k: {"jwt_public": _rsa_1024(), "jwt_alg": "RS256"}),
    ("C24-rsa-1024-pem", lambda k: {"jwt_public": _pem(_rsa_1024()), "jwt_alg": "RS256"}),
    ("C24-rsa-1024-jwk-dict",
     lambda k: {"jwt_public": _rsa_1024().as_dict(private=False), "jwt_alg": "RS256"}),
    ("C24-rsa-1024-in-keyset",
     lambda k: {"jwt_public": KeySet([public(k["rsa"]), _rsa_1024()]), "jwt_alg": "RS256"}),
    ("C24-rsa-1024-in-jwk-set-dict",
     lambda k: {"jwt_public": {"keys": [_rsa_1024().as_dict(private=False)]}, "jwt_alg": "RS256"}),
    ("C24-p384-key-for-es256", lambda k: {"jwt_public": public(k["ec384"]), "jwt_alg": "ES256"}),
    ("C24-secp256k1-key-for-es256", lambda k: {
        "jwt_public": ECKey.generate_key("secp256k1", private=False), "jwt_alg": "ES256"}),
    ("C24-ed448-key-for-ed25519", lambda k: {
        "jwt_public": OKPKey.generate_key("Ed448", private=False), "jwt_alg": "Ed25519"}),
    ("C24-empty-hmac-secret", lambda k: {"jwt_public": b"", "jwt_alg": "HS256"}),
    # 36: an empty audience allow-list would accept nobody: a configuration error.
    ("E36-empty-audience", lambda k: {"jwt_public": public(k["rsa"]), "audience": []}),
    # 34: leeway is a few minutes at most, never negative.
    ("E34-negative-leeway", lambda k: {"jwt_public": public(k["rsa"]), "leeway": -1}),
    ("E34-leeway-of-a-day", lambda k: {"jwt_public": public(k["rsa"]), "leeway": 86400}),
]  # fmt: skip


@pytest.mark.parametrize(
    "attributes", [pytest.param(build, id=name) for name, build in MISCONFIGURATIONS]
)
def test_misconfiguration_refused(attributes, keys):
    values = attributes(keys)
    with pytest.raises(ImproperlyConfigured):
        type("Misconfigured", (AsyncJwtBearer,), values)

    # And the same values, set after class creation, still refuse to instantiate.
    class Late(AsyncJwtBearer):
        pass

    for name, value in values.items():
        setattr(Late, name, value)
    with pytest.raises(ImproperlyConfigured):
        Late()


def test_misconfiguration_control(keys):
    """The refusals above are about the values: a sound configuration loads."""

    class Sound(AsyncJwtBearer):
        jwt_public = KeySet([public(keys["rsa"]), public(keys["other"])])
        jwt_alg = "RS256"

    class Shared(AsyncJwtBearer):
        jwt_public = keys["hmac"]
        jwt_alg = "HS256"

    assert Sound() is not None
    assert Shared() is not None
