"""The verified token lives as long as its request, under any server, and only if accepted.

Requests go through Django's real handlers: a wsgiref server on loopback and the
WSGI ``Client`` (one thread serves every request, as a WSGI worker thread does), the
``AsyncClient`` and the ASGI application itself, for a ``NinjaAIO`` and a plain
``NinjaAPI``, sync and async views.
"""

import asyncio
import random
import threading
from types import SimpleNamespace
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.test import AsyncClient, Client, override_settings
from django.urls import path
from joserfc.jwk import OctKey
from ninja import NinjaAPI
from ninja.security import APIKeyHeader
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer, InsufficientScope, decode_jwt, encode_jwt
from ninja_aio.auth.token import bind_token
from tests.auth.conftest import bearer

SECRET = OctKey.generate_key(256)
API_KEY = {"X-API-Key": "secret-key"}


class Jwt(AsyncJwtBearer):
    jwt_public = SECRET
    jwt_alg = "HS256"

    async def auth_handler(self, request):
        sub = self.dcd.claims["sub"]
        if sub == "refused":
            return False
        if sub == "ghost":
            raise ObjectDoesNotExist("no such user")
        if sub == "forbidden":
            raise InsufficientScope("Not for you")
        return await super().auth_handler(request)


class AdminJwt(Jwt):
    required_scopes = ["admin"]


class KeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    async def authenticate(self, request, key):
        return {"api_key": key} if key == "secret-key" else None


AUTH = Jwt()


def token(sub: str, **claims) -> str:
    return encode_jwt({"sub": sub, **claims}, 300, SECRET, "HS256")


def identity(auth) -> dict | str | None:
    """``request.auth``: the API key's result as is, a bearer's claims as ``"jwt"``."""
    if not auth:
        return None
    return {"api_key": auth["api_key"]} if "api_key" in auth else "jwt"


def seen(request) -> dict:
    """What a view sees of the token: ``self.dcd``, ``request.jwt`` and ``request.auth``."""
    jwt = getattr(request, "jwt", None)
    return {
        "dcd": AUTH.dcd.claims["sub"] if AUTH.dcd else None,
        "jwt": jwt.claims["sub"] if jwt else None,
        "auth": identity(getattr(request, "auth", None)),
    }


CHAINS = {
    "jwt": AUTH,
    "list": [AUTH, KeyAuth()],
    "or": AUTH | KeyAuth(),
    "admin-or": AdminJwt() | KeyAuth(),
    "public": None,
}


AIO_API = NinjaAIO(urls_namespace="request-scope-aio")


def make_api(api: NinjaAPI) -> NinjaAPI:
    for name, auth in CHAINS.items():

        def sync_view(request):
            return seen(request)

        async def async_view(request):
            return seen(request)

        api.get(f"/{name}-sync", auth=auth, url_name=f"{name}-sync")(sync_view)
        api.get(f"/{name}-async", auth=auth, url_name=f"{name}-async")(async_view)
    return api


@AIO_API.get("/slow", auth=AUTH)
async def slow(request):
    before = seen(request)
    await asyncio.sleep(random.random() / 50)  # let the other requests start and end
    return [before, seen(request)]


APIS = {
    "aio": make_api(AIO_API),
    "plain": make_api(NinjaAPI(urls_namespace="request-scope-plain")),
}
urlpatterns = [path(f"{name}/", api.urls) for name, api in APIS.items()]

ALICE = {"dcd": "alice", "jwt": "alice", "auth": "jwt"}
KEY_ONLY = {"dcd": None, "jwt": None, "auth": {"api_key": "secret-key"}}
NOBODY = {"dcd": None, "jwt": None, "auth": None}
every_server_setup = pytest.mark.parametrize(
    ("api", "kind"), [(api, kind) for api in APIS for kind in ("sync", "async")]
)


def stale_token():
    """A verified token bound outside any request, as a previous request would leave it."""
    verified = decode_jwt(token("stale"), SECRET, ["HS256"])
    bind_token(SimpleNamespace(), verified)
    assert AUTH.dcd is verified


@override_settings(ROOT_URLCONF=__name__)
@every_server_setup
def test_wsgi_a_request_never_sees_the_previous_requests_token(api, kind):
    client = Client()  # one thread for every request, like a WSGI worker thread
    alice = bearer(token("alice"))
    assert client.get(f"/{api}/jwt-{kind}", headers=alice).json() == ALICE
    assert AUTH.dcd is None  # cleared when the request ended
    assert client.get(f"/{api}/list-{kind}", headers=API_KEY).json() == KEY_ONLY
    assert client.get(f"/{api}/jwt-{kind}", headers=alice).json() == ALICE
    assert client.get(f"/{api}/or-{kind}", headers=API_KEY).json() == KEY_ONLY
    assert client.get(f"/{api}/jwt-{kind}", headers=alice).json() == ALICE
    assert client.get(f"/{api}/public-{kind}").json() == NOBODY
    assert AUTH.dcd is None


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def wsgi_server():
    """Django's WSGIHandler behind wsgiref on loopback: one thread serves every request."""
    with override_settings(ROOT_URLCONF=__name__):
        server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


@every_server_setup
def test_a_real_wsgi_server_thread_never_shows_the_previous_requests_token(wsgi_server, api, kind):
    alice = bearer(token("alice"))
    with httpx.Client(base_url=wsgi_server) as client:
        assert client.get(f"/{api}/jwt-{kind}", headers=alice).json() == ALICE
        assert client.get(f"/{api}/list-{kind}", headers=API_KEY).json() == KEY_ONLY
        assert client.get(f"/{api}/jwt-{kind}", headers=alice).json() == ALICE
        assert client.get(f"/{api}/public-{kind}").json() == NOBODY
        refused = {**bearer(token("refused")), **API_KEY}
        assert client.get(f"/{api}/or-{kind}", headers=refused).json() == KEY_ONLY


