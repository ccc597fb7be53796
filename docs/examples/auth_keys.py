"""Verification keys: RSA as PEM or JWK, a shared secret, EC, Ed25519, a key set."""

from joserfc import jwk

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer

# Private keys stand for the token issuers' (they sign the tokens of the tests).
RSA_PRIVATE = jwk.RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
EC_PRIVATE = jwk.ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
ED_PRIVATE = jwk.OKPKey.generate_key("Ed25519", parameters={"kid": "ed-1"})
SECRET = "a shared secret of at least 32 bytes, from settings"

PUBLIC_KEY = RSA_PRIVATE.as_pem(private=False).decode()


class JWTAuth(AsyncJwtBearer):
    """RSA, the default algorithm (RS256)."""

    jwt_public = jwk.RSAKey.import_key(PUBLIC_KEY)


class RS512Auth(AsyncJwtBearer):
    """PEM text works as well as a key object; another RSA algorithm."""

    jwt_public = PUBLIC_KEY
    jwt_alg = "RS512"


class JwkAuth(AsyncJwtBearer):
    """A public JWK, as an identity provider publishes it."""

    jwt_public = {**RSA_PRIVATE.as_dict(private=False), "alg": "RS256", "use": "sig"}


class HmacAuth(AsyncJwtBearer):
    """A shared secret: whoever verifies can also sign."""

    jwt_public = jwk.OctKey.import_key(SECRET)
    jwt_alg = "HS256"


class EcAuth(AsyncJwtBearer):
    jwt_public = EC_PRIVATE.as_pem(private=False)
    jwt_alg = "ES256"


class EdAuth(AsyncJwtBearer):
    jwt_public = ED_PRIVATE.as_pem(private=False)
    jwt_alg = "Ed25519"


class KeySetAuth(AsyncJwtBearer):
    """Several keys, picked by the token's `kid`; several algorithms."""

    jwt_public = jwk.KeySet(
        [jwk.import_key(key.as_dict(private=False)) for key in (RSA_PRIVATE, EC_PRIVATE)]
    )
    algorithms = ["RS256", "ES256"]


api = NinjaAIO(urls_namespace="docs-auth-keys")


async def whoami(request):
    return {"sub": request.auth["sub"]}  # the default auth_handler returns the claims



AUTHS = {
    "rs256": JWTAuth,
    "rs512": RS512Auth,
    "jwk": JwkAuth,
    "hs256": HmacAuth,
    "es256": EcAuth,
    "ed25519": EdAuth,
    "keyset": KeySetAuth,
}
for name, auth in AUTHS.items():
    api.get(f"/{name}", auth=auth(), operation_id=f"whoami_{name}")(whoami)
