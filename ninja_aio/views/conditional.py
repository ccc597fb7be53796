"""Conditional requests (RFC 9110 §13): ETags on reads, ``If-None-Match`` → 304, and
``If-Match`` / ``If-None-Match`` on writes checked on the locked row inside the write's
transaction (a stale tag is a 412 and nothing is written).

A representation's tag is strong: a hash of the rendered data, or, when the viewset
declares an ``etag_field`` (``updated_at``, a version counter), of that field's value and
the key, which costs no rendering. Bulk routes do not evaluate preconditions.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from ninja.errors import ConfigError, HttpError

from ninja_aio.models.schemas import ReadPlan, Scopes

__all__ = [
    "ETags",
    "WriteCondition",
    "parse_tags",
    "response_param",
    "route_options",
    "write_condition",
    "write_hooks",
]

ANY = ("*",)
#: An entity-tag list element (RFC 9110 §8.8.3 and §5.6.1): optional ``W/``, quoted
#: ``etagc`` characters, surrounding whitespace, then a comma or the end.
_ELEMENT = re.compile(r'[ \t]*(?:((?:W/)?"[\x21\x23-\x7e\x80-\xff]*")[ \t]*)?(?:,|\Z)')

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

STALE = "The resource has changed: the precondition of the request failed"
REQUIRED = "This request must be conditional: send If-Match with the resource's ETag"

_IF_MATCH_DOC = (
    "Write only if the resource's current ETag is one of these (strong comparison), "
    "or `*` for any; a stale tag is a 412 and nothing is written."
)
_IF_NONE_MATCH_DOC = (
    "ETags the client holds: a match answers 304 Not Modified with no body "
    "(weak comparison). On a write, a match (or `*`) is a 412."
)


_IF_MATCH = "If-Match"
_IF_NONE_MATCH = "If-None-Match"
#: Where Django's handlers put a header: ``HTTP_`` and the name upper-cased, ``_`` for ``-``.
_META_KEYS = {
    name: "HTTP_" + name.upper().replace("-", "_") for name in (_IF_MATCH, _IF_NONE_MATCH)
}


def _header(request: HttpRequest, name: str) -> str | None:
    """A request header, read where Django's handlers put it (``META``), so that a request
    does not build ``request.headers`` (every header) for it, as ninja header parameters
    would. A request whose ``headers`` exist already answers from them: built by an earlier
    read, or set by ninja's test client, whose ``META`` keys keep the header's case."""
    built = request.__dict__.get("headers")
    if built is not None:
        return built.get(name)
    return request.META.get(_META_KEYS[name])


def _header_doc(name: str, description: str) -> dict[str, Any]:
    """An optional string header parameter, for OpenAPI."""
    schema = {"description": description, "title": name, "type": "string"}
    return {
        "description": description,
        "in": "header",
        "name": name,
        "required": False,
        "schema": schema,
    }


def header_docs(*, write: bool, required: bool) -> list[dict[str, Any]]:
    """The OpenAPI parameters of a route's conditional headers."""
    docs = [_header_doc(_IF_NONE_MATCH, _IF_NONE_MATCH_DOC)]
    if write:
        doc = _IF_MATCH_DOC + (" Required: without it the request is a 428." if required else "")
        docs.insert(0, _header_doc(_IF_MATCH, doc))
    return docs


def parse_tags(value: str | None, name: str) -> tuple[str, ...] | None:
    """The tags of an ``If-Match`` / ``If-None-Match`` value: ``("*",)``, the tags, or
    ``None`` when absent or empty. A malformed value is a 400: guessing could write."""
    if value is None or not value.strip(" \t,"):
        return None
    if value.strip(" \t") == "*":
        return ANY
    tags: list[str] = []
    position = 0
    while position < len(value):
        match = _ELEMENT.match(value, position)
        if match is None or match.end() == position:
            raise HttpError(400, f'Malformed {name} header: expected "*" or quoted ETags')
        if match.group(1):
            tags.append(match.group(1))
        position = match.end()
    return tuple(tags)


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


def strong_match(current: str, tags: tuple[str, ...]) -> bool:
    """``If-Match`` comparison: both tags strong and identical, or ``*``."""
    return tags == ANY or any(t == current for t in tags if not t.startswith("W/"))


def weak_match(current: str, tags: tuple[str, ...]) -> bool:
    """``If-None-Match`` comparison: the opaque parts are identical, or ``*``."""
    return tags == ANY or _opaque(current) in {_opaque(t) for t in tags}


