"""Property-based fuzzing of the generated routes: hostile bodies, path ids and query strings.

Whatever is sent, a route answers with one of its documented statuses, never a 5xx, and
every error is ``{"detail": ...}`` of the documented shape, with no traceback or SQL in it.

Each test is a plain (sync) test driving the async client through ``async_to_sync``: the
async ORM then runs in the test's own thread, on the test's database connection, and the
examples' tallies can be checked once all of them ran (so no test passes vacuously).
"""

import base64
import datetime
import json
from collections import Counter
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja.testing import TestAsyncClient

from tests.testapp.models import Account, AllTypes, Article, Author, Country, Gadget, Tag
from tests.viewsets import apis
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

#: Documented statuses of each generated route (401 / 403 are added where it has auth).
LIST, CREATE = {200, 422}, {201, 409, 422}
RETRIEVE, UPDATE, DELETE = {200, 404, 422}, {200, 404, 409, 422}, {204, 404, 409, 422}
LEAKS = ("Traceback", 'File "', "SELECT ", "INSERT ", "UPDATE ", "psycopg", "sqlite3")

# -- contract -------------------------------------------------------------------------------


def check(response: Any, allowed: set[int]) -> int:
    """Assert the error contract on ``response``; returns its status."""
    status = response.status_code
    content = response.content
    assert status < 500, (status, content[:500])
    assert status in allowed, (status, content[:500])
    if status < 300:
        return status
    body = json.loads(content)
    assert isinstance(body, dict) and set(body) == {"detail"}, body
    if status == 422:
        assert isinstance(body["detail"], list) and body["detail"], body
        for error in body["detail"]:
            assert isinstance(error, dict), body
            assert isinstance(error["loc"], list) and error["loc"], body
            assert error["loc"][0] in ("body", "query", "path"), body
            assert isinstance(error["msg"], str) and isinstance(error["type"], str), body
    else:
        assert isinstance(body["detail"], str), body
    text = content.decode()
    assert not any(marker in text for marker in LEAKS), text
    return status


def send(client: TestAsyncClient, method: str, path: str, **kwargs: Any) -> Any:
    """One request; ``None`` when no route matches (Django's resolver answers 404 there)."""
    try:
        return async_to_sync(getattr(client, method))(path, **kwargs)
    except Exception as exc:
        if str(exc).startswith("Cannot resolve"):
            return None
        raise


# -- strategies -------------------------------------------------------------------------------

EDGE_INTS = st.sampled_from(
    [
        0,
        -1,
        2**31 - 1,
        2**31,
        -(2**31) - 1,
        2**63 - 1,
        2**63,
        -(2**63) - 1,
        2**64,
        10**30,
        -(10**30),
    ]
)
NASTY_TEXT = st.sampled_from(["x", "é", "🙂", "9"]).map(lambda c: c * 3000) | st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "\u202eevil",
        "'; DROP TABLE testapp_article; --",
        "%s %(x)s {0}",
        "%00",
        "../..",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "-1",
        "99999999999999999999999999999999999999",
        "0x10",
        "P999999999D",
        "-P999999999D",
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+12:00",
        "10000-01-01",
        "24:00",
        "null",
        "true",
        "{}",
        "[]",
    ]
)
TEXT = st.text(max_size=40) | NASTY_TEXT
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | EDGE_INTS
    | st.floats()  # nan / inf go out as NaN / Infinity: invalid JSON
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8) | NASTY_TEXT, children, max_size=4)
    ),
    max_leaves=12,
)
NOT_OBJECTS = JSON.filter(lambda v: not isinstance(v, dict))
RAW_BODIES = st.binary(max_size=64) | st.sampled_from(
    [
        b"",
        b"{",
        b'{"title": NaN}',
        b'{"title": "x", "views": Infinity}',
        b'{"ratio": 1e400}',
        b"\xff\xfe\x00\x00",
        b'{"title": "\xff"}',
        b'{"title": "\\ud800"}',
        b'{"title": "a"}{"title": "b"}',
        b"[" * 5000,
        '{"title": "ok"}'.encode("utf-16"),
        b"null",
    ]
)
CLEAN_TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]))


