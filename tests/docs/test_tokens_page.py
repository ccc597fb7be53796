"""docs/tokens.md: the tutorial's flow, run as written."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import override_settings
from joserfc.jwk import RSAKey

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

KEY = RSAKey.generate_key(2048)


@override_settings(JWT_SIGNING_KEYS=[KEY])
async def test_the_tutorial_flow_runs_as_written():
    from docs.examples.tokens_flow import walk_through

    await sync_to_async(get_user_model().objects.create_user)("ada", password="s3cret-pass")
    await walk_through("ada", "s3cret-pass")