def _shape(plan: ReadPlan) -> bytes:
    """A schema's field names and types, the same in every worker process (no object
    addresses: a validator's repr has one)."""
    fields = plan.schema.model_fields
    shape = repr(sorted((n, repr(f.annotation)) for n, f in fields.items()))
    return _ADDRESS.sub("", shape).encode()


def _digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part)
        h.update(b"\x00")
    return f'"{h.hexdigest()}"'


def _bytes(data: Any) -> bytes:
    try:
        return orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # integers beyond 64 bits: rare
        return repr(data).encode()


@dataclass(frozen=True)
class ETags:
    """How one viewset tags its representations; built once, at registration."""

    model: type[models.Model]
    detail: ReadPlan
    read: ReadPlan
    version_field: str | None = None
    salt: bytes = field(default=b"")
    #: The salt of versioned list tags: the list's (read) schema too, which a page's
    #: versions do not reflect.
    page_salt: bytes = field(default=b"")

    @classmethod
    def build(
        cls, model: type[models.Model], detail: ReadPlan, read: ReadPlan, version: str | None
    ) -> ETags:
        if version is not None:
            names = {f.name for f in model._meta.concrete_fields}
            if version not in names:
                raise ConfigError(f"etag_field {version!r} is not a field of {model.__name__}")
            version = model._meta.get_field(version).attname
        # The schema is part of every tag: a deployment changing it invalidates old tags.
        salt = hashlib.blake2b(_shape(detail), digest_size=8).digest()
        page_salt = hashlib.blake2b(_shape(detail) + _shape(read), digest_size=8).digest()
        return cls(model, detail, read, version, salt, page_salt)

    def of_data(self, data: Any) -> str:
        """The tag of rendered data (a row's or a page's)."""
        return _digest(self.salt, _bytes(data))

    def of_version(self, obj: models.Model) -> str:
        return _digest(self.salt, _bytes([obj.pk, getattr(obj, self.version_field or "pk")]))

    def of_row(self, obj: models.Model) -> tuple[str, dict[str, Any] | None]:
        """(tag, rendered detail data or ``None`` when the tag did not need it)."""
        if self.version_field is not None:
            return self.of_version(obj), None
        data = self.detail.reader(obj)
        return self.of_data(data), data

    def of_page(self, request: HttpRequest, page: Any, items: list[Any] | None) -> str:
        """A list page's tag: of the versions of ``items`` (model rows) with the page's
        other keys and the query, when versioned; else of the rendered ``page``."""
        if self.version_field is None or items is None:
            return self.of_data(page)
        versions = [(o.pk, getattr(o, self.version_field)) for o in items]
        return _digest(self.page_salt, request.get_full_path().encode(), _bytes([page, versions]))

    def read_row(self, obj: models.Model, request: HttpRequest, response: HttpResponse) -> Any:
        """A retrieve's answer: 304 when the client's tag matches, else the detail data
        with its ``ETag`` set on ``response``."""
        tag, data = self.of_row(obj)
        unchanged = self.not_modified(tag, request)
        if unchanged is not None:
            return unchanged
        response["ETag"] = tag
        return data if data is not None else self.detail.reader(obj)

    def read_page(
        self,
        request: HttpRequest,
        meta: Any,
        rows: list[Any],
        body: Callable[[], Any],
        response: HttpResponse,
        render: Callable[[Any], bytes] | None = None,
    ) -> Any:
        """A list's answer: ``meta`` is the page without its items, ``rows`` its model
        rows and ``body()`` builds it. Versioned tags decide a 304 before building,
        unless the rows leave the version out (``?fields=`` narrowed them): reading it
        would be a query per row, so the built page is tagged instead.

        With ``render`` (the api's renderer, for a page answered as built) an unversioned
        tag is the hash of the rendered bytes, which are answered as they are: the page
        is dumped once, not once for the tag and again for the response."""
        if self.version_field is not None and not self._unversioned(rows):
            tag = self.of_page(request, meta, rows)
            unchanged = self.not_modified(tag, request)
            if unchanged is not None:
                return unchanged
            response["ETag"] = tag
            return body()
        data = body()
        content = render(data) if render is not None else None
        tag = self.of_data(data) if content is None else _digest(self.salt, content)
        unchanged = self.not_modified(tag, request)
        if unchanged is not None:
            return unchanged
        response["ETag"] = tag
        if content is None:
            return data
        response.content = content
        return response

    def _unversioned(self, rows: list[Any]) -> bool:
        """Whether the page's rows were loaded without the version field (rows of one
        queryset defer the same fields)."""
        return bool(rows) and self.version_field in rows[0].get_deferred_fields()

    def not_modified(self, tag: str, request: HttpRequest) -> HttpResponse | None:
        """A 304 (carrying the tag) when the request's ``If-None-Match`` matches ``tag``."""
        tags = parse_tags(_header(request, _IF_NONE_MATCH), _IF_NONE_MATCH)
        if tags is None or not weak_match(tag, tags):
            return None
        response = HttpResponseNotModified()
        response["ETag"] = tag
        return response