def hostile(valid: st.SearchStrategy, edges: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """Valid values, the field type's edge cases, or anything JSON can carry."""
    return st.one_of(valid, NUL_TEXT if edges is None else edges, JSON)


NUL_TEXT = st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=5), st.text(max_size=5))
DATETIME_EDGES = st.sampled_from(
    [
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59.999999-00:01",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00:00",
        "10000-01-01T00:00:00Z",
        "2024-02-30T00:00:00Z",
    ]
) | st.builds(
    lambda d, minutes: d.replace(
        tzinfo=datetime.timezone(datetime.timedelta(minutes=minutes))
    ).isoformat(),
    st.datetimes(),
    st.integers(-(24 * 60 - 1), 24 * 60 - 1),
)
EDGES = {
    "uid": st.sampled_from(["", "0" * 32, "not-a-uuid", "0" * 33]) | EDGE_INTS,
    "integer": EDGE_INTS,
    "big": EDGE_INTS,
    "views": EDGE_INTS,
    "price": st.sampled_from(["NaN", "sNaN", "Infinity", "1e10", "-0", "0.001", "99999.999"]),
    "ratio": st.sampled_from(["nan", "inf", "-inf", "NaN", "1e308", 1e308, -1e308, 5e-324]),
    "day": st.sampled_from(["0000-01-01", "10000-01-01", "9999-12-31", "0001-01-01", 10**30]),
    "moment": DATETIME_EDGES,
    "clock": st.sampled_from(["24:00", "23:59:60", "12:00+05:00", "-01:00"]),
    "span": st.integers().map(str)
    | EDGE_INTS
    | st.sampled_from(["P999999999D", "-P999999999D", "P106751992D", "P106751991D", "PT1H"]),
    "blob": st.sampled_from(["!!", "AAA", "A" * 4000, "\x00"]),
    "ip": st.sampled_from(["1.2.3.4\x00", "::ffff:1.2.3.4", "999.1.1.1", "1.2.3.4/32"]),
    "author": EDGE_INTS,
    "owner": EDGE_INTS,
    "tags": st.lists(EDGE_INTS, max_size=3),
}


def extra_keys() -> st.SearchStrategy:
    return st.one_of(st.just({}), st.dictionaries(TEXT, JSON, min_size=1, max_size=2))


def bodies(fields: st.SearchStrategy, clean: st.SearchStrategy) -> st.SearchStrategy:
    """A request body: ``("json", value)`` or ``("raw", bytes)``, mostly field-shaped objects;
    a sixth of them only valid values (``clean``), so the route's success path runs too."""
    objects = st.builds(lambda f, extra: ("json", {**extra, **f}), fields, extra_keys())
    return st.one_of(
        st.tuples(st.just("json"), clean),
        objects,
        objects,
        st.tuples(st.just("json"), NOT_OBJECTS),
        st.tuples(st.just("raw"), RAW_BODIES),
    )


def body_kwargs(body: tuple[str, Any]) -> dict[str, Any]:
    kind, value = body
    if kind == "raw":
        return {"data": value, "content_type": "application/json"}
    # ``json=None`` would send no body at all: send JSON ``null`` itself.
    return (
        {"data": b"null", "content_type": "application/json"} if value is None else {"json": value}
    )


def article_fields(
    seed: dict[str, Any], *, partial: bool, clean: bool = False
) -> st.SearchStrategy:
    valid = {
        "title": CLEAN_TEXT.filter(bool).map(lambda s: s[:200]),
        "body": CLEAN_TEXT,
        "subtitle": st.none() | CLEAN_TEXT.map(lambda s: s[:100]),
        "status": st.sampled_from(Article.Status.values),
        "author": st.sampled_from(seed["authors"]),
        "tags": st.lists(st.sampled_from(seed["tags"]), max_size=3),
        "owner": st.none() | st.sampled_from(seed["accounts"]),
    }
    if partial:
        valid |= {"is_published": st.booleans(), "views": st.integers(0, 2**31 - 1)}
        valid |= {"touch_note": CLEAN_TEXT.map(lambda s: s[:200])}
        required = {}
    else:
        valid |= {"is_published": st.booleans(), "notify": st.booleans()}
        required = {name: valid.pop(name) for name in ("title", "author")}
    return _fields(required, valid, clean)


