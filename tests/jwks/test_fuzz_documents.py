"""Property-based fuzzing of remote key documents: hostile JWK Sets and discovery documents.

A loopback ``JwksServer`` serves what hypothesis draws and a protected route is called:

* whatever the document, the answer is never a 5xx other than 503 (no usable keys, with
  ``Retry-After``), and a 401 always carries ``WWW-Authenticate``;
* a token is accepted only when signed by a usable key of the document;
* usable keys still verify when the document also holds junk. A ``kid`` shared with junk
  that is dropped (unloadable, private, ``oct``, weak, ``use: enc``, no ``verify`` op) or
  that cannot verify the token's ``alg`` (another key type, another ``alg``) changes
  nothing, and so does the same key listed twice; a ``kid`` shared by two different usable
  keys that both fit the token's ``alg`` is ambiguous: ``KeyIndex.select`` refuses it, so
  the token gets a 401;
* a discovery document never makes the bearer fetch an insecure URL (plain HTTP to a
  non-loopback host, ``file:``, other schemes, credentials in the URL). HTTPS ``jwks_uri``
  on another host is allowed by design (IdPs publish keys elsewhere); here the network is
  cut off, so those are only recorded and must end in a 503.

Each test is a plain (sync) test driving the async client through ``async_to_sync``, and
checks once all examples ran that it saw every outcome it is about (so none is vacuous).
Loader crashes are masked as 503 by ``RemoteValue``; the ``reason=loader_*`` log line
they leave is caught and fails the test.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, Key, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from ninja_aio.auth import reset_remote_caches
from ninja_aio.auth.jwks_http import FetchError, check_url, is_loopback_host
from ninja_aio.auth.jwks_keys import MAX_KID_LENGTH, parse_jwks
from ninja_aio.testing import JwksServer
from tests.jwks.helpers import AUDIENCE, auth_header, bearer, client_for

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

ALGORITHMS = ["RS256", "ES256", "Ed25519"]
#: Independent examples: no cooldown, no stale keys. Nothing here waits for the timeout
#: (the server answers at once, off-host connections fail at once): it only bounds a hang.
QUICK = {"jwks_cooldown": 0, "jwks_max_stale": 0, "jwks_timeout": 5.0, "algorithms": ALGORITHMS}

# -- a server that serves any body --------------------------------------------------------


class RawServer(JwksServer):
    """``JwksServer`` whose documents can be replaced by any body (JSON value or raw bytes)."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: dict[str, Any] = {}

    def _answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super()._answer(path)  # counts the request
        if path in self.bodies:
            raw = self.bodies[path]
            body = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
            return 200, {"Content-Type": "application/json"}, body
        return status, headers, body


# -- keys -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys() -> dict[str, Key]:
    """Signers published in documents, their twins and attackers (never published)."""
    with pytest.warns(SecurityWarning):
        weak = RSAKey.generate_key(1024, private=True)
    return {
        "rsa": RSAKey.generate_key(2048, private=True),
        "rsa-twin": RSAKey.generate_key(2048, private=True),
        "rsa-attacker": RSAKey.generate_key(2048, private=True),
        "ec": ECKey.generate_key("P-256", private=True),
        "ec-twin": ECKey.generate_key("P-256", private=True),
        "ec-attacker": ECKey.generate_key("P-256", private=True),
        "ec-384": ECKey.generate_key("P-384", private=True),
        "okp": OKPKey.generate_key("Ed25519", private=True),
        "okp-twin": OKPKey.generate_key("Ed25519", private=True),
        "okp-attacker": OKPKey.generate_key("Ed25519", private=True),
        "x25519": OKPKey.generate_key("X25519", private=True),
        "oct": OctKey.generate_key(256),
        "weak": weak,
    }


FAMILY_ALG = {"rsa": "RS256", "ec": "ES256", "okp": "Ed25519"}