@dataclass
class WriteCondition:
    """One write's preconditions, checked on the row the write loads (``check``)."""

    tags: ETags
    if_match: tuple[str, ...] | None
    if_none_match: tuple[str, ...] | None
    scopes: Scopes | None = None
    row: models.Model | None = None

    @classmethod
    async def prepare(
        cls,
        tags: ETags,
        request: HttpRequest,
        *,
        required: bool,
    ) -> WriteCondition:
        """Parse the request's headers (400 if malformed, 428 if ``If-Match`` is required
        and missing) and load what the check needs outside the transaction."""
        matching = parse_tags(_header(request, _IF_MATCH), _IF_MATCH)
        if matching is None and required:
            raise HttpError(428, REQUIRED)
        none_matching = parse_tags(_header(request, _IF_NONE_MATCH), _IF_NONE_MATCH)
        condition = cls(tags, matching, none_matching)
        if condition.conditional and tags.version_field is None:
            condition.scopes = await tags.detail.scoped(request)
        return condition

    @property
    def conditional(self) -> bool:
        """Whether the request has preconditions (the row is then locked while checked)."""
        return self.if_match is not None or self.if_none_match is not None

    def check(self, row: models.Model) -> None:
        """Raise a 412 (rolling the write back) unless the preconditions hold for ``row``."""
        self.row = row
        if not self.conditional:
            return
        if self.tags.version_field is not None:
            current = self.tags.of_version(row)
        else:
            current = self.tags.of_data(
                self.tags.detail.render(self.tags.model, row.pk, self.scopes or {})
            )
        if self.if_match is not None and not strong_match(current, self.if_match):
            raise HttpError(412, STALE)
        if self.if_none_match is not None and weak_match(current, self.if_none_match):
            raise HttpError(412, STALE)

    def tag_response(self, response: HttpResponse, body: Any) -> Any:
        """``body``, with the written row's new ``ETag`` on ``response`` when known."""
        tag = self.new_tag(body)
        if tag is not None:
            response["ETag"] = tag
        return body

    def new_tag(self, body: Any) -> str | None:
        """The written row's tag, for the response: from its version, or from ``body``
        when the response renders the detail schema; else unknown (``None``)."""
        if self.tags.version_field is not None and self.row is not None:
            return self.tags.of_version(self.row)
        if self.tags.version_field is None and self.tags.detail is self.tags.read:
            return self.tags.of_data(body)
        return None


def response_param() -> inspect.Parameter:
    """The ``response`` ninja hands a view, on which it sets ``ETag``."""
    return inspect.Parameter("response", inspect.Parameter.KEYWORD_ONLY, annotation=HttpResponse)


def route_options(status: int, *, write: bool, required: bool) -> dict[str, Any]:
    """A route's conditional statuses and its ``ETag`` response header, for OpenAPI:
    reads add 304 and 400 (malformed ``If-None-Match``); writes add 400, 412 and, when
    required, 428."""
    extra: dict[str, Any] = {"parameters": header_docs(write=write, required=required)}
    if status != 204:
        extra["responses"] = {status: {"headers": {"ETag": dict(_ETAG_HEADER)}}}
    if not write:
        return {"responses": {304: None}, "errors": (400,), "openapi_extra": extra}
    return {"errors": (400, 412, 428) if required else (400, 412), "openapi_extra": extra}


async def write_condition(
    tags: ETags | None, request: HttpRequest, *, required: bool
) -> WriteCondition | None:
    """A write's condition (``None`` when the viewset has conditional requests off)."""
    if tags is None:
        return None
    return await WriteCondition.prepare(tags, request, required=required)


def write_hooks(condition: WriteCondition | None, *, tagged: bool) -> dict[str, Any]:
    """``update_row`` / ``delete_row`` keywords: the check when the request has
    preconditions or a ``tagged`` response needs the written row's version, and the lock
    when it has preconditions."""
    if condition is None:
        return {}
    versioned = tagged and condition.tags.version_field is not None
    check = condition.check if condition.conditional or versioned else None
    return {"check": check, "lock": condition.conditional}


_ETAG_HEADER = {
    "description": "Strong entity tag of the representation; send it back in "
    "If-None-Match (reads) or If-Match (writes).",
    "schema": {"type": "string"},
}