def _fields(
    required: dict[str, st.SearchStrategy], optional: dict[str, st.SearchStrategy], clean: bool
) -> st.SearchStrategy:
    """Objects of the required and some optional fields: valid values only when ``clean``."""
    if not clean:
        required = {name: hostile(v, EDGES.get(name)) for name, v in required.items()}
        optional = {name: hostile(v, EDGES.get(name)) for name, v in optional.items()}
    return st.fixed_dictionaries(required, optional=optional)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def alltypes_fields(*, partial: bool, clean: bool = False) -> st.SearchStrategy:
    moments = st.datetimes(timezones=st.just(datetime.UTC))
    valid = {
        "uid": st.uuids().map(str),
        "char": CLEAN_TEXT.map(lambda s: s[:20]),
        "text": CLEAN_TEXT,
        "integer": st.integers(-(2**31), 2**31 - 1),
        "big": st.integers(-(2**63), 2**63 - 1),
        "flag": st.booleans(),
        "price": st.decimals("-99999.99", "99999.99", places=2).map(str),
        "ratio": st.floats(allow_nan=False, allow_infinity=False, width=32),
        "day": st.none() | st.dates().map(str),
        "moment": st.none() | moments.map(datetime.datetime.isoformat),
        "clock": st.none() | st.times().map(str),
        "span": st.none() | st.integers(-(10**12), 10**12),
        "data": JSON.filter(lambda v: "\x00" not in json.dumps(v) and "ud800" not in json.dumps(v)),
        "blob": st.none() | st.binary(max_size=20).map(_b64),
        "color": st.sampled_from(AllTypes.Color.values),
        "email": st.sampled_from(["", "a@example.com"]),
        "site": st.sampled_from(["", "https://example.com/"]),
        "slug": st.from_regex(r"[a-z0-9_-]{0,20}", fullmatch=True),
        "ip": st.none() | st.sampled_from(["127.0.0.1", "::1"]),
    }
    required = {} if partial else {"char": valid.pop("char")}
    return _fields(required, valid, clean)


def ids(valid: list[Any]) -> st.SearchStrategy:
    """Path ids: existing ones, integers of any size, and hostile text."""
    return st.one_of(
        st.sampled_from(valid),
        st.integers(),
        EDGE_INTS,
        st.text(max_size=30),
        NASTY_TEXT,
        st.sampled_from(["a/b", "..", ".", "%2F", "%00", "1/", "1/../2", " 1", "+1", "\u0661"]),
    )


def _surrogates(text: str) -> bool:
    """Lone surrogates cannot reach a path: servers decode URLs as UTF-8."""
    return any("\ud800" <= c <= "\udfff" for c in text)


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def seed(transactional_db: None) -> dict[str, Any]:
    """A few rows of each model, so valid ids and relations exist."""
    authors = [Author.objects.create(name=f"author {i}") for i in range(2)]
    tags = [Tag.objects.create(name=f"tag {i}") for i in range(3)]
    accounts = [Account.objects.create(username="acc")]
    articles = [Article.objects.create(title=f"seed {i}", author=authors[i % 2]) for i in range(3)]
    countries = [Country.objects.create(code=c, name=c) for c in ("fr", "de", "it")]
    gadgets = [Gadget.objects.create(name=f"g{i}") for i in range(2)]
    alltypes = [AllTypes.objects.create(char=f"c{i}") for i in range(2)]
    return {
        "authors": [a.pk for a in authors],
        "tags": [t.pk for t in tags],
        "accounts": [a.pk for a in accounts],
        "articles": [a.pk for a in articles],
        "countries": [c.pk for c in countries],
        "gadgets": [str(g.pk) for g in gadgets],
        "alltypes": [a.pk for a in alltypes],
    }


# -- bodies -----------------------------------------------------------------------------------


def test_fuzz_article_create_and_update(client, seed):
    seen: Counter = Counter()

    @FUZZ
    @given(
        create=bodies(
            article_fields(seed, partial=False), article_fields(seed, partial=False, clean=True)
        ),
        update=bodies(
            article_fields(seed, partial=True), article_fields(seed, partial=True, clean=True)
        ),
        pk=st.sampled_from(seed["articles"]),
    )
    def run(create, update, pk):
        seen["create", check(send(client, "post", "/article/", **body_kwargs(create)), CREATE)] += 1
        response = send(client, "patch", f"/article/{pk}/", **body_kwargs(update))
        seen["update", check(response, UPDATE)] += 1

    run()
    assert seen["create", 201] and seen["create", 422], seen
    assert seen["update", 200] and seen["update", 422], seen


