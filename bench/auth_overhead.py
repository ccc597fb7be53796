"""Side-by-side cost of JWT authentication on one protected endpoint.

Runs three identical async endpoints in one process and reports each one's time per
request relative to the unauthenticated baseline:

- ``none``: no authentication (baseline);
- ``hand``: a hand-written django-ninja ``HttpBearer`` doing the minimum with joserfc
  (decode + claims registry, no shape checks);
- ``ninja_aio``: ``AsyncJwtBearer`` with the same key and claims.

Rounds alternate between the variants so that machine noise hits all of them alike.
Usage: ``python bench/auth_overhead.py [requests_per_round] [rounds]``.
"""

import asyncio
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from joserfc import jwt  # noqa: E402
from joserfc.jwk import RSAKey  # noqa: E402
from joserfc.jwt import JWTClaimsRegistry  # noqa: E402
from ninja import NinjaAPI  # noqa: E402
from ninja.security import HttpBearer  # noqa: E402
from ninja.testing import TestAsyncClient  # noqa: E402

from ninja_aio.auth import AsyncJwtBearer, encode_jwt  # noqa: E402

KEY = RSAKey.generate_key(2048, parameters={"kid": "bench"})
PUBLIC = RSAKey.import_key(KEY.as_dict(private=False))
CLAIMS = {"iss": {"essential": True, "value": "https://bench"}, "exp": {"essential": True}}


class HandWritten(HttpBearer):
    registry = JWTClaimsRegistry(**CLAIMS)

    async def authenticate(self, request, token):
        try:
            decoded = jwt.decode(token, PUBLIC, algorithms=["RS256"])
            self.registry.validate(decoded.claims)
        except Exception:
            return None
        return decoded.claims


class Bearer(AsyncJwtBearer):
    jwt_public = PUBLIC
    issuer = "https://bench"


def build(name: str, auth) -> TestAsyncClient:
    api = NinjaAPI(urls_namespace=f"bench-{name}")

    @api.get("/p", auth=auth)
    async def view(request):
        return {"ok": True}

    return TestAsyncClient(api)


async def run_round(client: TestAsyncClient, headers: dict, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        response = await client.get("/p", headers=headers)
        assert response.status_code == 200
    return (time.perf_counter() - start) / count


async def main(count: int, rounds: int) -> None:
    token = encode_jwt({"sub": "bench", "iss": "https://bench"}, 3600, KEY)
    headers = {"Authorization": f"Bearer {token}"}
    clients = {
        "none": build("none", None),
        "hand": build("hand", HandWritten()),
        "ninja_aio": build("ninja_aio", Bearer()),
    }
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(rounds):
        for name, client in clients.items():
            samples[name].append(await run_round(client, headers, count))
    base = statistics.median(samples["none"])
    hand = statistics.median(samples["hand"])
    print(f"{'variant':<10} {'median us/request':>18} {'vs none':>8} {'vs hand':>8}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<10} {median * 1e6:>18.1f} {median / base:>8.2f} {median / hand:>8.2f}")


if __name__ == "__main__":
    per_round = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    total_rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    asyncio.run(main(per_round, total_rounds))
