"""One implementation in its own process, driven by the harness over stdin / stdout.

``python bench/worker.py IMPL WORKDIR SIZES_JSON`` configures Django for ``IMPL`` (``ours``,
``hand`` or ``published``: the published package shares the import name ``ninja_aio`` with
this repo, so it runs under its own virtualenv; every implementation gets a process alike),
seeds the same data in its own SQLite file under ``WORKDIR``, then answers one JSON command
per line (``op`` plus arguments, see the ``op_*`` methods) with one JSON line.

Run as a script (never ``-m`` from the repository root), so that ``sys.path`` starts at
``bench/`` and the repository's ``ninja_aio`` cannot shadow the published one.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import socket
import statistics
import sys
import threading
import time
import types
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any

import django
from django.conf import settings
from scenarios import AUDIENCE, BY_NAME, ISSUER, Scenario, Sizes, code_of

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The module that builds each implementation's API (``build()``, ``models()``), and the
#: Django app holding its models.
MODULES = {"ours": "impl_ours", "hand": "handwritten", "published": "impl_published.api"}
APPS = {"ours": "demo", "hand": "demo", "published": "impl_published"}
PACKAGES = (
    "django-ninja-aio",
    "django-ninja-aio-crud",
    "django",
    "django-ninja",
    "pydantic",
    "joserfc",
    "orjson",
    "httpx",
    "uvicorn",
)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def configure(impl: str, workdir: str) -> types.ModuleType:
    """Django settings for ``impl``: one SQLite file, no middleware."""
    code = code_of(impl)
    if code != "published":
        sys.path.insert(1, ROOT)  # demo/ and this repo's ninja_aio
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", APPS[code]],
        MIDDLEWARE=[],
        ROOT_URLCONF="bench_urls",
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(workdir, f"{impl}.sqlite3"),
                # Django's default: each request (a thread of its own under ASGI) connects
                "CONN_MAX_AGE": 0,
                # what Django recommends for concurrent writers on SQLite (and WAL, below)
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 30,
                    "init_command": "PRAGMA synchronous=NORMAL;",
                },
            }
        },
        LOGGING_CONFIG=None,
    )
    django.setup()
    return importlib.import_module(MODULES[code])


def seed(models: tuple, sizes: Sizes) -> list[int]:
    """The same rows in every implementation's database; returns the articles' keys."""
    from django.core.management import call_command
    from django.db import connection, transaction

    author_model, tag_model, article_model, user_model = models
    call_command("migrate", run_syncdb=True, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file, for every connection
    with transaction.atomic():
        user = user_model.objects.create(username="bench")
        authors = author_model.objects.bulk_create(
            author_model(name=f"author {i}", bio=f"bio {i}", created_by=(user, None)[i % 2])
            for i in range(sizes.authors)
        )
        tags = tag_model.objects.bulk_create(tag_model(name=f"tag-{i}") for i in range(sizes.tags))
        articles = article_model.objects.bulk_create(
            article_model(
                title=f"article {i}",
                body=f"body of article {i}",
                author=authors[i % sizes.authors],
                is_published=i % 3 == 0,
            )
            for i in range(sizes.articles)
        )
        through = article_model.tags.through
        through.objects.bulk_create(
            through(article_id=a.pk, tag_id=tags[(i * 7 + k) % sizes.tags].pk)
            for i, a in enumerate(articles)
            for k in range(sizes.tags_per_article)
        )
        for i, article in enumerate(articles):
            stamp = EPOCH + timedelta(minutes=i, microseconds=i * 137)
            article_model.objects.filter(pk=article.pk).update(created_at=stamp, updated_at=stamp)
    return [a.pk for a in articles]


def versions() -> dict[str, str]:
    """Installed versions of what the measurement depends on, and Python's."""
    found = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def memory() -> dict[str, int]:
    """This process's resident set now and at its peak, in KiB (Linux)."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line[:5]] = int(line.split()[1])
    return {"rss_kib": found.get("VmRSS", 0), "peak_kib": found.get("VmHWM", 0)}


class Worker:
    def __init__(self, impl: str, workdir: str, sizes: Sizes) -> None:
        self.impl, self.sizes = impl, sizes
        module = configure(impl, workdir)
        self.models = module.models()
        self.keys = seed(self.models, sizes)
        self.last_seeded = max(self.keys)
        with open(os.path.join(workdir, "public.jwk")) as handle:
            jwk = json.load(handle)
        api = module.build(sizes, jwk, ISSUER, AUDIENCE)
        from django.core.asgi import get_asgi_application
        from django.urls import path

        urls = types.ModuleType("bench_urls")
        urls.urlpatterns = [path("api/", api.urls)]
        sys.modules["bench_urls"] = urls
        self.app = get_asgi_application()
        self.loop = asyncio.new_event_loop()
        self.versions = versions()
        self.paths: dict[str, str] = getattr(module, "PATHS", {})
        self.server: Any = None

    # -- helpers ----------------------------------------------------------------------

    def _fresh_rows(self, count: int) -> list[int]:
        """``count`` new articles (for deletes), made outside any timer."""
        author_model, _tag, article_model, _user = self.models
        author = author_model.objects.order_by("pk").first()
        rows = article_model.objects.bulk_create(
            article_model(title=f"doomed {i}", body="", author=author) for i in range(count)
        )
        return [row.pk for row in rows]

    def _requests(self, spec: Scenario, count: int) -> list[tuple[str, str, Any]]:
        """The first ``count`` requests of ``spec`` on this implementation's paths."""
        keys = self._fresh_rows(count) if spec.rows == "fresh" else self.keys
        path = self.paths.get(spec.name)
        return [spec.request(i, keys, self.sizes, path) for i in range(count)]

    def _state(self) -> dict[int, list]:
        """Every article as plain values (timestamps left out): what a write changed."""
        article_model = self.models[2]
        tags: dict[int, list[int]] = {}
        for article_id, tag_id in article_model.tags.through.objects.values_list(
            "article_id", "tag_id"
        ):
            tags.setdefault(article_id, []).append(tag_id)
        return {
            pk: [title, body, author, published, sorted(tags.get(pk, []))]
            for pk, title, body, author, published in article_model.objects.values_list(
                "pk", "title", "body", "author_id", "is_published"
            )
        }

    def _client(self, token: str | None):
        import httpx

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers)

    # -- commands ---------------------------------------------------------------------

    def op_check(self, scenario: str, count: int, token: str) -> dict:
        """``count`` requests with their status, JSON and SQL statement count, and what
        they changed in the database."""
        from django.db.backends.signals import connection_created

        spec = BY_NAME[scenario]
        requests = self._requests(spec, count)
        before = self._state()
        statements: list[str] = []

        def count_statements(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        def attach(sender, connection, **kwargs):
            connection.execute_wrappers.append(count_statements)

        async def run() -> list[dict]:
            answers = []
            async with self._client(token if spec.auth else None) as client:
                for method, path, body in requests:
                    statements.clear()
                    response = await client.request(method, path, json=body)
                    answers.append(
                        {
                            "status": response.status_code,
                            "json": response.json() if response.content else None,
                            "statements": len(statements),
                            "sql": list(statements),
                        }
                    )
            return answers

        # Django serves each request in a thread (and so a connection) of its own.
        connection_created.connect(attach, weak=False, dispatch_uid="bench-count")
        try:
            answers = self.loop.run_until_complete(run())
        finally:
            connection_created.disconnect(dispatch_uid="bench-count")
        after = self._state()
        changed = {
            str(pk): after.get(pk)
            for pk in sorted(before.keys() | after.keys())
            if before.get(pk) != after.get(pk)
        }
        self.op_restore()
        return {"answers": answers, "changed": changed}

    def op_time(self, scenario: str, count: int, token: str) -> dict:
        """Time ``count`` requests one after the other, in process (httpx ASGITransport)."""
        spec = BY_NAME[scenario]
        requests = self._requests(spec, count)

        async def run() -> list[float]:
            latencies = []
            async with self._client(token if spec.auth else None) as client:
                for method, path, body in requests:
                    start = time.perf_counter()
                    response = await client.request(method, path, json=body)
                    latencies.append(time.perf_counter() - start)
                    if response.status_code != spec.status:
                        raise RuntimeError(f"{method} {path}: {response.status_code}")
            return latencies

        latencies = self.loop.run_until_complete(run())
        self.op_restore()
        return {"median": statistics.median(latencies), "total": sum(latencies), "n": count}

    def op_requests(self, scenario: str, count: int) -> dict:
        """The next ``count`` requests of ``scenario`` for an outside load generator."""
        return {"requests": self._requests(BY_NAME[scenario], count)}

    def op_restore(self) -> dict:
        """Drop the rows writes added, so that every round starts from the seeded table."""
        self.models[2].objects.filter(pk__gt=self.last_seeded).delete()
        return {}

    def op_serve(self) -> dict:
        """Serve the app with uvicorn (one worker: this process) on 127.0.0.1."""
        import uvicorn

        # IPPROTO_TCP, so that asyncio sets TCP_NODELAY on the accepted connections
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_level="warning",
            access_log=False,
            loop="asyncio",
            http="h11",
        )
        self.server = uvicorn.Server(config)
        threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True).start()
        while not self.server.started:
            time.sleep(0.01)
        return {"port": sock.getsockname()[1], "uvicorn": uvicorn.__version__}

    def op_info(self) -> dict:
        return {"versions": self.versions, "memory": memory(), "pid": os.getpid()}

    def op_stop(self) -> dict:
        if self.server is not None:
            self.server.should_exit = True
        return {}


def main() -> None:
    impl, workdir, sizes = sys.argv[1], sys.argv[2], Sizes(**json.loads(sys.argv[3]))
    reply, sys.stdout = sys.stdout, sys.stderr  # stdout carries the replies only
    worker = Worker(impl, workdir, sizes)
    reply.write(json.dumps({"ready": True}) + "\n")
    reply.flush()
    for line in sys.stdin:
        command = json.loads(line)
        op = command.pop("op")
        try:
            answer = {"ok": getattr(worker, f"op_{op}")(**command)}
        except Exception as exc:  # reported to the harness, which stops the run
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        reply.write(json.dumps(answer) + "\n")
        reply.flush()
        if op == "stop":
            break


if __name__ == "__main__":
    main()
