"""Strict, cheap decoding of a JWS compact serialisation's segments.

joserfc's ``extract_compact`` reads the header with plain ``json.loads`` (the last
duplicate member wins), so the old pipeline parsed the header twice and the claims
with a pure-Python pairs hook. Here each segment is decoded once:

- base64url must be canonical and unpadded, as joserfc requires (same alphabet,
  same trailing-bits rule), decoded by ``binascii`` in strict mode;
- JSON is read by orjson, and the result is accepted only when it provably equals
  what the strict decoder (no duplicate members, no NaN / Infinity, exact integers)
  would return: every member of the text must be a member of the result, and no
  number may have lost precision. Otherwise the strict decoder decides, so hostile
  input costs the slow path while every well-formed token takes the fast one.
"""

from __future__ import annotations

import binascii
import json
from typing import Any

import orjson

__all__ = ["B64URL_ALPHABET", "b64url_decode", "loads_strict"]

B64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: base64url to the standard alphabet; the standard-only characters become invalid ones.
_TO_STANDARD = bytes.maketrans(b"-_+/=", b"+/!!!")
#: Padding by ``-len(segment) % 4``; 3 missing characters is never valid base64.
_PADDING = (b"", b"=", b"==")
#: Last characters whose unused low bits are zero, by padding length (RFC 4648 §3.5).
_CANONICAL_ENDINGS = (b"", b"AEIMQUYcgkosw048", b"AQgw")
#: JSON's whitespace (RFC 8259 §2).
_WHITESPACE = b" \t\n\r"
#: orjson turns integers beyond 64 bits into floats; any float this large is re-read.
_EXACT_LIMIT = float(2**63)


def b64url_decode(segment: bytes) -> bytes:
    """Canonical unpadded base64url (RFC 7515 §2), else ``ValueError``."""
    pad = -len(segment) % 4
    if pad == 3 or (pad and segment[-1] not in _CANONICAL_ENDINGS[pad]):
        raise ValueError("not canonical base64url")
    return binascii.a2b_base64(segment.translate(_TO_STANDARD) + _PADDING[pad], strict_mode=True)


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise ValueError("duplicate member")
        members[name] = value
    return members


def _no_constant(name: str) -> Any:
    raise ValueError("non-finite number")


_STRICT = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_no_constant)


def _members(value: Any) -> int:
    """Members of every object in ``value``; -1 when a number may have lost precision."""
    kind = type(value)
    if kind is dict:
        count, items = len(value), value.values()
    elif kind is list:
        count, items = 0, value
    elif kind is float:
        return 0 if -_EXACT_LIMIT < value < _EXACT_LIMIT else -1
    else:
        return 0
    for item in items:
        kind = type(item)
        if kind is dict or kind is list or kind is float:
            found = _members(item)
            if found < 0:
                return -1
            count += found
    return count


def _member_bound(text: bytes) -> int:
    """At least the number of members the JSON ``text`` holds.

    Each member's name ends with a quote, optional whitespace and a colon; without the
    whitespace every one of them reads '":'. Deleting whitespace elsewhere (or inside
    strings, where a quote is escaped) can only add matches.
    """
    return text.translate(None, _WHITESPACE).count(b'":')


def loads_strict(text: bytes) -> Any:
    """Parse UTF-8 JSON ``text`` refusing duplicate members and non-finite numbers.

    Raises ``ValueError`` (or ``UnicodeError`` / ``RecursionError``) like the strict
    decoder it stands for.
    """
    try:
        value = orjson.loads(text)
        if _members(value) == _member_bound(text):
            return value
    except (orjson.JSONDecodeError, RecursionError):
        pass
    return _STRICT.decode(text.decode("utf-8"))
