"""URLconf of the combined-options API, for Django's own client (real absolute links)."""

from django.urls import path

from tests.query.apis_cursor import api

urlpatterns = [path("api/", api.urls)]
