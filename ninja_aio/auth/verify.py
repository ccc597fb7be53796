"""The verification pipeline: cheap shape checks, key lookup, signature, claims.

Everything that depends only on the authenticator's configuration lives in a
``VerificationPolicy`` built once per class. Every failure surfaces as
``InvalidToken`` with a short fixed reason: never the token, key or exception text.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from joserfc import jws
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    InvalidHeaderValueError,
    JoseError,
    MissingClaimError,
    MissingCritHeaderError,
    MissingHeaderError,
    UnsupportedAlgorithmError,
    UnsupportedHeaderError,
)
from joserfc.jws import JWSRegistry

from ninja_aio.auth.claims import StrictClaimsRegistry
from ninja_aio.auth.errors import InvalidToken
from ninja_aio.auth.keys import KeySource
from ninja_aio.auth.token import VerifiedToken

__all__ = ["VERIFIED_RANK", "VerificationPolicy", "complete", "prepare", "verify_token"]

logger = logging.getLogger(__name__)

#: RFC 6750 §2.1 b64token, restricted further to the three base64url segments of a JWS.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_MAX_KID_LENGTH = 256
#: joserfc's header checks (a header parameter of the wrong type or form).
_HEADER_ERRORS = (
    InvalidHeaderValueError,
    MissingCritHeaderError,
    MissingHeaderError,
    UnsupportedHeaderError,
)
#: Rank of failures found once the signature is known good (see ``AuthFailure.rank``).
VERIFIED_RANK = 20


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise ValueError("duplicate member")
        members[name] = value
    return members


def _no_constant(name: str) -> Any:
    raise ValueError("non-finite number")


class _StrictJSONDecoder(json.JSONDecoder):
    """Refuses duplicate members and NaN / Infinity: no parser-differential games."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(object_pairs_hook=_unique_members, parse_constant=_no_constant)
        super().__init__(**kwargs)


_DECODER = _StrictJSONDecoder()


@dataclass(frozen=True, slots=True)
class VerificationPolicy:
    """What a token must satisfy; immutable and shared by every request."""

    algorithms: frozenset[str]
    registry: JWSRegistry
    claims: StrictClaimsRegistry
    token_types: frozenset[str] | None = None
    max_length: int = 8192

    @classmethod
    def build(
        cls,
        algorithms: tuple[str, ...],
        claims: dict[str, dict[str, Any]],
        *,
        leeway: int = 0,
        token_types: tuple[str, ...] | None = None,
        max_length: int = 8192,
    ) -> VerificationPolicy:
        # The allow-list must live inside the registry: joserfc ignores ``algorithms=``
        # when a registry is passed (research §1.5).
        registry = JWSRegistry(algorithms=list(algorithms), strict_check_header=False)
        return cls(
            algorithms=frozenset(algorithms),
            registry=registry,
            claims=StrictClaimsRegistry(leeway=leeway, **claims),
            token_types=frozenset(_media_type(t) for t in token_types) if token_types else None,
            max_length=max_length,
        )


def _media_type(value: str) -> str:
    """RFC 7515 §4.1.9: compare case-insensitively, with an implied ``application/``."""
    value = value.lower()
    return value if "/" in value else f"application/{value}"


def _b64(segment: str) -> bytes:
    """Decode a segment joserfc has already checked is canonical base64url."""
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _parse(raw: str, policy: VerificationPolicy) -> tuple[jws.CompactSignature, dict[str, Any]]:
    if len(raw) > policy.max_length or not _COMPACT_JWS.fullmatch(raw):
        raise InvalidToken("Malformed token")
    try:
        obj = jws.extract_compact(raw.encode("ascii"), registry=policy.registry)
        header = obj.headers()
        # joserfc reads the header with plain json.loads, where the last duplicate member
        # wins: read it again strictly, so that no other reader can see another alg or kid.
        _DECODER.decode(_b64(raw.partition(".")[0]).decode("utf-8"))
    except (JoseError, TypeError, ValueError, KeyError, UnicodeError) as exc:
        raise InvalidToken("Malformed token") from exc
    if not isinstance(header, dict):
        raise InvalidToken("Malformed token")
    # We understand no JWS extension, and an unencoded payload (RFC 7797) is not a JWT.
    if "crit" in header or "b64" in header:
        raise InvalidToken("Unsupported header")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in policy.algorithms:
        raise InvalidToken("Unsupported algorithm")
    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not 0 < len(kid) <= _MAX_KID_LENGTH):
        raise InvalidToken("Malformed token")
    if policy.token_types is not None:
        typ = header.get("typ")
        if not isinstance(typ, str) or _media_type(typ) not in policy.token_types:
            raise InvalidToken("Invalid token type")
    return obj, header


