from django.urls import path

from blog.api import api

urlpatterns = [path("api/", api.urls)]
