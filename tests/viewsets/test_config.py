"""Viewset configuration that would expose secrets is refused up front."""

import pytest
from django.contrib.auth import get_user_model
from ninja.errors import ConfigError
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.models import Serializer
from ninja_aio.views import APIViewSet
from tests.testapp.models import Account, Gadget


def test_a_plain_model_with_a_password_needs_a_serializer():
    # Django's user model: no Serializer is ever declared for it in this suite (a
    # Serializer, once declared, is what a plain ``model = ...`` viewset serves).
    class Exposed(APIViewSet):
        model = get_user_model()
        api = NinjaAIO(urls_namespace="config-user")

    with pytest.raises(ConfigError, match="password"):
        Exposed()


@pytest.mark.django_db(transaction=True)
async def test_the_same_model_through_a_serializer_serves_only_its_fields():
    class AccountSerializer(Serializer):
        class Meta:
            model = Account
            read = {"fields": ["id", "username"]}

    class Listed(APIViewSet):
        serializer_class = AccountSerializer
        api = NinjaAIO(urls_namespace="config-serialized")

    Listed().add_views_to_route()
    account = await Account.objects.acreate(username="kim")
    response = await TestAsyncClient(Listed.api).get("/account/")
    assert response.json()["items"] == [{"id": account.id, "username": "kim"}]
    assert "pbkdf2" not in response.content.decode()


def test_a_plain_model_without_secrets_is_served_as_is():
    class Open(APIViewSet):
        model = Gadget
        api = NinjaAIO(urls_namespace="config-open")

    assert Open().model is Gadget
