"""Ready-made bearers for identity providers: configure a few attributes, write no fetching code.

Both presets find their keys through OpenID discovery from the issuer (whose
``issuer`` must match exactly), then cache them as described in ``docs/remote-keys.md``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured

from ninja_aio.auth.bearer import AsyncJwtBearer

__all__ = ["Auth0JwtBearer", "KeycloakJwtBearer"]


class _PresetBearer(AsyncJwtBearer):
    """Merges the claims a preset derives with the ``claims`` a subclass declares."""

    _own_claims: ClassVar[dict[str, dict[str, Any]]] = {}
    #: What to set, said when an unconfigured preset is instantiated.
    _missing: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "claims" in cls.__dict__:
            cls._own_claims = dict(cls.__dict__["claims"])
        if cls._configured():
            cls._derive()
            cls.claims = {**cls._derived_claims(), **cls._own_claims}
        super().__init_subclass__(**kwargs)

    @classmethod
    def _configured(cls) -> bool:
        raise NotImplementedError

    @classmethod
    def _derive(cls) -> None:
        """Set ``issuer`` and the other attributes that follow from the preset's settings."""

    @classmethod
    def _derived_claims(cls) -> dict[str, dict[str, Any]]:
        return {}

    def __init__(self) -> None:
        if not type(self)._configured():
            raise ImproperlyConfigured(f"{type(self).__qualname__}: {self._missing}")
        super().__init__()


class Auth0JwtBearer(_PresetBearer):
    """Access tokens issued by an Auth0 tenant for one API.

    ``domain`` is the tenant's domain (``"tenant.eu.auth0.com"`` or a custom domain);
    ``audience`` is the API identifier. The issuer is ``https://{domain}/`` with its
    trailing slash. ``required_scopes`` reads the ``scope`` claim; ``required_roles``
    reads the RBAC ``permissions`` claim (any one of them suffices).
    """

    domain: ClassVar[str | None] = None
    roles_claim = "permissions"
    _missing = "set domain and audience"

    @classmethod
    def _configured(cls) -> bool:
        return bool(cls.domain) and cls.audience is not None

    @classmethod
    def _derive(cls) -> None:
        domain = str(cls.domain).rstrip("/")
        # A full URL is accepted for tests against a loopback server.
        base = domain if "://" in domain else f"https://{domain}"
        cls.issuer = f"{base}/"


class KeycloakJwtBearer(_PresetBearer):
    """Access tokens issued by a Keycloak realm to one client.

    ``realm_url`` is ``{server}/realms/{realm}`` (also the issuer); ``client_id`` must
    equal the token's ``azp``. Tokens must be access tokens (``typ: Bearer`` claim, so
    ID and refresh tokens are refused). ``required_roles`` reads ``realm_access.roles``
    and ``resource_access.{client_id}.roles``. Set ``audience`` once an audience mapper
    puts your API in ``aud``.
    """

    realm_url: ClassVar[str | None] = None
    client_id: ClassVar[str | None] = None
    _missing = "set realm_url and client_id"

    @classmethod
    def _configured(cls) -> bool:
        return bool(cls.realm_url) and bool(cls.client_id)

    @classmethod
    def _derive(cls) -> None:
        if "." in str(cls.client_id):
            raise ImproperlyConfigured(
                f"{cls.__qualname__}.client_id: a client id with '.' cannot name a claim "
                "path; subclass AsyncJwtBearer and set issuer and roles_claim yourself"
            )
        cls.issuer = str(cls.realm_url).rstrip("/")
        cls.roles_claim = ("realm_access.roles", f"resource_access.{cls.client_id}.roles")

    @classmethod
    def _derived_claims(cls) -> dict[str, dict[str, Any]]:
        return {
            "azp": {"essential": True, "value": cls.client_id},
            "typ": {"essential": True, "value": "Bearer"},
        }
