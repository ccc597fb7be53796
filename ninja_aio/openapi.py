"""The OpenAPI document of a ``NinjaAIO``: ninja's, made accurate and usable in Swagger.

- One security scheme per credential, not per authenticator class: every bearer
  authenticator shares ``Bearer``, cookie ones share ``cookie.<name>``, so one
  "Authorize" serves them all. ``A | B`` are alternatives, ``A & B`` one joint
  requirement; required scopes go in the requirement, and each secured operation's
  description names the authenticators with their scopes and roles.
- Security is computed per operation (not per operation id), operation ids are unique
  (a route with several methods gets one id per method).
- 401 / 403 documented on secured operations; optional query parameters typed plainly
  (no ``anyOf [..., null]``: a query string cannot send null); no unreferenced schema.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from itertools import product
from typing import TYPE_CHECKING, Any

from ninja.openapi.schema import OpenAPISchema

from ninja_aio.auth.combine import AllOf, AnyOf
from ninja_aio.views.responses import error_components, error_documentation

if TYPE_CHECKING:
    from ninja import NinjaAPI
    from ninja.operation import Operation

__all__ = ["AIOOpenAPISchema", "credential_scheme"]

logger = logging.getLogger(__name__)

Requirement = dict[str, list[str]]
#: What identifies a credential, per scheme type; other keys (bearerFormat...) may differ.
_IDENTITY = {"type", "scheme", "in", "name"}
_REF = re.compile(r"^#/components/schemas/(.+)$")


def _strings(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def credential_scheme(auth: Any) -> tuple[str, dict[str, Any]] | None:
    """``(scheme name, scheme)`` for the credential ``auth`` reads, or None if undocumented.

    ``Bearer`` / ``Basic`` for HTTP schemes, ``header.<name>`` / ``cookie.<name>`` /
    ``query.<name>`` for API keys (header names are case-insensitive), the class name
    for anything else.
    """
    schema = getattr(auth, "openapi_security_schema", None)
    if not schema:
        return None
    schema = dict(schema)
    kind = schema.get("type")
    if kind == "http":
        name = str(schema.get("scheme", "")).capitalize()
    elif kind == "apiKey":
        key = str(schema.get("name", ""))
        name = f"{schema.get('in')}.{key.lower() if schema.get('in') == 'header' else key}"
    else:
        name = type(auth).__name__
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or type(auth).__name__, schema


def _member_text(auth: Any) -> str:
    if isinstance(auth, AnyOf | AllOf):
        joint = " and " if isinstance(auth, AllOf) else " or "
        return "(" + joint.join(_member_text(m) for m in auth.auths) + ")"
    found = credential_scheme(auth)
    details = [found[0]] if found else []
    if scopes := _strings(getattr(auth, "required_scopes", ())):
        details.append("scopes: " + ", ".join(scopes))
    if roles := _strings(getattr(auth, "required_roles", ())):
        details.append("one of the roles: " + ", ".join(roles))
    return f"`{type(auth).__name__}`" + (f" ({'; '.join(details)})" if details else "")


def _auth_description(callbacks: list[Any]) -> str:
    return "**Authentication**: " + " or ".join(_member_text(cb) for cb in callbacks) + "."


class AIOOpenAPISchema(OpenAPISchema):
    """ninja's ``OpenAPISchema`` with shared credential schemes and unique operation ids."""

    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        self._operation_ids: set[str] = set()
        super().__init__(api, path_prefix)
        _complete(self)

    def methods(self, operations: list[Operation]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for operation in operations:
            if not operation.include_in_schema:
                continue
            details = self.operation_details(operation)
            for method in operation.methods:
                entry = dict(details) if len(operation.methods) > 1 else details
                base = details["operationId"]
                if len(operation.methods) > 1:
                    base = f"{base}_{method.lower()}"
                entry["operationId"] = self._unique(base)
                result[method.lower()] = entry
        return result

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        # ninja prints a warning for a repeated id; ``_unique`` renames it instead.
        self.all_operation_ids = set()
        details = super().operation_details(operation)
        callbacks = list(operation.auth_callbacks)
        if details.get("security"):
            text = _auth_description(callbacks)
            details["description"] = "\n\n".join(filter(None, [details.get("description"), text]))
        return details

    def operation_security(self, operation: Operation) -> list[Requirement] | None:
        found: list[Requirement] = []
        for callback in operation.auth_callbacks:
            for requirement in self._requirements(callback):
                if requirement not in found:
                    found.append(requirement)
        return found or None

    def _requirements(self, auth: Any) -> list[Requirement]:
        """The alternatives (each a joint requirement) that ``auth`` accepts."""
        if isinstance(auth, AnyOf):
            return [req for member in auth.auths for req in self._requirements(member)]
        if isinstance(auth, AllOf):
            options = [self._requirements(member) for member in auth.auths]
            joint = []
            for combo in product(*options):
                merged: Requirement = {}
                for requirement in combo:
                    for name, scopes in requirement.items():
                        merged[name] = sorted({*merged.get(name, []), *scopes})
                joint.append(merged)
            return joint
        found = credential_scheme(auth)
        if found is None:
            return []
        name, schema = found
        self._register(name, schema)
        return [{name: sorted(_strings(getattr(auth, "required_scopes", ())))}]

    def _register(self, name: str, schema: dict[str, Any]) -> None:
        known = self.securitySchemes.get(name)
        if known is None:
            self.securitySchemes[name] = schema
            return
        for key in [k for k in known if k not in _IDENTITY and known[k] != schema.get(k)]:
            del known[key]  # authenticators sharing the credential disagree: leave it out

    def _unique(self, operation_id: str) -> str:
        unique, n = operation_id, 1
        while unique in self._operation_ids:
            n += 1
            unique = f"{operation_id}_{n}"
        if unique != operation_id:
            logger.warning("operation id %r is used twice; documented as %r", operation_id, unique)
        self._operation_ids.add(unique)
        return unique


#: Documented on every operation that has an authenticator.
_AUTH_RESPONSES = error_documentation(401, 403)
_AUTH_RESPONSES[401]["description"] = "Missing or invalid credentials"
_AUTH_RESPONSES[403]["description"] = "The credentials do not grant access"


def _operations(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict):
                yield operation


def _plain(parameter_schema: dict[str, Any]) -> dict[str, Any]:
    """``{"anyOf": [X, {"type": "null"}], ...}`` as X (keeping title, default...)."""
    options = parameter_schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or {"type": "null"} not in options:
        return parameter_schema
    other = next(o for o in options if o != {"type": "null"})
    plain = {k: v for k, v in parameter_schema.items() if k != "anyOf"}
    if plain.get("default", 0) is None:
        del plain["default"]
    return {**plain, **other}


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and (match := _REF.match(item)):
                yield match.group(1)
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _complete(schema: dict[str, Any]) -> None:
    """Auth answers, plain query parameters, error body schemas, no unreferenced schema."""
    for operation in _operations(schema):
        responses = operation.setdefault("responses", {})
        for status in [s for s in responses if not isinstance(s, str)]:
            responses.setdefault(str(status), responses.pop(status))
        if operation.get("security"):
            for status, answer in _AUTH_RESPONSES.items():
                responses.setdefault(str(status), answer)
        for parameter in operation.get("parameters", []):
            parameter["schema"] = _plain(parameter.get("schema", {}))
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    outside = {k: v for k, v in schema.items() if k != "components"}
    wanted = set(_refs(outside)) | set(
        _refs({k: v for k, v in components.items() if k != "schemas"})
    )
    for name, body in error_components().items():
        schemas.setdefault(name, body)  # pruned below unless referenced
    reached: set[str] = set()
    while wanted - reached:
        name = (wanted - reached).pop()
        reached.add(name)
        wanted |= set(_refs(schemas.get(name, {})))
    for name in [n for n in schemas if n not in reached]:
        del schemas[name]
