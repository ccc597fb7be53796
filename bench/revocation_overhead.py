"""Cost of ``check_revocation`` on the Redis store: an auth-only endpoint, same run.

    python bench/revocation_overhead.py [--rounds 7] [--requests 400]

Two endpoints behind the issuer's bearer, one with ``check_revocation`` on the Redis
store (REDIS_URL, default 127.0.0.1:6379/15), one without; requests go through
httpx's ASGITransport to the Django ASGI app, rounds alternate (A B, B A, ...), and
the medians of per-round means are compared. Target: at most 1.3x.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "redis": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
            },
        },
        USE_TZ=True,
    )
    django.setup()


setup_django()

from django.urls import path  # noqa: E402
from joserfc.jwk import RSAKey  # noqa: E402

from ninja_aio import NinjaAIO  # noqa: E402
from ninja_aio.auth.issuer import TokenIssuer  # noqa: E402
from ninja_aio.auth.revocation import CacheRevocationStore  # noqa: E402
from ninja_aio.auth.revocation_redis import RedisRevocationStore  # noqa: E402
from ninja_aio.auth.token import TokenClaims  # noqa: E402

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
issuer = TokenIssuer(
    keys=[RSAKey.generate_key(2048)],
    issuer="https://bench.test",
    audience="bench",
    store=RedisRevocationStore(REDIS_URL, prefix="bench:"),
)


class Unchecked(issuer.bearer()):
    check_revocation = False

    async def auth_handler(self, request):
        return TokenClaims(self.dcd.claims)


class Checked(Unchecked):
    """RedisRevocationStore (redis.asyncio)"""

    check_revocation = True


class CacheChecked(Unchecked):
    """CacheRevocationStore (Django's Redis cache)"""

    check_revocation = True
    revocation_store = CacheRevocationStore("redis", prefix="bench:")


api = NinjaAIO(urls_namespace="bench")
ROUTES = {"/unchecked": Unchecked, "/checked": Checked, "/cache-checked": CacheChecked}
for _route, _auth in ROUTES.items():
    api.get(_route, auth=_auth(), url_name=_route.strip("/"))(lambda request: {"ok": True})


urlpatterns = [path("", api.urls)]


class _User:
    pk = 1


async def run(rounds: int, requests: int) -> None:
    import httpx
    from django.core.asgi import get_asgi_application

    token = (await issuer.issue(_User())).access
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=get_asgi_application())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for route in ROUTES:
            response = await client.get(route, headers=headers)
            assert response.status_code == 200, response.text
        means: dict[str, list[float]] = {route: [] for route in ROUTES}
        for n in range(rounds):
            order = list(ROUTES) if n % 2 == 0 else list(reversed(ROUTES))
            for route in order:
                start = time.perf_counter()
                for _ in range(requests):
                    await client.get(route, headers=headers)
                means[route].append((time.perf_counter() - start) / requests)
    off = statistics.median(means["/unchecked"])
    print(f"{'variant':<44} {'us/request':>10} {'ratio':>6}")
    for route, auth in ROUTES.items():
        median = statistics.median(means[route])
        label = (auth.__doc__ or "check_revocation = False").strip()
        print(f"{label[:44]:<44} {median * 1e6:>10.1f} {median / off:>5.2f}x")
    print("target: RedisRevocationStore <= 1.3x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    asyncio.run(run(args.rounds, args.requests))


if __name__ == "__main__":
    main()