def test_fuzz_alltypes_create_and_update(client, seed):
    seen: Counter = Counter()

    @FUZZ
    @given(
        create=bodies(alltypes_fields(partial=False), alltypes_fields(partial=False, clean=True)),
        update=bodies(alltypes_fields(partial=True), alltypes_fields(partial=True, clean=True)),
        pk=st.sampled_from(seed["alltypes"]),
    )
    def run(create, update, pk):
        response = send(client, "post", "/alltypes/", **body_kwargs(create))
        seen["create", check(response, CREATE)] += 1
        if response.status_code == 201:
            # What was written reads back, through the list and the detail route.
            check(send(client, "get", f"/alltypes/{response.json()['id']}"), {200})
        response = send(client, "patch", f"/alltypes/{pk}/", **body_kwargs(update))
        seen["update", check(response, UPDATE)] += 1

    run()
    check(send(client, "get", "/alltypes/", query_params={"page_size": "100"}), {200})
    assert seen["create", 201] and seen["create", 422], seen
    assert seen["update", 200] and seen["update", 422], seen


def test_fuzz_country_bodies(client, seed):
    """String primary key in the body: create with any ``code``, update ``name``."""
    seen: Counter = Counter()
    valid = {
        "code": st.text(st.characters(codec="ascii", exclude_characters="\x00/"), max_size=2),
        "name": CLEAN_TEXT.map(lambda s: s[:50]),
    }

    @FUZZ
    @given(
        body=bodies(_fields(valid, {}, False), _fields(valid, {}, True)),
        pk=st.sampled_from(seed["countries"]),
    )
    def run(body, pk):
        seen["create", check(send(client, "post", "/country/", **body_kwargs(body)), CREATE)] += 1
        if body[0] == "json" and isinstance(body[1], dict):
            patch = {k: v for k, v in body[1].items() if k != "code"}
            response = send(client, "patch", f"/country/{pk}/", json=patch)
            seen["update", check(response, UPDATE)] += 1

    run()
    assert seen["create", 201] and seen["create", 422], seen
    assert seen["update", 200] and seen["update", 422], seen


# -- path ids ---------------------------------------------------------------------------------

PATH_ROUTES = [
    # (base, ids key, update body, operations)
    ("/article", "articles", {"title": "renamed"}, ("retrieve", "update", "delete")),
    ("/country", "countries", {"name": "renamed"}, ("retrieve", "update", "delete")),
    ("/gadget", "gadgets", None, ("retrieve",)),
]


@pytest.mark.parametrize(("base", "key", "patch", "operations"), PATH_ROUTES)
def test_fuzz_path_ids(client, seed, base, key, patch, operations):
    seen: Counter = Counter()
    valid = seed[key]

    @FUZZ
    @given(
        pk=ids(valid) | st.uuids(),
        operation=st.sampled_from(operations),
        slash=st.booleans(),
    )
    def run(pk, operation, slash):
        text = str(pk)
        if text.strip("/") in ("", "stats") or "?" in text or _surrogates(text):
            return  # the collection, a custom route, or no URL path at all
        path = f"{base}/{pk}{'/' if slash else ''}"
        if operation == "retrieve":
            response, allowed = send(client, "get", path), RETRIEVE
        elif operation == "update":
            response, allowed = send(client, "patch", path, json=patch), UPDATE
        else:
            response, allowed = send(client, "delete", path), DELETE
        if response is None:  # no route: Django's 404
            seen[operation, "unrouted"] += 1
            return
        seen[operation, check(response, allowed)] += 1

    run()
    # Valid ids were served, unknown ones were 404s from the view (not only unrouted).
    assert any(seen[op, status] for op in operations for status in (200, 204)), seen
    assert any(seen[op, 404] for op in operations), seen


