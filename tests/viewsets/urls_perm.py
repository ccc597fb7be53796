"""URLconf serving the permission / soft-delete API through Django's resolver."""

from django.urls import path

from tests.viewsets.apis_perm import api

urlpatterns = [path("api/", api.urls)]
