"""URLconf of the cursor / conditional-request test API, for Django's client (threads)."""

from django.urls import path

from tests.viewsets.apis_cond import api

urlpatterns = [path("api/", api.urls)]