def sign(key: Key, alg: str, issuer: str, kid: Any = None) -> str:
    """A compact JWS made by hand: joserfc refuses to put a non-string ``kid`` in a header."""
    header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    claims = {"sub": "alice", "iss": issuer, "aud": AUDIENCE, "exp": 4_000_000_000}
    signing_input = b".".join(_b64(json.dumps(part).encode()) for part in (header, claims))
    signature = JWSRegistry.algorithms[alg].sign(signing_input, key)
    return (signing_input + b"." + _b64(signature)).decode()


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def header_kid_ok(kid: Any) -> bool:
    """The bearer refuses other token ``kid`` values before it looks for keys (verify.py)."""
    return kid is None or (isinstance(kid, str) and 0 < len(kid) <= MAX_KID_LENGTH)


def public(key: Key, **members: Any) -> dict[str, Any]:
    return {**key.as_dict(private=False), **members}


# -- fixtures -------------------------------------------------------------------------------


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.crashes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "reason=loader_" in message:
            self.crashes.append(message)


@pytest.fixture
def loader_crashes() -> Iterator[list[str]]:
    recorder = Recorder()
    target = logging.getLogger("ninja_aio.auth")
    previous = target.level
    target.addHandler(recorder)
    target.setLevel(logging.INFO)
    yield recorder.crashes
    target.removeHandler(recorder)
    target.setLevel(previous)


@pytest.fixture
def server() -> Iterator[RawServer]:
    with RawServer() as raw:
        yield raw


