"""An issuer per store kind, its token routes and two protected routes."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core.cache import caches
from joserfc.jwk import RSAKey
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.auth.issuer import TokenIssuer
from ninja_aio.auth.revocation import CacheRevocationStore
from ninja_aio.auth.revocation_redis import RedisRevocationStore
from ninja_aio.auth.router import token_router
from ninja_aio.contrib.revocation.store import DatabaseRevocationStore
from tests.services import need

ISSUER = "https://auth.example.test"
AUDIENCE = "notes-api"
SIGNING_KEY = RSAKey.generate_key(2048, parameters={"kid": "signing-1"})
PASSWORD = "correct horse battery staple"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def roles_of(user) -> dict:
    return {"roles": ["admin"] if user.is_staff else ["user"]}


def make_issuer(store, keys=None, **options) -> TokenIssuer:
    return TokenIssuer(
        keys=keys or [SIGNING_KEY], issuer=ISSUER, audience=AUDIENCE, store=store,
        claims=roles_of, **options,
    )  # fmt: skip


def make_api(issuer: TokenIssuer, **router_options) -> NinjaAIO:
    api = NinjaAIO(urls_namespace=f"issuer-{uuid.uuid4().hex}")
    api.add_router("/auth", token_router(issuer, **router_options))
    bearer = issuer.bearer()

    class AdminOnly(bearer):
        required_roles = ["admin"]

    @api.get("/me", auth=bearer())
    async def me(request):
        return {"username": request.auth.username, "fam": request.jwt.claims["fam"]}

    @api.get("/admin", auth=AdminOnly())
    async def admin(request):
        return {"ok": True}

    return api


@dataclass
class Setup:
    issuer: TokenIssuer
    client: TestAsyncClient
    store_kind: str


def _store(kind: str):
    if kind == "redis":
        need("redis")
        return RedisRevocationStore(REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:")
    if kind == "cache-redis":
        need("redis")
        return CacheRevocationStore("redis", prefix=f"test:{uuid.uuid4().hex}:")
    if kind == "db":
        return DatabaseRevocationStore()
    return CacheRevocationStore("default", prefix=f"test:{uuid.uuid4().hex}:")


@pytest.fixture(params=["redis", "cache-redis", "db"])
async def setup(request, transactional_db) -> Setup:
    issuer = make_issuer(_store(request.param))
    yield Setup(issuer, TestAsyncClient(make_api(issuer)), request.param)
    if isinstance(issuer.store, RedisRevocationStore):
        await issuer.store.aclose()


create_user = sync_to_async(lambda *a, **kw: get_user_model().objects.create_user(*a, **kw))


@pytest.fixture
async def alice(transactional_db):
    return await create_user("alice", password=PASSWORD)


@pytest.fixture
async def admin(transactional_db):
    return await create_user("root", password=PASSWORD, is_staff=True)


async def login(client, username="alice", password=PASSWORD):
    return await client.post("/auth/token/", json={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Login throttles count in the default cache: each test starts from zero."""
    caches["default"].clear()
    yield
    caches["default"].clear()
