"""OpenAPI additions: auth error answers, and ``A | B`` / ``A & B`` as real alternatives.

ninja documents one security scheme per auth callable, named after its class; a
combined authenticator would show up as a single "AnyOf" scheme. Here each member gets
its own scheme, ``|`` becomes alternative requirements and ``&`` one joint requirement.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING, Any

from ninja_aio.auth.combine import AllOf, AnyOf

if TYPE_CHECKING:
    from ninja import NinjaAPI

__all__ = ["document_security"]

_DETAIL_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}
#: Documented on every operation that has an authenticator.
_AUTH_RESPONSES = {
    "401": {"description": "Missing or invalid credentials", "content": _DETAIL_BODY},
    "403": {"description": "The credentials do not grant access", "content": _DETAIL_BODY},
}

Requirement = dict[str, list[str]]


def _requirements(auth: Any, schemes: dict[str, Any]) -> list[Requirement]:
    """The OpenAPI security requirements (alternatives) that ``auth`` accepts."""
    if isinstance(auth, AnyOf):
        return [req for member in auth.auths for req in _requirements(member, schemes)]
    if isinstance(auth, AllOf):
        options = [_requirements(member, schemes) for member in auth.auths]
        return [{k: v for req in combo for k, v in req.items()} for combo in product(*options)]
    schema = getattr(auth, "openapi_security_schema", None)
    if schema is None:
        return []
    name = type(auth).__name__
    schemes[name] = schema
    return [{name: []}]


def _combined_operations(api: NinjaAPI) -> dict[str, list[Any]]:
    """operationId -> auth callbacks, for the operations that use ``|`` or ``&``."""
    found: dict[str, list[Any]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                callbacks = list(operation.auth_callbacks)
                if any(isinstance(cb, AnyOf | AllOf) for cb in callbacks):
                    op_id = operation.operation_id or api.get_openapi_operation_id(operation)
                    found[op_id] = callbacks
    return found


def document_security(api: NinjaAPI, schema: dict[str, Any]) -> dict[str, Any]:
    """Complete ninja's ``schema`` in place: combined auth and the 401 / 403 answers."""
    combined = _combined_operations(api)
    schemes: dict[str, Any] = {}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or not operation.get("security"):
                continue
            callbacks = combined.get(operation.get("operationId"))
            if callbacks is not None:
                operation["security"] = [
                    req for cb in callbacks for req in _requirements(cb, schemes)
                ]
            responses = operation.setdefault("responses", {})
            for status, answer in _AUTH_RESPONSES.items():
                responses.setdefault(status, answer)
    if combined:
        components = schema.setdefault("components", {})
        security_schemes = components.setdefault("securitySchemes", {})
        for name in ("AnyOf", "AllOf"):
            security_schemes.pop(name, None)
        security_schemes.update(schemes)
    return schema
