"""``current_request()`` (hooks) never shows an earlier request, whatever the server."""

from __future__ import annotations

import pytest
from django.http import JsonResponse
from django.test import Client
from django.urls import include, path

from ninja_aio.models.hooks import current_request

pytestmark = pytest.mark.django_db(transaction=True)


def seen(request):
    """A plain Django view on the same thread: what ``current_request()`` shows."""
    held = current_request()
    return JsonResponse({"held": None if held is None else held.path})


urlpatterns = [path("", include("tests.viewsets.urls")), path("seen/", seen)]


def test_wsgi_the_next_request_does_not_see_the_last_viewset_request(settings):
    settings.ROOT_URLCONF = __name__
    client = Client()  # one thread for every request, like a WSGI worker thread
    assert client.get("/api/notes/").status_code == 200
    assert client.get("/seen/").json() == {"held": None}
