"""``Idempotency-Key`` on POST: a retry replays the first response, never writes twice."""

import asyncio
import threading
import types
import uuid

import pytest
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.db.models.signals import pre_save
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from ninja_aio.views.idempotency import Idempotency
from tests.guide import JWTAuth
from tests.testapp.models import Note
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

TTL = 60
APIS = {alias: NinjaAIO(urls_namespace=f"idempotency-{alias}") for alias in ("default", "redis")}


for _alias, _api in APIS.items():

    class NoteViewSet(APIViewSet):
        model = Note
        api = _api
        api_route_path = "notes"
        idempotency = Idempotency(ttl=TTL, cache=_alias)

    class OtherNoteViewSet(NoteViewSet):
        api_route_path = "other-notes"

    NoteViewSet().add_views_to_route()
    OtherNoteViewSet().add_views_to_route()

auth_api = NinjaAIO(urls_namespace="idempotency-auth")


class AuthNoteViewSet(APIViewSet):
    model = Note
    api = auth_api
    auth = [JWTAuth()]
    idempotency = True  # the defaults: 24 hours, the default cache


AuthNoteViewSet().add_views_to_route()


@pytest.fixture(params=["default", "redis"])
def alias(request):
    return request.param


@pytest.fixture
def client(alias):
    return TestAsyncClient(APIS[alias])


def _key():
    return str(uuid.uuid4())


def _post(client, body, key, path="/notes/"):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(path, json=body, headers=headers)


async def test_a_retry_replays_the_first_response_without_writing(client):
    key = _key()
    first = await _post(client, {"title": "once"}, key)
    again = await _post(client, {"title": "once"}, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await Note.objects.acount() == 1
    # The same JSON with other key order and spacing is the same body.
    reordered = await client.post(
        "/notes/", data=b'{ "title" :"once" }', headers={"Idempotency-Key": key}
    )
    assert (reordered.status_code, reordered.json()) == (201, first.json())


async def test_the_same_key_with_another_body_is_a_422_at_the_header(client):
    key = _key()
    assert (await _post(client, {"title": "one"}, key)).status_code == 201
    response = await _post(client, {"title": "two"}, key)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["header", "Idempotency-Key"],
            "msg": "This Idempotency-Key was already used with another request body",
            "type": "idempotency_key_reused",
        }
    ]
    assert [n.title async for n in Note.objects.all()] == ["one"]


async def test_keys_are_per_route_and_requests_without_a_key_always_write(client):
    key = _key()
    assert (await _post(client, {"title": "a"}, key)).status_code == 201
    other = await _post(client, {"title": "a"}, key, path="/other-notes/")
    assert (other.status_code, other.headers.get("Idempotent-Replayed")) == (201, None)
    assert (await _post(client, {"title": "a"}, None)).status_code == 201
    assert (await _post(client, {"title": "a"}, None)).status_code == 201
    assert await Note.objects.acount() == 4


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "has space", "tab\tkey", "é", '"unclosed', "a;b", "a,b", '"a"b"'],
)
async def test_a_malformed_key_is_a_422_at_the_header(client, key):
    response = await _post(client, {"title": "x"}, key)
    assert response.status_code == 422, response.content
    assert [e["loc"] for e in response.json()["detail"]] == [["header", "Idempotency-Key"]]
    assert await Note.objects.acount() == 0


async def test_a_quoted_key_is_the_same_key(client):
    key = _key()
    assert (await _post(client, {"title": "q"}, f'"{key}"')).status_code == 201
    replay = await _post(client, {"title": "q"}, key)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert (await _post(client, {"title": "q"}, "x" * 255)).status_code == 201


async def test_a_refused_write_is_not_recorded(client, monkeypatch):
    """A 4xx leaves no record: the client may fix the cause and retry with its key."""
    key = _key()
    refused = await _post(client, {"title": "refused"}, key)  # Note.before_save refuses it
    assert refused.status_code == 422
    monkeypatch.setattr(Note, "before_save", lambda self: None)
    retried = await _post(client, {"title": "refused"}, key)
    assert (retried.status_code, retried.headers.get("Idempotent-Replayed")) == (201, None)


async def test_keys_are_scoped_per_identity(user, admin):
    from django.contrib.auth import get_user_model

    client = TestAsyncClient(auth_api)
    key, body = _key(), {"title": "mine"}
    alice = {**bearer(make_token(user)), "Idempotency-Key": key}
    bob = {**bearer(make_token(admin)), "Idempotency-Key": key}
    first = await client.post("/note/", json=body, headers=alice)
    other = await client.post("/note/", json=body, headers=bob)
    replay = await client.post("/note/", json=body, headers=alice)
    assert first.status_code == other.status_code == replay.status_code == 201
    assert other.json()["id"] != first.json()["id"]  # Bob never sees Alice's response
    assert "Idempotent-Replayed" not in other.headers
    assert (replay.headers["Idempotent-Replayed"], replay.json()) == ("true", first.json())
    assert await Note.objects.acount() == 2
    assert await get_user_model().objects.acount() == 2


