"""RedisRevocationStore under sync views: one event loop per call, no client left behind.

ninja runs an async authenticator of a sync view on a new event loop for every call.
The store keeps a Redis client per loop; those of finished (closed) loops must go, or
each request would leave a client and its connection behind for good.
"""

from __future__ import annotations

import gc
import os
import uuid

from joserfc.jwk import OctKey
from ninja.testing import TestClient

from ninja_aio.auth import AsyncJwtBearer, encode_jwt
from ninja_aio.auth.revocation_redis import RedisRevocationStore
from tests.auth.conftest import bearer, new_api

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = OctKey.generate_key(256)


def test_sync_views_leave_no_client_per_request():
    store = RedisRevocationStore(REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:")

    class Auth(AsyncJwtBearer):
        jwt_public = SECRET
        jwt_alg = "HS256"
        check_revocation = True
        revocation_store = store

    api = new_api()

    @api.get("/sync", auth=Auth())
    def view(request):
        return {"sub": request.auth["sub"]}

    client = TestClient(api)
    for n in range(20):
        value = encode_jwt({"sub": f"u{n}"}, 60, SECRET, "HS256")
        response = client.get("/sync", headers=bearer(value))
        assert response.status_code == 200
        assert response.json() == {"sub": f"u{n}"}
    gc.collect()
    assert len(store._clients) <= 1
