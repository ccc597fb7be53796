"""URLconf serving the main test API, for tests that go through Django's URL resolver."""

from django.urls import path

from tests.viewsets.apis import api

urlpatterns = [path("api/", api.urls)]