def _is_numeric_date(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


_TIME_DETAILS = {"nbf": "Token is not yet valid", "iat": "Token was issued in the future"}


def _claim_failure(exc: JoseError, claims: dict[str, Any]) -> InvalidToken:
    """A failure found after the signature checked out: it outranks pre-signature ones."""
    if isinstance(exc, ExpiredTokenError):
        detail = "Token has expired"
    elif isinstance(exc, MissingClaimError):
        detail = f"Missing claim: {exc.claim}"
    elif (
        isinstance(exc, InvalidClaimError)
        and exc.claim in _TIME_DETAILS
        and _is_numeric_date(claims.get(exc.claim))  # else: not a NumericDate at all
    ):
        detail = _TIME_DETAILS[exc.claim]
    elif isinstance(exc, InvalidClaimError):
        detail = f"Invalid claim: {exc.claim}"
    else:
        detail = "Invalid claims"
    return InvalidToken(detail, rank=VERIFIED_RANK)


def _parse_claims(obj: jws.CompactSignature) -> dict[str, Any]:
    try:
        claims = _DECODER.decode(obj.payload.decode("utf-8"))
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise InvalidToken("Malformed token") from exc
    if not isinstance(claims, dict):
        raise InvalidToken("Malformed token")
    return claims


def _check_signature(obj: jws.CompactSignature, key: Any, policy: VerificationPolicy) -> None:
    try:
        valid = jws.validate_compact(obj, key, registry=policy.registry)
    except UnsupportedAlgorithmError as exc:
        raise InvalidToken("Unsupported algorithm") from exc
    except _HEADER_ERRORS as exc:
        raise InvalidToken("Unsupported header") from exc
    except (JoseError, TypeError, ValueError, KeyError) as exc:
        logger.debug("token refused by the JWS layer: %s", exc.__class__.__name__)
        raise InvalidToken("Invalid signature") from exc
    if not valid:
        raise InvalidToken("Invalid signature")


def prepare(
    raw: str, policy: VerificationPolicy, expected_issuer: str | None = None
) -> tuple[jws.CompactSignature, dict[str, Any], dict[str, Any]]:
    """Shape checks before any key is looked up: the parsed token, header and claims.

    ``expected_issuer`` refuses a token that names another issuer right away, so a
    remote key source is never asked for keys on behalf of a stranger.
    """
    obj, header = _parse(raw, policy)
    claims = _parse_claims(obj)
    if expected_issuer is not None and claims.get("iss") != expected_issuer:
        raise InvalidToken("Invalid claim: iss")
    return obj, header, claims


def complete(
    raw: str,
    obj: jws.CompactSignature,
    header: dict[str, Any],
    claims: dict[str, Any],
    key: Any,
    policy: VerificationPolicy,
) -> VerifiedToken:
    """Signature and claim checks with the key the token's header selected."""
    _check_signature(obj, key, policy)
    try:
        policy.claims.validate(claims)
    except JoseError as exc:
        raise _claim_failure(exc, claims) from exc
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidToken("Invalid claims", rank=VERIFIED_RANK) from exc
    return VerifiedToken(MappingProxyType(header), MappingProxyType(claims), raw)


async def verify_token(
    raw: str,
    policy: VerificationPolicy,
    keys: KeySource,
    *,
    expected_issuer: str | None = None,
) -> VerifiedToken:
    """Verify ``raw`` completely or raise ``InvalidToken`` (or the key source's failure)."""
    obj, header, claims = prepare(raw, policy, expected_issuer)
    key = await keys.get_key(header.get("kid"), header["alg"])
    return complete(raw, obj, header, claims, key, policy)