class TestPathIdsThroughDjangoUrls:
    """Percent-encoded ids (``%00``, ``%2F``...) as a server decodes them, via Django's URLs."""

    @pytest.fixture(autouse=True)
    def _urls(self, settings):
        settings.ROOT_URLCONF = "tests.viewsets.urls"

    @pytest.mark.parametrize("base", ["/api/country", "/api/article", "/api/gadget"])
    def test_fuzz_encoded_ids(self, seed, base):
        from urllib.parse import quote

        from django.test import Client

        http = Client(raise_request_exception=True)
        seen: Counter = Counter()

        @FUZZ
        @given(
            pk=ids(["fr", *map(str, seed["articles"])]), method=st.sampled_from(["get", "delete"])
        )
        def run(pk, method):
            response = getattr(http, method)(
                f"{base}/{quote(str(pk), safe='', errors='surrogatepass')}/"
            )
            assert response.status_code < 500, (pk, response.content[:300])
            seen[response.status_code] += 1
            if response.get("Content-Type", "").startswith("application/json"):
                check(response, {200, 204, 404, 409, 422})

        run()
        assert seen[404], seen


# -- list query strings -----------------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers().map(str), EDGE_INTS.map(str), st.sampled_from(["1", "2", "3"]), TEXT
)
QUERY_VALUES = st.one_of(NUMBERS, st.lists(NUMBERS, min_size=1, max_size=3))


def _cursor() -> st.SearchStrategy:
    fields = st.dictionaries(st.sampled_from(["p", "r", "o", "x"]), TEXT | NUMBERS, max_size=3)
    joined = fields.map(lambda d: "&".join(f"{k}={v}" for k, v in d.items()))
    return st.one_of(
        joined.map(lambda s: _b64(s.encode("utf-8", "surrogatepass"))),
        st.binary(max_size=30).map(_b64),
        TEXT,
    )


LIST_ROUTES = {
    "/article/": ["page", "page_size", "is_published", "title__icontains", "tag", "author"],
    "/author/": ["page", "page_size"],
    "/tag/": ["limit", "offset"],
    "/comment/": ["page"],
    "/tags-cursor/": ["page_size", "cursor"],
    "/articles-cursor/": ["page_size", "cursor"],
    "/book/": ["page", "page_size"],
}


@pytest.mark.parametrize("path", list(LIST_ROUTES))
def test_fuzz_list_query_params(client, seed, path):
    seen: Counter = Counter()
    names = LIST_ROUTES[path]
    values = {name: (_cursor() if name == "cursor" else QUERY_VALUES) for name in names}
    params = st.fixed_dictionaries({}, optional={**values, "unknown": QUERY_VALUES})

    @FUZZ
    @given(query=params)
    def run(query):
        if _surrogates(json.dumps(query, ensure_ascii=False)):
            return  # a server decodes query strings as UTF-8: no lone surrogates
        response = send(client, "get", path, query_params=query)
        seen[check(response, LIST)] += 1

    run()
    assert seen[200], seen
    if len(names) > 1 or path != "/comment/":
        assert seen[422], seen


# -- authenticated routes ---------------------------------------------------------------------


def test_fuzz_auth_headers(seed):
    """Any ``Authorization`` header on secured routes: 401 / 403, or through with a real token."""
    client = TestAsyncClient(apis.global_api)
    user = get_user_model().objects.create_user("fuzzer")
    token = make_token(user)
    headers = st.one_of(
        st.just(bearer(token)),
        st.just(bearer(token)),
        st.just(bearer(token)),
        st.builds(lambda t: {"Authorization": t}, TEXT),
        st.builds(lambda t: bearer(t), TEXT),
        st.builds(
            lambda s: bearer(token[:-4] + s), st.text("abcdefABCDEF0123456789-_", max_size=4)
        ),
        st.builds(lambda t: bearer(f"{t}.{t}.{t}"), st.text(max_size=20)),
        st.just({}),
    )
    seen: Counter = Counter()
    pk = seed["articles"][0]

    @FUZZ
    @given(header=headers, operation=st.sampled_from(["list", "create", "retrieve", "update"]))
    def run(header, operation):
        authed = {401, 403}
        if operation == "list":
            response, allowed = send(client, "get", "/article/", headers=header), LIST
        elif operation == "create":
            body = {"title": "via auth", "author": seed["authors"][0]}
            response, allowed = send(client, "post", "/article/", json=body, headers=header), CREATE
        elif operation == "retrieve":
            response, allowed = send(client, "get", f"/article/{pk}", headers=header), RETRIEVE
        else:
            body = {"title": "renamed"}
            response, allowed = (
                send(client, "patch", f"/article/{pk}/", json=body, headers=header),
                UPDATE,
            )
        seen[check(response, allowed | authed)] += 1

    run()
    assert seen[401] and (seen[200] or seen[201]), seen
