"""The verification pipeline: cheap shape checks, key lookup, signature, claims.

Everything that depends only on the authenticator's configuration lives in a
``VerificationPolicy`` built once per class. Every failure surfaces as
``InvalidToken`` with a short fixed reason: never the token, key or exception text.

The compact serialisation is split and decoded here (``ninja_aio.auth.compact``)
rather than by ``jws.extract_compact`` / ``jws.validate_compact``: those parse the
header with a lenient JSON reader that we had to repeat strictly, and redo work we
have already done (the key is known, ``crit`` is refused). joserfc still does what it
is for: the header parameter registry, the algorithm allow-list, the key / algorithm
fit and the signature itself, and the claims registry.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

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
from ninja_aio.auth.compact import B64URL_ALPHABET, b64url_decode, loads_strict
from ninja_aio.auth.errors import InvalidToken
from ninja_aio.auth.keys import KeySource
from ninja_aio.auth.token import VerifiedToken

__all__ = [
    "VERIFIED_RANK",
    "ParsedToken",
    "VerificationPolicy",
    "complete",
    "prepare",
    "verify_token",
]

logger = logging.getLogger(__name__)

#: RFC 6750 §2.1 b64token, restricted further to the three base64url segments of a JWS.
_TOKEN_ALPHABET = B64URL_ALPHABET + b"."
_MAX_KID_LENGTH = 256
#: joserfc's header checks (a header parameter of the wrong type or form).
_HEADER_ERRORS = (
    InvalidHeaderValueError,
    MissingCritHeaderError,
    MissingHeaderError,
    UnsupportedHeaderError,
)
#: Header parameters whose registry check is "a string", done inline when that is all there is.
_PLAIN_HEADER = frozenset({"alg", "kid", "typ"})
_MALFORMED = "Malformed token"
#: Rank of failures found once the signature is known good (see ``AuthFailure.rank``).
VERIFIED_RANK = 20


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


@dataclass(frozen=True, slots=True)
class ParsedToken:
    """A token whose shape and header passed, before any key is looked up."""

    raw: str
    header: dict[str, Any]
    claims: dict[str, Any]
    #: The JSON texts the header and the claims were read from.
    header_json: bytes
    claims_json: bytes
    signing_input: bytes
    #: None when the segment is base64url but not canonical: a bad signature, found later.
    signature: bytes | None

    @property
    def kid(self) -> str | None:
        return self.header.get("kid")

    @property
    def alg(self) -> str:
        return self.header["alg"]


def _segments(raw: str, policy: VerificationPolicy) -> tuple[bytes, bytes, bytes, bytes]:
    """Signing input, header, payload and signature segments, or ``Malformed token``."""
    if len(raw) > policy.max_length or not raw.isascii():
        raise InvalidToken(_MALFORMED)
    data = raw.encode("ascii")
    # Nothing but base64url and exactly two dots (the RFC 6750 b64token of a JWS).
    if data.translate(None, _TOKEN_ALPHABET) or data.count(b".") != 2:
        raise InvalidToken(_MALFORMED)
    signing_input, _, signature = data.rpartition(b".")
    header, _, payload = signing_input.partition(b".")
    registry = policy.registry
    if (
        not header
        or not payload
        or len(header) > registry.max_header_length
        or len(payload) > registry.max_payload_length
        or len(signature) > registry.max_signature_length
    ):
        raise InvalidToken(_MALFORMED)
    return signing_input, header, payload, signature


def _unencoded(header: dict[str, Any]) -> bool:
    """RFC 7797 §6: ``b64: false`` must be listed in ``crit`` (else the token is malformed).

    Such a payload is not base64url; the token is refused as an unsupported header anyway.
    """
    if "b64" not in header or header["b64"] is True:
        return False
    crit = header.get("crit")
    if isinstance(crit, list) and "b64" in crit:
        return True
    raise ValueError("b64 outside crit")


def _parse(
    raw: str, policy: VerificationPolicy
) -> tuple[dict[str, Any], bytes, bytes, bytes, bytes]:
    """The header (checked), its JSON, the payload, the signing input, the signature segment."""
    signing_input, header_segment, payload_segment, signature = _segments(raw, policy)
    try:
        header_json = b64url_decode(header_segment)
        header = loads_strict(header_json)
        if not isinstance(header, dict) or "alg" not in header:
            raise InvalidToken(_MALFORMED)
        payload = payload_segment if _unencoded(header) else b64url_decode(payload_segment)
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise InvalidToken(_MALFORMED) from exc
    # We understand no JWS extension, and an unencoded payload (RFC 7797) is not a JWT.
    if "crit" in header or "b64" in header:
        raise InvalidToken("Unsupported header")
    alg = header["alg"]
    if not isinstance(alg, str) or alg not in policy.algorithms:
        raise InvalidToken("Unsupported algorithm")
    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not 0 < len(kid) <= _MAX_KID_LENGTH):
        raise InvalidToken(_MALFORMED)
    if policy.token_types is not None:
        typ = header.get("typ")
        if not isinstance(typ, str) or _media_type(typ) not in policy.token_types:
            raise InvalidToken("Invalid token type")
    return header, header_json, payload, signing_input, signature


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


def _parse_claims(payload: bytes) -> dict[str, Any]:
    try:
        claims = loads_strict(payload)
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise InvalidToken(_MALFORMED) from exc
    if not isinstance(claims, dict):
        raise InvalidToken(_MALFORMED)
    return claims


def _decode_signature(segment: bytes) -> bytes | None:
    try:
        return b64url_decode(segment)
    except ValueError:
        return None


def _plain_header(header: dict[str, Any]) -> bool:
    """Only ``alg`` / ``kid`` / ``typ``, all strings: all the registry would check."""
    for name, value in header.items():
        if name not in _PLAIN_HEADER or type(value) is not str:
            return False
    return True


def _check_signature(parsed: ParsedToken, key: Any, policy: VerificationPolicy) -> None:
    """What ``jws.validate_compact`` does, in its order, for a key we already selected."""
    registry = policy.registry
    try:
        if not _plain_header(parsed.header):
            registry.check_header(parsed.header)
        alg = registry.get_alg(parsed.alg)
        alg.check_key(key)
        signature = parsed.signature
        valid = signature is not None and alg.verify(parsed.signing_input, signature, key)
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
) -> ParsedToken:
    """Shape checks before any key is looked up: the parsed header and claims.

    ``expected_issuer`` refuses a token that names another issuer right away, so a
    remote key source is never asked for keys on behalf of a stranger.
    """
    header, header_json, payload, signing_input, signature = _parse(raw, policy)
    claims = _parse_claims(payload)
    if expected_issuer is not None and claims.get("iss") != expected_issuer:
        raise InvalidToken("Invalid claim: iss")
    return ParsedToken(
        raw, header, claims, header_json, payload, signing_input, _decode_signature(signature)
    )


def complete(parsed: ParsedToken, key: Any, policy: VerificationPolicy) -> VerifiedToken:
    """Signature and claim checks with the key the token's header selected."""
    _check_signature(parsed, key, policy)
    claims = parsed.claims
    try:
        policy.claims.validate(claims)
    except JoseError as exc:
        raise _claim_failure(exc, claims) from exc
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidToken("Invalid claims", rank=VERIFIED_RANK) from exc
    return VerifiedToken(MappingProxyType(parsed.header), MappingProxyType(claims), parsed.raw)


async def verify_token(
    raw: str,
    policy: VerificationPolicy,
    keys: KeySource,
    *,
    expected_issuer: str | None = None,
) -> VerifiedToken:
    """Verify ``raw`` completely or raise ``InvalidToken`` (or the key source's failure)."""
    parsed = prepare(raw, policy, expected_issuer)
    return complete(parsed, await keys.get_key(parsed.kid, parsed.alg), policy)