@override_settings(ROOT_URLCONF=__name__)
@every_server_setup
def test_wsgi_a_token_left_on_the_thread_is_cleared_when_a_request_starts(api, kind):
    stale_token()
    assert Client().get(f"/{api}/public-{kind}").json() == NOBODY
    stale_token()
    assert Client().get(f"/{api}/list-{kind}", headers=API_KEY).json() == KEY_ONLY


@override_settings(ROOT_URLCONF=__name__)
@every_server_setup
async def test_asgi_client_sequence(api, kind):
    client = AsyncClient()
    alice = bearer(token("alice"))
    assert (await client.get(f"/{api}/jwt-{kind}", headers=alice)).json() == ALICE
    assert AUTH.dcd is None
    assert (await client.get(f"/{api}/list-{kind}", headers=API_KEY)).json() == KEY_ONLY
    assert (await client.get(f"/{api}/jwt-{kind}", headers=alice)).json() == ALICE
    assert (await client.get(f"/{api}/public-{kind}")).json() == NOBODY
    stale_token()
    assert (await client.get(f"/{api}/public-{kind}")).json() == NOBODY


@override_settings(ROOT_URLCONF=__name__)
@every_server_setup
async def test_asgi_application_sequence(api, kind):
    transport = httpx.ASGITransport(app=ASGIHandler())
    alice = bearer(token("alice"))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get(f"/{api}/jwt-{kind}", headers=alice)).json() == ALICE
        assert (await client.get(f"/{api}/list-{kind}", headers=API_KEY)).json() == KEY_ONLY
        assert (await client.get(f"/{api}/public-{kind}")).json() == NOBODY
        # Even a token left in the server's own context is gone once a request starts:
        # the request_started receiver runs in a copy of the context (Signal.asend).
        stale_token()
        assert (await client.get(f"/{api}/public-{kind}")).json() == NOBODY
        stale_token()
        assert (await client.get(f"/{api}/list-{kind}", headers=API_KEY)).json() == KEY_ONLY


@override_settings(ROOT_URLCONF=__name__)
async def test_asgi_concurrent_requests_each_see_their_own_token_only():
    """Emptying a slot when a request starts or ends never reaches another request's."""
    transport = httpx.ASGITransport(app=ASGIHandler())
    stale_token()  # shared by every request's context copy
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        users = [f"user-{n}" for n in range(60)]
        calls = [client.get("/aio/slow", headers=bearer(token(user))) for user in users]
        calls += [client.get("/aio/list-async", headers=API_KEY) for _ in range(20)]
        calls += [client.get("/aio/public-async") for _ in range(20)]
        responses = await asyncio.gather(*calls)
    for user, response in zip(users, responses, strict=False):
        assert response.json() == [{"dcd": user, "jwt": user, "auth": "jwt"}] * 2
    assert [r.json() for r in responses[60:80]] == [KEY_ONLY] * 20
    assert [r.json() for r in responses[80:]] == [NOBODY] * 20


@override_settings(ROOT_URLCONF=__name__)
@every_server_setup
@pytest.mark.parametrize("chain", ["list", "or"])
@pytest.mark.parametrize("sub", ["refused", "ghost"])
def test_a_token_refused_by_auth_handler_leaves_no_trace(api, kind, chain, sub):
    # auth_handler returns False, or raises a lookup error: the API key authenticates.
    headers = {**bearer(token(sub)), **API_KEY}
    assert Client().get(f"/{api}/{chain}-{kind}", headers=headers).json() == KEY_ONLY
    # Without a key, the refusal is a 401 and the view never runs.
    assert Client().get(f"/{api}/{chain}-{kind}", headers=bearer(token(sub))).status_code == 401


@override_settings(ROOT_URLCONF=__name__)
@every_server_setup
def test_a_token_refused_with_a_403_leaves_no_trace_when_the_chain_goes_on(api, kind):
    client = Client()
    # A 403 from auth_handler or from the scope check ends a list, ``|`` goes on to the key.
    forbidden = {**bearer(token("forbidden")), **API_KEY}
    assert client.get(f"/{api}/or-{kind}", headers=forbidden).json() == KEY_ONLY
    assert client.get(f"/{api}/list-{kind}", headers=forbidden).status_code == 403
    unscoped = {**bearer(token("alice", scope="read")), **API_KEY}
    assert client.get(f"/{api}/admin-or-{kind}", headers=unscoped).json() == KEY_ONLY
    admin = {**bearer(token("alice", scope="admin")), **API_KEY}
    assert client.get(f"/{api}/admin-or-{kind}", headers=admin).json() == ALICE


@pytest.mark.parametrize("api", list(APIS.values()), ids=list(APIS))
async def test_without_django_handlers_a_chain_still_shows_only_its_own_token(api):
    """ninja's TestAsyncClient sends no request signals: the request-bound check alone."""
    client = TestAsyncClient(api)
    alice = bearer(token("alice"))
    assert (await client.get("/jwt-async", headers=alice)).json() == ALICE
    assert (await client.get("/list-async", headers=API_KEY)).json() == KEY_ONLY
    assert (await client.get("/jwt-async", headers=alice)).json() == ALICE
    assert (await client.get("/or-async", headers=API_KEY)).json() == KEY_ONLY
    refused = {**bearer(token("refused")), **API_KEY}
    assert (await client.get("/list-async", headers=refused)).json() == KEY_ONLY
