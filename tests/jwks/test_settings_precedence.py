"""settings.JWT_PUBLIC_KEY never overrides keys the class says to fetch itself."""

from django.test import override_settings
from joserfc.jwk import KeySet
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer, encode_jwt


async def test_get_jwks_override_wins_over_the_settings_key(rsa_key, other_rsa_key):
    settings_key = other_rsa_key.as_pem(private=False).decode()
    with override_settings(JWT_PUBLIC_KEY=settings_key):

        class OwnKeys(AsyncJwtBearer):
            async def get_jwks(self):
                return KeySet([rsa_key]).as_dict(private=False)

        api = NinjaAIO(urls_namespace="jwks-settings-precedence")

        @api.get("/p", auth=OwnKeys())
        async def view(request):
            return {"sub": request.auth["sub"]}

        client = TestAsyncClient(api)
        ours = encode_jwt({"sub": "own"}, 60, rsa_key)
        assert (await client.get("/p", headers={"Authorization": f"Bearer {ours}"})).json() == {
            "sub": "own"
        }
        by_settings_key = encode_jwt({"sub": "settings"}, 60, other_rsa_key)
        refused = await client.get("/p", headers={"Authorization": f"Bearer {by_settings_key}"})
        assert refused.status_code == 401
