"""``JwksServer``: a loopback identity provider for tests of remote keys.

It is a real HTTP server on a random loopback port that publishes an OpenID
discovery document and a JWK Set, counts the requests it receives, and can be switched
at run time to the failures a key cache must survive::

    with JwksServer([signing_key]) as idp:
        class Auth(AsyncJwtBearer):
            issuer = idp.issuer
            audience = "api"
        ...
        idp.jwks_scenario = JwksServer.UNAVAILABLE
        assert idp.fetches("jwks") == 1

``hold()`` makes every request wait until ``release()``, so a test can act while a
fetch is in flight, and ``wait_for_fetches(n)`` waits for requests to arrive, so
neither needs to sleep.
"""

from __future__ import annotations

import collections
import json
import sys
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from joserfc.jwk import Key

__all__ = ["JwksServer"]


class JwksServer:
    """A loopback identity provider serving ``/.well-known/openid-configuration`` and ``/jwks``.

    Scenarios (set ``jwks_scenario`` or ``discovery_scenario``): ``OK``, ``UNAVAILABLE``
    (503), ``SLOW`` (answers after ``slow_seconds``), ``HTML``, ``OVERSIZED`` (a JSON
    body of ``oversized_bytes``), ``REDIRECT_OFF_HOST`` (302 to another loopback host),
    ``REDIRECT_SAME_HOST`` (302 to the same document under another path) and ``EMPTY``
    (``{"keys": []}``, or ``{}`` for discovery). ``hold()`` / ``release()`` keep any
    request waiting for as long as a test needs.
    """

    OK = "ok"
    UNAVAILABLE = "unavailable"
    SLOW = "slow"
    HTML = "html"
    OVERSIZED = "oversized"
    REDIRECT_OFF_HOST = "redirect_off_host"
    REDIRECT_SAME_HOST = "redirect_same_host"
    EMPTY = "empty"
    SCENARIOS: ClassVar[frozenset[str]] = frozenset(
        {OK, UNAVAILABLE, SLOW, HTML, OVERSIZED, REDIRECT_OFF_HOST, REDIRECT_SAME_HOST, EMPTY}
    )

    JWKS_PATH = "/jwks"
    DISCOVERY_PATH = "/.well-known/openid-configuration"
    _MOVED_PREFIX = "/moved"

    def __init__(
        self, keys: Iterable[Key] = (), *, host: str = "127.0.0.1", max_age: int | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._keys: list[Any] = []
        self._counts: collections.Counter[str] = collections.Counter()
        self._arrived = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._released = threading.Event()
        self._released.set()
        self._server = _QuietServer((host, 0), _handler_for(self))
        self._thread: threading.Thread | None = None
        self.host = host
        self.port: int = self._server.server_address[1]
        #: Sent as ``Cache-Control: max-age=N`` with documents when not ``None``.
        self.max_age = max_age
        #: The ``issuer`` published in the discovery document (defaults to ``url``).
        self.published_issuer: str | None = None
        #: The ``jwks_uri`` published in the discovery document (defaults to ``jwks_url``).
        self.published_jwks_uri: str | None = None
        self.jwks_scenario = self.OK
        self.discovery_scenario = self.OK
        self.slow_seconds = 2.0
        self.oversized_bytes = 200_000
        self.set_keys(*keys)

    @property
    def url(self) -> str:
        """The server's base URL, which is also its default issuer."""
        return f"http://{self.host}:{self.port}"

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def jwks_url(self) -> str:
        return self.url + self.JWKS_PATH

    @property
    def openid_configuration_url(self) -> str:
        return self.url + self.DISCOVERY_PATH

    def set_keys(self, *keys: Key) -> None:
        """Publish the public parts of ``keys`` (e.g. to rotate); private parts never leave."""
        public = [key.as_dict(private=False) for key in keys]
        with self._lock:
            self._keys = public

    def publish_raw_keys(self, members: list[Any]) -> None:
        """Publish ``keys`` members exactly as given (to test how hostile sets are filtered)."""
        with self._lock:
            self._keys = list(members)

    def fetches(self, document: str = "jwks") -> int:
        """How many requests ``"jwks"`` or ``"discovery"`` received (whatever the answer)."""
        path = self.JWKS_PATH if document == "jwks" else self.DISCOVERY_PATH
        with self._lock:
            return self._counts[path]

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def wait_for_fetches(self, count: int, document: str = "jwks", timeout: float = 5.0) -> None:
        """Block until ``document`` has received ``count`` requests; ``TimeoutError`` else."""
        path = self.JWKS_PATH if document == "jwks" else self.DISCOVERY_PATH
        deadline = time.monotonic() + timeout
        with self._arrived:
            while self._counts[path] < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{document}: {self._counts[path]} of {count} requests")
                self._arrived.wait(left)

    def hold(self) -> None:
        """Make requests from now on wait for ``release()`` before they are answered."""
        self._released.clear()

    def release(self) -> None:
        """Answer the held requests, with the keys and scenarios set by then."""
        self._released.set()

    def start(self) -> JwksServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"JwksServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> JwksServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of ``path``."""
        moved = path.startswith(self._MOVED_PREFIX)
        document_path = path.removeprefix(self._MOVED_PREFIX)
        if document_path not in (self.JWKS_PATH, self.DISCOVERY_PATH):
            return 404, {"Content-Type": "application/json"}, b'{"detail": "not found"}'
        with self._lock:
            if not moved:
                self._counts[document_path] += 1
                self._arrived.notify_all()
        while not self._released.wait(0.05):
            if self._stopping.is_set():
                return 503, {}, b""
        with self._lock:
            keys = list(self._keys)
        is_jwks = document_path == self.JWKS_PATH
        scenario = self.jwks_scenario if is_jwks else self.discovery_scenario
        if scenario not in self.SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}")
        if scenario == self.SLOW and self._stopping.wait(self.slow_seconds):
            return 503, {}, b""
        if scenario == self.UNAVAILABLE:
            return 503, {"Content-Type": "text/plain", "Retry-After": "1"}, b"unavailable"
        if scenario == self.HTML:
            return 200, {"Content-Type": "text/html"}, b"<html><body>Sign in</body></html>"
        if scenario == self.REDIRECT_OFF_HOST:
            return 302, {"Location": f"http://127.0.0.2:{self.port}{document_path}"}, b""
        if scenario == self.REDIRECT_SAME_HOST and not moved:
            return 302, {"Location": self._MOVED_PREFIX + document_path}, b""
        if scenario == self.OVERSIZED:
            padding = "x" * self.oversized_bytes
            body: dict[str, Any] = {"keys": keys, "padding": padding}
            # Chunked, without Content-Length: the client must count what it reads.
            chunked = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
            return 200, chunked, json.dumps(body).encode()
        if scenario == self.EMPTY:
            body = {"keys": []} if is_jwks else {}
        elif is_jwks:
            body = {"keys": keys}
        else:
            body = {
                "issuer": self.published_issuer or self.issuer,
                "jwks_uri": self.published_jwks_uri or self.jwks_url,
            }
        headers = {"Content-Type": "application/json"}
        if self.max_age is not None:
            headers["Cache-Control"] = f"public, max-age={self.max_age}"
        return 200, headers, json.dumps(body).encode()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up (its timeout, its size cap) is expected, not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(server: JwksServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, headers, body = server._answer(self.path.split("?")[0])
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            chunked = headers.get("Transfer-Encoding") == "chunked"
            if not chunked:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not chunked:
                self.wfile.write(body)
                return
            for start in range(0, len(body), 16384):
                chunk = body[start : start + 16384]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return Handler