@pytest.fixture
def outbound(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Cut the network off: connecting or resolving any non-loopback host is recorded and
    fails (environment proxies are dropped so that they cannot be the host connected to)."""
    attempts: list[str] = []

    def refuse(host: Any) -> None:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not is_loopback_host(name):
            attempts.append(name)
            raise OSError(f"network is off in tests: {name}")

    real_getaddrinfo = socket.getaddrinfo
    real_create_connection = socket.create_connection
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(host)
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(address[0])
        return real_create_connection(address, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple):
            refuse(address[0])
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple):
            refuse(address[0])
        return real_connect_ex(sock, address)

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return attempts


def call(auth_attributes: dict[str, Any], value: str) -> Any:
    """A fresh bearer (fresh key source) on a fresh API, after forgetting every cache."""
    reset_remote_caches()
    client = client_for(bearer(**QUICK, **auth_attributes)())
    return async_to_sync(client.get)("/me", headers=auth_header(value))


def check_contract(response: Any) -> int:
    status = response.status_code
    assert status < 500 or status == 503, (status, response.content[:300])
    if status == 503:
        assert int(response.headers["Retry-After"]) >= 1
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return status


# -- strategies -----------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=16)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
b64 = st.binary(max_size=300).map(lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode())
member_values = b64 | json_values | st.text(max_size=3000).filter(lambda text: len(text) > 200)
ktys = st.sampled_from(["RSA", "EC", "OKP", "oct", "rsa", "", "RSA-OAEP", "ECDH", "AKP"])
kids = (
    st.sampled_from(["rsa", "ec", "okp", "k1", ""])
    | scalars
    | st.lists(scalars, max_size=2)
    | st.text(min_size=250, max_size=300)
    | st.just("k" * 5000)
)
uses = st.sampled_from(["sig", "enc", "SIG", ""]) | json_values
key_ops = st.lists(st.sampled_from(["verify", "sign", "encrypt", "x"]), max_size=3) | json_values
algs = st.sampled_from(["RS256", "ES256", "Ed25519", "EdDSA", "HS256", "none", "RS512"]) | scalars
curves = st.sampled_from(["P-256", "P-384", "P-521", "Ed25519", "Ed448", "X25519", "secp256k1"])

random_jwk = st.fixed_dictionaries(
    {"kty": ktys | json_values},
    optional={
        "n": member_values,
        "e": st.sampled_from(["AQAB", "Aw", "AA", ""]) | member_values,
        "x": member_values,
        "y": member_values,
        "crv": curves | json_values,
        "k": member_values,
        "d": member_values,
        "kid": kids,
        "use": uses,
        "key_ops": key_ops,
        "alg": algs,
    },
)


@st.composite
def mutated_jwk(draw: st.DrawFn, bases: list[dict[str, Any]]) -> dict[str, Any]:
    """A real public key (never the token's signer) with members replaced, added or removed."""
    member = dict(draw(st.sampled_from(bases)))
    names = ["kty", "n", "e", "x", "y", "crv", "k", "d", "kid", "use", "key_ops", "alg"]
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        if draw(st.booleans()) and name in member:
            del member[name]
        else:
            member[name] = draw(
                {"kid": kids, "use": uses, "key_ops": key_ops, "alg": algs, "crv": curves}.get(
                    name, member_values
                )
                | json_values
            )
    return member


def junk_member(bases: list[dict[str, Any]]) -> st.SearchStrategy[Any]:
    return random_jwk | mutated_jwk(bases) | json_values


# -- 1. random documents, token signed by a key that is not in them --------------------------


def test_random_documents_never_accept_a_foreign_token(keys, server, outbound, loader_crashes):
    bases = [public(keys[name], kid=name) for name in ("rsa-twin", "ec-twin", "okp-twin")]
    bases += [public(keys["x25519"]), public(keys["ec-384"]), public(keys["weak"])]
    bases += [keys["oct"].as_dict(), keys["rsa-twin"].as_dict(private=True)]
    members = st.lists(junk_member(bases), max_size=8)
    documents = (
        json_values
        | st.fixed_dictionaries({"keys": members})
        | st.fixed_dictionaries({"keys": json_values})
        | st.dictionaries(st.text(max_size=6), json_values, max_size=3).map(
            lambda extra: {**extra, "keys": []}
        )
        | members
        | st.tuples(members, st.sampled_from(bases[:3]), st.integers(0, 8)).map(
            lambda parts: {"keys": [*parts[0][: parts[2]], parts[1], *parts[0][parts[2] :]]}
        )
        | st.binary(max_size=40)
        | st.just(b'{"keys": [1e999999, 123456789012345678901234567890]}')
        | st.just(b"NaN")
    )
    token_kids = st.sampled_from(["rsa-twin", "ec-twin", "okp-twin"]) | kids
    seen: Counter[int] = Counter()

    @FUZZ
    @given(document=documents, family=st.sampled_from(sorted(FAMILY_ALG)), kid=token_kids)
    def run(document, family, kid):
        server.bodies[server.JWKS_PATH] = document
        server.reset_counts()
        loader_crashes.clear()
        forged = sign(keys[f"{family}-attacker"], FAMILY_ALG[family], server.issuer, kid)

        response = call({"jwks_url": server.jwks_url, "issuer": server.issuer}, forged)

        status = check_contract(response)
        assert not loader_crashes, loader_crashes
        assert not outbound, outbound
        if not header_kid_ok(kid):
            assert (status, server.fetches("jwks")) == (401, 0)
            return
        assert status in (401, 503), (status, document)
        if status == 401 and server.fetches("jwks") == 0:
            seen["refused-before-keys"] += 1  # e.g. a kid the header checks refuse
            return
        if isinstance(document, dict):  # bodies that are not JSON objects never load
            try:
                usable = bool(parse_jwks(document, "oracle").keys)
            except FetchError:
                usable = False
            assert status == (401 if usable else 503), document
        assert 1 <= server.fetches("jwks") <= 2  # an unknown kid causes one refresh
        seen[status] += 1

    run()
    assert seen[401] > 0 and seen[503] > 0, seen


# -- 2. a usable key among junk, some of which shares its kid ---------------------------------

#: What a member sharing the signer's ``kid`` does to a token naming that ``kid``.
AMBIGUOUS, HARMLESS = "ambiguous", "harmless"


def _same_host(host: str | None) -> str | None:
    """A host name, or an IP address in one spelling ("::ffff:127.0.0.1" is "::ffff:7f00:1")."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def shadow_members(keys: dict[str, Key], family: str, kid: str) -> dict[str, tuple[Any, str]]:
    """Members carrying ``kid``, and whether they make it ambiguous for ``FAMILY_ALG[family]``.

    Ambiguous: another usable key that fits the token's ``alg``. Harmless: anything that is
    dropped at load (a repeat of the signer included), or cannot verify that ``alg``.
    """
    signer, twin = keys[family], keys[f"{family}-twin"]
    other_family = {"rsa": "ec", "ec": "okp", "okp": "rsa"}[family]
    other_alg = {"rsa": "RS512", "ec": "ES384", "okp": "RS256"}[family]
    return {
        "duplicate": (public(signer, kid=kid), HARMLESS),  # the same key listed twice
        "twin": (public(twin, kid=kid), AMBIGUOUS),
        "twin-sig": (public(twin, kid=kid, use="sig", key_ops=["verify"]), AMBIGUOUS),
        "twin-other-alg": (public(twin, kid=kid, alg=other_alg), HARMLESS),
        "other-family": (public(keys[f"{other_family}-twin"], kid=kid), HARMLESS),
        "ec-384": (public(keys["ec-384"], kid=kid), HARMLESS),
        "x25519": (public(keys["x25519"], kid=kid), HARMLESS),
        "enc": (public(twin, kid=kid, use="enc"), HARMLESS),
        "sign-only": (public(twin, kid=kid, key_ops=["sign"]), HARMLESS),
        "private": ({**twin.as_dict(private=True), "kid": kid}, HARMLESS),
        "oct": ({**keys["oct"].as_dict(), "kid": kid}, HARMLESS),
        "weak": (public(keys["weak"], kid=kid), HARMLESS),
        "broken": ({**public(twin, kid=kid), "kty": ["RSA"]}, HARMLESS),
        "garbage": ({"kty": "RSA", "kid": kid, "n": "AQAB", "e": "AQAB"}, HARMLESS),
    }


def _has_kid(member: Any, kid: str) -> bool:
    return isinstance(member, dict) and member.get("kid") == kid


def test_a_usable_key_among_junk_still_verifies(keys, server, outbound, loader_crashes):
    bases = [public(keys[name]) for name in ("rsa-twin", "ec-twin", "okp-twin", "x25519")]
    junk = st.lists(junk_member(bases), max_size=8)
    seen: Counter[str] = Counter()

    @FUZZ
    @given(data=st.data())
    def run(data):
        family = data.draw(st.sampled_from(sorted(FAMILY_ALG)), "family")
        kid = data.draw(
            # Any text, but short enough that the token header stays under joserfc's 512-char
            # cap (a longer one is a "Malformed token" before any key lookup, by design).
            st.sampled_from(["k1", "rsa", "ec", "okp"]) | st.text(min_size=1, max_size=16),
            "kid",
        )
        shadows = shadow_members(keys, family, kid)
        picked = data.draw(st.lists(st.sampled_from(sorted(shadows)), max_size=3), "shadows")
        # Only the shadows share the signer's kid: a mutated twin drawn as junk could be a
        # usable key with that kid too, and the expected answer would no longer be known.
        junk_members = [m for m in data.draw(junk, "junk") if not _has_kid(m, kid)]
        members = junk_members + [shadows[name][0] for name in picked]
        members = data.draw(st.permutations(members), "order")
        position = data.draw(st.integers(0, len(members)), "position")
        members.insert(position, public(keys[family], kid=kid))
        server.bodies[server.JWKS_PATH] = {"keys": members}
        loader_crashes.clear()
        alg = FAMILY_ALG[family]
        ambiguous = any(shadows[name][1] == AMBIGUOUS for name in picked)

        genuine = call({"jwks_url": server.jwks_url}, sign(keys[family], alg, server.issuer, kid))
        forged = call(
            {"jwks_url": server.jwks_url},
            sign(keys[f"{family}-attacker"], alg, server.issuer, kid),
        )

        assert check_contract(genuine) == (401 if ambiguous else 200), (picked, members)
        assert check_contract(forged) == 401, (picked, members)
        assert not loader_crashes, loader_crashes
        assert not outbound, outbound
        seen["ambiguous" if ambiguous else "verified"] += 1

    run()
    assert seen["verified"] > 0 and seen["ambiguous"] > 0, seen


# -- 3. random discovery documents ----------------------------------------------------------


def jwks_uris(port: int) -> st.SearchStrategy[Any]:
    schemes = st.sampled_from(["http", "https", "HTTP", "file", "ftp", "gopher", "ws", ""])
    hosts = st.sampled_from(
        [
            "127.0.0.1",
            "localhost",
            "idp.example",
            "10.0.0.1",
            "169.254.169.254",
            "[::ffff:127.0.0.1]",
            "127.0.0.1.idp.example",
            "2130706433",
            "127.1",
            "user:pw@127.0.0.1",
            "idp.example@127.0.0.1",
            "127.0.0.1@idp.example",
            "",
        ]
    )
    ports = st.sampled_from(["", f":{port}", ":0", ":99999", ":x"])
    paths = st.sampled_from(["/jwks", "/jwks?x=1", "/etc/passwd", "", "/jwks/.."])
    built = st.tuples(schemes, hosts, ports, paths).map(lambda p: f"{p[0]}://{p[1]}{p[2]}{p[3]}")
    return built | st.sampled_from(["file:///etc/passwd", "//idp.example/jwks"]) | json_values


def test_random_discovery_documents_never_fetch_insecure_urls(
    keys, server, outbound, loader_crashes
):
    server.publish_raw_keys([public(keys["rsa"], kid="rsa")])
    url = server.url
    good_uris = {
        url + "/jwks",
        url + "/jwks?x=1",
        url + "/../jwks",
        url.replace("127.0.0.1", "localhost") + "/jwks",
    }
    elsewhere = ["https://idp.example/jwks", "https://10.0.0.1:8443/jwks"]
    issuers = st.just(server.issuer) | st.just("https://idp.example") | json_values
    seen: Counter[str] = Counter()

    # The outcomes asserted below, drawn first: a draw may hold none of them.
    @FUZZ
    @example(issuer=server.issuer, jwks_uri=url + "/jwks", extra={}, configured_issuer=True)
    @example(issuer="", jwks_uri=url + "/jwks", extra={}, configured_issuer=False)
    @example(
        issuer=server.issuer,
        jwks_uri=url.replace("http://", "ftp://") + "/jwks",
        extra={},
        configured_issuer=True,
    )
    @given(
        issuer=issuers,
        jwks_uri=jwks_uris(server.port) | st.sampled_from(sorted(good_uris) + elsewhere),
        extra=st.dictionaries(st.text(max_size=8), json_values, max_size=3),
        configured_issuer=st.booleans(),
    )
    def run(issuer, jwks_uri, extra, configured_issuer):
        server.bodies[server.DISCOVERY_PATH] = {**extra, "issuer": issuer, "jwks_uri": jwks_uri}
        server.reset_counts()
        loader_crashes.clear()
        outbound.clear()
        attributes: dict[str, Any] = {"openid_configuration_url": server.openid_configuration_url}
        if configured_issuer:
            attributes["issuer"] = server.issuer
        token_issuer = issuer if isinstance(issuer, str) else server.issuer
        if configured_issuer:  # else the token is refused before keys are looked up
            token_issuer = server.issuer

        genuine = check_contract(call(attributes, sign(keys["rsa"], "RS256", token_issuer, "rsa")))
        jwks_fetches = server.fetches("jwks")
        forged = check_contract(
            call(attributes, sign(keys["rsa-attacker"], "RS256", token_issuer, "rsa"))
        )

        issuer_ok = isinstance(issuer, str) and issuer != ""
        issuer_ok = issuer_ok and (not configured_issuer or issuer == server.issuer)
        expected = 200 if issuer_ok and str(jwks_uri) in good_uris else 503
        assert genuine == expected, (issuer, jwks_uri)
        assert forged == (401 if expected == 200 else 503), (issuer, jwks_uri)
        assert server.fetches("discovery") == 2  # once per fresh bearer
        secure = isinstance(jwks_uri, str) and check_url(jwks_uri) is None
        if not (secure and is_loopback_host(urlsplit(jwks_uri).hostname or "")):
            assert jwks_fetches == 0, jwks_uri  # our /jwks is reached through loopback only
        if outbound:  # only an HTTPS jwks_uri of an issuer that passed may go off the host
            assert issuer_ok and secure and jwks_uri.lower().startswith("https://"), outbound
            wanted = _same_host(urlsplit(jwks_uri).hostname)
            assert {_same_host(host) for host in outbound} == {wanted}, (outbound, jwks_uri)
            seen["https-elsewhere"] += 1
        assert not loader_crashes, loader_crashes
        seen[str(genuine)] += 1
        if issuer_ok and not secure:
            seen["insecure-refused"] += 1

    run()
    assert seen["200"] and seen["503"] and seen["insecure-refused"], seen