async def test_anonymous_requests_share_one_scope(client):
    key = _key()
    assert (await _post(client, {"title": "anon"}, key)).status_code == 201
    replay = await TestAsyncClient(client.router_or_app).post(
        "/notes/", json={"title": "anon"}, headers={"Idempotency-Key": key}
    )
    assert replay.headers["Idempotent-Replayed"] == "true"


async def test_a_record_expires_after_the_ttl_in_the_local_cache(monkeypatch):
    client, key = TestAsyncClient(APIS["default"]), _key()
    assert (await _post(client, {"title": "t"}, key)).status_code == 201
    clock = locmem.time.time
    monkeypatch.setattr(locmem, "time", types.SimpleNamespace(time=lambda: clock() + TTL + 1))
    later = await _post(client, {"title": "t"}, key)
    assert (later.status_code, later.headers.get("Idempotent-Replayed")) == (201, None)
    assert await Note.objects.acount() == 2


async def test_a_record_is_stored_with_the_ttl_in_redis():
    client, key = TestAsyncClient(APIS["redis"]), _key()
    assert (await _post(client, {"title": "t"}, key)).status_code == 201
    anonymous = types.SimpleNamespace(auth=None)
    record = Idempotency(cache="redis")._key(anonymous, "idempotency-redis:notes:create", key)
    cache = caches["redis"]
    seconds = cache._cache.get_client(write=False).ttl(cache.make_and_validate_key(record))
    assert 0 < seconds <= TTL


@pytest.fixture
def held_write():
    """The next ``Note`` write waits in the database thread until ``release`` is set."""
    entered, release = threading.Event(), threading.Event()

    def hold(sender, **kwargs):
        entered.set()
        assert release.wait(10), "the test never released the write"

    pre_save.connect(hold, sender=Note)
    yield types.SimpleNamespace(entered=entered, release=release)
    release.set()
    pre_save.disconnect(hold, sender=Note)


async def test_a_concurrent_request_with_the_same_key_is_a_409(client, held_write):
    key = _key()
    first = asyncio.ensure_future(_post(client, {"title": "slow"}, key))
    assert await asyncio.to_thread(held_write.entered.wait, 10)
    concurrent = await _post(client, {"title": "slow"}, key)
    other_body = await _post(client, {"title": "fast"}, key)
    held_write.release.set()
    done = await first
    assert concurrent.status_code == 409
    assert concurrent.json() == {
        "detail": "A request with this Idempotency-Key is still being processed; retry later"
    }
    assert other_body.status_code == 422
    assert other_body.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert done.status_code == 201
    retried = await _post(client, {"title": "slow"}, key)
    assert (retried.headers["Idempotent-Replayed"], retried.json()) == ("true", done.json())
    assert await Note.objects.acount() == 1


async def test_many_concurrent_retries_write_once(client):
    key = _key()
    responses = await asyncio.gather(*(_post(client, {"title": "burst"}, key) for _ in range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    written = [
        r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    ]
    assert len(written) == 1
    assert await Note.objects.acount() == 1


async def test_an_unreachable_cache_is_a_503_and_writes_nothing(settings):
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    down_api = NinjaAIO(urls_namespace="idempotency-down")

    class DownNoteViewSet(APIViewSet):
        model = Note
        api = down_api
        idempotency = Idempotency(cache="down")

    DownNoteViewSet().add_views_to_route()
    client = TestAsyncClient(down_api)
    response = await _post(client, {"title": "x"}, _key(), path="/note/")
    assert response.status_code == 503
    assert await Note.objects.acount() == 0
    assert (await _post(client, {"title": "x"}, None, path="/note/")).status_code == 201


def test_openapi_documents_the_header_and_its_statuses():
    operation = APIS["default"].get_openapi_schema(path_prefix="/")["paths"]["/notes/"]["post"]
    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert header["required"] is False
    assert header["schema"]["pattern"].startswith("^")
    assert {"201", "409", "422", "503"} <= set(map(str, operation["responses"]))


def test_a_bad_configuration_is_refused():
    with pytest.raises(ConfigError, match="no cache 'nope'"):
        Idempotency(cache="nope")
    with pytest.raises(ConfigError, match="positive"):
        Idempotency(ttl=0)
