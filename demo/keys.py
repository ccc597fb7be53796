"""The demo's signing key: a fresh RSA key each time the process starts."""

from joserfc.jwk import RSAKey

PRIVATE_KEY = RSAKey.generate_key(2048, parameters={"kid": "demo"})
PUBLIC_KEY = RSAKey.import_key(PRIVATE_KEY.as_pem(private=False))
